package handlers

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

func pageOf(t *testing.T, query string) (pageRequest, error) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodGet, "/list?"+query, nil)
	return readPage(c, 20, 100)
}

func TestReadPage(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	for query, want := range map[string]pageRequest{
		"":                                    {Limit: 20},
		"limit=100&cursor=":                   {Limit: 100},
		"limit=1&cursor=" + b64([]byte("42")): {Limit: 1, Key: "42"},
		"cursor=" + b64([]byte("2025-09-01T10:00:00Z|c-1")): {Limit: 20, Key: "2025-09-01T10:00:00Z|c-1"},
	} {
		if got, err := pageOf(t, query); err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", query, got, err, want)
		}
	}
	for _, query := range []string{"limit=0", "limit=101", "limit=x"} {
		_, err := pageOf(t, query)
		var api *APIError
		if !errors.As(err, &api) || api.Status != http.StatusBadRequest || api.Code != "invalid_page" ||
			api.Detail.(map[string]any)["field"] != "limit" {
			t.Errorf("%q: %v, want 400 invalid_page on limit", query, err)
		}
	}
	for _, cursor := range []string{"!!", "NDI=", b64([]byte("a\x00b")), b64([]byte("\xff\xfe")), strings.Repeat("A", 701)} {
		if _, err := pageOf(t, "cursor="+cursor); !errors.Is(err, workflow.ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", cursor, err)
		}
	}
}

func TestNextCursorRoundTrip(t *testing.T) {
	for _, key := range []string{"7", `{"r":0,"d":"2025-09-01T10:00:00Z","i":"c-1"}`, "2025-09-01T10:00:00.5Z|c-1"} {
		resp := withNextCursor(gin.H{}, key)
		got, err := pageOf(t, "cursor="+resp["next_cursor"].(string))
		if err != nil || got.Key != key {
			t.Errorf("key %q came back as %+v, %v", key, got, err)
		}
	}
	if resp := withNextCursor(gin.H{}, ""); len(resp) != 0 {
		t.Errorf("last page = %v, want no next_cursor", resp)
	}
	for key, want := range map[string]int64{"": 0, "9": 9} {
		if n, err := (pageRequest{Key: key}).idKey(); err != nil || n != want {
			t.Errorf("idKey(%q) = %d, %v", key, n, err)
		}
	}
	for _, key := range []string{"0", "-1", "07", "x", "99999999999999999999"} {
		if _, err := (pageRequest{Key: key}).idKey(); !errors.Is(err, workflow.ErrBadCursor) {
			t.Errorf("idKey(%q) = %v, want ErrBadCursor", key, err)
		}
	}
	if idCursor(0) != "" || idCursor(12) != "12" {
		t.Error("idCursor")
	}
}
