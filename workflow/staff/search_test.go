package staff_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/quota"
	"zerovisit/workflow/staff"
)

// allowN lets n events through, then refuses.
type allowN struct{ n int }

func (a *allowN) Allow(context.Context, string, quota.Limit) (quota.Result, error) {
	a.n--
	return quota.Result{Allowed: a.n >= 0}, nil
}

// TestSearchLooksUpByBlindIndexInTheDepartment: a search key becomes one
// exact lookup (the number, or a blind index), scoped to the caller's
// department; the log names the kind of key, never the key; a name is
// refused; searches past the limit are refused.
func TestSearchLooksUpByBlindIndexInTheDepartment(t *testing.T) {
	var buf bytes.Buffer
	store := newMemStaff()
	lim := &allowN{n: 4}
	svc, err := staff.New(staff.Config{Store: store, Passwords: plainPasswords{}, Claimed: claimedCases{}, Sealer: sealer{},
		Attempts: lim, NewID: func() string { return "x" }, Now: func() time.Time { return t0 },
		Log: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		key, kind string
		want      func(staff.QueueQuery) bool
	}{
		{"ZV20250001", staff.SearchNumber, func(q staff.QueueQuery) bool { return q.Number == "ZV20250001" && q.SubjectIndex == "" }},
		{zhangID, staff.SearchIDNumber, func(q staff.QueueQuery) bool { return q.SubjectIndex == workflow.IndexResidentID+"#"+zhangID }},
		{"138-1234-5678", staff.SearchPhone, func(q staff.QueueQuery) bool { return q.PhoneIndex == "phone#13812345678" }},
	} {
		page, err := svc.Search(ctx, clerkGA, staff.SearchRequest{Key: tc.key})
		if err != nil || page.Kind != tc.kind {
			t.Fatalf("search %q = %v %v, want kind %s", tc.key, page.Kind, err, tc.kind)
		}
		q := store.queries[len(store.queries)-1]
		if q.Kind != staff.SearchQueue || len(q.Departments) != 1 || q.Departments[0] != "gaj" || !tc.want(q) {
			t.Errorf("search %q queried %+v", tc.key, q)
		}
	}
	log := buf.String()
	for _, key := range []string{"ZV20250001", zhangID, "13812345678", "5678"} {
		if strings.Contains(log, key) {
			t.Errorf("log holds the search key %q:\n%s", key, log)
		}
	}
	if strings.Count(log, "case search") != 3 || !strings.Contains(log, "kind=phone") || !strings.Contains(log, "staff_id=k-ga") {
		t.Errorf("log = %s, want one line per search with who and the kind", log)
	}
	_, err = svc.Search(ctx, clerkGA, staff.SearchRequest{Key: "张三"})
	refusal(t, err, workflow.ErrMalformed, "unsupported_search_key")
	if _, err := svc.Search(ctx, admin, staff.SearchRequest{Key: "ZV20250001"}); err != nil {
		t.Fatal(err)
	}
	if q := store.queries[len(store.queries)-1]; q.Departments != nil {
		t.Errorf("administrator's search scoped to %v, want every department", q.Departments)
	}
	_, err = svc.Search(ctx, clerkGA, staff.SearchRequest{Key: "ZV20250001"})
	refusal(t, err, workflow.ErrRateLimited, "search_rate_limited")
}
