package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"zerovisit/workflow"
)

// DefaultLinkTTL is how long a one-time evaluation link is valid: long
// enough for a result delivered by courier to arrive and be judged.
const DefaultLinkTTL = 30 * 24 * time.Hour

// Token is a one-time evaluation link (the QR code printed on the
// acceptance notice and on the result, an SMS link, the pad at the
// window) for one case and stage. Only its hash is kept: the link itself
// exists on paper or in the applicant's phone.
type Token struct {
	Hash      string
	CaseID    string
	Stage     Stage
	Medium    Medium
	IssuedBy  string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// HashToken is the stored form of a link's secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Link is what the clerk prints or sends: the secret (shown once) and when
// it stops working.
type Link struct {
	Secret    string    `json:"token"`
	CaseID    string    `json:"case_id"`
	Stage     Stage     `json:"stage"`
	Medium    Medium    `json:"medium"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssueLink makes a one-time evaluation link for a case and stage, for a
// counter applicant (or anyone without a mini program). The secret is 32
// random bytes: it cannot be guessed, and it is never stored.
func (s *Evaluations) IssueLink(ctx context.Context, caseID string, st Stage, m Medium, by string) (Link, error) {
	cs, err := s.cfg.Cases.Get(ctx, caseID)
	if err != nil {
		return Link{}, err
	}
	if cs.SubmittedAt.IsZero() {
		return Link{}, workflow.Refuse(workflow.ErrConflict, "not_submitted", "办件尚未提交，不能生成评价码")
	}
	if _, err := s.cfg.Store.Get(ctx, caseID, st); err == nil {
		return Link{}, workflow.Refuse(workflow.ErrConflict, "already_evaluated", "该办件的"+st.Name()+"环节已评价")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return Link{}, err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	now := s.cfg.Now()
	t := Token{Hash: HashToken(secret), CaseID: caseID, Stage: st, Medium: m, IssuedBy: by, CreatedAt: now, ExpiresAt: now.Add(s.cfg.LinkTTL)}
	if err := s.cfg.Store.SaveToken(ctx, t); err != nil {
		return Link{}, err
	}
	return Link{Secret: secret, CaseID: caseID, Stage: st, Medium: m, ExpiresAt: t.ExpiresAt}, nil
}

// LinkView is what an evaluation link shows before the rating: what is
// evaluated and on which indicators. It carries no personal data: whoever
// holds the paper sees the item, the department and the stage.
type LinkView struct {
	Number     string      `json:"number"`
	ItemName   string      `json:"item_name"`
	Department string      `json:"department_name"`
	Stage      Stage       `json:"stage"`
	StageName  string      `json:"stage_name"`
	Service    Service     `json:"service"`
	Overall    string      `json:"overall"`
	Levels     []string    `json:"levels"`
	Indicators []Indicator `json:"indicators"`
	// Open says whether the case can be evaluated at this stage now (a
	// result link works once the case has ended).
	Open      bool      `json:"open"`
	ExpiresAt time.Time `json:"expires_at"`
}

// link returns the unspent, unexpired link of a secret and its case.
func (s *Evaluations) link(ctx context.Context, secret string) (Token, workflow.Case, error) {
	gone := workflow.Refuse(workflow.ErrNotFound, "link_invalid", "评价码无效、已使用或已过期")
	if len(secret) < 40 || len(secret) > 64 {
		return Token{}, workflow.Case{}, gone
	}
	t, err := s.cfg.Store.Token(ctx, HashToken(secret))
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && (!t.UsedAt.IsZero() || !s.cfg.Now().Before(t.ExpiresAt))) {
		return Token{}, workflow.Case{}, gone
	}
	if err != nil {
		return Token{}, workflow.Case{}, err
	}
	cs, err := s.cfg.Cases.Get(ctx, t.CaseID)
	return t, cs, err
}

// ViewLink shows what a link evaluates.
func (s *Evaluations) ViewLink(ctx context.Context, secret string) (LinkView, error) {
	t, cs, err := s.link(ctx, secret)
	if err != nil {
		return LinkView{}, err
	}
	evs, err := s.cfg.Cases.History(ctx, cs.ID)
	if err != nil {
		return LinkView{}, err
	}
	svc := ServiceOf(cs)
	return LinkView{Number: cs.Number, ItemName: cs.Terms.ItemName, Department: cs.Terms.DepartmentName, Stage: t.Stage,
		StageName: t.Stage.Name(), Service: svc, Overall: OverallIndicator, Levels: StarLevels, Indicators: IndicatorsOf(svc),
		Open: Evaluable(cs, HandlingOf(evs), t.Stage) == nil, ExpiresAt: t.ExpiresAt}, nil
}

// EvaluateByLink records the one evaluation a link allows; the link is
// spent in the same transaction, so a replay or a second tab gets an error.
func (s *Evaluations) EvaluateByLink(ctx context.Context, secret string, r Rating) (Evaluation, *Followup, error) {
	t, cs, err := s.link(ctx, secret)
	if err != nil {
		return Evaluation{}, nil, err
	}
	e, f, err := s.evaluate(ctx, cs, t.Stage, r, Evaluation{PrincipalID: cs.ApplicantID, Channel: t.Medium}, t.Hash)
	if errors.Is(err, workflow.ErrNotFound) && !errors.As(err, new(*workflow.Refusal)) {
		return Evaluation{}, nil, workflow.Refuse(workflow.ErrNotFound, "link_invalid", "评价码无效、已使用或已过期").Because(err)
	}
	return e, f, err
}
