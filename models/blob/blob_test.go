package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"zerovisit/models/blob"
)

func TestDir(t *testing.T) {
	ctx := context.Background()
	d, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 1000)...)
	obj, err := d.Put(ctx, bytes.NewReader(png), 4096)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(png)
	if got, want := obj.Key, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("key = %s, want %s", got, want)
	}
	if obj.Size != int64(len(png)) || obj.ContentType != "image/png" || len(obj.SM3) != 64 {
		t.Errorf("object = %+v", obj)
	}
	again, err := d.Put(ctx, bytes.NewReader(png), 4096)
	if err != nil || again != obj {
		t.Errorf("second put = %+v, %v", again, err)
	}
	rc, err := d.Open(ctx, obj.Key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, png) {
		t.Error("read back different bytes")
	}

	if _, err := d.Put(ctx, strings.NewReader(strings.Repeat("x", 5000)), 4096); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("oversized put: %v, want ErrTooLarge", err)
	}
	for _, key := range []string{strings.Repeat("0", 64), "../../etc/passwd", ""} {
		if _, err := d.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", key, err)
		}
	}
}
