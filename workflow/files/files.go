// Package files is the product's port to the store that keeps uploaded
// files (materials, counter scans, door photos) by content: an object's key
// is the SHA-256 of its bytes, so one file uploaded twice is stored once and
// a key always names the same bytes. Each object also carries its SM3
// digest, which the case records as evidence. models/blob implements Store.
package files

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
)

// ErrTooLarge means the content passed the size limit.
var ErrTooLarge = errors.New("blob: content too large")

// ErrNotFound means no object has that key.
var ErrNotFound = errors.New("blob: not found")

// Object describes stored content.
type Object struct {
	Key         string `json:"key"` // hex SHA-256
	Size        int64  `json:"size"`
	SM3         string `json:"sm3"`
	ContentType string `json:"content_type"` // sniffed from the bytes, not taken from the client
}

// Store keeps objects.
type Store interface {
	// Put stores what r yields, up to maxBytes (ErrTooLarge past it), and
	// returns its description.
	Put(ctx context.Context, r io.Reader, maxBytes int64) (Object, error)
	// Open returns the object's bytes, or ErrNotFound.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
}

// The content types the product keeps files of, by their first bytes.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypePDF  = "application/pdf"
)

// Sniff names the content type of a file by its first bytes, among the
// types the product keeps (JPEG, PNG, WebP, PDF); "" for anything else.
// It agrees with net/http's DetectContentType on these.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\xFF\xD8\xFF")):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1A\n")):
		return TypePNG
	case len(head) >= 14 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:14], []byte("WEBPVP")):
		return TypeWebP
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	}
	return ""
}

// ErrType means the content is not of a type the caller takes.
var ErrType = errors.New("blob: content type not accepted")

// Peek reads the first bytes of r (up to 512, as sniffing needs) without
// losing them: it returns them with a reader of all of r's content.
func Peek(r io.Reader) (head []byte, all io.Reader, err error) {
	br := bufio.NewReaderSize(r, 512)
	head, err = br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, err
	}
	return head, br, nil
}

// PutTyped stores what r yields, as Store.Put does, only when its first
// bytes sniff as one of types: otherwise it stores nothing and returns the
// type it found wrapped in ErrType. The check comes before the first byte
// is written, so a refused file leaves no object behind.
func PutTyped(ctx context.Context, s Store, r io.Reader, maxBytes int64, types ...string) (Object, error) {
	head, all, err := Peek(r)
	if err != nil {
		return Object{}, err
	}
	if t := Sniff(head); !slices.Contains(types, t) {
		return Object{}, &TypeError{Found: t}
	}
	return s.Put(ctx, all, maxBytes)
}

// TypeError is content of a type not accepted; Found is its sniffed type,
// "" when it is none the product keeps. It unwraps to ErrType.
type TypeError struct{ Found string }

func (e *TypeError) Error() string { return ErrType.Error() + ": " + e.Found }

// Unwrap returns ErrType.
func (e *TypeError) Unwrap() error { return ErrType }

// Staged is content written where no reader sees it yet: Keep stores it
// under its key, Discard drops it (and does nothing once it is kept, so it
// may always be deferred).
type Staged interface {
	Object() Object
	Keep(ctx context.Context) error
	Discard()
}

// Stager is a Store that can hold content back until the caller has
// decided to keep it (an upload checked against quotas that only its size
// can settle): a refused file is never stored.
type Stager interface {
	Store
	// Stage writes what r yields, up to maxBytes (ErrTooLarge past it),
	// without storing it.
	Stage(ctx context.Context, r io.Reader, maxBytes int64) (Staged, error)
}
