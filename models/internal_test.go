package models

import (
	"io/fs"
	"strings"
	"testing"
	"time"
)

// TestTimerIndexMatchesQuery keeps the partial index predicate of
// cases_timer_idx equal to the text DueTimers queries with; if a terminal
// state is added to workflow, a new migration must rebuild the index.
func TestTimerIndexMatchesQuery(t *testing.T) {
	for _, dir := range []string{"migrations/postgres", "migrations/sqlite"} {
		files, err := fs.Glob(migrationFiles, dir+"/*.sql")
		if err != nil || len(files) == 0 {
			t.Fatalf("glob %s: %v", dir, err)
		}
		var all strings.Builder
		for _, f := range files {
			b, err := fs.ReadFile(migrationFiles, f)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
		if !strings.Contains(strings.Join(strings.Fields(all.String()), " "), "WHERE "+timerPredicate()+";") {
			t.Errorf("%s: no index with WHERE %s", dir, timerPredicate())
		}
	}
}

func TestEventHashCanonical(t *testing.T) {
	k := newAuditKey([]byte("test audit key, sixteen+ bytes"))
	ev := eventRow{CaseID: "c", Seq: 1, Name: "submit", ActorKind: "citizen", ActorID: "u"}
	h := eventHash(k, "", ev)
	if len(h) != 64 {
		t.Fatalf("hash %q is not hex HMAC-SM3", h)
	}
	// Moving a byte from one field to the next must change the hash.
	shifted := ev
	shifted.Name, shifted.ActorKind = "submitc", "itizen"
	if eventHash(k, "", shifted) == h {
		t.Errorf("field boundaries are ambiguous")
	}
	if eventHash(k, h, ev) == h {
		t.Errorf("prev hash does not enter the hash")
	}
	// The key enters it, and the keyed link is not the unkeyed one.
	if eventHash(newAuditKey([]byte("another key, sixteen+ bytes")), "", ev) == h || plainEventHash("", ev) == h {
		t.Errorf("the hash does not depend on the key")
	}
	// A pooled HMAC state is reset between uses.
	if eventHash(k, "", ev) != h {
		t.Errorf("the same event hashes differently on a second use")
	}
}

// BenchmarkEventHash compares one keyed link with the unkeyed SM3 it replaced.
func BenchmarkEventHash(b *testing.B) {
	k := newAuditKey([]byte("bench audit key, sixteen+ bytes"))
	ev := eventRow{CaseID: "c-0123456789", Seq: 12, Name: "approve", ActorKind: "clerk", ActorID: "clerk-7",
		At: time.Now(), FromStatus: "accepted", ToStatus: "approved", Reason: "ok", Data: `{"note":"材料齐全，准予许可"}`}
	b.Run("hmac-sm3", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			eventHash(k, "prev", ev)
		}
	})
	b.Run("sm3", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			plainEventHash("prev", ev)
		}
	})
}

func TestHeadCacheKeepsNewest(t *testing.T) {
	c := newHeadCache(2)
	c.put("a", head{version: 3, hash: "h3"})
	c.put("a", head{version: 2, hash: "h2"})
	if h, _ := c.get("a"); h.version != 3 {
		t.Errorf("older head replaced a newer one: %+v", h)
	}
	c.put("b", head{version: 1})
	c.put("c", head{version: 1})
	if len(c.m) != 2 {
		t.Errorf("cache holds %d entries, want its bound 2", len(c.m))
	}
}

// SetListenHealth shortens how long a quiet listen connection waits before
// it is pinged, for the listener's tests in package models_test.
func SetListenHealth(s *OutboxSignal, d time.Duration) { s.health = d }

// TestOutboxChannelFor: each schema has its own notification channel, a
// valid PostgreSQL identifier (at most 63 bytes) even for the longest
// schema name, and distinct for distinct schemas.
func TestOutboxChannelFor(t *testing.T) {
	for schema, want := range map[string]string{
		"":                "zerovisit_outbox",
		"public":          "zerovisit_outbox",
		"zvtest_0123abcd": "zerovisit_outbox_zvtest_0123abcd",
	} {
		if got := outboxChannelFor(schema); got != want {
			t.Errorf("channel of schema %q = %q, want %q", schema, got, want)
		}
	}
	long := strings.Repeat("s", 63)
	if got := outboxChannelFor(long); len(got) > 63 || got == outboxChannelFor(long[:62]) {
		t.Errorf("channel of a 63-byte schema = %q (%d bytes), want at most 63 and distinct", got, len(got))
	}
}
