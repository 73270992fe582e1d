// Package load drives a running portal the way its users do, over HTTP
// with a bearer token, and measures it: the engine of the loadgen command
// and of the portal's load test.
//
// # Traffic
//
// [Run] starts [Config.Clients] readers, each sending one request after
// the other for [Config.Duration]: the dashboard, the findings list with
// random filters and pages, and the detail of a finding seen in an
// earlier list, in the proportions of [Config.Mix]. Beside them, one
// uploader sends a small SARIF scan every [Config.UploadEvery], each a
// new scan of the application: a window of findings that moves at each
// upload, so that every scan opens some findings and fixes others while
// the number of records stays bounded. No request follows a redirect; a
// status below 400 is a success, anything else (or a transport error) an
// error.
//
// # Results
//
// [Result] has, per endpoint, the requests, the errors, the requests per
// second and the 50th, 90th and 99th percentile and maximum latency, as
// text ([Result.WriteText]) or JSON.
//
// # Seeding
//
// [Seed] uploads a large application through the portal itself: N
// findings of five tools (SAST, secrets, infrastructure as code, and
// dependencies), as one upload of one SARIF file per tool, so that the
// store holds what a real application's scans would leave.
package load
