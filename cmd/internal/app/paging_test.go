package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/staff"
	"zerovisit/workflow/workflowtest"
)

// getter reads a path of the API as one client and answers the status and
// the body.
type getter func(path string) (int, []byte)

// walkPages reads a list from its first page (path carries the query,
// limit included), following next_cursor until an answer has none, and
// returns the ids (idField) of the items under key in the order read. An
// item on two pages, or a page that announces a next page but is empty,
// fails the test.
func walkPages(t *testing.T, get getter, path, key, idField string) (ids []string, pages int) {
	t.Helper()
	seen := map[string]bool{}
	for cursor := ""; ; {
		pages++
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		st, body := get(p)
		if st != http.StatusOK {
			t.Fatalf("GET %s = %d %s", p, st, body)
		}
		var page map[string]json.RawMessage
		var items []map[string]any
		if err := json.Unmarshal(body, &page); err != nil || json.Unmarshal(page[key], &items) != nil {
			t.Fatalf("GET %s: no %s in %s", p, key, body)
		}
		for _, it := range items {
			id := fmt.Sprint(it[idField])
			if seen[id] {
				t.Errorf("%s: %s %s on two pages", path, idField, id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
		next, more := page["next_cursor"]
		if !more {
			return ids, pages
		}
		if len(items) == 0 || json.Unmarshal(next, &cursor) != nil || cursor == "" || pages > 200 {
			t.Fatalf("GET %s: %d items and next_cursor %s", p, len(items), next)
		}
	}
}

// wantWalk walks a list and checks it gives exactly the ids want (in any
// order) in as few pages as limit allows: none empty, none after the last.
func wantWalk(t *testing.T, get getter, path, key, idField string, limit int, want []string) []string {
	t.Helper()
	got, pages := walkPages(t, get, fmt.Sprintf("%s%slimit=%d", path, sep(path), limit), key, idField)
	if g, w := sorted(got), sorted(want); !slices.Equal(g, w) {
		t.Errorf("%s: walked %v, want %v", path, g, w)
	}
	if w := max(1, (len(want)+limit-1)/limit); pages != w {
		t.Errorf("%s: %d items in %d pages of %d, want %d pages", path, len(want), pages, limit, w)
	}
	return got
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// garbageCursors are cursors no list hands out: not base64url, control
// bytes, not UTF-8, too long.
var garbageCursors = []string{"not a cursor!", "NDI=", "AAAA", "_w", strings.Repeat("QUFB", 200)}

// refusesBadCursors asks a list for pages at cursors the server never
// handed out (the garbage ones and the list's own forged ones): each is
// refused with 400 invalid_page on the field cursor, and the first page
// reads the same before and after.
func refusesBadCursors(t *testing.T, get getter, path string, forged ...string) {
	t.Helper()
	path += sep(path) + "limit=2"
	st, before := get(path)
	if st != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, st, before)
	}
	for _, c := range append(slices.Clone(garbageCursors), forged...) {
		st, body := get(path + "&cursor=" + url.QueryEscape(c))
		var e struct {
			Error struct {
				Code    string            `json:"code"`
				Message string            `json:"message"`
				Detail  map[string]string `json:"detail"`
			} `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if st != http.StatusBadRequest || e.Error.Code != "invalid_page" || e.Error.Detail["field"] != "cursor" || e.Error.Message == "" {
			t.Errorf("%s at cursor %.40q = %d %s, want 400 invalid_page on the cursor", path, c, st, body)
		}
	}
	if st, after := get(path); st != http.StatusOK || !bytes.Equal(before, after) {
		t.Errorf("%s changed after the refused cursors:\n%s\n%s", path, before, after)
	}
}

// staffGetter reads the API with a staff (or admin) bearer token.
func staffGetter(t *testing.T, app *App, token string) getter {
	return func(path string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+app.Addr()+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
}

// waitOutboxSettled waits until no outbox entry is pending, so that the
// lists fed by effects stand still.
func waitOutboxSettled(t *testing.T, app *App) {
	t.Helper()
	eventually(t, 20*time.Second, "the outbox to settle", func() bool {
		counts, err := app.repo.OutboxCounts(context.Background())
		return err == nil && counts[workflow.OutboxPending] == 0
	})
}

// TestCitizenListsPageWithTheCursor walks the citizen's cases (some
// created at the same instant), inbox and the catalogue, and the
// operators' outbox, page by page with next_cursor: every item once, no
// page after the last; forged and garbage cursors are refused and change
// nothing.
func TestCitizenListsPageWithTheCursor(t *testing.T) {
	const admin = "paging-admin-token-0123456789abcdef"
	app, _ := czApp(t, map[string]string{"ZEROVISIT_ADMIN_TOKEN": admin})
	ctx := context.Background()
	sb := app.parties.sandboxes.channels
	wx := newCZClient(t, app)
	wx.login("wechat", sb.wechat.LoginCode("o-paging", ""))
	var me struct {
		ID string `json:"id"`
	}
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}).JSON(t, &me)

	var cases []string
	for range 3 {
		var d struct {
			Case czCase `json:"case"`
		}
		wx.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": czItem}).JSON(t, &d)
		cases = append(cases, d.Case.ID)
	}
	it, err := app.svc.Engine().Catalogue().Lookup("gaj-hjzmkj")
	if err != nil {
		t.Fatal(err)
	}
	actor := workflow.Actor{Kind: workflow.ActorCitizen, ID: me.ID}
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := range 6 {
		id := fmt.Sprintf("pg-%d", i)
		if _, err := app.svc.Create(ctx, workflow.Draft{ID: id, Number: "ZVPG" + id, ItemCode: it.Code, ApplicantID: me.ID,
			Channel: workflow.ChannelWeChat, Actor: actor, At: at.Add(time.Duration(i/4) * time.Minute)}, nil); err != nil {
			t.Fatal(err)
		}
		if i < 4 {
			if _, err := app.svc.Do(ctx, id, workflowtest.Submit(it, actor, false, time.Now()), nil); err != nil {
				t.Fatal(err)
			}
		}
		cases = append(cases, id)
	}
	inbox := models.NewInbox(app.db)
	for i := range 5 {
		if _, _, err := inbox.Put(ctx, models.InboxMessage{PrincipalID: me.ID, Template: "notice", Title: fmt.Sprint("通知 ", i), Body: "正文"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	waitOutboxSettled(t, app)

	citizenGet := func(path string) (int, []byte) {
		r := wx.call(http.MethodGet, path, nil)
		return r.Status, r.Body
	}
	t.Run("Cases", func(t *testing.T) {
		got := wantWalk(t, citizenGet, "/api/v1/citizen/cases", "items", "id", 2, cases)
		wantWalk(t, citizenGet, "/api/v1/citizen/cases", "items", "id", 3, cases)
		drafts := slices.DeleteFunc(slices.Clone(cases), func(id string) bool { return id < "pg-4" && strings.HasPrefix(id, "pg-") })
		wantWalk(t, citizenGet, "/api/v1/citizen/cases?status=draft", "items", "id", 2, drafts)
		if len(got) > 0 && got[len(got)-1] != "pg-0" {
			t.Errorf("cases newest first end with %s, want the oldest, pg-0", got[len(got)-1])
		}
		refusesBadCursors(t, citizenGet, "/api/v1/citizen/cases", b64("x"), b64("yesterday|pg-1"), b64("7"))
	})
	t.Run("Inbox", func(t *testing.T) {
		msgs, err := inbox.List(ctx, []string{me.ID}, 0, 1000, false)
		if err != nil || len(msgs) < 5 {
			t.Fatalf("inbox = %d messages, %v", len(msgs), err)
		}
		var want []string
		for _, m := range msgs {
			want = append(want, fmt.Sprint(m.ID))
		}
		wantWalk(t, citizenGet, "/api/v1/citizen/inbox", "items", "id", 2, want)
		wantWalk(t, citizenGet, "/api/v1/citizen/inbox", "items", "id", len(want), want)
		refusesBadCursors(t, citizenGet, "/api/v1/citizen/inbox", b64("x"), b64("-3"), b64("0"), b64("007"))
	})
	t.Run("Catalogue", func(t *testing.T) {
		var want []string
		for _, it := range citizen.Search(app.svc.Engine().Catalogue(), "", "") {
			want = append(want, it.Code)
		}
		got := wantWalk(t, citizenGet, "/api/v1/citizen/items", "items", "code", 7, want)
		if !slices.Equal(got, want) {
			t.Errorf("catalogue order = %v, want %v", got, want)
		}
		var gaj []string
		for _, it := range citizen.Search(app.svc.Engine().Catalogue(), "", "gaj") {
			gaj = append(gaj, it.Code)
		}
		wantWalk(t, citizenGet, "/api/v1/citizen/items?department=gaj", "items", "code", 2, gaj)
		refusesBadCursors(t, citizenGet, "/api/v1/citizen/items", b64("x"), b64("-2"), b64(fmt.Sprint(len(want)+1)))
	})
	t.Run("Outbox", func(t *testing.T) {
		entries, err := app.repo.List(ctx, workflow.OutboxDone, 0, 1000)
		if err != nil || len(entries) < 3 {
			t.Fatalf("done outbox entries = %d, %v; want some to page through", len(entries), err)
		}
		var want []string
		for _, e := range entries {
			want = append(want, fmt.Sprint(e.ID))
		}
		adminGet := staffGetter(t, app, admin)
		wantWalk(t, adminGet, "/api/v1/admin/outbox?state=done", "items", "id", 2, want)
		wantWalk(t, adminGet, "/api/v1/admin/outbox?state=done", "items", "id", len(want), want)
		refusesBadCursors(t, adminGet, "/api/v1/admin/outbox?state=done", b64("x"), b64("-1"), b64("1e3"))
	})
}

// TestStaffListsPageWithTheCursor walks the staff accounts, the work
// queue (cases due at the same time), the supervision view's carded cases
// and the follow-ups (some due at once, in two departments) with
// next_cursor: every item once, no page after the last; forged and
// garbage cursors are refused and change nothing.
func TestStaffListsPageWithTheCursor(t *testing.T) {
	app := openTestApp(t, noHolders{}, staffTestEnv(map[string]string{"ZEROVISIT_DATABASE_URL": testDatabaseURL(t)}))
	ctx := context.Background()
	adminID := addStaff(t, app, "pg.admin", "", staff.RoleAdministrator)
	clerkID := addStaff(t, app, "pg.clerk", "scjgj", staff.RoleClerk)
	supID := addStaff(t, app, "pg.sup", "scjgj", staff.RoleSupervisor)
	accounts := []string{adminID, clerkID, supID}
	for i := range 5 {
		accounts = append(accounts, addStaff(t, app, fmt.Sprintf("pg.member%d", i), "gaj", staff.RoleClerk))
	}
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	var queue []string
	for i := range 5 {
		queue = append(queue, submitAt(t, app, fmt.Sprintf("pq-%d", i), "scjgj-spjyxk", false, at).ID)
	}
	var late []string
	for i := range 3 {
		late = append(late, submitAt(t, app, fmt.Sprintf("pl-%d", i), "scjgj-spjyxk", true, time.Now().AddDate(0, 0, -20)).ID)
	}
	evals := models.NewEvaluations(app.db, app.sealer)
	due := time.Now().Add(21 * 24 * time.Hour).Truncate(time.Second)
	var followups []string
	for i, dept := range []string{"scjgj", "gaj", "scjgj", "gaj", "scjgj"} {
		_, f, err := evals.Submit(ctx, models.Evaluation{CaseID: fmt.Sprintf("pf-%d", i), PrincipalID: "p1", PersonID: "p1", ItemCode: "scjgj-spjyxk",
			Department: dept, Stars: 1, Channel: "wechat", CreatedAt: time.Now()},
			&models.Followup{CaseID: fmt.Sprintf("pf-%d", i), Department: dept, Stars: 1, Status: models.FollowupOpen, DueAt: due.Add(time.Duration(i%2) * time.Hour)}, "")
		if err != nil || f == nil {
			t.Fatalf("bad rating: follow-up %v, %v", f, err)
		}
		followups = append(followups, f.ID)
	}

	admin := staffGetter(t, app, staffToken(t, app, adminID, "", staff.RoleAdministrator))
	clerk := staffGetter(t, app, staffToken(t, app, clerkID, "scjgj", staff.RoleClerk))
	sup := staffGetter(t, app, staffToken(t, app, supID, "scjgj", staff.RoleSupervisor))
	eventually(t, 15*time.Second, "the timers to card the late cases", func() bool {
		for _, id := range late {
			if c, err := app.svc.Get(ctx, id); err != nil || c.Card == "" {
				return false
			}
		}
		return true
	})
	t.Run("Accounts", func(t *testing.T) {
		got := wantWalk(t, admin, "/api/v1/staff/accounts", "items", "id", 3, accounts)
		if !slices.IsSorted(got) {
			t.Errorf("accounts out of id order: %v", got)
		}
		wantWalk(t, admin, "/api/v1/staff/accounts", "items", "id", 4, accounts)
		wantWalk(t, admin, "/api/v1/staff/accounts?department=gaj", "items", "id", 2, accounts[3:])
		refusesBadCursors(t, admin, "/api/v1/staff/accounts", b64(strings.Repeat("a", 65)))
	})
	t.Run("Queue", func(t *testing.T) {
		wantWalk(t, clerk, "/api/v1/staff/queue", "items", "id", 3, append(slices.Clone(late), queue...))
		wantWalk(t, clerk, "/api/v1/staff/queue?trust_first=false", "items", "id", 1, queue)
		refusesBadCursors(t, clerk, "/api/v1/staff/queue", b64("x"), b64(`{"r":9,"i":"pq-1"}`), b64(`{"r":0}`))
	})
	t.Run("Supervision", func(t *testing.T) {
		wantWalk(t, sup, "/api/v1/staff/supervision", "cases", "id", 2, late)
		refusesBadCursors(t, sup, "/api/v1/staff/supervision", b64("x"))
	})
	t.Run("Followups", func(t *testing.T) {
		got := wantWalk(t, admin, "/api/v1/staff/followups", "items", "id", 2, followups)
		wantWalk(t, admin, "/api/v1/staff/followups", "items", "id", 5, followups)
		wantWalk(t, sup, "/api/v1/staff/followups", "items", "id", 1, []string{followups[0], followups[2], followups[4]})
		if len(got) == 5 && (got[3] != followups[1] && got[3] != followups[3]) {
			t.Errorf("follow-ups = %v, want those due an hour later (%s, %s) last", got, followups[1], followups[3])
		}
		refusesBadCursors(t, admin, "/api/v1/staff/followups", b64("x"), b64("2025-13-01T00:00:00Z|f"))
	})
}

// TestCourierLegsPageWithTheCursor walks the courier's legs of the day with
// next_cursor: every leg once, no page after the last; forged and garbage
// cursors are refused and change nothing.
func TestCourierLegsPageWithTheCursor(t *testing.T) {
	app := openCourierApp(t, nil)
	var legs []string
	for i := range 5 {
		c := submitCourierCase(t, app, fmt.Sprintf("cr-page-%d", i), "scjgj-spjyxk", true)
		do(t, app, c.ID, workflow.Approve{Meta: workflow.Meta{Actor: testClerk}})
		do(t, app, c.ID, workflow.Dispatch{Meta: workflow.Meta{Actor: testClerk}})
		legs = append(legs, waitLeg(t, app, c.ID, desk.KindDelivery).ID)
	}
	cl := newCourierClient(t, app)
	get := func(path string) (int, []byte) {
		var raw json.RawMessage
		st := cl.call(http.MethodGet, path, "", nil, &raw)
		return st, raw
	}
	var all struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if st := cl.call(http.MethodGet, "/api/v1/courier/legs?limit=100", "", nil, &all); st != http.StatusOK {
		t.Fatalf("legs = %d", st)
	}
	var want []string
	for _, l := range all.Items {
		want = append(want, l.ID)
	}
	for _, id := range legs {
		if !slices.Contains(want, id) {
			t.Fatalf("leg %s is not on the courier's page %v", id, want)
		}
	}
	got := wantWalk(t, get, "/api/v1/courier/legs", "items", "id", 2, want)
	if !slices.IsSorted(got) {
		t.Errorf("legs out of order: %v", got)
	}
	wantWalk(t, get, "/api/v1/courier/legs", "items", "id", len(want), want)
	refusesBadCursors(t, get, "/api/v1/courier/legs", b64("x"), b64("not/a/leg"), b64(strings.Repeat("0", 65)))
}
