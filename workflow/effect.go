package workflow

// EffectKind names a side effect that leaves the system through the outbox.
type EffectKind string

// Effect is a side effect a transition asks for. Transitions return effects
// as values and never carry them out; the store writes them to the outbox in
// the transaction that saves the transition, and the dispatcher runs them.
// Every effect is a plain struct that encodes to JSON.
type Effect interface {
	EffectKind() EffectKind
}
