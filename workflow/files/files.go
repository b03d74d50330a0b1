// Package files is the product's port to the store that keeps uploaded
// files (materials, counter scans, door photos) by content: an object's key
// is the SHA-256 of its bytes, so one file uploaded twice is stored once and
// a key always names the same bytes. Each object also carries its SM3
// digest, which the case records as evidence. models/blob implements Store.
package files

import (
	"context"
	"errors"
	"io"
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
