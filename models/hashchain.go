package models

import (
	"crypto/hmac"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strconv"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// Every hash of the audit trail is HMAC-SM3 under the audit key, which is
// kept outside the database (ZEROVISIT_AUDIT_KEY, or the embedded default's
// key file): whoever can write the database but does not hold the key can
// neither edit a link and recompute the chain after it, nor forge the
// checkpoints (audit_checkpoint.go) that witness the chains' heads.
//
// The domains below separate the kinds of MAC and version their canonical
// forms: a change to a form must come with a new tag.
const (
	// hashDomain is the unkeyed SM3 event chain written before the audit
	// key existed. Nothing writes it now; verify recognises it, to say that
	// a link was computed without the key.
	hashDomain = "zerovisit/case-event/v1"
	// keyedDomain is the event chain under the audit key.
	keyedDomain = "zerovisit/case-event/hmac-v2"
	// staffLogDomain is the staff log chain under the audit key (the
	// unkeyed one had no domain).
	staffLogDomain = "zerovisit/staff-log/hmac-v2"
)

// auditKey computes the trail's MACs. Keyed HMAC states are pooled: an
// HMAC's Reset returns it to the keyed state without hashing the key again,
// so a link costs what the unkeyed SM3 did plus two compression blocks.
type auditKey struct{ pool sync.Pool }

// newAuditKey returns the MACs under key. An empty key is still HMAC-SM3
// (with a key of no bytes), so a store opened without one writes links no
// keyed verification accepts; the server always passes its key.
func newAuditKey(key []byte) *auditKey {
	key = append([]byte(nil), key...)
	k := &auditKey{}
	k.pool.New = func() any { return hmac.New(sm3.New, key) }
	return k
}

// sum returns hex(HMAC-SM3(key, canonical(fields))).
func (k *auditKey) sum(fields ...string) string {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	writeFields(h, fields...)
	out := hex.EncodeToString(h.Sum(nil))
	k.pool.Put(h)
	return out
}

// writeFields writes each field as a uvarint byte length and then its
// bytes, so no two sequences of fields share an encoding.
func writeFields(h hash.Hash, fields ...string) {
	var buf [binary.MaxVarintLen64]byte
	for _, f := range fields {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(f)))])
		h.Write([]byte(f))
	}
}

// eventFields is the canonical form of an event: prevHash ("" for a case's
// first event), the domain, case id, seq (decimal), name, actor kind,
// actor id, at (UTC, truncated to microseconds, RFC 3339 with
// nanoseconds), from, to, reason, data (compact JSON, empty when absent).
func eventFields(domain, prevHash string, ev eventRow) []string {
	return []string{prevHash, domain, ev.CaseID, strconv.FormatInt(ev.Seq, 10), ev.Name, ev.ActorKind, ev.ActorID,
		normTime(ev.At).Format(time.RFC3339Nano), ev.FromStatus, ev.ToStatus, ev.Reason, ev.Data}
}

// eventHash returns the keyed link that chains an event to the one before
// it: hex(HMAC-SM3(key, canonical(event))).
func eventHash(k *auditKey, prevHash string, ev eventRow) string {
	return k.sum(eventFields(keyedDomain, prevHash, ev)...)
}

// plainEventHash is the unkeyed link, hex(SM3(canonical(event))), that
// anyone can compute: verify uses it only to name a link made without
// the key.
func plainEventHash(prevHash string, ev eventRow) string {
	h := sm3.New()
	writeFields(h, eventFields(hashDomain, prevHash, ev)...)
	return hex.EncodeToString(h.Sum(nil))
}
