package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/exchange"
	"zerovisit/workflow/ident"
)

// maxRequest bounds a request body.
const maxRequest = 1 << 20

func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+basedata.PathVerify, s.handleVerify)
	mux.HandleFunc("POST "+basedata.PathResident, s.handleResident)
	mux.HandleFunc("POST "+basedata.PathCompany, s.handleCompany)
	mux.HandleFunc("POST "+basedata.PathRepresentative, s.handleRepresentative)
	mux.HandleFunc("/", exchange.NotFound)
	return mux
}

func (s *Sandbox) handleVerify(w http.ResponseWriter, r *http.Request) {
	var req basedata.VerifyRequest
	if !decode(w, r, &req) {
		return
	}
	id, err := ident.ParseResidentID(req.IDNumber, s.now())
	if err != nil || strings.TrimSpace(req.Name) == "" {
		badRequest(w, "姓名或身份证号码不正确")
		return
	}
	res := basedata.ResultNoRecord
	if p, ok, _ := s.person(id.Number); ok {
		res = basedata.ResultMismatch
		if p.Name == strings.TrimSpace(req.Name) {
			res = basedata.ResultMatch
		}
	}
	s.answer(w, r, basedata.VerifyResult{Result: res})
}

func (s *Sandbox) handleResident(w http.ResponseWriter, r *http.Request) {
	var req basedata.ResidentRequest
	if !decode(w, r, &req) {
		return
	}
	id, err := ident.ParseResidentID(req.IDNumber, s.now())
	if err != nil {
		badRequest(w, "身份证号码不正确")
		return
	}
	if len(req.Fields) == 0 {
		badRequest(w, "请指明所需字段")
		return
	}
	for _, f := range req.Fields {
		if !slices.Contains(basedata.Fields(), f) {
			badRequest(w, "所需字段不在共享目录中")
			return
		}
	}
	p, ok, overShare := s.person(id.Number)
	if !ok {
		exchange.WriteError(w, http.StatusNotFound, basedata.CodeNoRecord, "人口库中无此人员信息")
		return
	}
	fields := req.Fields
	if overShare {
		fields = basedata.Fields()
	}
	out := basedata.Resident{IDNumber: p.IDNumber}
	for _, f := range fields {
		switch f {
		case basedata.FieldName:
			out.Name = p.Name
		case basedata.FieldAddress:
			out.Address = p.Address
		case basedata.FieldHousehold:
			h := p.Household
			out.Household = &h
		}
	}
	s.answer(w, r, out)
}

func (s *Sandbox) handleCompany(w http.ResponseWriter, r *http.Request) {
	var req basedata.CompanyRequest
	if !decode(w, r, &req) {
		return
	}
	code, err := ident.ParseUSCC(req.USCC)
	if err != nil {
		badRequest(w, "统一社会信用代码不正确")
		return
	}
	e, ok := s.entity(code.Code)
	if !ok {
		exchange.WriteError(w, http.StatusNotFound, basedata.CodeNoRecord, "法人库中无此主体信息")
		return
	}
	s.answer(w, r, basedata.Company{
		USCC: e.USCC, Name: e.Name, Kind: e.Kind,
		LegalRepresentative: basedata.Representative{Name: e.LegalRepName, IDNumberMasked: ident.MaskResidentID(e.LegalRepID)},
		Status:              e.Status, RegisteredAddress: e.RegisteredAddress, EstablishedOn: e.EstablishedOn,
	})
}

// handleRepresentative compares a name and full ID number with the
// company's legal representative; it answers match or mismatch only.
func (s *Sandbox) handleRepresentative(w http.ResponseWriter, r *http.Request) {
	var req basedata.RepresentativeRequest
	if !decode(w, r, &req) {
		return
	}
	code, err := ident.ParseUSCC(req.USCC)
	if err != nil {
		badRequest(w, "统一社会信用代码不正确")
		return
	}
	id, err := ident.ParseResidentID(req.IDNumber, s.now())
	if err != nil || strings.TrimSpace(req.Name) == "" {
		badRequest(w, "姓名或身份证号码不正确")
		return
	}
	e, ok := s.entity(code.Code)
	if !ok {
		exchange.WriteError(w, http.StatusNotFound, basedata.CodeNoRecord, "法人库中无此主体信息")
		return
	}
	res := basedata.ResultMismatch
	if e.LegalRepID == id.Number && e.LegalRepName == strings.TrimSpace(req.Name) {
		res = basedata.ResultMatch
	}
	s.answer(w, r, basedata.VerifyResult{Result: res})
}

// answer sends data and logs the disclosure.
func (s *Sandbox) answer(w http.ResponseWriter, r *http.Request, data any) {
	raw, err := json.Marshal(data)
	if err != nil {
		exchange.WriteError(w, http.StatusInternalServerError, "internal_error", "系统内部错误")
		return
	}
	s.disclose(r.URL.Path, raw)
	exchange.WriteData(w, http.StatusOK, json.RawMessage(raw))
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	return exchange.ReadRequest(w, r, maxRequest, v)
}

func badRequest(w http.ResponseWriter, message string) {
	exchange.WriteError(w, http.StatusBadRequest, basedata.CodeBadRequest, message)
}
