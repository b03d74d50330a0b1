package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/handlers/session"
	"zerovisit/handlers/telemetry"
	"zerovisit/models"
	"zerovisit/models/blob"
	"zerovisit/models/kv"
	"zerovisit/models/pii"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
	"zerovisit/workflow/workcal"
)

// App is the assembled service: stores, HTTP server and background workers.
// Open starts it; Close drains requests, stops workers and closes the stores,
// in that order. Tests run it on :0 against a temporary database.
type App struct {
	cfg configs.Config
	log *slog.Logger
	// beforeServe, when set, runs between openCore and serve: tests attach
	// their observers to the stores there, before any worker uses them.
	beforeServe func(*App)
	// wrapPasswords, when set, wraps the staff password checker: tests
	// count the checks.
	wrapPasswords func(staff.Passwords) staff.Passwords
	// version is the binary's, as /healthz reports it.
	version string
	// skip moves the workflow's clock on from the wall clock, in
	// nanoseconds: tests see a period (an exclusion from trust first) end
	// with it. Zero in service.
	skip atomic.Int64

	db      *models.DB
	repo    *models.Repo
	svc     *workflow.Service
	effects *workflow.EffectRouter
	metrics *telemetry.Metrics
	// wakeup wakes this replica's dispatcher; signal, on PostgreSQL, the
	// other replicas' (workers.go).
	wakeup  *workflow.Wakeup
	signal  *models.OutboxSignal
	kv      kv.Store
	redis   io.Closer // the Redis client, when one is configured
	parties *parties
	// remoteSandbox is the manifest of the shared sandbox process, when
	// ZEROVISIT_PARTY_SANDBOX_URL names one (parties.go).
	remoteSandbox *sandboxManifest
	sealer        *pii.Sealer
	tokens        *session.Tokens
	// revocations is the durable record of token revocations, purged
	// periodically (revocation_purge.go).
	revocations *models.Revocations
	blobs       *blob.Dir
	// local is this replica's own store: the rate limiter used while Redis
	// is down, and the cache of credit standings.
	local *kv.Memory

	departments []configs.Department
	// holders resolves applicants to the identities licences and credit
	// records are written against.
	holders holderDirectory
	// calendar runs the working-day calendar: gaps, loads, replicas' sync.
	calendar *workcal.Service
	// courier is the courier desk and its sandboxes (wire_courier.go).
	courier courierArea
	// citizen is the citizen channel (wire_citizen.go).
	citizen *citizenArea
	ln      net.Listener
	srv     *http.Server
	errs    chan error
	stop    context.CancelFunc
	// stopDebug stops the profiler's listener (ZEROVISIT_DEBUG_ADDR).
	stopDebug func() error
	workers   sync.WaitGroup
	closed    bool
}

// NewApp prepares an App; nothing is opened until Open.
func NewApp(cfg configs.Config, log *slog.Logger) *App {
	return &App{cfg: cfg, log: log, version: "dev", errs: make(chan error, 1)}
}

// now is the workflow's clock: the wall clock, moved on by skip.
func (a *App) now() time.Time { return time.Now().Add(time.Duration(a.skip.Load())) }

// Open connects the stores, migrates if configured, opens the listener
// (so a taken port fails here, before anything serves) and starts serving.
func (a *App) Open(ctx context.Context) error {
	if err := a.openCore(ctx); err != nil {
		return err
	}
	if a.beforeServe != nil {
		a.beforeServe(a)
	}
	return a.serve(ctx)
}

// openCore opens everything but the HTTP server and the workers: the
// stores, the workflow and the parties. Operator commands use it alone.
func (a *App) openCore(ctx context.Context) error {
	if err := a.cfg.RequireSandboxChoice(); err != nil {
		return err
	}
	if a.cfg.Parties.Sandbox && a.cfg.Parties.SandboxURL == "" {
		// The in-process channel sandboxes' keys are made while the
		// database opens and migrates; openCitizens waits for them.
		go func() { _, _ = channelSandboxKeys() }()
	}
	// Keys first: a server that cannot read personal data must not touch the schema.
	keys, sealer, err := loadSecrets(a.cfg, !a.cfg.Postgres())
	if err != nil {
		return err
	}
	db, err := OpenDB(ctx, a.cfg)
	if err != nil {
		return err
	}
	a.db = db
	if a.cfg.MigrateOnStart {
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		for _, m := range applied {
			a.log.Info("migration applied", "migration", m)
		}
	}

	if err := a.openKV(); err != nil {
		return err
	}
	a.sealer = sealer
	a.revocations = models.NewRevocations(db, a.kv, time.Now)
	if a.tokens, err = session.NewTokens([]byte(keys.TokenSecret), accessTokenTTL, refreshTokenTTL,
		a.revocations, time.Now); err != nil {
		return err
	}
	blobDir := a.cfg.BlobDir
	if blobDir == "" {
		blobDir = filepath.Join("data", "blobs")
		if db.Dialect() == models.DialectSQLite {
			blobDir = filepath.Join(filepath.Dir(models.SQLitePath(a.cfg.DatabaseURL)), "blobs")
		}
	}
	if a.blobs, err = blob.NewDir(blobDir); err != nil {
		return err
	}
	if err := a.openWorkflow(); err != nil {
		return err
	}
	if err := a.syncCalendar(ctx); err != nil {
		return err
	}
	if err := a.wakeOnEffects(ctx); err != nil {
		return err
	}
	if a.parties, err = a.openParties(ctx); err != nil {
		return err
	}
	if err := a.openCitizens(); err != nil {
		return err
	}
	a.routeEffects()
	a.routeEvaluationReports()
	return nil
}

// serve starts the HTTP server and, if enabled, the background workers.
func (a *App) serve(ctx context.Context) error {
	citizen, err := a.citizenDeps()
	if err != nil {
		return err
	}
	staff, err := a.staffDeps()
	if err != nil {
		return err
	}
	courier, err := a.courierDeps()
	if err != nil {
		return err
	}
	h, err := handlers.New(handlers.Options{
		Log:          a.log,
		Metrics:      a.metrics,
		Version:      a.version,
		MaxBodyBytes: a.cfg.HTTP.MaxBodyBytes,

		TrustedProxies: a.cfg.HTTP.TrustedProxies,
		Service:        a.svc,
		Outbox:         a.repo,
		AdminToken:     a.cfg.AdminToken,
		MetricsToken:   a.cfg.MetricsToken,

		DepartmentCallback: a.departmentCallback,
		Tokens:             a.tokens,
		Limiter:            kv.TolerantLimiter(a.kv, a.local, a.log),
		Citizen:            citizen,
		Staff:              staff,
		Courier:            courier,
		Checks: map[string]handlers.Check{
			"database": a.db.Ping,
			"redis":    a.kv.Ping,
		},
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	a.ln = ln
	a.srv = &http.Server{
		Handler:           h.Router(),
		ReadHeaderTimeout: a.cfg.HTTP.ReadHeaderTimeout,
		ReadTimeout:       a.cfg.HTTP.ReadTimeout,
		WriteTimeout:      a.cfg.HTTP.WriteTimeout,
		IdleTimeout:       a.cfg.HTTP.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.errs <- err
		}
	}()

	if err := a.serveDebug(); err != nil {
		return err
	}
	workerCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	a.startAnnouncing(workerCtx)
	a.startCalendarSync(workerCtx)
	if a.cfg.Workers.Enabled {
		a.startWorkers(workerCtx)
		a.startAreaWorkers(workerCtx)
	}
	return nil
}

// openWorkflow loads the catalogue and calendar and assembles the engine,
// the service over the store, and the effect router the dispatcher uses.
func (a *App) openWorkflow() error {
	cat, err := configs.LoadCatalogue(a.cfg.CataloguePath)
	if err != nil {
		return err
	}
	cal, err := configs.LoadCalendar(a.cfg.CalendarPath)
	if err != nil {
		return err
	}
	if a.departments, err = configs.LoadDepartments(a.cfg.DepartmentsPath); err != nil {
		return err
	}
	if err := checkDepartments(cat, a.departments); err != nil {
		return err
	}
	a.repo = models.NewRepo(a.db)
	a.svc = workflow.NewService(a.repo, workflow.NewEngine(cat, cal), a.now)
	a.effects = workflow.NewEffectRouter()
	a.metrics = telemetry.NewMetrics()
	a.metrics.WatchOutbox(a.repo.OutboxCounts)
	a.openCalendar(cat, cal)
	return nil
}

// Errors reports a server that stopped on its own.
func (a *App) Errors() <-chan error { return a.errs }

// Addr is the address the listener is bound to (useful with :0).
func (a *App) Addr() string {
	if a.ln == nil {
		return ""
	}
	return a.ln.Addr().String()
}

// DisplayAddr is Addr with an unspecified host replaced by 127.0.0.1, for
// the start-up line a person reads.
func (a *App) DisplayAddr() string {
	host, port, err := net.SplitHostPort(a.Addr())
	if err != nil {
		return a.Addr()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// DatabaseKind names the database in use, without credentials.
func (a *App) DatabaseKind() string {
	if a.db == nil {
		return "none"
	}
	if a.db.Dialect() == "sqlite" {
		return "sqlite " + a.cfg.DatabaseURL
	}
	return a.db.Dialect()
}

// RedisKind says whether Redis or the in-process equivalent is in use.
func (a *App) RedisKind() string {
	if a.cfg.RedisURL == "" {
		return "in-process"
	}
	return "redis"
}

// Close drains in-flight requests (bounded by the shutdown timeout), stops
// the workers and waits for them, then closes Redis and the database.
func (a *App) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	var errs []error
	if a.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
		if err := a.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown http: %w", err))
		}
		cancel()
	}
	if a.stopDebug != nil {
		_ = a.stopDebug()
	}
	if a.stop != nil {
		a.stop()
	}
	a.workers.Wait()
	if err := a.parties.close(); err != nil {
		errs = append(errs, fmt.Errorf("close sandboxes: %w", err))
	}
	a.citizen.close()
	if a.local != nil {
		_ = a.local.Close()
	}
	if a.kv != nil {
		if err := a.kv.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close kv store: %w", err))
		}
	}
	if a.redis != nil {
		if err := a.redis.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close redis: %w", err))
		}
	}
	if a.db != nil {
		if err := a.db.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close database: %w", err))
		}
	}
	return errors.Join(errs...)
}

// OpenDB opens the configured database with the configured pool, its
// audit trail keyed by the configured audit key (auditKey).
func OpenDB(ctx context.Context, cfg configs.Config) (*models.DB, error) {
	key, err := auditKey(cfg)
	if err != nil {
		return nil, err
	}
	return openDB(ctx, cfg, key)
}

// openDB is OpenDB with the audit key given: nil for a command that writes
// nothing the audit trail covers (migrate).
func openDB(ctx context.Context, cfg configs.Config, auditKey []byte) (*models.DB, error) {
	db, err := models.Open(ctx, cfg.DatabaseURL, models.Options{
		MaxOpenConns:    cfg.DB.MaxOpenConns,
		MaxIdleConns:    cfg.DB.MaxIdleConns,
		ConnMaxLifetime: cfg.DB.ConnMaxLifetime,
		AuditKey:        auditKey,
	})
	if err != nil {
		return nil, fmt.Errorf("open database (%s): %w", strings.SplitN(cfg.Fields()["ZEROVISIT_DATABASE_URL"], "?", 2)[0], err)
	}
	return db, nil
}

// openKV opens Redis when configured, and the in-process equivalent otherwise.
func (a *App) openKV() error {
	redis.SetLogger(redisLogger{a.log})
	a.local = kv.NewMemory(time.Now)
	if a.cfg.RedisURL == "" {
		a.kv = kv.NewMemory(time.Now)
		return nil
	}
	client, err := kv.OpenRedis(a.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("open redis: %w", err)
	}
	a.redis = client
	// A Redis that is down at start is not fatal: readiness reports it and
	// the client reconnects on its own when it returns.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		a.log.Warn("redis not reachable at start", "err", err)
	} else if err := a.checkEviction(ctx, client); err != nil {
		_ = client.Close()
		a.redis = nil
		return err
	}
	a.kv = kv.NewRedis(client, "zv:")
	return nil
}

// checkEviction refuses a Redis that may evict keys: the rate limits, the
// locks and the cached revocations would vanish under memory pressure
// without a word. ZEROVISIT_REDIS_ALLOW_EVICTION starts anyway, with a
// warning; a Redis that does not answer CONFIG GET (a managed one) is
// only warned about.
func (a *App) checkEviction(ctx context.Context, client redis.UniversalClient) error {
	policy, err := kv.EvictionPolicy(ctx, client)
	switch {
	case err != nil:
		a.log.Warn("cannot check the redis maxmemory-policy; it must be noeviction", "err", err)
		return nil
	case policy == kv.NoEviction:
		return nil
	case a.cfg.RedisAllowEviction:
		a.log.Warn("redis maxmemory-policy is not noeviction: rate limits and cached revocations may be evicted", "policy", policy)
		return nil
	}
	return fmt.Errorf("redis maxmemory-policy is %s: rate limits and cached revocations would be evicted silently; "+
		"set it to noeviction, or ZEROVISIT_REDIS_ALLOW_EVICTION=true to start anyway", policy)
}

// redisLogger sends the Redis client's own messages (dial failures while
// Redis is down, say) to the service log instead of stderr.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
}
