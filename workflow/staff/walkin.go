package staff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// Walkin is a walk-in applicant registered at a counter. The identity is
// sealed; IDIndex is the blind index of the ID number that finds the
// person again, PhoneIndex that of the phone (empty when none was given).
type Walkin struct {
	ID          string
	IDIndex     string
	PhoneIndex  string
	IDSealed    string
	NameSealed  string
	PhoneSealed string
	CreatedAt   time.Time
}

// walkinPrefix marks applicant ids registered at a counter.
const walkinPrefix = "ca-"

// IsWalkin reports whether an applicant id was registered at a counter.
func IsWalkin(applicantID string) bool { return strings.HasPrefix(applicantID, walkinPrefix) }

// walkinContext binds a sealed field to its walk-in applicant.
func walkinContext(id, field string) string { return "counter_applicant:" + id + ":" + field }

// register finds or registers the person applying at a counter, after
// checking name and ID number with the population library, and returns the
// applicant id cases are opened for: their online account when they have
// one, else a walk-in applicant whose identity is kept sealed and found
// again by its blind index (the same index kind the citizen store uses).
// The online account counts only when its holder proved to be the person
// (a face check, or a counter's check of the card): a name and number
// bound by someone else must not receive the walk-in's case.
func (s *Service) register(ctx context.Context, name, idNumber, phone string) (string, error) {
	id, err := ident.ParseResidentID(idNumber, s.cfg.Now())
	if err != nil {
		return "", workflow.Refuse(workflow.ErrInvalidInput, "invalid_id_number", "身份证号码不正确")
	}
	match, err := s.cfg.Population.VerifyRealName(ctx, name, id.Number)
	switch {
	case errors.Is(err, workflow.ErrNotFound):
		return "", workflow.Refuse(workflow.ErrInvalidInput, "real_name_unknown", "人口库中查无此身份证号").Because(err)
	case err != nil:
		return "", fmt.Errorf("register counter applicant: population library: %w", err)
	case !match:
		return "", workflow.Refuse(workflow.ErrInvalidInput, "real_name_mismatch", "姓名与身份证号码不一致")
	}
	if s.cfg.Citizens != nil {
		known, level, err := s.cfg.Citizens.FindPerson(ctx, id.Number)
		if err == nil && level.AtLeast(workflow.AssuranceVerifiedPerson) {
			return known, nil
		}
		if err != nil && !errors.Is(err, workflow.ErrNotFound) {
			return "", fmt.Errorf("register counter applicant: %w", err)
		}
	}
	w, err := s.sealWalkin(walkinPrefix+s.cfg.NewID(), id.Number, name, phone)
	if err != nil {
		return "", err
	}
	got, _, err := s.cfg.Store.FindOrCreateApplicant(ctx, w)
	if err != nil {
		return "", err
	}
	return got.ID, nil
}

// sealWalkin seals a new walk-in applicant's identity.
func (s *Service) sealWalkin(id, idNumber, name, phone string) (Walkin, error) {
	seal := func(v, f string) (string, error) { return s.cfg.Sealer.Seal(v, walkinContext(id, f)) }
	idS, err1 := seal(idNumber, "id_number")
	nameS, err2 := seal(name, "name")
	phoneS, err3 := seal(phone, "phone")
	if err := errors.Join(err1, err2, err3); err != nil {
		return Walkin{}, fmt.Errorf("register counter applicant: %w", err)
	}
	return Walkin{ID: id, IDIndex: s.cfg.Sealer.Index(workflow.IndexResidentID, idNumber), IDSealed: idS, NameSealed: nameS,
		PhoneSealed: phoneS, PhoneIndex: s.phoneIndex(phone), CreatedAt: s.cfg.Now()}, nil
}

// phoneIndex is the blind index of a mobile number as Search looks it up,
// or "" for none.
func (s *Service) phoneIndex(phone string) string {
	if m := ident.NormalizeMobile(phone); ident.ValidMobile(m) {
		return s.cfg.Sealer.Index(indexPhone, m)
	}
	return ""
}

// WalkinHolder opens a walk-in applicant's sealed ID number and name, for
// licences and credit records; ok is false for an applicant who was not
// registered at a counter.
func (s *Service) WalkinHolder(ctx context.Context, applicantID string) (h Holder, ok bool, err error) {
	if !IsWalkin(applicantID) {
		return Holder{}, false, nil
	}
	w, err := s.cfg.Store.CounterApplicantByID(ctx, applicantID)
	if err != nil {
		return Holder{}, true, err
	}
	if s.cfg.Sealer == nil {
		return Holder{}, true, fmt.Errorf("open counter applicant %s: %w: sealer", w.ID, workflow.ErrNoIntegration)
	}
	number, err1 := s.cfg.Sealer.Open(w.IDSealed, walkinContext(w.ID, "id_number"))
	name, err2 := s.cfg.Sealer.Open(w.NameSealed, walkinContext(w.ID, "name"))
	if err := errors.Join(err1, err2); err != nil {
		return Holder{}, true, fmt.Errorf("open counter applicant %s: %w", w.ID, err)
	}
	return Holder{ID: number, Name: name}, true, nil
}

// holder is who an applicant is: a walk-in by their sealed identity, anyone
// else through Holders.
func (s *Service) holder(ctx context.Context, applicantID string) (Holder, error) {
	if h, ok, err := s.WalkinHolder(ctx, applicantID); ok {
		return h, err
	}
	return s.cfg.Holders.Holder(ctx, applicantID)
}
