package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"zerovisit/workflow"
)

// Replicas sharing a PostgreSQL database wake each other's outbox
// dispatchers through LISTEN/NOTIFY. After a change with effects commits,
// its replica announces it on the schema's channel (Wake, then Announce
// sends it); every replica's listener hears the others' announcements and
// wakes its dispatcher (Listen). Nothing rides on an announcement: it says
// only "look now", the dispatcher claims from the outbox as it always does,
// and its poll still finds whatever an announcement lost.
//
// The announcement is a statement of its own, sent after the change's, not
// a NOTIFY inside it: PostgreSQL serialises the commits of all transactions
// that notify, flush included, behind one lock, which would put every change
// with effects in single file. One announcement in flight per replica, the
// wake-ups meanwhile folded into the next, keeps that lock out of the
// request path.

// outboxChannel is the channel of the default schema; other schemas get
// their own (outboxChannelFor), so that deployments or tests sharing one
// database in several schemas do not wake each other.
const outboxChannel = "zerovisit_outbox"

// listenerName is the listen connection's application_name, as operators
// see it in pg_stat_activity.
const listenerName = "zerovisit outbox listener"

// Timings of the listen connection.
const (
	// listenHealth is how long a quiet listen connection waits before it
	// is pinged, so one silently cut is noticed and replaced.
	listenHealth = 30 * time.Second
	// listenPingTimeout bounds that ping.
	listenPingTimeout = 5 * time.Second
	// listenRetryMin and listenRetryMax bound the pause before connecting
	// again after the connection failed; it doubles on every failure in a row.
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 30 * time.Second
)

var _ workflow.Waker = (*OutboxSignal)(nil)

// OutboxSignal announces this replica's committed effects to the others and
// hears theirs, on PostgreSQL only. Wake is safe for concurrent use; run
// Announce and Listen once each, in their own goroutines.
type OutboxSignal struct {
	db      *DB
	channel string
	// self marks this replica's announcements, which its own listener
	// ignores: its dispatcher was woken in-process already.
	self    string
	pending chan struct{}
	health  time.Duration
}

// NewOutboxSignal prepares the signal of db's current schema. It fails on a
// database other than PostgreSQL.
func NewOutboxSignal(ctx context.Context, db *DB) (*OutboxSignal, error) {
	if !db.isPostgres() {
		return nil, fmt.Errorf("outbox signal: %w: LISTEN/NOTIFY needs PostgreSQL, not %s", workflow.ErrInvalidInput, db.dialect)
	}
	var schema sql.NullString
	if err := db.gorm.WithContext(ctx).Raw(`SELECT current_schema()`).Row().Scan(&schema); err != nil {
		return nil, translate("outbox signal: current schema", err)
	}
	self := make([]byte, 8)
	if _, err := rand.Read(self); err != nil {
		return nil, fmt.Errorf("outbox signal: %w", err)
	}
	return &OutboxSignal{
		db: db, channel: outboxChannelFor(schema.String), self: hex.EncodeToString(self),
		pending: make(chan struct{}, 1), health: listenHealth,
	}, nil
}

// outboxChannelFor names the channel of a schema within PostgreSQL's limit
// of 63 bytes.
func outboxChannelFor(schema string) string {
	if schema == "" || schema == "public" {
		return outboxChannel
	}
	name := outboxChannel + "_" + schema
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(schema))
		name = outboxChannel + "_" + hex.EncodeToString(sum[:12])
	}
	return name
}

// Channel is the LISTEN/NOTIFY channel the replicas of this schema share.
func (s *OutboxSignal) Channel() string { return s.channel }

// Wake asks Announce to tell the other replicas that effects were
// committed. It never blocks; wake-ups while an announcement is pending
// make one.
func (s *OutboxSignal) Wake() {
	select {
	case s.pending <- struct{}{}:
	default:
	}
}

// Announce sends one NOTIFY for each batch of wake-ups until ctx ends.
// onError is told of failed announcements (the poll covers for them).
func (s *OutboxSignal) Announce(ctx context.Context, onError func(error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.pending:
		}
		// An announcement needs no durability: sparing its commit the WAL
		// flush keeps the notify lock held for a moment only.
		err := s.db.gorm.WithContext(ctx).
			Exec(`SELECT set_config('synchronous_commit', 'off', true), pg_notify(?, ?)`, s.channel, s.self).Error
		if err != nil && ctx.Err() == nil && onError != nil {
			onError(translate("announce outbox entries", err))
		}
	}
}

// Listen hears the other replicas' announcements and wakes w for each,
// until ctx ends. It holds one connection of its own, outside the pool;
// when that connection fails it tells onError and connects again after a
// pause (doubling up to listenRetryMax), and after every (re)connection it
// wakes w once, for whatever was announced while nobody listened. Until
// then the dispatcher's poll is what finds new entries.
func (s *OutboxSignal) Listen(ctx context.Context, w workflow.Waker, onError func(error)) {
	retry := listenRetryMin
	for {
		err := s.listen(ctx, w, func() { retry = listenRetryMin })
		if ctx.Err() != nil {
			return
		}
		if onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
		retry = min(2*retry, listenRetryMax)
	}
}

// connect opens a connection of its own that listens on the channel.
func (s *OutboxSignal) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(s.db.dsn)
	if err != nil {
		return nil, fmt.Errorf("outbox listener: %w", err)
	}
	cfg.RuntimeParams["application_name"] = listenerName
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("outbox listener: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{s.channel}.Sanitize()); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("outbox listener: listen on %s: %w", s.channel, err)
	}
	return conn, nil
}

// listen runs one listen connection until it fails or ctx ends.
func (s *OutboxSignal) listen(ctx context.Context, w workflow.Waker, listening func()) error {
	conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	listening()
	w.Wake()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, s.health)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			if n.Payload != s.self {
				w.Wake()
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded):
			pingCtx, cancel := context.WithTimeout(ctx, listenPingTimeout)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return fmt.Errorf("outbox listener: ping: %w", err)
			}
		default:
			return fmt.Errorf("outbox listener: %w", err)
		}
	}
}
