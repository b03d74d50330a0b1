package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copySeedPostgres writes the rows with COPY in one transaction, on one
// connection taken from the pool and driven through pgx directly.
func (r *Repo) copySeedPostgres(ctx context.Context, rows []seedRows) error {
	conn, err := r.db.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy seed: driver connection is %T, not pgx", driverConn)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		caseRows := make([][]any, len(rows))
		var eventRows [][]any
		for i, sr := range rows {
			caseRows[i] = r.db.caseArgs(sr.c)
			for _, ev := range sr.events {
				eventRows = append(eventRows, r.db.eventArgs(ev))
			}
		}
		if err := copyRows(ctx, tx, "cases", caseColumns, caseRows); err != nil {
			return err
		}
		if err := copyRows(ctx, tx, "case_events", eventColumns, eventRows); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// copyRows COPYs rows into table. JSON values travel as text and are
// cast by the server, so what is stored is the text that was hashed.
func copyRows(ctx context.Context, tx pgx.Tx, table, columns string, rows [][]any) error {
	var cols []string
	for _, c := range strings.Split(columns, ",") {
		cols = append(cols, strings.TrimSpace(c))
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if n != int64(len(rows)) {
		return errors.New("copy " + table + ": short write")
	}
	return nil
}
