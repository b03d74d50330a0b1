package sandbox

import (
	"net/http"
	"strings"

	"zerovisit/integrations/credit"
	"zerovisit/integrations/exchange"
)

// maxRequest bounds a request body.
const maxRequest = 1 << 20

func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+credit.PathStatus, s.handleStatus)
	mux.HandleFunc("POST "+credit.PathFalseCommitments, s.handleRecord)
	mux.HandleFunc("/", exchange.NotFound)
	return mux
}

func (s *Sandbox) handleStatus(w http.ResponseWriter, r *http.Request) {
	var req credit.StatusRequest
	if !decode(w, r, &req) {
		return
	}
	sub, err := exchange.ParseSubject(req.SubjectID, s.now())
	if err != nil {
		badRequest(w, "主体证件号码不正确")
		return
	}
	exchange.WriteData(w, http.StatusOK, s.Standing(sub.ID))
}

func (s *Sandbox) handleRecord(w http.ResponseWriter, r *http.Request) {
	var fc credit.FalseCommitment
	if !decode(w, r, &fc) {
		return
	}
	sub, err := exchange.ParseSubject(fc.SubjectID, s.now())
	if err != nil {
		badRequest(w, "主体证件号码不正确")
		return
	}
	fc.SubjectID = sub.ID
	fc.CaseNumber = strings.TrimSpace(fc.CaseNumber)
	if fc.CaseNumber == "" || strings.TrimSpace(fc.Reason) == "" || fc.OccurredAt.IsZero() {
		badRequest(w, "办件编号、失信原因和发生时间不能为空")
		return
	}
	if !fc.ExpiresAt.IsZero() && !fc.ExpiresAt.After(fc.OccurredAt) {
		badRequest(w, "失效时间须晚于发生时间")
		return
	}
	rec, created, same := s.record(fc)
	if !same {
		exchange.WriteError(w, http.StatusConflict, credit.CodeCaseConflict, "该办件已记录其他主体的失信信息")
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	exchange.WriteData(w, status, credit.RecordResult{RecordID: rec.ID, Created: created})
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	return exchange.ReadRequest(w, r, maxRequest, v)
}

func badRequest(w http.ResponseWriter, message string) {
	exchange.WriteError(w, http.StatusBadRequest, credit.CodeBadRequest, message)
}
