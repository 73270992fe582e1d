package alert

import "context"

// Sink delivers digests somewhere: a webhook, a chat channel, a ticket
// system, a queue. The package never sends on its own: the embedding
// application chooses and configures the sinks, and a [Dispatcher] calls
// them when the application asks it to.
//
// Send delivers digests, in the order given (most urgent first), or
// reports why it could not; it should return promptly when ctx is done. It
// must not modify the digests or keep them after it returns. An
// implementation used by a [Dispatcher] is called by one goroutine at a
// time, unless the application shares it between dispatchers.
type Sink interface {
	Send(ctx context.Context, digests []Digest) error
}

// SinkFunc adapts a function to the [Sink] interface. It is as safe for
// concurrent use as the function is.
type SinkFunc func(ctx context.Context, digests []Digest) error

// Send calls f(ctx, digests).
func (f SinkFunc) Send(ctx context.Context, digests []Digest) error { return f(ctx, digests) }

// Target is a sink with the name a [Dispatcher] knows it by: in rate
// limits, reports and errors. It is a plain value, safe for concurrent
// use.
type Target struct {
	// Name is unique among a dispatcher's targets and not empty.
	Name string
	// Sink is where the digests go.
	Sink Sink
}
