package models

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"zerovisit/workflow"
)

// Checkpoints catch what a keyed chain alone cannot: a case deleted with
// all its events, or the newest events (or staff log entries) of a case
// deleted and the case row set back to the one before. Either leaves a
// chain that verifies on its own.
//
// A checkpoint, written periodically by the server (WriteAuditCheckpoint),
// records under the audit key a witness of every case whose chains moved
// since the last one: the case's version and head hash, and its staff
// log's newest seq and hash (audit_heads). A witness only moves forward.
// The checkpoint row itself (audit_checkpoints) counts the witnesses and
// the events and entries they cover, carries an XOR digest of their MACs
// (so a witness deleted or added is noticed), and is chained to the
// checkpoint before it by MAC.
//
// What this leaves uncovered, and verify cannot see from the database
// alone:
//   - anything written since the newest checkpoint: a case created, or an
//     event appended, after it can be deleted again without trace until
//     the next checkpoint would have witnessed it (one checkpoint interval,
//     ZEROVISIT_AUDIT_CHECKPOINT_INTERVAL);
//   - a rollback of the whole audit state to an earlier copy of the
//     database (cases, events, witnesses and checkpoints together): every
//     row of it was once genuine. The server logs each checkpoint's seq and
//     MAC and verify prints the newest, so comparing the two with a record
//     kept elsewhere (the service log) closes that gap.

// Domains of the checkpoint MACs (see hashchain.go).
const (
	witnessDomain    = "zerovisit/audit-head/hmac-v1"
	checkpointDomain = "zerovisit/audit-checkpoint/hmac-v1"
)

// checkpointPage is how many changed heads one page of a checkpoint reads
// and writes.
const checkpointPage = 500

// CheckpointResult is the outcome of WriteAuditCheckpoint.
type CheckpointResult struct {
	// Checkpoint is the one written, or the newest when nothing moved.
	Checkpoint AuditCheckpoint
	Written    bool
	// Refused are the cases whose stored witness does not verify under the
	// key: their witness is left as it is, for verify to report, since
	// moving it on would bless whatever was done beneath it.
	Refused []string
}

// AuditCheckpoint is one checkpoint of the audit trail.
type AuditCheckpoint struct {
	Seq int64
	At  time.Time
	// Cases, Events and StaffEntries are how many cases are witnessed and
	// how many events and staff log entries their witnesses cover.
	Cases, Events, StaffEntries int64
	// Digest is the XOR of every witness's MAC.
	Digest string
	// PrevMAC is the MAC of the checkpoint before ("" for the first).
	PrevMAC, MAC string
}

// witness is a row of audit_heads.
type witness struct {
	caseID    string
	version   int64
	hash      string
	staffSeq  int64
	staffHash string
	mac       string
}

func (k *auditKey) witnessMAC(w witness) string {
	return k.sum(witnessDomain, w.caseID, strconv.FormatInt(w.version, 10), w.hash,
		strconv.FormatInt(w.staffSeq, 10), w.staffHash)
}

func (k *auditKey) checkpointMAC(c AuditCheckpoint) string {
	return k.sum(checkpointDomain, strconv.FormatInt(c.Seq, 10), normTime(c.At).Format(time.RFC3339Nano),
		strconv.FormatInt(c.Cases, 10), strconv.FormatInt(c.Events, 10), strconv.FormatInt(c.StaffEntries, 10),
		c.Digest, c.PrevMAC)
}

// zeroDigest is the digest of no witnesses.
var zeroDigest = strings.Repeat("0", 64)

// xorHex XORs two hex MACs of equal length; an unparsable one counts as
// zero, so a damaged witness changes the digest rather than stopping it.
func xorHex(a, b string) string {
	x, _ := hex.DecodeString(a)
	y, _ := hex.DecodeString(b)
	out := make([]byte, 32)
	for i := range out {
		if i < len(x) {
			out[i] ^= x[i]
		}
		if i < len(y) {
			out[i] ^= y[i]
		}
	}
	return hex.EncodeToString(out)
}

const checkpointColumns = `seq, at, cases, events, staff_entries, digest, prev_mac, mac`

func scanCheckpoint(s rowScanner) (AuditCheckpoint, error) {
	var (
		c  AuditCheckpoint
		at sqlTime
	)
	err := s.Scan(&c.Seq, &at, &c.Cases, &c.Events, &c.StaffEntries, &c.Digest, &c.PrevMAC, &c.MAC)
	c.At = at.T
	return c, err
}

// WriteAuditCheckpoint witnesses, under the audit key, the head of every
// case whose event chain or staff log grew since the last checkpoint, and
// records a checkpoint over all witnesses, in one transaction. It writes
// nothing when nothing moved (and a checkpoint exists), and reports whether
// it wrote. A witness never moves back: a case whose chain is now shorter
// than its witness keeps the witness, for verify to report. It refuses to
// extend a checkpoint chain whose newest checkpoint does not verify.
//
// The cases that moved are found first, outside the transaction (a scan of
// every case, which on SQLite would otherwise hold the write lock), and
// read again inside it; one that moves in between is witnessed next time.
// The scan is the interval's cost: measured, a checkpoint with nothing to
// witness took 0.2 s over 30,000 cases on PostgreSQL and 0.65 s over
// 50,000 on SQLite; the first one over an existing store writes a witness
// per case.
func WriteAuditCheckpoint(ctx context.Context, db *DB, at time.Time) (CheckpointResult, error) {
	const op = "write audit checkpoint"
	g := db.gorm.WithContext(ctx)
	moved, err := movedHeads(g)
	if err != nil {
		return CheckpointResult{}, translate(op, err)
	}
	var res CheckpointResult
	err = g.Transaction(func(tx *gorm.DB) error {
		res = CheckpointResult{}
		if db.isPostgres() {
			// Replicas take turns; readers (verify) are not blocked.
			if err := tx.Exec(`LOCK TABLE audit_checkpoints IN EXCLUSIVE MODE`).Error; err != nil {
				return err
			}
		}
		last, err := scanCheckpoint(tx.Raw(`SELECT ` + checkpointColumns + ` FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`).Row())
		first := errors.Is(err, sql.ErrNoRows)
		switch {
		case first:
			last = AuditCheckpoint{Digest: zeroDigest}
		case err != nil:
			return err
		case db.audit.checkpointMAC(last) != last.MAC:
			return fmt.Errorf("%w: checkpoint %d does not verify under the audit key: run zerovisit audit verify", workflow.ErrConflict, last.Seq)
		}
		next := last
		next.Seq, next.At, next.PrevMAC = last.Seq+1, normTime(at), last.MAC
		n := 0
		for i := 0; i < len(moved); i += checkpointPage {
			ws, err := db.witnessPage(tx, moved[i:min(i+checkpointPage, len(moved))], &next, &res.Refused)
			if err != nil {
				return err
			}
			if err := db.upsertWitnesses(tx, ws); err != nil {
				return err
			}
			n += len(ws)
		}
		if n == 0 && !first {
			res.Checkpoint = last
			return nil
		}
		next.MAC = db.audit.checkpointMAC(next)
		res.Checkpoint, res.Written = next, true
		return tx.Exec(`INSERT INTO audit_checkpoints (`+checkpointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			next.Seq, db.ts(next.At), next.Cases, next.Events, next.StaffEntries, next.Digest, next.PrevMAC, next.MAC).Error
	})
	if err != nil {
		return CheckpointResult{}, translate(op, err)
	}
	return res, nil
}

// movedHeadsFrom selects, with the condition, the cases whose event chain
// or staff log moved past their witness (or that have none).
const movedHeadsFrom = ` FROM cases c
		LEFT JOIN audit_heads w ON w.case_id = c.id
		LEFT JOIN case_staff_log l ON l.case_id = c.id
			AND l.seq = (SELECT max(m.seq) FROM case_staff_log m WHERE m.case_id = c.id)
		WHERE (w.case_id IS NULL OR c.version > w.version OR COALESCE(l.seq, 0) > w.staff_seq)`

// movedHeads returns the ids of the cases whose chains moved past their
// witness, in keyset pages.
func movedHeads(g *gorm.DB) ([]string, error) {
	var ids []string
	for after := ""; ; {
		var page []string
		if err := g.Raw(`SELECT c.id`+movedHeadsFrom+` AND c.id > ? ORDER BY c.id LIMIT ?`, after, checkpointPage).
			Scan(&page).Error; err != nil {
			return nil, err
		}
		ids = append(ids, page...)
		if len(page) < checkpointPage {
			return ids, nil
		}
		after = page[len(page)-1]
	}
}

// witnessPage reads, in tx, those of the cases ids whose chains still moved
// past their witness, returns their new witnesses, and folds the change
// into cp's counts and digest. A case whose stored witness does not verify
// is added to refused instead.
func (db *DB) witnessPage(tx *gorm.DB, ids []string, cp *AuditCheckpoint, refused *[]string) ([]witness, error) {
	rows, err := tx.Raw(`SELECT c.id, c.version, c.last_hash, COALESCE(l.seq, 0), COALESCE(l.hash, ''),
			w.version, w.hash, w.staff_seq, w.staff_hash, w.mac`+movedHeadsFrom+` AND c.id IN ? ORDER BY c.id`, ids).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []witness
	for rows.Next() {
		var (
			now                   witness
			oldVersion, oldStaff  sql.NullInt64
			oldHash, oldStaffHash sql.NullString
			oldMAC                sql.NullString
		)
		if err := rows.Scan(&now.caseID, &now.version, &now.hash, &now.staffSeq, &now.staffHash,
			&oldVersion, &oldHash, &oldStaff, &oldStaffHash, &oldMAC); err != nil {
			return nil, err
		}
		if oldVersion.Valid {
			old := witness{caseID: now.caseID, version: oldVersion.Int64, hash: oldHash.String,
				staffSeq: oldStaff.Int64, staffHash: oldStaffHash.String}
			if db.audit.witnessMAC(old) != oldMAC.String {
				*refused = append(*refused, now.caseID)
				continue
			}
			if oldVersion.Int64 >= now.version {
				now.version, now.hash = oldVersion.Int64, oldHash.String
			}
			if oldStaff.Int64 >= now.staffSeq {
				now.staffSeq, now.staffHash = oldStaff.Int64, oldStaffHash.String
			}
			cp.Digest = xorHex(cp.Digest, oldMAC.String)
			cp.Events -= oldVersion.Int64
			cp.StaffEntries -= oldStaff.Int64
		} else {
			cp.Cases++
		}
		now.mac = db.audit.witnessMAC(now)
		cp.Digest = xorHex(cp.Digest, now.mac)
		cp.Events += now.version
		cp.StaffEntries += now.staffSeq
		out = append(out, now)
	}
	return out, rows.Err()
}

// upsertWitnesses writes ws over their cases' witnesses.
func (db *DB) upsertWitnesses(tx *gorm.DB, ws []witness) error {
	if len(ws) == 0 {
		return nil
	}
	vals := make([]string, len(ws))
	args := make([]any, 0, 6*len(ws))
	for i, w := range ws {
		vals[i] = "(?, ?, ?, ?, ?, ?)"
		args = append(args, w.caseID, w.version, w.hash, w.staffSeq, w.staffHash, w.mac)
	}
	return tx.Exec(`INSERT INTO audit_heads (case_id, version, hash, staff_seq, staff_hash, mac) VALUES `+
		strings.Join(vals, ", ")+` ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, hash = excluded.hash,
		staff_seq = excluded.staff_seq, staff_hash = excluded.staff_hash, mac = excluded.mac`, args...).Error
}

// AuditCheckpointAt returns the stored checkpoint with seq; ok is false
// when there is none.
func AuditCheckpointAt(ctx context.Context, db *DB, seq int64) (cp AuditCheckpoint, ok bool, err error) {
	cp, err = scanCheckpoint(db.gorm.WithContext(ctx).Raw(`SELECT `+checkpointColumns+` FROM audit_checkpoints WHERE seq = ?`, seq).Row())
	if errors.Is(err, sql.ErrNoRows) {
		return AuditCheckpoint{}, false, nil
	}
	return cp, err == nil, translate("read audit checkpoint", err)
}
