package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"zerovisit/workflow/files"
)

// TestSniffAgreesWithNetHTTP: the types the product keeps are named as
// net/http names them, and anything else is none of them.
func TestSniffAgreesWithNetHTTP(t *testing.T) {
	for _, head := range [][]byte{
		[]byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), []byte("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"),
		[]byte("RIFF\x10\x00\x00\x00WEBPVP8 "), []byte("%PDF-1.7\n"),
		[]byte("<html><body>x</body></html>"), []byte("GIF89a"), []byte("plain text"), {},
	} {
		got, want := files.Sniff(head), http.DetectContentType(head)
		if got != want && !(got == "" && want != files.TypeJPEG && want != files.TypePNG && want != files.TypeWebP && want != files.TypePDF) {
			t.Errorf("Sniff(%q) = %q, net/http says %q", head, got, want)
		}
	}
}

type store struct{ puts int }

func (s *store) Put(_ context.Context, r io.Reader, _ int64) (files.Object, error) {
	s.puts++
	b, err := io.ReadAll(r)
	return files.Object{Size: int64(len(b))}, err
}

func (s *store) Open(context.Context, string) (io.ReadCloser, error) { return nil, files.ErrNotFound }

// TestPutTypedChecksFirst: content of another type is never handed to the
// store; accepted content is handed whole.
func TestPutTypedChecksFirst(t *testing.T) {
	s := &store{}
	_, err := files.PutTyped(context.Background(), s, bytes.NewReader([]byte("<html>")), 1<<20, files.TypePNG)
	var bad *files.TypeError
	if !errors.As(err, &bad) || !errors.Is(err, files.ErrType) || s.puts != 0 {
		t.Fatalf("PutTyped(html) = %v after %d puts, want a TypeError and none", err, s.puts)
	}
	png := append([]byte("\x89PNG\r\n\x1A\n"), bytes.Repeat([]byte{1}, 5000)...)
	obj, err := files.PutTyped(context.Background(), s, bytes.NewReader(png), 1<<20, files.TypePNG)
	if err != nil || obj.Size != int64(len(png)) {
		t.Fatalf("PutTyped(png) = %+v, %v, want all %d bytes", obj, err, len(png))
	}
}
