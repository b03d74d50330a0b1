package workflow

// Waker is told that a change asking for effects has been stored, so that
// whoever delivers them starts now rather than at its next poll of the
// outbox. Wake must return at once. Wake-ups may be coalesced, and one that
// is lost costs only the wait for that next poll: the outbox, not the
// wake-up, is what makes an effect durable.
type Waker interface {
	Wake()
}

// Wakers wakes each of its members in turn.
type Wakers []Waker

// Wake wakes every member.
func (ws Wakers) Wake() {
	for _, w := range ws {
		w.Wake()
	}
}

// Wakeup is the Waker a dispatcher waits on in-process: any number of Wake
// calls made while the dispatcher is busy leave one wake-up pending, which it
// takes when it next waits. Its zero value is not usable; use NewWakeup.
type Wakeup struct {
	ch chan struct{}
}

// NewWakeup returns a Wakeup with nothing pending.
func NewWakeup() *Wakeup {
	return &Wakeup{ch: make(chan struct{}, 1)}
}

// Wake leaves a wake-up pending unless one already is. It never blocks.
func (w *Wakeup) Wake() {
	select {
	case w.ch <- struct{}{}:
	default:
	}
}

// C receives once per pending wake-up.
func (w *Wakeup) C() <-chan struct{} {
	return w.ch
}
