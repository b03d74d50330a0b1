package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zerovisit/handlers"
	"zerovisit/workflow"
)

// fakeOutbox stands in for the store in these handler unit tests; the real
// outbox is exercised end to end in cmd/zerovisit.
type fakeOutbox struct {
	workflow.Outbox
	dead     map[int64]bool
	redriven []int64
}

func (f *fakeOutbox) List(_ context.Context, state workflow.OutboxState, before int64, limit int) ([]workflow.OutboxEntry, error) {
	var out []workflow.OutboxEntry
	for id := int64(100); id > 0 && len(out) < limit; id-- {
		if f.dead[id] && (before == 0 || id < before) && state == workflow.OutboxDead {
			out = append(out, workflow.OutboxEntry{ID: id, Kind: "notify_applicant", State: state, Payload: []byte(`{"secret":"110101199003070012"}`)})
		}
	}
	return out, nil
}

func (f *fakeOutbox) Redrive(_ context.Context, id int64, _ time.Time) error {
	if id == 7 {
		return workflow.ErrConflict // exists, but is pending
	}
	if !f.dead[id] {
		return workflow.ErrNotFound
	}
	delete(f.dead, id)
	f.redriven = append(f.redriven, id)
	return nil
}

const adminToken = "test-admin-token-0123456789abcdef0123"

func adminRouter(t *testing.T, box workflow.Outbox) http.Handler {
	t.Helper()
	h, err := handlers.New(handlers.Options{Outbox: box, AdminToken: adminToken, MaxBodyBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	return h.Router()
}

func adminDo(t *testing.T, r http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func TestAdminOutboxRequiresToken(t *testing.T) {
	r := adminRouter(t, &fakeOutbox{dead: map[int64]bool{1: true}})
	for name, token := range map[string]string{"Missing": "", "Wrong": "not-the-token"} {
		t.Run(name, func(t *testing.T) {
			w := adminDo(t, r, http.MethodGet, "/api/v1/admin/outbox", token, "")
			if got, want := w.Code, http.StatusUnauthorized; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			decodeError(t, w)
		})
	}
}

func TestAdminOutboxListPagesWithoutPayload(t *testing.T) {
	box := &fakeOutbox{dead: map[int64]bool{3: true, 5: true, 9: true}}
	r := adminRouter(t, box)
	w := adminDo(t, r, http.MethodGet, "/api/v1/admin/outbox?state=dead&limit=2", adminToken, "")
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), "110101199003070012") {
		t.Fatal("outbox listing leaks the payload")
	}
	type page struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
		Next *string `json:"next_cursor"`
	}
	var first page
	if err := json.Unmarshal(w.Body.Bytes(), &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 2 || first.Items[0].ID != 9 || first.Items[1].ID != 5 || first.Next == nil {
		t.Fatalf("first page = %s, want ids 9,5 and a next cursor", w.Body)
	}
	w = adminDo(t, r, http.MethodGet, "/api/v1/admin/outbox?state=dead&limit=2&cursor="+*first.Next, adminToken, "")
	var second page
	if err := json.Unmarshal(w.Body.Bytes(), &second); err != nil {
		t.Fatal(err)
	}
	if len(second.Items) != 1 || second.Items[0].ID != 3 || second.Next != nil {
		t.Fatalf("second page = %s, want id 3 and no next cursor", w.Body)
	}
	// A full last page has no next cursor either.
	w = adminDo(t, r, http.MethodGet, "/api/v1/admin/outbox?state=dead&limit=3", adminToken, "")
	if strings.Contains(w.Body.String(), "next_cursor") {
		t.Errorf("full last page = %s, want no next cursor", w.Body)
	}

	for q, code := range map[string]string{"state=lost": "invalid_query", "limit=0": "invalid_page", "limit=abc": "invalid_page",
		"cursor=NQ==": "invalid_page", "cursor=LTE": "invalid_page", "cursor=@@": "invalid_page", "before_id=x&cursor=eA": "invalid_page"} {
		w := adminDo(t, r, http.MethodGet, "/api/v1/admin/outbox?"+q, adminToken, "")
		if got, want := w.Code, http.StatusBadRequest; got != want {
			t.Errorf("%s: status = %d, want %d", q, got, want)
		}
		if e := decodeError(t, w); e.Error.Code != code {
			t.Errorf("%s: code = %s, want %s", q, e.Error.Code, code)
		}
	}
}

func TestAdminOutboxRedrive(t *testing.T) {
	box := &fakeOutbox{dead: map[int64]bool{3: true, 5: true}}
	r := adminRouter(t, box)
	w := adminDo(t, r, http.MethodPost, "/api/v1/admin/outbox/redrive", adminToken, `{"ids":[3,4,7]}`)
	if w.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", w.Code, w.Body)
	}
	var resp struct {
		Redriven []int64 `json:"redriven"`
		NotFound []int64 `json:"not_found"`
		NotDead  []int64 `json:"not_dead"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.Redriven) != 1 || resp.Redriven[0] != 3 || len(resp.NotFound) != 1 || resp.NotFound[0] != 4 ||
		len(resp.NotDead) != 1 || resp.NotDead[0] != 7 {
		t.Fatalf("response = %+v, want redriven [3] not_found [4]", resp)
	}
	if box.dead[3] || !box.dead[5] {
		t.Errorf("dead set after redrive = %v, want only 5", box.dead)
	}

	for name, tc := range map[string]struct {
		body   string
		status int
		code   string
	}{
		"Malformed": {`{"ids":[3,`, http.StatusBadRequest, "malformed_json"},
		"WrongType": {`{"ids":"3"}`, http.StatusBadRequest, "invalid_field_type"},
		"Empty":     {`{"ids":[]}`, http.StatusUnprocessableEntity, "invalid_field"},
		"TooMany":   {`{"ids":[` + strings.Repeat("1,", 100) + `1]}`, http.StatusUnprocessableEntity, "invalid_field"},
		"Oversized": {`{"ids":[` + strings.Repeat("1,", 3000) + `1]}`, http.StatusRequestEntityTooLarge, "payload_too_large"},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(box.redriven)
			w := adminDo(t, r, http.MethodPost, "/api/v1/admin/outbox/redrive", adminToken, tc.body)
			if got, want := w.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d: %s", got, want, w.Body)
			}
			if got, want := decodeError(t, w).Error.Code, tc.code; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
			if len(box.redriven) != before {
				t.Error("a refused request redrove entries")
			}
		})
	}
}
