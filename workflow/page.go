package workflow

import (
	"strings"
	"time"
)

// ErrBadCursor refuses a page cursor that is not one the server handed out
// (or one it can no longer read): the client starts again from the first
// page. Every list answers it alike, whatever its key.
var ErrBadCursor = Refuse(ErrMalformed, "invalid_page", "分页游标无效，请从第一页重新查询").
	WithDetail(map[string]string{"field": "cursor"})

// TimeKey is the page key of a list ordered by a time and then an id: the
// time (UTC, RFC 3339 with nanoseconds) and the id, joined by "|".
func TimeKey(at time.Time, id string) string {
	return at.UTC().Format(time.RFC3339Nano) + "|" + id
}

// ParseTimeKey reads a TimeKey, refusing anything else with ErrBadCursor.
func ParseTimeKey(key string) (time.Time, string, error) {
	ts, id, ok := strings.Cut(key, "|")
	if !ok || id == "" {
		return time.Time{}, "", ErrBadCursor
	}
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	return at, id, nil
}
