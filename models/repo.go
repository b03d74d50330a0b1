package models

import (
	"time"

	"zerovisit/workflow"
)

var (
	_ workflow.Store  = (*Repo)(nil)
	_ workflow.Outbox = (*Repo)(nil)
)

// Repo implements workflow.Store and workflow.Outbox on a DB. It is safe for
// concurrent use, and several Repos (one per replica) may share a database.
type Repo struct {
	db    *DB
	heads *headCache
	// now stamps rows whose interface method carries no time (Retry).
	now func() time.Time
}

// headCacheSize bounds the head cache: a service reads a case and writes it
// moments later, so only recently touched cases need to be in it.
const headCacheSize = 16384

// NewRepo returns a Repo over db.
func NewRepo(db *DB) *Repo {
	return &Repo{db: db, heads: db.heads, now: time.Now}
}
