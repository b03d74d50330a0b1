package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"zerovisit/workflow"
)

// pgUniqueViolation is PostgreSQL's SQLSTATE for a unique-key violation.
const pgUniqueViolation = "23505"

// translate wraps err with the operation name and maps driver errors onto
// workflow sentinels: a missing row is ErrNotFound; a unique violation is
// ErrDuplicate, except on idempotency_keys where it means another request
// with the same key won a race, which the service treats like a lost
// optimistic update (ErrConflict: re-read, then replay the stored answer).
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, workflow.ErrNotFound)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if table, ok := uniqueViolation(err); ok {
		if table == "idempotency_keys" {
			return fmt.Errorf("%s: idempotency key already stored: %w", op, workflow.ErrConflict)
		}
		return fmt.Errorf("%s: %w: %w", op, workflow.ErrDuplicate, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// uniqueViolation reports whether err is a unique-key violation and, when
// the driver says, on which table.
func uniqueViolation(err error) (table string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if pgErr.Code != pgUniqueViolation {
			return "", false
		}
		return pgErr.TableName, true
	}
	// SQLite: "UNIQUE constraint failed: idempotency_keys.scope, idempotency_keys.key (2067)".
	msg := err.Error()
	i := strings.Index(msg, "UNIQUE constraint failed: ")
	if i < 0 {
		return "", false
	}
	rest := msg[i+len("UNIQUE constraint failed: "):]
	if j := strings.IndexByte(rest, '.'); j > 0 {
		return rest[:j], true
	}
	return "", true
}
