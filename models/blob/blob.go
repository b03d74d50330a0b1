// Package blob keeps uploaded files (materials, scans, photos) by content:
// an object's key is the SHA-256 of its bytes, so one file uploaded twice is
// stored once and a key always names the same bytes. Each object also
// carries its SM3 digest, which the case records as evidence.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/workflow/files"
)

// The object, its store and its errors are the domain's (package files);
// Dir implements the store on a local folder, and an S3-compatible store can
// stand behind the same interface.
type (
	Object = files.Object
	Store  = files.Store
)

var (
	ErrTooLarge = files.ErrTooLarge
	ErrNotFound = files.ErrNotFound
)

var validKey = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Dir stores objects as files under a folder, fanned out by key prefix.
type Dir struct {
	root string
}

var _ files.Stager = (*Dir)(nil)

// NewDir returns a store under root, creating it.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", root, err)
	}
	return &Dir{root: root}, nil
}

func (d *Dir) path(key string) string { return filepath.Join(d.root, key[:2], key) }

// Put stores what r yields, up to maxBytes, and returns its description.
// The content is written to a temporary file and renamed into place, so a
// reader never sees a partial object.
func (d *Dir) Put(ctx context.Context, r io.Reader, maxBytes int64) (Object, error) {
	st, err := d.Stage(ctx, r, maxBytes)
	if err != nil {
		return Object{}, err
	}
	defer st.Discard()
	if err := st.Keep(ctx); err != nil {
		return Object{}, err
	}
	return st.Object(), nil
}

// Stage writes what r yields, up to maxBytes, to a temporary file and
// describes it; Keep renames it into place, Discard removes it.
func (d *Dir) Stage(ctx context.Context, r io.Reader, maxBytes int64) (files.Staged, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.root, "tmp"), "up-*")
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	st := &staged{d: d, tmp: tmp.Name()}
	defer tmp.Close()
	sha, sm := sha256.New(), sm3.New()
	head := &headBuffer{max: 512}
	n, err := io.Copy(io.MultiWriter(tmp, sha, sm, head), io.LimitReader(contextReader{ctx, r}, maxBytes+1))
	switch {
	case err != nil:
		st.Discard()
		return nil, fmt.Errorf("blob: write: %w", err)
	case n > maxBytes:
		st.Discard()
		return nil, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		st.Discard()
		return nil, fmt.Errorf("blob: sync: %w", err)
	}
	st.obj = Object{
		Key: hex.EncodeToString(sha.Sum(nil)), Size: n, SM3: hex.EncodeToString(sm.Sum(nil)),
		ContentType: http.DetectContentType(head.b),
	}
	return st, nil
}

// staged is content of Stage not yet kept.
type staged struct {
	d    *Dir
	tmp  string
	obj  Object
	done bool
}

func (s *staged) Object() Object { return s.obj }

// Keep renames the content into place. An object of that key kept before
// is the same bytes: it is touched, so it counts as new for the sweep.
func (s *staged) Keep(context.Context) error {
	if s.done {
		return nil
	}
	path := s.d.path(s.obj.Key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(s.tmp, path); err != nil {
		return fmt.Errorf("blob: store: %w", err)
	}
	s.done = true
	return nil
}

func (s *staged) Discard() {
	if !s.done {
		_ = os.Remove(s.tmp)
		s.done = true
	}
}

// Open returns the object's content.
func (d *Dir) Open(_ context.Context, key string) (io.ReadCloser, error) {
	if !validKey.MatchString(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	return f, nil
}

// headBuffer keeps the first bytes written, for content sniffing.
type headBuffer struct {
	b   []byte
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// contextReader stops a long upload when the request is cancelled.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

var _ files.Collectable = (*Dir)(nil)

// Older calls fn with batches of the keys of objects whose files were
// last written before t.
func (d *Dir) Older(ctx context.Context, t time.Time, batch int, fn func(keys []string) error) error {
	var keys []string
	err := filepath.WalkDir(d.root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() {
			if e.Name() == "tmp" {
				return filepath.SkipDir
			}
			return ctx.Err()
		}
		if !validKey.MatchString(e.Name()) {
			return nil
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(t) {
			return nil
		}
		if keys = append(keys, e.Name()); len(keys) >= batch {
			err, keys = fn(keys), nil
			return err
		}
		return nil
	})
	if err == nil && len(keys) > 0 {
		err = fn(keys)
	}
	if err != nil {
		return fmt.Errorf("blob: list: %w", err)
	}
	return nil
}

// Delete removes the object unless its file was written at t or later. It
// is first moved aside, so an upload of the same bytes renamed into place
// meanwhile is seen (by its time) and put back rather than lost.
func (d *Dir) Delete(_ context.Context, key string, t time.Time) (bool, error) {
	if !validKey.MatchString(key) {
		return false, ErrNotFound
	}
	aside := filepath.Join(d.root, "tmp", "del-"+key)
	if err := os.Rename(d.path(key), aside); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: delete: %w", err)
	}
	info, err := os.Stat(aside)
	if err == nil && !info.ModTime().Before(t) {
		if _, err := os.Stat(d.path(key)); errors.Is(err, fs.ErrNotExist) {
			return false, os.Rename(aside, d.path(key))
		}
		return false, os.Remove(aside)
	}
	if err := os.Remove(aside); err != nil {
		return false, fmt.Errorf("blob: delete: %w", err)
	}
	return true, nil
}

// Touch marks the object as written now.
func (d *Dir) Touch(_ context.Context, key string) error {
	if !validKey.MatchString(key) {
		return ErrNotFound
	}
	now := time.Now()
	if err := os.Chtimes(d.path(key), now, now); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: touch: %w", err)
	}
	return nil
}
