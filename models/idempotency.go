package models

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zerovisit/workflow"
)

// Idempotency returns the stored answer for scope and key, or workflow.ErrNotFound.
func (r *Repo) Idempotency(ctx context.Context, scope, key string) (workflow.Idempotency, error) {
	var (
		row     idemRow
		created sqlTime
	)
	err := r.db.gorm.WithContext(ctx).Raw(`SELECT scope, "key", request_hash, status, response, created_at
		FROM idempotency_keys WHERE scope = ? AND "key" = ?`, scope, key).Row().
		Scan(&row.Scope, &row.Key, &row.RequestHash, &row.Status, &row.Response, &created)
	if err != nil {
		return workflow.Idempotency{}, translate(fmt.Sprintf("get idempotency key %s/%s", scope, key), err)
	}
	row.CreatedAt = created.T
	return toIdemDomain(row), nil
}

func toIdemDomain(r idemRow) workflow.Idempotency {
	return workflow.Idempotency{Scope: r.Scope, Key: r.Key, RequestHash: r.RequestHash,
		Status: r.Status, Response: r.Response, CreatedAt: r.CreatedAt}
}

// idempotencyDeleteBatch bounds one DELETE, so an expiry sweep over a large
// backlog never holds locks (or SQLite's only connection) for long.
const idempotencyDeleteBatch = 5000

// DeleteExpiredIdempotency deletes idempotency records created before
// before, in batches, and returns how many it deleted.
func (r *Repo) DeleteExpiredIdempotency(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res := r.db.gorm.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE (scope, "key") IN (
			SELECT scope, "key" FROM idempotency_keys WHERE created_at < ? LIMIT ?)`,
			r.db.ts(before), idempotencyDeleteBatch)
		if res.Error != nil {
			return total, translate("delete expired idempotency keys", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < idempotencyDeleteBatch {
			return total, nil
		}
	}
}

// SubmissionPrior returns in one statement the stored answer for scope and
// key (nil when there is none) and the count of the subject's cases marked
// FalseCommitment that still exclude it at at (CountFalseCommitments
// since zero), which a submission weighs.
func (r *Repo) SubmissionPrior(ctx context.Context, who workflow.Subject, scope, key string, at time.Time) (workflow.SubmissionPrior, error) {
	var (
		p                   workflow.SubmissionPrior
		kScope, kKey, kHash sql.NullString
		kStatus             sql.NullInt64
		row                 idemRow
		created             sqlTime
	)
	count, args := r.db.falseCommitmentCount(who, time.Time{}, at)
	err := r.db.gorm.WithContext(ctx).Raw(`SELECT
		(`+count+`),
		k.scope, k."key", k.request_hash, k.status, k.response, k.created_at
		FROM (SELECT 1 AS one) AS q LEFT JOIN idempotency_keys k ON k.scope = ? AND k."key" = ?`, append(args, scope, key)...).Row().
		Scan(&p.FalseCommitments, &kScope, &kKey, &kHash, &kStatus, &row.Response, &created)
	if err != nil {
		return workflow.SubmissionPrior{}, translate(fmt.Sprintf("submission prior of %s with key %s/%s", who.ApplicantID, scope, key), err)
	}
	if kScope.Valid {
		row.Scope, row.Key, row.RequestHash, row.Status, row.CreatedAt = kScope.String, kKey.String, kHash.String, int(kStatus.Int64), created.T
		rec := toIdemDomain(row)
		p.Answer = &rec
	}
	return p, nil
}
