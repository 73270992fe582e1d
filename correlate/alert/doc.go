// Package alert turns what correlation finds into alerts: events,
// consolidated into digests, rate-limited, handed to sinks. The package
// never sends on its own: the embedding application chooses and
// configures the sinks, and decides when to send.
//
// It works on [findings.Finding] values and its own types, and does not
// import the core correlate package, a database or a policy engine.
//
// # Events
//
// An [Event] is one thing worth telling: a new finding at or above a
// priority, a vulnerability listed in CISA's KEV catalog, a breached SLA, a
// reopened finding, an expired risk acceptance (see [Type]). The lifecycle
// code of the correlate package, or the application, builds events;
// [FromFinding] and [KEVListed] fill them from a finding. A [Policy]
// decides which events are raised: by default every type at priority P2
// or above.
//
// # Digests
//
// A [Batcher] groups events by [DigestKey] (tenant, application, asset,
// type, rule) into a [Digest]: a count, the first and last times, the most
// urgent priority and highest severity, and a capped sample of the events.
// A digest is handed out by [Batcher.Flush] once its window has passed, so
// that fifty findings of one rule on one asset make one alert.
//
// # Rate limits
//
// A [Limiter] is a token bucket per key that takes the current time as a
// parameter: it reads no clock, starts no goroutine and sets no timer, so
// it behaves the same in tests and in replays. A [Rate] of the zero value
// sets no limit.
//
// # Sinks and dispatch
//
// A [Sink] delivers digests. [WebhookSink] is a ready-made one that POSTs
// a JSON [Payload], optionally signed with HMAC-SHA256 ([Sign], [Verify]),
// retrying on 5xx and 429 with backoff and honoring Retry-After, and never
// following a redirect to another host. A receiver reads the payload with
// [DecodePayload]. Any other destination (chat, tickets, a queue) is a
// Sink the application writes, or a [SinkFunc].
//
// A [Dispatcher] ties the pieces together: [Dispatcher.Add] applies the
// policy and digests the event; [Dispatcher.Dispatch], called with the
// current time, sends what is due within the per-sink and per-digest rate
// limits; [Dispatcher.Drain] sends everything at shutdown. Nothing is
// dropped silently: a [Report] lists what each sink got and what it did
// not, and digests held back by a rate limit stay queued, absorbing later
// events of their key.
//
// # Determinism
//
// The same events give the same digests, in the same order, whatever the
// order they were added in: digests are sorted most urgent first
// ([SortDigests]), and a digest's sample keeps the earliest events in a
// total order. Times are kept in UTC. JSON encodings are stable and use
// snake_case names.
//
// # Errors
//
// Bad input gives an [*InputError] naming the field or JSON path (and the
// byte offset in a payload), wrapping [ErrInvalid], [ErrSyntax] or
// [ErrLimit]. Bounds reached give a [*LimitError]. A webhook failure is a
// [*DeliveryError], which names the endpoint by scheme and host only; a
// dispatcher wraps each failing sink's error in a [*SinkError] and joins
// them with [errors.Join].
package alert
