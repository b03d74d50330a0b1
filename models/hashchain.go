package models

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// hashDomain separates event hashes from any other SM3 use, and versions the
// canonical form: a change to it must come with a new tag.
const hashDomain = "zerovisit/case-event/v1"

// eventHash returns hex(SM3(prevHash || canonical(event))), the link that
// chains an event to the one before it. prevHash is "" for a case's first
// event. The canonical form is every field below, each written as a uvarint
// byte length and then its bytes (so no two events share an encoding), in
// this order: prevHash, hashDomain, case id, seq (decimal), name, actor
// kind, actor id, at (UTC, truncated to microseconds, RFC 3339 with
// nanoseconds), from, to, reason, data (compact JSON, empty when absent).
func eventHash(prevHash string, ev eventRow) string {
	h := sm3.New()
	var buf []byte
	field := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		buf = append(buf, s...)
		h.Write(buf)
	}
	field(prevHash)
	field(hashDomain)
	field(ev.CaseID)
	field(strconv.FormatInt(ev.Seq, 10))
	field(ev.Name)
	field(ev.ActorKind)
	field(ev.ActorID)
	field(normTime(ev.At).Format(time.RFC3339Nano))
	field(ev.FromStatus)
	field(ev.ToStatus)
	field(ev.Reason)
	field(ev.Data)
	return hex.EncodeToString(h.Sum(nil))
}
