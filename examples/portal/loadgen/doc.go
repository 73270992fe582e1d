// Command loadgen loads a running portal over HTTP and prints, per
// endpoint, the requests, errors, requests per second and latency
// percentiles. It is how scripts/portal-load.sh measures the portal at
// 100,000 findings; the traffic is that of the portal's internal/load
// package.
//
// # Running it
//
//	loadgen -token TOKEN [-app NAME] [-clients 8] [-duration 30s]
//	        [-mix dashboard=2,list=2,detail=1] [-upload-every 2s]
//	        [-upload-findings 20] [-timeout 60s] [-seed 1]
//	        [-json FILE] URL
//	loadgen -token TOKEN [-app NAME] -seed-findings N URL
//
// URL is the portal's address, like http://127.0.0.1:8080. The token (or
// the LOADGEN_TOKEN environment variable, which keeps it out of the
// process list) is a bearer token of the portal's users file, of an admin
// when the run uploads. -app names the application, addressed under
// /apps/NAME/ (the portal's teams mode); without it the root routes of
// the single-application mode are used.
//
// The readers (-clients) send one request after the other for -duration:
// the dashboard, the findings list with random filters and pages, and
// the detail of a finding an earlier list showed, weighed by -mix. One
// uploader sends a scan of -upload-findings findings every -upload-every
// (0 for none), each a new scan. Requests in flight at the end are waited
// for. The table goes to standard output; -json writes the figures as
// JSON too ("-" for standard output, instead of the table).
//
// -seed-findings N uploads N findings of five tools to the application
// (one upload, applied by the portal as five scans) and exits: the way
// the load script fills its store.
//
// # Exit status
//
// 0 when every request succeeded, 1 when some failed (a status of 400 or
// more, or no response), 2 on bad usage.
package main
