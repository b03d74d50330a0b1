package staff

import (
	"context"
	"errors"
	"slices"

	"zerovisit/workflow/ident"

	"zerovisit/workflow"
)

// badQuery refuses a filter of a queue or report.
func badQuery(name, msg string) *workflow.Refusal {
	return refuse(workflow.ErrMalformed, "invalid_query", msg, field(name))
}

// query turns the filters into a store query over the departments the
// caller may see (an administrator every one, or the one asked for).
func (s *Service) query(who Caller, f QueueFilter, kind QueueKind, department string) (QueueQuery, error) {
	q := QueueQuery{Kind: kind, Departments: []string{who.Department}, ItemCode: f.Item, TrustFirst: f.TrustFirst,
		StaffID: who.ID, Now: s.cfg.Now(), Claimed: f.Claimed}
	if who.Admin() {
		q.Departments = nil
		if department != "" {
			q.Departments = []string{department}
		}
	}
	if len(f.Item) > 64 {
		return QueueQuery{}, badQuery("item", "事项编码不正确")
	}
	if f.State != "" {
		st, err := workflow.ParseStatus(f.State)
		if err != nil {
			return QueueQuery{}, badQuery("state", "办件状态不正确")
		}
		q.Status = st
	}
	switch t := workflow.ApplicantType(f.ApplicantType); t {
	case "", workflow.ApplicantPerson, workflow.ApplicantBusiness:
		q.ApplicantType = t
	default:
		return QueueQuery{}, badQuery("applicant_type", "申请人类型须为 person 或 business")
	}
	switch f.Claimed {
	case ClaimedAny, ClaimedMine, ClaimedFree, ClaimedOthers:
	default:
		return QueueQuery{}, badQuery("claimed", "claimed 须为 mine、free 或 others")
	}
	return q, nil
}

// maxCursor bounds a page cursor.
const maxCursor = 512

// Queue returns a page of a queue of the caller's department: red card
// first, then yellow, then by deadline (the verification queue: overdue
// first), with the names of the claims' holders.
func (s *Service) Queue(ctx context.Context, who Caller, r QueueRequest) (QueuePage, error) {
	q, err := s.query(who, r.Filter, r.Kind, r.Department)
	if err != nil {
		return QueuePage{}, err
	}
	if len(r.Cursor) > maxCursor {
		return QueuePage{}, workflow.ErrBadCursor
	}
	q.Limit, q.Cursor = r.Limit, r.Cursor
	return s.namedPage(ctx, q)
}

// namedPage reads a page of a queue and names the holders of its claims.
func (s *Service) namedPage(ctx context.Context, q QueueQuery) (QueuePage, error) {
	page, err := s.cfg.Store.Queue(ctx, q)
	if err != nil {
		return QueuePage{}, err
	}
	var ids []string
	for _, e := range page.Items {
		if e.Claim != nil && !slices.Contains(ids, e.Claim.StaffID) {
			ids = append(ids, e.Claim.StaffID)
		}
	}
	if page.Names, err = s.cfg.Store.StaffNames(ctx, ids); err != nil {
		return QueuePage{}, err
	}
	page.Applicants = s.applicantNames(ctx, page.Items)
	return page, nil
}

// applicantNames are the names of the applicants of a page, masked (a
// business's name is public and shown whole), by applicant id. A name that
// cannot be read is left out: the queue still shows the case.
func (s *Service) applicantNames(ctx context.Context, items []QueueEntry) map[string]string {
	names := map[string]string{}
	for _, e := range items {
		id := e.Case.ApplicantID
		if _, done := names[id]; done || id == "" {
			continue
		}
		h, err := s.holder(ctx, id)
		if err != nil || h.Name == "" {
			s.cfg.Log.DebugContext(ctx, "applicant name unreadable", "case_id", e.Case.ID, "err", err)
			names[id] = ""
			continue
		}
		names[id] = ident.MaskName(h.Name)
		if e.Case.ApplicantType == workflow.ApplicantBusiness {
			names[id] = h.Name
		}
	}
	return names
}

// ClaimNext claims the most urgent free case of the caller's queue that
// the filters select; department is an administrator's pick.
func (s *Service) ClaimNext(ctx context.Context, who Caller, r ClaimNextRequest, department string) (QueueEntry, error) {
	kind := WorkQueue
	switch r.Queue {
	case "", string(WorkQueue):
	case string(VerificationQueue):
		kind = VerificationQueue
	default:
		return QueueEntry{}, refuse(workflow.ErrInvalidInput, "invalid_field", "queue 须为 work 或 verification", field("queue"))
	}
	r.Claimed = ClaimedAny
	q, err := s.query(who, r.QueueFilter, kind, department)
	if err != nil {
		return QueueEntry{}, err
	}
	e, err := s.cfg.Store.ClaimNext(ctx, q, who.ID, s.cfg.ClaimLease)
	if errors.Is(err, workflow.ErrNotFound) {
		return QueueEntry{}, workflow.Refuse(workflow.ErrNotFound, "queue_empty", "队列中暂无可领取的办件")
	}
	return e, err
}
