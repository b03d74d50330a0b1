package app

import (
	"context"
	"fmt"

	"zerovisit/workflow"
	"zerovisit/workflow/feedback"
)

// routeEvaluationReports sends each rating, and later the outcome of its
// follow-up, to the provincial 好差评 system: the report_evaluation
// entries the evaluation store queues with the rating and with the last
// step of the cycle. The report is built when the entry runs, so a retry
// after a failure sends the newest state; the system keeps the latest
// version of each evaluation id.
func (a *App) routeEvaluationReports() {
	a.effects.Handle(workflow.KindReportEvaluation, func(ctx context.Context, _ workflow.OutboxEntry, eff workflow.Effect) error {
		e := eff.(workflow.ReportEvaluation)
		if a.citizen == nil || a.citizen.deps.Evaluations == nil {
			return fmt.Errorf("%w: evaluations", workflow.ErrNoIntegration)
		}
		r, err := a.citizen.deps.Evaluations.ReportOf(ctx, e.CaseID, feedback.Stage(e.Stage))
		if err != nil {
			return err
		}
		_, err = a.parties.goodbad.Report(ctx, r)
		return err
	})
}
