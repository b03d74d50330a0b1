package staff

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/quota"
)

// What a case search looks for. Names, ID numbers and phones are sealed at
// rest: a search finds them only by their blind index, an exact match, and
// never opens the sealed values to compare. There is no blind index of
// names, so a name is not a search key (a clerk asks for the ID number or
// phone instead).
const (
	SearchNumber     = "number"      // 办件号
	SearchIDNumber   = "id_number"   // 身份证号码
	SearchCreditCode = "credit_code" // 统一社会信用代码
	SearchPhone      = "phone"       // 手机号码
)

// indexPhone is the blind-index kind of phone numbers, as the citizen
// store writes it.
const indexPhone = "phone"

// SearchLimit bounds how many searches a member of staff makes: enough for
// a counter taking calls all day, too few to walk a list of numbers.
var SearchLimit = quota.PerMinute(20)

// SearchRequest is a search of the cases the caller may see by one key;
// Department is an administrator's pick.
type SearchRequest struct {
	Key        string
	Department string
	Cursor     string
	Limit      int
}

// SearchPage is a page of found cases and what the key was read as.
type SearchPage struct {
	QueuePage
	Kind string
}

var caseNumberShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{3,47}$`)

// searchKey reads what a key is: a resident ID number, a credit code, a
// mobile number or a case number, normalised.
func (s *Service) searchKey(key string) (kind, value string, err error) {
	key = strings.TrimSpace(key)
	if id, err := ident.ParseResidentID(key, s.cfg.Now()); err == nil {
		return SearchIDNumber, id.Number, nil
	}
	if c, err := ident.ParseUSCC(key); err == nil {
		return SearchCreditCode, c.Code, nil
	}
	if m := ident.NormalizeMobile(key); ident.ValidMobile(m) {
		return SearchPhone, m, nil
	}
	if caseNumberShape.MatchString(key) {
		return SearchNumber, key, nil
	}
	return "", "", refuse(workflow.ErrMalformed, "unsupported_search_key",
		"请输入办件号、身份证号码、统一社会信用代码或手机号码（不支持按姓名检索）", field("q"))
}

// Search finds the cases of the caller's department (an administrator's:
// every department, or the one picked) in any state by 办件号, or by the
// blind index of the applicant's ID number, credit code or phone, newest
// deadline last as in the queue. Each search is counted against
// SearchLimit and logged with its kind, never its key.
func (s *Service) Search(ctx context.Context, who Caller, r SearchRequest) (SearchPage, error) {
	if !who.Handles() && !who.Supervises() {
		return SearchPage{}, workflow.Refuse(workflow.ErrForbidden, "forbidden", "无权检索办件")
	}
	kind, value, err := s.searchKey(r.Key)
	if err != nil {
		return SearchPage{}, err
	}
	if kind != SearchNumber && s.cfg.Sealer == nil {
		return SearchPage{}, fmt.Errorf("case search: %w: sealer", workflow.ErrNoIntegration)
	}
	if len(r.Cursor) > maxCursor {
		return SearchPage{}, workflow.ErrBadCursor
	}
	if s.cfg.Attempts != nil {
		res, err := s.cfg.Attempts.Allow(ctx, "staff-search:"+who.ID, SearchLimit)
		if err != nil {
			return SearchPage{}, err
		}
		if !res.Allowed {
			return SearchPage{}, refuse(workflow.ErrRateLimited, "search_rate_limited", "检索过于频繁，请稍后再试",
				map[string]any{"retry_after_seconds": int(res.RetryAfter.Seconds()) + 1})
		}
	}
	q, err := s.query(who, QueueFilter{}, SearchQueue, r.Department)
	if err != nil {
		return SearchPage{}, err
	}
	switch kind {
	case SearchNumber:
		q.Number = value
	case SearchIDNumber:
		q.SubjectIndex = workflow.SubjectIndexOf(s.cfg.Sealer, workflow.ApplicantPerson, value)
	case SearchCreditCode:
		q.SubjectIndex = workflow.SubjectIndexOf(s.cfg.Sealer, workflow.ApplicantBusiness, value)
	case SearchPhone:
		q.PhoneIndex = s.phoneIndex(value)
	}
	q.Limit, q.Cursor = r.Limit, r.Cursor
	page, err := s.namedPage(ctx, q)
	if err != nil {
		return SearchPage{}, err
	}
	s.cfg.Log.InfoContext(ctx, "case search", "staff_id", who.ID, "department", who.Department, "kind", kind, "found", page.Total)
	return SearchPage{QueuePage: page, Kind: kind}, nil
}
