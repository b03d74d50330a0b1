package elicense

import (
	"context"
	"errors"

	"zerovisit/integrations/httpx"
	"zerovisit/workflow"
)

// Reasons a Lookup gives the applicant for asking for an upload.
const (
	ReasonUnavailable = "电子证照库暂不可用，请上传材料"
	ReasonNone        = "电子证照库中未查到有效证照，请上传材料"
)

// LookupResult is what pre-filling an application found.
type LookupResult struct {
	// Licences are the holder's usable licences (valid, not expired).
	Licences []Licence
	// Degraded is true when the library could not be asked: the
	// application goes on with an upload instead.
	Degraded bool
	// Reason, set when Licences is empty, tells the applicant (in Chinese)
	// why an upload is needed.
	Reason string
}

// Lookup finds the holder's usable licences of licenceType for pre-filling.
// When the library is unavailable (a timeout, an open breaker, a 5xx) it
// does not fail: the result is Degraded with a Reason, and the caller asks
// for an upload. Other errors (a malformed ID, refused credentials) are
// returned.
func (c *Client) Lookup(ctx context.Context, holderID, licenceType string) (LookupResult, error) {
	all, err := c.Licences(ctx, holderID, licenceType)
	if errors.Is(err, httpx.ErrUnavailable) {
		return LookupResult{Degraded: true, Reason: ReasonUnavailable}, nil
	}
	if err != nil {
		return LookupResult{}, err
	}
	today := workflow.DateOf(c.now())
	var res LookupResult
	for _, l := range all {
		if l.Usable(today) {
			res.Licences = append(res.Licences, l)
		}
	}
	if len(res.Licences) == 0 {
		res.Reason = ReasonNone
	}
	return res, nil
}
