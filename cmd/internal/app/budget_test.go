package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"

	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"zerovisit/cmd/internal/cmdtest"
	"zerovisit/handlers"
	"zerovisit/models/dbtest"
)

// Round-trip budget of one state-changing call: SQL statements (transaction
// control not counted) and Redis round trips (a pipeline is one).
const (
	budgetSQL   = 4
	budgetRedis = 2
)

// overBudget are the endpoints still over the budget, each with the most it
// may take today (SQL statements, Redis round trips). The list only
// shrinks: going over a ceiling fails the test, and so does an endpoint
// that meets the budget while still listed; one that takes less than its
// ceiling is logged, to lower it.
var overBudget = map[string][2]int{
	// The door check counts the attempt against the leg's allowance of
	// failures before the ID number is compared (one UPDATE by key), so
	// that parallel attempts cannot test more numbers than it allows.
	"POST /api/v1/courier/scans (delivery)": {5, 2},
}

// budgetRoutes are the busiest state-changing endpoints, held to the budget.
var budgetRoutes = []string{
	"POST /api/v1/citizen/drafts",
	"POST /api/v1/citizen/cases/:id/uploads",
	"PUT /api/v1/citizen/cases/:id/commitment",
	"PUT /api/v1/citizen/cases/:id/delivery",
	"POST /api/v1/citizen/cases/:id/submit",
	"POST /api/v1/citizen/cases/:id/payments",
	"POST /api/v1/staff/cases/:id/claim",
	"POST /api/v1/staff/cases/:id/accept",
	"POST /api/v1/staff/cases/:id/approve",
	"POST /api/v1/staff/cases/:id/dispatch",
	"POST /api/v1/courier/scans (pickup)",
	"POST /api/v1/courier/scans (handover)",
	"POST /api/v1/courier/scans (delivery)", // with the door check
}

// TestRoundTripBudget plays the demo's stories through the real API on
// PostgreSQL and Redis, counts the SQL statements and Redis round trips
// each request causes (by its request ID, which the handlers put in the
// context every layer below receives), prints them per endpoint, and fails
// when one of the busiest state-changing endpoints goes over the budget.
// The first call of each endpoint is printed but not held to it: it pays
// for loading scripts and caches once per process.
//
// It lives in package app_test (replicas_test.go), which can play the
// stories; this is its body, given the player.
func RoundTripBudget(t *testing.T, play func(ctx context.Context, out io.Writer, hc *http.Client, base string, hooks Hooks) error) {
	if os.Getenv(dbtest.EnvDatabaseURL) == "" || os.Getenv("TEST_REDIS_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("the round-trip budget runs on PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL")
		}
		t.Skip("TEST_DATABASE_URL and TEST_REDIS_URL are not both set")
	}
	ctx := context.Background()
	trips := newRoundTrips()
	// The counters are attached before the server and the workers start,
	// as neither gorm's callbacks nor go-redis's hooks may change in use.
	app, err := startDemoServer(ctx, t.TempDir(), cmdtest.DemoEnv(t), io.Discard, func(app *App) {
		trips.watchSQL(t, app.db.Gorm())
		if client, ok := app.redis.(redis.UniversalClient); ok {
			client.AddHook(redisCounter{trips})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Close() })
	if _, ok := app.redis.(redis.UniversalClient); !ok {
		t.Fatalf("the app's Redis client is %T, want a go-redis client", app.redis)
	}

	hc := &http.Client{Transport: &taggingTransport{trips: trips, next: http.DefaultTransport}}
	var out strings.Builder
	if err := play(ctx, &out, hc, "http://"+app.DisplayAddr(), app.Hooks()); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	table := trips.table()
	t.Log("\n" + table.String())
	for _, route := range budgetRoutes {
		row, ok := table.rows[route]
		if !ok {
			t.Errorf("%s: the stories never called it", route)
			continue
		}
		sql, rd := row.held()
		ceiling, listed := overBudget[route]
		switch {
		case !listed && (sql > budgetSQL || rd > budgetRedis):
			t.Errorf("%s: %d SQL statements and %d Redis round trips in one call, budget %d and %d; its statements:\n%s",
				route, sql, rd, budgetSQL, budgetRedis, strings.Join(row.worst, "\n"))
		case listed && (sql > ceiling[0] || rd > ceiling[1]):
			t.Errorf("%s: %d SQL statements and %d Redis round trips in one call, more than the %d and %d it took before; its statements:\n%s",
				route, sql, rd, ceiling[0], ceiling[1], strings.Join(row.worst, "\n"))
		case listed && sql <= budgetSQL && rd <= budgetRedis:
			t.Errorf("%s now keeps the budget (%d SQL, %d Redis): strike it from overBudget", route, sql, rd)
		case listed && (sql < ceiling[0] || rd < ceiling[1]):
			// Not an error: a call that races a background pass may
			// take one statement more or less from run to run.
			t.Logf("%s now takes %d SQL and %d Redis: lower its ceiling in overBudget from %d and %d", route, sql, rd, ceiling[0], ceiling[1])
		}
	}
}

// roundTrips counts what each tagged request sent to the stores.
type roundTrips struct {
	mu     sync.Mutex
	routes map[string]string   // request ID → "METHOD /route"
	order  []string            // request IDs as sent
	sql    map[string][]string // request ID → statements
	redis  map[string]int      // request ID → round trips
}

func newRoundTrips() *roundTrips {
	return &roundTrips{routes: map[string]string{}, sql: map[string][]string{}, redis: map[string]int{}}
}

// watchSQL counts every statement gorm sends, by the request in its context.
func (r *roundTrips) watchSQL(t *testing.T, db *gorm.DB) {
	t.Helper()
	count := func(tx *gorm.DB) {
		id := handlers.RequestID(tx.Statement.Context)
		if id == "" {
			return
		}
		r.mu.Lock()
		r.sql[id] = append(r.sql[id], strings.Join(strings.Fields(tx.Statement.SQL.String()), " "))
		r.mu.Unlock()
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("budget:create", count),
		cb.Query().After("gorm:query").Register("budget:query", count),
		cb.Update().After("gorm:update").Register("budget:update", count),
		cb.Delete().After("gorm:delete").Register("budget:delete", count),
		cb.Row().After("gorm:row").Register("budget:row", count),
		cb.Raw().After("gorm:raw").Register("budget:raw", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (r *roundTrips) countRedis(ctx context.Context) {
	if id := handlers.RequestID(ctx); id != "" {
		r.mu.Lock()
		r.redis[id]++
		r.mu.Unlock()
	}
}

// redisCounter is a go-redis hook counting round trips per request.
type redisCounter struct{ trips *roundTrips }

func (h redisCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redisCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.trips.countRedis(ctx)
		return next(ctx, cmd)
	}
}

func (h redisCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.trips.countRedis(ctx)
		return next(ctx, cmds)
	}
}

// taggingTransport gives each request of the stories its own request ID
// and remembers its route.
type taggingTransport struct {
	trips *roundTrips
	n     atomic.Int64
	next  http.RoundTripper
}

var idSegment = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|ZV\d+|\d+)$`)

func (tt *taggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	id := fmt.Sprintf("budget-%06d", tt.n.Add(1))
	req = req.Clone(req.Context())
	req.Header.Set("X-Request-ID", id)
	parts := strings.Split(req.URL.Path, "/")
	for i, p := range parts {
		if idSegment.MatchString(p) {
			parts[i] = ":id"
		}
	}
	route := req.Method + " " + strings.Join(parts, "/")
	if kind := scanKind(req); kind != "" {
		route += " (" + kind + ")"
	}
	tt.trips.mu.Lock()
	tt.trips.routes[id] = route
	tt.trips.order = append(tt.trips.order, id)
	tt.trips.mu.Unlock()
	return tt.next.RoundTrip(req)
}

// scanKind is the kind of a courier's scan (pickup, delivery …), which
// decides what it does: each kind is its own row.
func scanKind(req *http.Request) string {
	if req.URL.Path != "/api/v1/courier/scans" || req.GetBody == nil {
		return ""
	}
	body, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer body.Close()
	var scan struct {
		Kind string `json:"kind"`
	}
	if json.NewDecoder(body).Decode(&scan) != nil {
		return ""
	}
	return scan.Kind
}

// budgetRow is one endpoint's figures: the first call apart, then the
// most and the total over the rest.
type budgetRow struct {
	calls                int
	firstSQL, firstRedis int
	sqlMax, redisMax     int
	sqlSum, redisSum     int
	sqls, redises        []int // per call after the first
	worst                []string
}

// held is what the budget holds against: the median of the calls after
// the first (the upper one of an even count), or the first when there was
// only one. Not the most: a call that lost a race with a background pass
// retries, legitimately, and the table prints the most beside it.
func (row *budgetRow) held() (sql, redis int) {
	if row.calls == 1 {
		return row.firstSQL, row.firstRedis
	}
	median := func(xs []int) int {
		s := slices.Sorted(slices.Values(xs))
		return s[len(s)/2]
	}
	return median(row.sqls), median(row.redises)
}

type budgetTable struct {
	rows  map[string]*budgetRow
	order []string
}

func (r *roundTrips) table() budgetTable {
	r.mu.Lock()
	defer r.mu.Unlock()
	tb := budgetTable{rows: map[string]*budgetRow{}}
	for _, id := range r.order {
		route := r.routes[id]
		row := tb.rows[route]
		sql, rd := len(r.sql[id]), r.redis[id]
		if row == nil {
			tb.rows[route] = &budgetRow{calls: 1, firstSQL: sql, firstRedis: rd, worst: slices.Clone(r.sql[id])}
			tb.order = append(tb.order, route)
			continue
		}
		row.calls++
		row.sqlSum += sql
		row.redisSum += rd
		row.sqls, row.redises = append(row.sqls, sql), append(row.redises, rd)
		if sql > row.sqlMax || row.calls == 2 {
			row.sqlMax, row.worst = sql, slices.Clone(r.sql[id])
		}
		row.redisMax = max(row.redisMax, rd)
	}
	return tb
}

func (tb budgetTable) String() string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "endpoint\tcalls\tfirst call SQL/Redis\tSQL max/mean\tRedis max/mean\theld SQL/Redis\tbudgeted")
	for _, route := range tb.order {
		row := tb.rows[route]
		mark := ""
		if slices.Contains(budgetRoutes, route) {
			mark = "yes"
		}
		if row.calls == 1 {
			fmt.Fprintf(w, "%s\t1\t%d / %d\t-\t-\t%d / %d\t%s\n", route, row.firstSQL, row.firstRedis, row.firstSQL, row.firstRedis, mark)
			continue
		}
		rest := float64(row.calls - 1)
		sql, rd := row.held()
		fmt.Fprintf(w, "%s\t%d\t%d / %d\t%d / %.1f\t%d / %.1f\t%d / %d\t%s\n", route, row.calls, row.firstSQL, row.firstRedis,
			row.sqlMax, float64(row.sqlSum)/rest, row.redisMax, float64(row.redisSum)/rest, sql, rd, mark)
	}
	_ = w.Flush()
	return b.String()
}
