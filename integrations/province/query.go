package province

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Get returns what the platform holds of a case, or an error matching
// ErrNotHeld.
func (c *Client) Get(ctx context.Context, number string) (Held, error) {
	op := "get case " + number
	if number == "" {
		return Held{}, wrapOp(op, fmt.Errorf("%w: no case number", ErrInvalidReport))
	}
	var out caseResponse
	if err := c.call(ctx, op, http.MethodGet, "/api/v1/cases/"+url.PathEscape(number), nil, &out, ""); err != nil {
		return Held{}, err
	}
	return out.Case.held(), nil
}

// Query returns what the platform holds of each of numbers that it holds;
// a number it does not hold has no entry. More than MaxQuery numbers are
// asked for in several batches.
func (c *Client) Query(ctx context.Context, numbers []string) (map[string]Held, error) {
	held := make(map[string]Held, len(numbers))
	seen := make(map[string]bool, len(numbers))
	batch := make([]string, 0, min(len(numbers), MaxQuery))
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var out queryResponse
		op := fmt.Sprintf("query %d cases", len(batch))
		if err := c.call(ctx, op, http.MethodPost, "/api/v1/cases/query", queryRequest{CaseNumbers: batch}, &out, ""); err != nil {
			return err
		}
		for _, h := range out.Cases {
			held[h.CaseNumber] = h.held()
		}
		batch = batch[:0]
		return nil
	}
	for _, n := range numbers {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		batch = append(batch, n)
		if len(batch) == MaxQuery {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return held, nil
}
