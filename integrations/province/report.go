package province

import (
	"context"
	"fmt"
	"net/http"

	"zerovisit/workflow"
)

// Report sends the report of a case at a data version. It is safe to call
// again with the same report, from any replica: the platform acknowledges
// a repeat as a duplicate, and a version older than the one it holds
// without overwriting it. Both count as success.
//
// errors.Is(err, httpx.ErrUnavailable) means try later; an error matching
// workflow.ErrPermanent (ErrInvalidReport, or a refusal of the report)
// means sending it again cannot succeed.
func (c *Client) Report(ctx context.Context, r workflow.ReportProvince) error {
	op := fmt.Sprintf("report case %s version %d", r.Number, r.DataVersion)
	if err := checkReport(r); err != nil {
		return wrapOp(op, err)
	}
	in := reportRequest{
		CaseNumber: r.Number, ItemCode: r.ItemCode, Department: r.Department,
		Status: string(r.Status), DataVersion: r.DataVersion,
		OccurredAt: r.At, ReportedAt: c.now(),
	}
	var out reportResponse
	return c.call(ctx, op, http.MethodPost, "/api/v1/cases/report", in, &out, IdempotencyKey(r.Number, r.DataVersion))
}

func checkReport(r workflow.ReportProvince) error {
	switch {
	case r.Number == "":
		return fmt.Errorf("%w: no case number", ErrInvalidReport)
	case r.ItemCode == "":
		return fmt.Errorf("%w: no item code", ErrInvalidReport)
	case r.Department == "":
		return fmt.Errorf("%w: no department", ErrInvalidReport)
	case r.Status == "":
		return fmt.Errorf("%w: no status", ErrInvalidReport)
	case r.DataVersion <= 0:
		return fmt.Errorf("%w: data version %d is not positive", ErrInvalidReport, r.DataVersion)
	case r.At.IsZero():
		return fmt.Errorf("%w: no status time", ErrInvalidReport)
	}
	return nil
}
