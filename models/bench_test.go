package models_test

import (
	"fmt"
	"testing"
	"time"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
)

// backends runs a benchmark on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL.
func backends(b *testing.B, fn func(b *testing.B, db *models.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, dbtest.Postgres(b)) })
}

// BenchmarkApplyChange measures one transition made durable: the case
// update, its chained event, two outbox rows and an idempotency row.
func BenchmarkApplyChange(b *testing.B) {
	backends(b, func(b *testing.B, db *models.DB) {
		ctx, repo := ctxT(b), models.NewRepo(db)
		c := newCase("bench")
		mustCreate(b, repo, c)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			next, ch := step(c, workflow.StatusAccepted, t0.Add(time.Duration(i)*time.Second),
				notifyApplicant{CaseID: c.ID, Template: "accepted"}, orderCourier{CaseID: c.ID, Leg: "pickup"})
			ch.Idempotency = &workflow.Idempotency{Scope: "clerk:clerk-7", Key: fmt.Sprintf("k-%d", i),
				RequestHash: "h", Status: 200, Response: []byte(`{"ok":true}`), CreatedAt: ch.Event.At}
			if err := repo.ApplyChange(ctx, ch); err != nil {
				b.Fatal(err)
			}
			c = next
		}
	})
}

// BenchmarkInsertRow is the baseline: one bare single-row insert, durable
// (autocommit), into a table with only a primary key.
func BenchmarkInsertRow(b *testing.B) {
	backends(b, func(b *testing.B, db *models.DB) {
		ddl := `CREATE TABLE bench_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)`
		if db.Dialect() == models.DialectPostgres {
			ddl = `CREATE TABLE bench_rows (id bigserial PRIMARY KEY, v text NOT NULL)`
		}
		exec(b, db, ddl)
		g := db.Gorm().WithContext(ctxT(b))
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := g.Exec(`INSERT INTO bench_rows (v) VALUES (?)`, fmt.Sprintf("row-%d", i)).Error; err != nil {
				b.Fatal(err)
			}
		}
	})
}
