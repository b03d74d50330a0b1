package workflow

// KindReportEvaluation reports a rating (好差评) and later its
// rectification outcome to the provincial 好差评 system.
const KindReportEvaluation EffectKind = "report_evaluation"

// ReportEvaluation asks for the current state of one evaluation (the
// rating, then the outcome of its follow-up) to be sent upward. The runner
// reads that state when it runs, so a late entry sends the newest version;
// the system keeps the latest version of each evaluation id.
type ReportEvaluation struct {
	CaseID       string `json:"case_id"`
	EvaluationID string `json:"evaluation_id"`
	Stage        string `json:"stage"`
}

// EffectKind returns KindReportEvaluation.
func (ReportEvaluation) EffectKind() EffectKind { return KindReportEvaluation }
