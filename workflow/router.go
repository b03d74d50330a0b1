package workflow

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoIntegration means no party is configured to carry out an effect kind.
// The dispatcher retries such an entry with backoff until it is parked as
// dead, so an effect is never dropped: once the integration is configured,
// an operator re-drives it.
var ErrNoIntegration = errors.New("no integration configured")

// EffectHandler carries out one decoded effect. The entry gives its outbox
// ID, the idempotency key the receiving party sees.
type EffectHandler func(ctx context.Context, e OutboxEntry, eff Effect) error

// EffectRouter is the dispatcher's Runner: it decodes each outbox entry and
// hands it to the handler registered for its kind.
type EffectRouter struct {
	handlers map[EffectKind]EffectHandler
}

// NewEffectRouter returns a router with no handlers.
func NewEffectRouter() *EffectRouter {
	return &EffectRouter{handlers: map[EffectKind]EffectHandler{}}
}

// Handle registers h for kind, replacing any earlier handler.
func (r *EffectRouter) Handle(kind EffectKind, h EffectHandler) {
	r.handlers[kind] = h
}

// Handles reports whether a handler is registered for kind.
func (r *EffectRouter) Handles(kind EffectKind) bool {
	_, ok := r.handlers[kind]
	return ok
}

// Run decodes e and runs its handler. A payload that cannot be decoded is a
// permanent failure: retrying it cannot help.
func (r *EffectRouter) Run(ctx context.Context, e OutboxEntry) error {
	eff, err := DecodeEffect(e.Kind, e.Payload)
	if err != nil {
		return fmt.Errorf("decode %s entry %d: %w: %w", e.Kind, e.ID, ErrPermanent, err)
	}
	h, ok := r.handlers[e.Kind]
	if !ok {
		return fmt.Errorf("%w for %s", ErrNoIntegration, e.Kind)
	}
	return h(ctx, e, eff)
}
