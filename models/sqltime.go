package models

import (
	"fmt"
	"time"
)

// sqliteTimeLayout is how SQLite stores timestamps: UTC, fixed width, so
// text comparison and ORDER BY agree with time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// normTime is the one form every stored timestamp takes: UTC, truncated to
// microseconds (PostgreSQL's precision), so what is read back equals what
// was hashed and compared.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// ts turns t into a query parameter of the dialect's timestamp form.
// PostgreSQL takes time.Time (timestamptz); SQLite takes sortable text.
func (db *DB) ts(t time.Time) any {
	t = normTime(t)
	if db.isPostgres() {
		return t
	}
	return t.Format(sqliteTimeLayout)
}

// tsNull is ts with the zero time stored as NULL.
func (db *DB) tsNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.ts(t)
}

// sqlTime scans a timestamp column of either dialect; NULL scans as the zero time.
type sqlTime struct{ T time.Time }

// Scan implements sql.Scanner.
func (s *sqlTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		s.T = time.Time{}
		return nil
	case time.Time:
		s.T = normTime(v)
		return nil
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	}
	return fmt.Errorf("scan time: unsupported type %T", src)
}

func (s *sqlTime) parse(v string) error {
	for _, layout := range []string{sqliteTimeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			s.T = normTime(t)
			return nil
		}
	}
	return fmt.Errorf("scan time: unparsable %q", v)
}
