package pii_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"zerovisit/models/pii"
)

func newSealer(t *testing.T, enc, idx byte) *pii.Sealer {
	t.Helper()
	s, err := pii.NewSealer(bytes.Repeat([]byte{enc}, pii.KeySize), bytes.Repeat([]byte{idx}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	s := newSealer(t, 1, 2)
	const id = "11010519491231002X"
	sealed, err := s.Seal(id, "citizen:1:id_number")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, id) || strings.Contains(sealed, "1949") {
		t.Fatalf("sealed value %q shows the plain text", sealed)
	}
	again, _ := s.Seal(id, "citizen:1:id_number")
	if again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	got, err := s.Open(sealed, "citizen:1:id_number")
	if err != nil || got != id {
		t.Fatalf("Open = %q, %v", got, err)
	}

	for name, tc := range map[string]struct {
		sealed, context string
		sealer          *pii.Sealer
	}{
		"OtherField":  {sealed, "citizen:2:id_number", s},
		"OtherKey":    {sealed, "citizen:1:id_number", newSealer(t, 9, 2)},
		"Flipped":     {sealed[:len(sealed)-2] + "AA", "citizen:1:id_number", s},
		"Truncated":   {sealed[:6], "citizen:1:id_number", s},
		"Unversioned": {"plain text", "citizen:1:id_number", s},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tc.sealer.Open(tc.sealed, tc.context); !errors.Is(err, pii.ErrTampered) {
				t.Errorf("err = %v, want ErrTampered", err)
			}
		})
	}
}

func TestIndex(t *testing.T) {
	s := newSealer(t, 1, 2)
	a := s.Index("id_number", "11010519491231002X")
	if a != s.Index("id_number", "11010519491231002X") {
		t.Error("index is not deterministic")
	}
	if a == s.Index("phone", "11010519491231002X") {
		t.Error("index does not separate kinds")
	}
	if a == newSealer(t, 1, 3).Index("id_number", "11010519491231002X") {
		t.Error("index does not depend on the key")
	}
	if len(a) != 64 || strings.Contains(a, "1949") {
		t.Errorf("index %q is not a hex SM3 digest", a)
	}
}

func TestNewSealerRefusesBadKeys(t *testing.T) {
	if _, err := pii.NewSealer(make([]byte, 8), make([]byte, 32)); err == nil {
		t.Error("short encryption key accepted")
	}
	if _, err := pii.NewSealer(make([]byte, 16), make([]byte, 8)); err == nil {
		t.Error("short index key accepted")
	}
}
