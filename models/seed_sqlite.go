package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// seedChunk is how many rows one multi-row INSERT carries. Measured: the
// driver binds parameters in time that grows faster than their number, so
// chunks of 50 beat chunks of 1,000 (and of 10) by a third.
const seedChunk = 50

// insertSeedSQLite writes the rows with multi-row INSERTs in one
// transaction on the single SQLite connection.
func (r *Repo) insertSeedSQLite(ctx context.Context, rows []seedRows) error {
	return r.db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		caseArgs := make([][]any, len(rows))
		var eventArgs [][]any
		for i, sr := range rows {
			caseArgs[i] = r.db.caseArgs(sr.c)
			for _, ev := range sr.events {
				eventArgs = append(eventArgs, r.db.eventArgs(ev))
			}
		}
		if err := insertChunks(tx, "cases", caseColumns, caseArgs); err != nil {
			return err
		}
		return insertChunks(tx, "case_events", eventColumns, eventArgs)
	})
}

// insertChunks inserts rows (each one value per column) seedChunk at a time.
func insertChunks(tx *gorm.DB, table, columns string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), seedChunk)
		one := "(" + placeholders(len(rows[0])) + ")"
		var (
			sql  strings.Builder
			args = make([]any, 0, n*len(rows[0]))
		)
		sql.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
		for i, row := range rows[:n] {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString(one)
			args = append(args, row...)
		}
		if err := tx.Exec(sql.String(), args...).Error; err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
