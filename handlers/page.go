package handlers

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
)

// maxCursor bounds a cursor as it arrives (its key is at most 3/4 of it).
const maxCursor = 700

// pageRequest is the page a list is asked for: how many items, and the key
// where the previous page ended ("" for the first page). Each list reads
// the key in its own terms (an id, a time and an id, an offset …).
type pageRequest struct {
	Limit int
	Key   string
}

// readPage reads the one paging convention of every list: limit (def when
// absent, 1 to max) and cursor, an opaque token the previous page handed
// out as next_cursor: the base64url (no padding) of the list's key. A
// cursor that does not decode is workflow.ErrBadCursor, a limit out of
// bounds the same code on the field limit.
func readPage(c *gin.Context, def, max int) (pageRequest, error) {
	limit, err := queryInt(c, "limit", def, 1, max)
	if err != nil {
		return pageRequest{}, &APIError{http.StatusBadRequest, workflow.ErrBadCursor.Code,
			fmt.Sprintf("每页条数 limit 须为 1 至 %d 的整数", max), map[string]any{"field": "limit", "min": 1, "max": max}}
	}
	raw := c.Query("cursor")
	if raw == "" {
		return pageRequest{Limit: limit}, nil
	}
	key, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(raw) > maxCursor || len(key) == 0 || !utf8.Valid(key) ||
		strings.ContainsFunc(string(key), unicode.IsControl) {
		return pageRequest{}, workflow.ErrBadCursor
	}
	return pageRequest{Limit: limit, Key: string(key)}, nil
}

// idKey reads the key of a list paged by a number (an entry id, an
// offset): 0 for the first page.
func (p pageRequest) idKey() (int64, error) {
	if p.Key == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(p.Key, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != p.Key {
		return 0, workflow.ErrBadCursor
	}
	return n, nil
}

// withNextCursor adds next_cursor, the opaque cursor of the next page, to
// a list's answer when there is a next page (a non-empty key).
func withNextCursor(resp gin.H, key string) gin.H {
	if key != "" {
		resp["next_cursor"] = base64.RawURLEncoding.EncodeToString([]byte(key))
	}
	return resp
}

// idCursor is the key of a list paged by a number.
func idCursor(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// queryInt reads an integer query parameter within bounds.
func queryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	raw, ok := c.GetQuery(name)
	if !ok || raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < lo || v > hi {
		return 0, &APIError{http.StatusBadRequest, "invalid_query", "查询参数不正确",
			map[string]any{"field": name, "min": lo, "max": hi}}
	}
	return v, nil
}
