package httpx

import (
	"errors"

	"github.com/sony/gobreaker/v2"
)

// breakerSettings turns BreakerOptions into gobreaker settings. The breaker
// sees every attempt, so a party that fails all retries of one call counts
// once per attempt.
func (c *Client) breakerSettings() gobreaker.Settings {
	b := c.opts.Breaker
	st := gobreaker.Settings{
		Name:        c.party,
		MaxRequests: b.HalfOpenRequests,
		Interval:    b.Interval,
		Timeout:     b.CoolDown,
		ReadyToTrip: func(n gobreaker.Counts) bool {
			if n.ConsecutiveFailures >= b.ConsecutiveFailures {
				return true
			}
			total := n.TotalSuccesses + n.TotalFailures
			return b.FailureRatio > 0 && total >= b.MinRequests &&
				float64(n.TotalFailures) >= b.FailureRatio*float64(total)
		},
		IsSuccessful: func(err error) bool {
			var se *StatusError
			if errors.As(err, &se) {
				return !breakerFailure(se.Status)
			}
			// A body over the limit came from a party that is up.
			return err == nil || errors.Is(err, errTooLarge)
		},
		IsExcluded: func(err error) bool {
			var ce *excludedError
			return errors.As(err, &ce) || errors.Is(err, ErrNotLoopback)
		},
	}
	if f := c.opts.OnStateChange; f != nil {
		// gobreaker calls this with its lock held: it must not call back into the Client.
		st.OnStateChange = func(name string, from, to gobreaker.State) { f(name, from.String(), to.String()) }
	}
	return st
}
