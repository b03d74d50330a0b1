package sandboxkit

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"sync"
)

// maxRecordedBody is how much of each request body a Recorder keeps.
const maxRecordedBody = 1 << 20

// Request is what a Recorder kept of one request.
type Request struct {
	Method string
	Path   string
	Query  string
	Host   string
	Header http.Header // only the headers the Recorder was asked to keep
	Body   []byte      // at most 1 MiB
}

// Recorder keeps the requests that reach it, for tests to read. The zero
// value keeps every header; it is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	headers []string
	reqs    []Request
}

// NewRecorder returns a Recorder that keeps only the named headers (all if none).
func NewRecorder(headers ...string) *Recorder {
	keep := make([]string, len(headers))
	for i, h := range headers {
		keep[i] = http.CanonicalHeaderKey(h)
	}
	return &Recorder{headers: keep}
}

// Wrap returns h behind the recorder. The handler still reads the whole body.
func (rec *Recorder) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		}
		rec.add(Request{
			Method: r.Method,
			Path:   r.URL.Path,
			Query:  r.URL.RawQuery,
			Host:   r.Host,
			Header: rec.keep(r.Header),
			Body:   slices.Clone(body),
		})
		h.ServeHTTP(w, r)
	})
}

// keep copies the headers to record. rec.headers is never changed after
// NewRecorder, so it needs no lock.
func (rec *Recorder) keep(h http.Header) http.Header {
	if len(rec.headers) == 0 {
		return h.Clone()
	}
	out := http.Header{}
	for _, n := range rec.headers {
		if v := h.Values(n); len(v) > 0 {
			out[n] = slices.Clone(v)
		}
	}
	return out
}

func (rec *Recorder) add(r Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, r)
}

// Requests returns a copy of the requests received so far, oldest first.
func (rec *Recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.reqs)
}

// Len returns how many requests have been received.
func (rec *Recorder) Len() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// Reset forgets the requests received so far.
func (rec *Recorder) Reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = nil
}
