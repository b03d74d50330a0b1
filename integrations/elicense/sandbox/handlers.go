package sandbox

import (
	"errors"
	"net/http"
	"strings"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/exchange"
	"zerovisit/workflow/ident"
)

// maxRequest bounds a request body.
const maxRequest = 8 << 20

func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+elicense.PathQuery, s.handleQuery)
	mux.HandleFunc("POST "+elicense.PathIssue, s.handleIssue)
	mux.HandleFunc("POST "+elicense.PathRevoke, s.handleRevoke)
	mux.HandleFunc("GET /v1/licences/{id}", s.handleLicence)
	mux.HandleFunc("GET /v1/licences/{id}/file", s.handleFile)
	mux.HandleFunc("GET /v1/issuers/{uscc}/public-key", s.handlePublicKey)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		exchange.WriteError(w, http.StatusNotFound, elicense.CodeNotFound, "接口不存在")
	})
	return mux
}

func (s *Sandbox) handleQuery(w http.ResponseWriter, r *http.Request) {
	var req elicense.QueryRequest
	if !decode(w, r, &req) {
		return
	}
	holder, err := exchange.ParseSubject(req.HolderID, s.now())
	if err != nil {
		fail(w, badRequest("持证主体证件号码不正确"))
		return
	}
	exchange.WriteData(w, http.StatusOK, elicense.LicenceList{Licences: s.query(holder.ID, strings.ToLower(req.LicenceType))})
}

func (s *Sandbox) handleIssue(w http.ResponseWriter, r *http.Request) {
	var req elicense.IssueRequest
	if !decode(w, r, &req) {
		return
	}
	req, err := req.Validate(s.now())
	if err != nil {
		msg := "签发请求不完整或格式不正确"
		var ie *ident.Error
		if errors.As(err, &ie) {
			msg = ie.Message
		}
		fail(w, badRequest(msg))
		return
	}
	l, created, err := s.issue(req)
	if err != nil {
		fail(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	exchange.WriteData(w, status, l)
}

func (s *Sandbox) handleRevoke(w http.ResponseWriter, r *http.Request) {
	var req elicense.RevokeRequest
	if !decode(w, r, &req) {
		return
	}
	if (req.LicenceID == "") == (req.CaseNumber == "") || strings.TrimSpace(req.Reason) == "" {
		fail(w, badRequest("须且只须指定证照标识或办件编号之一，并说明撤销原因"))
		return
	}
	l, err := s.revoke(req)
	if err != nil {
		fail(w, err)
		return
	}
	exchange.WriteData(w, http.StatusOK, l)
}

func (s *Sandbox) handleLicence(w http.ResponseWriter, r *http.Request) {
	l, ok := s.Licence(r.PathValue("id"))
	if !ok {
		fail(w, errNotFound)
		return
	}
	exchange.WriteData(w, http.StatusOK, l)
}

func (s *Sandbox) handleFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	b, err := s.file(id)
	if err != nil {
		fail(w, err)
		return
	}
	exchange.WriteData(w, http.StatusOK, elicense.FileData{LicenceID: id, ContentType: "text/plain; charset=utf-8", Content: b})
}

func (s *Sandbox) handlePublicKey(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("uscc")
	pub, ok := s.keyring.PublicKey(code)
	if !ok {
		fail(w, &apiError{http.StatusNotFound, elicense.CodeNotFound, "签发机构未登记公钥"})
		return
	}
	enc, err := elicense.MarshalPublicKey(pub)
	if err != nil {
		fail(w, err)
		return
	}
	exchange.WriteData(w, http.StatusOK, elicense.PublicKeyData{IssuerCode: code, Algorithm: "SM2", PublicKey: enc})
}

// decode reads a JSON body into v, answering 400 itself if it cannot.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	return exchange.ReadRequest(w, r, maxRequest, v)
}

func fail(w http.ResponseWriter, err error) {
	ae := asAPIError(err)
	exchange.WriteError(w, ae.status, ae.code, ae.message)
}
