package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/integrations/elicense"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// apiError is a refusal with its HTTP status, envelope code and message.
type apiError struct {
	status  int
	code    string
	message string
}

// Error returns the envelope code.
func (e *apiError) Error() string { return e.code }

var (
	errNotFound      = &apiError{http.StatusNotFound, elicense.CodeNotFound, "证照不存在"}
	errCaseConflict  = &apiError{http.StatusConflict, elicense.CodeCaseConflict, "该办件已签发其他持证主体或类型的证照"}
	errUnknownIssuer = &apiError{http.StatusUnprocessableEntity, elicense.CodeUnknownIssuer, "签发机构未在电子证照库登记"}
)

func badRequest(message string) *apiError {
	return &apiError{http.StatusBadRequest, elicense.CodeBadRequest, message}
}

// issue stores a licence for req (already validated), or returns the one
// req.CaseNumber issued before; created tells which.
func (s *Sandbox) issue(req elicense.IssueRequest) (l elicense.Licence, created bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.CaseNumber != "" {
		if id, ok := s.byCase[req.CaseNumber]; ok {
			old := s.licences[id].licence
			if old.HolderID != req.HolderID || old.Type != req.Type {
				return elicense.Licence{}, false, errCaseConflict
			}
			return old, false, nil
		}
	}
	if _, ok := s.issuers[req.IssuerCode]; !ok || !s.keyring.Has(req.IssuerCode) {
		return elicense.Licence{}, false, errUnknownIssuer
	}
	issued := req.IssuedOn
	if issued.IsZero() {
		issued = workflow.DateOf(s.now())
	}
	key := req.Type + "/" + req.IssuerCode
	s.serials[key]++
	serial := fmt.Sprintf("%04d%06d", issued.Year, s.serials[key])
	id, err := ident.BuildLicenceID(req.Type, req.IssuerCode, serial, 1)
	if err != nil {
		return elicense.Licence{}, false, badRequest("无法生成证照标识")
	}
	l = elicense.Licence{
		ID: id, Type: req.Type, Name: req.Name,
		HolderName: maskHolder(req.HolderID, req.HolderName), HolderID: req.HolderID,
		Issuer: req.Issuer, IssuerCode: req.IssuerCode,
		IssuedOn: issued, ExpiresOn: req.ExpiresOn,
		Items:  maps.Clone(req.Items),
		Status: elicense.StatusValid, CaseNumber: req.CaseNumber,
		FileURL: elicense.FilePath(id),
	}
	file := req.File
	if len(file) == 0 {
		file = render(l, req.HolderName)
	}
	s256, s3 := sha256.Sum256(file), sm3.Sum(file)
	l.FileSHA256, l.FileSM3 = hex.EncodeToString(s256[:]), hex.EncodeToString(s3[:])
	if err := s.keyring.SignLicence(&l); err != nil {
		return elicense.Licence{}, false, errUnknownIssuer
	}
	s.licences[id] = &entry{licence: l, holderName: req.HolderName, file: slices.Clone(file)}
	s.order = append(s.order, id)
	if req.CaseNumber != "" {
		s.byCase[req.CaseNumber] = id
	}
	return l, true, nil
}

// revoke marks the licence named by id or by case number revoked.
func (s *Sandbox) revoke(req elicense.RevokeRequest) (elicense.Licence, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := req.LicenceID
	if id == "" {
		id = s.byCase[req.CaseNumber]
	}
	e, ok := s.licences[id]
	if !ok {
		return elicense.Licence{}, errNotFound
	}
	if e.licence.Status != elicense.StatusRevoked {
		e.licence.Status = elicense.StatusRevoked
		e.licence.RevokedAt = s.now().UTC()
		e.licence.RevokeReason = req.Reason
	}
	return e.licence, nil
}

// query returns the holder's licences of licenceType ("" for all).
func (s *Sandbox) query(holderID, licenceType string) []elicense.Licence {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []elicense.Licence{}
	for _, id := range s.order {
		l := s.licences[id].licence
		if l.HolderID == holderID && (licenceType == "" || l.Type == licenceType) {
			out = append(out, l)
		}
	}
	return out
}

// file returns a licence's file.
func (s *Sandbox) file(id string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.licences[id]
	if !ok {
		return nil, errNotFound
	}
	return slices.Clone(e.file), nil
}

// maskHolder masks a natural person's name; organisations' names are public.
func maskHolder(holderID, name string) string {
	if _, err := ident.ParseUSCC(holderID); err == nil {
		return name
	}
	return ident.MaskName(name)
}

// render makes the stand-in licence file: a plain-text rendering of the licence.
func render(l elicense.Licence, holderName string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n证照标识：%s\n持证主体：%s\n签发机构：%s\n签发日期：%s\n", l.Name, l.ID, holderName, l.Issuer, l.IssuedOn)
	if !l.ExpiresOn.IsZero() {
		fmt.Fprintf(&b, "有效期至：%s\n", l.ExpiresOn)
	} else {
		b.WriteString("有效期至：长期\n")
	}
	for _, k := range slices.Sorted(maps.Keys(l.Items)) {
		fmt.Fprintf(&b, "%s：%s\n", k, l.Items[k])
	}
	return []byte(b.String())
}

// asAPIError turns err into the refusal to answer with.
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return &apiError{http.StatusInternalServerError, elicense.CodeInternal, "系统内部错误"}
}
