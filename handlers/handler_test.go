package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"zerovisit/handlers"
)

type errorShape struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func newRouter(tb testing.TB, checks map[string]handlers.Check) *gin.Engine {
	tb.Helper()
	h, err := handlers.New(handlers.Options{Checks: checks, Version: "test", MaxBodyBytes: 1024})
	if err != nil {
		tb.Fatalf("handlers.New: %v", err)
	}
	return h.Router()
}

func do(tb testing.TB, r http.Handler, method, path string, body io.Reader) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(method, path, body)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func decodeError(tb testing.TB, w *httptest.ResponseRecorder) errorShape {
	tb.Helper()
	var e errorShape
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		tb.Fatalf("body %q is not the error shape: %v", w.Body.String(), err)
	}
	if e.Error.Code == "" || e.Error.Message == "" || e.Error.RequestID == "" {
		tb.Fatalf("error shape incomplete: %q", w.Body.String())
	}
	return e
}

func TestStructuredErrors(t *testing.T) {
	r := newRouter(t, nil)
	for name, tc := range map[string]struct {
		method, path string
		status       int
		code         string
	}{
		"UnknownRoute": {http.MethodGet, "/no/such/route", http.StatusNotFound, "route_not_found"},
		"WrongMethod":  {http.MethodDelete, "/healthz", http.StatusMethodNotAllowed, "method_not_allowed"},
	} {
		t.Run(name, func(t *testing.T) {
			w := do(t, r, tc.method, tc.path, nil)
			if got, want := w.Code, tc.status; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			if got, want := decodeError(t, w).Error.Code, tc.code; got != want {
				t.Errorf("code = %q, want %q", got, want)
			}
		})
	}
}

func TestOversizedBodyRefusedByContentLength(t *testing.T) {
	r := newRouter(t, nil)
	w := do(t, r, http.MethodPost, "/healthz", strings.NewReader(strings.Repeat("x", 4096)))
	if got, want := w.Code, http.StatusRequestEntityTooLarge; got != want {
		t.Fatalf("status = %d, want %d", got, want)
	}
	if got, want := decodeError(t, w).Error.Code, "payload_too_large"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
}

func TestRequestIDEchoedOrReplaced(t *testing.T) {
	r := newRouter(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Request-ID", "abc12345-from-lb")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if got, want := w.Header().Get("X-Request-ID"), "abc12345-from-lb"; got != want {
		t.Errorf("X-Request-ID = %q, want %q", got, want)
	}
	req = httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("X-Request-ID", "bad id\nwith newline")
	w = httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if got := w.Header().Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " \n") {
		t.Errorf("X-Request-ID = %q, want a fresh safe ID", got)
	}
}

func TestReadyz(t *testing.T) {
	var redisErr error
	r := newRouter(t, map[string]handlers.Check{
		"database": func(context.Context) error { return nil },
		"redis":    func(context.Context) error { return redisErr },
	})
	if w := do(t, r, http.MethodGet, "/readyz", nil); w.Code != http.StatusOK {
		t.Fatalf("readyz with everything up = %d, want 200: %s", w.Code, w.Body)
	}
	redisErr = errors.New("connection refused")
	w := do(t, r, http.MethodGet, "/readyz", nil)
	if got, want := w.Code, http.StatusServiceUnavailable; got != want {
		t.Fatalf("readyz with redis down = %d, want %d", got, want)
	}
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if got, want := body.Checks["redis"], "down"; got != want {
		t.Errorf("checks.redis = %q, want %q", got, want)
	}
	if got, want := body.Checks["database"], "ok"; got != want {
		t.Errorf("checks.database = %q, want %q", got, want)
	}
	if got, want := decodeError(t, w).Error.Code, "not_ready"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
}

const metricsToken = "metrics-token-for-tests-0123456789abcdef"

// metricsRouter is newRouter with metrics behind metricsToken.
func metricsRouter(tb testing.TB) *gin.Engine {
	tb.Helper()
	h, err := handlers.New(handlers.Options{Version: "test", MaxBodyBytes: 1024, MetricsToken: metricsToken})
	if err != nil {
		tb.Fatalf("handlers.New: %v", err)
	}
	return h.Router()
}

// getMetrics asks for /metrics with authorization as its Authorization header.
func getMetrics(r http.Handler, authorization string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

// TestMetricsNeedTheirToken: /metrics on the API answers only with the
// metrics bearer token; without one configured it answers nobody. Every
// refusal is the error shape and shows no series.
func TestMetricsNeedTheirToken(t *testing.T) {
	r := metricsRouter(t)
	for name, tc := range map[string]struct {
		router        http.Handler
		authorization string
		code          string
	}{
		"NoToken":      {r, "", "unauthorized"},
		"WrongToken":   {r, "Bearer " + strings.Repeat("x", len(metricsToken)), "unauthorized"},
		"NotBearer":    {r, "Basic " + metricsToken, "unauthorized"},
		"NoneSet":      {newRouter(t, nil), "", "metrics_disabled"},
		"NoneSetGuess": {newRouter(t, nil), "Bearer ", "metrics_disabled"},
	} {
		t.Run(name, func(t *testing.T) {
			w := getMetrics(tc.router, tc.authorization)
			if w.Code != http.StatusUnauthorized || decodeError(t, w).Error.Code != tc.code {
				t.Errorf("/metrics = %d %s, want 401 %s", w.Code, w.Body.String(), tc.code)
			}
			if strings.Contains(w.Body.String(), "go_goroutines") {
				t.Error("a refused /metrics shows series")
			}
		})
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	r := metricsRouter(t)
	do(t, r, http.MethodGet, "/healthz", nil)
	do(t, r, http.MethodGet, "/healthz", nil)
	do(t, r, http.MethodGet, "/unknown/abc", nil)
	w := getMetrics(r, "Bearer "+metricsToken)
	if w.Code != http.StatusOK {
		t.Fatalf("/metrics = %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`zerovisit_http_requests_total{method="GET",route="/healthz",status="200"} 2`,
		`zerovisit_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`zerovisit_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="0.001"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestOpenAPIMatchesRoutes keeps the published document and the registered
// routes in step: every route is documented and every documented path exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	r := newRouter(t, nil)
	w := do(t, r, http.MethodGet, "/openapi.json", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("/openapi.json = %d", w.Code)
	}
	doc, err := openapi3.NewLoader().LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatalf("load served document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("served document is not valid OpenAPI 3: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range r.Routes() {
		registered[rt.Method+" "+ginToOpenAPI(rt.Path)] = true
	}
	var missing, stale []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes not in openapi.yaml: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("openapi.yaml paths with no route: %v", stale)
	}
}

// ginToOpenAPI turns /cases/:id into /cases/{id}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// TestForwardedForTrustedOnlyFromProxies: a client that is not one of the
// trusted proxies cannot choose the address its rate limits count against.
func TestForwardedForTrustedOnlyFromProxies(t *testing.T) {
	h, err := handlers.New(handlers.Options{MaxBodyBytes: 1024, TrustedProxies: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	r := h.Router()
	r.GET("/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
	for name, tc := range map[string]struct{ remote, want string }{
		"FromProxy":  {"10.1.2.3:5000", "203.0.113.9"},
		"FromClient": {"198.51.100.7:5000", "198.51.100.7"},
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tc.remote
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if got := w.Body.String(); got != tc.want {
				t.Errorf("client IP = %q, want %q", got, tc.want)
			}
		})
	}
}
