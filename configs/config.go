// Package configs holds the service's typed configuration and the data files
// it ships with (service catalogue, working-day calendar). Only cmd imports it;
// everything else receives the sections it needs by value.
package configs

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one zerovisit process.
// Every field can be set from an environment variable named ZEROVISIT_<env tag>;
// fields tagged secret may instead be read from the file named by ZEROVISIT_<env tag>_FILE.
type Config struct {
	// Addr is the address the HTTP server listens on.
	Addr string `env:"ADDR"`
	// DebugAddr, when set, serves Go's profiler (/debug/pprof/) and the
	// metrics (/metrics) on this loopback address, apart from the API;
	// empty (the default) serves none.
	DebugAddr string `env:"DEBUG_ADDR"`
	// DatabaseURL is a postgres:// URL, or a path to an SQLite file (the embedded default).
	DatabaseURL string `env:"DATABASE_URL" secret:"url"`
	// RedisURL is a redis:// URL (or a Cluster / Sentinel form); empty means in-process.
	RedisURL string `env:"REDIS_URL" secret:"url"`
	// RedisAllowEviction starts on a Redis whose maxmemory-policy is not
	// noeviction, with a warning, instead of refusing to.
	RedisAllowEviction bool `env:"REDIS_ALLOW_EVICTION"`
	// MigrateOnStart applies pending schema migrations when serve starts.
	MigrateOnStart bool `env:"MIGRATE_ON_START"`
	// AdminToken is the bearer token of the operator API (/api/v1/admin/…);
	// empty disables that API.
	AdminToken string `env:"ADMIN_TOKEN" secret:"true"`
	// MetricsToken is the bearer token /metrics asks for on the API's
	// listener; empty, /metrics answers there to nobody (the debug listener,
	// DebugAddr, serves it on loopback without one).
	MetricsToken string `env:"METRICS_TOKEN" secret:"true"`
	// TokenSecret signs access and refresh tokens (HMAC-SHA256); every
	// replica needs the same one. Empty with SQLite: kept in a key file
	// beside the database.
	TokenSecret string `env:"TOKEN_SECRET" secret:"true"`
	// PIIKey is the SM4 key (32 hex digits) that encrypts personal data at
	// rest, and PIIIndexKey (at least 32 hex digits) keys its blind indexes.
	// Empty with SQLite: kept in the key file beside the database.
	PIIKey      string `env:"PII_KEY" secret:"true"`
	PIIIndexKey string `env:"PII_INDEX_KEY" secret:"true"`
	// AuditKey (32 to 128 hex digits) keys the audit trail's HMAC-SM3
	// chains and checkpoints; whoever writes the database without it cannot
	// rewrite history unnoticed. Every replica and `audit verify` need the
	// same one. Empty with SQLite: kept in the key file beside the database.
	AuditKey string `env:"AUDIT_KEY" secret:"true"`
	// AuditCheckpointInterval is how often the server witnesses every
	// case's chain heads under the audit key; a case deleted, or an event
	// dropped from its end, is noticed by `audit verify` once a checkpoint
	// has seen it.
	AuditCheckpointInterval time.Duration `env:"AUDIT_CHECKPOINT_INTERVAL"`
	// BlobDir is the folder uploaded files are kept in, by content hash.
	// Empty: "blobs" beside the SQLite database, or ./data/blobs with PostgreSQL.
	BlobDir string `env:"BLOB_DIR"`
	// BlobRetention is how long a stored file no case refers to (a
	// superseded or abandoned upload, an unused scan or photo) is kept
	// before the blob sweep deletes it; BlobSweepInterval is how often the
	// sweep runs.
	BlobRetention     time.Duration `env:"BLOB_RETENTION"`
	BlobSweepInterval time.Duration `env:"BLOB_SWEEP_INTERVAL"`
	// CataloguePath replaces the embedded service catalogue when set.
	CataloguePath string `env:"CATALOGUE_PATH"`
	// CalendarPath replaces the embedded working-day calendar when set.
	CalendarPath string `env:"CALENDAR_PATH"`
	// CalendarPoll is how often a replica looks for a year an administrator
	// loaded on another replica (default 30s).
	CalendarPoll time.Duration `env:"CALENDAR_POLL"`
	// DepartmentsPath replaces the embedded list of approving departments when set.
	DepartmentsPath string `env:"DEPARTMENTS_PATH"`

	HTTP    HTTP    `envPrefix:"HTTP_"`
	DB      DB      `envPrefix:"DB_"`
	Log     Log     `envPrefix:"LOG_"`
	Workers Workers `envPrefix:"WORKER_"`
	Parties Parties `envPrefix:"PARTY_"`
	Courier Courier `envPrefix:"COURIER_"`
	Staff   Staff   `envPrefix:"STAFF_"`
	WeChat  WeChat  `envPrefix:"WECHAT_"`
	Alipay  Alipay  `envPrefix:"ALIPAY_"`
	Citizen Citizen `envPrefix:"CITIZEN_"`
}

// Parties configures the external government systems. With Sandbox on (the
// default) each is an in-process sandbox on a loopback port that speaks its
// protocol, and the endpoints below are ignored; production turns Sandbox
// off and points the same clients at the real systems. With a PostgreSQL
// database Sandbox has no default: it must be given (RequireSandboxChoice).
type Parties struct {
	Sandbox bool `env:"SANDBOX"`
	// sandboxGiven records that Load found PARTY_SANDBOX set.
	sandboxGiven bool
	// SandboxURL, with Sandbox on, is a shared sandbox process (`zerovisit
	// sandboxes`) to use instead of starting one in this process: several
	// replicas then see one WeChat, one courier company and one set of
	// government libraries, as they would in production. Its manifest
	// gives every endpoint and credential.
	SandboxURL string   `env:"SANDBOX_URL"`
	ELicense   Endpoint `envPrefix:"ELICENSE_"`
	BaseData   Endpoint `envPrefix:"BASEDATA_"`
	Credit     Endpoint `envPrefix:"CREDIT_"`
	Province   Endpoint `envPrefix:"PROVINCE_"`
	// GoodBad is the provincial 好差评 system ratings are reported to.
	GoodBad Endpoint `envPrefix:"GOODBAD_"`
	// DepartmentEndpoints is a JSON list of department systems:
	// [{"department":"scjgj","url":"https://…","secret":"…","enabled":true}].
	DepartmentEndpoints string `env:"DEPARTMENT_ENDPOINTS" secret:"true"`
	// Timeout bounds one call to a party.
	Timeout time.Duration `env:"TIMEOUT"`
	// BreakerCoolDown is how long a party's circuit stays open after it
	// failed repeatedly, before a probe is let through.
	BreakerCoolDown time.Duration `env:"BREAKER_COOLDOWN"`
}

// Staff configures the clerks' and supervisors' area (the console).
type Staff struct {
	// ClaimLease is how long a claimed case stays with a clerk unless the
	// claim is renewed; a lapsed claim puts the case back in the queue.
	ClaimLease time.Duration `env:"CLAIM_LEASE"`
	// LoginMaxFailures consecutive failed logins lock an account for LoginLockout.
	LoginMaxFailures int           `env:"LOGIN_MAX_FAILURES"`
	LoginLockout     time.Duration `env:"LOGIN_LOCKOUT"`
	// PasswordMemoryKiB and PasswordTime are the argon2id costs of new
	// passwords; PasswordConcurrency bounds the hashes run at once.
	PasswordMemoryKiB   int `env:"PASSWORD_MEMORY_KIB"`
	PasswordTime        int `env:"PASSWORD_TIME"`
	PasswordConcurrency int `env:"PASSWORD_CONCURRENCY"`
	// The counter scan quotas: files and bytes a clerk may scan within
	// ScanWindow, and those one intake names in all.
	Scans FileQuota `envPrefix:"SCAN_"`
}

// Courier configures the courier legs (材料收取, 结果送达). With
// PARTY_SANDBOX on, both providers are in-process sandboxes and the
// endpoints and credentials below are ignored.
type Courier struct {
	// PickupProvider and DeliveryProvider name the provider each kind of
	// leg is ordered from: sf or kuaidi100.
	PickupProvider   string `env:"PICKUP_PROVIDER"`
	DeliveryProvider string `env:"DELIVERY_PROVIDER"`
	// The SF-style open platform: its base URL, our partner id and checkword,
	// and the government's monthly account that pays waived postage.
	SFURL         string `env:"SF_URL"`
	SFPartnerID   string `env:"SF_PARTNER_ID"`
	SFCheckword   string `env:"SF_CHECKWORD" secret:"true"`
	SFMonthlyCard string `env:"SF_MONTHLY_CARD"`
	// The Kuaidi100-style service: base URL, customer, key, and the salt
	// its pushes to us are signed with.
	Kuaidi100URL      string `env:"KUAIDI100_URL"`
	Kuaidi100Customer string `env:"KUAIDI100_CUSTOMER"`
	Kuaidi100Key      string `env:"KUAIDI100_KEY" secret:"true"`
	Kuaidi100Salt     string `env:"KUAIDI100_SALT" secret:"true"`
	// PublicURL is this service's address as the providers reach it, for
	// route pushes to <PublicURL>/api/v1/callbacks/courier/<provider>;
	// empty means the server's own listening address (sandboxes only).
	PublicURL string `env:"PUBLIC_URL"`
	// OfficeAddress and OfficePhone are the departments' receiving counter,
	// the department end of every leg.
	OfficeAddress string `env:"OFFICE_ADDRESS"`
	OfficePhone   string `env:"OFFICE_PHONE"`
	// Postage lists the items whose result delivery the applicant pays, on
	// delivery, as item=fen pairs ("gaj-jszbl=1200,mzj-hydacx=800"); all
	// other postage is waived (paid by the government's account).
	Postage string `env:"POSTAGE"`
	// MaxAttempts failed delivery attempts make a leg undeliverable.
	MaxAttempts int `env:"MAX_ATTEMPTS"`
	// LostAfter is how long a parcel past pickup may go without moving
	// before it is declared lost.
	LostAfter time.Duration `env:"LOST_AFTER"`
	// PushWindow is how old a route point in a provider's push may be; a
	// push carrying an older one (a replay of a captured push) is refused.
	PushWindow time.Duration `env:"PUSH_WINDOW"`
	// SweepInterval is how often legs are brought in step with their cases
	// and checked for parcels that stopped moving.
	SweepInterval time.Duration `env:"SWEEP_INTERVAL"`
	// MaxPhotoBytes bounds one photo taken at the door.
	MaxPhotoBytes int64 `env:"MAX_PHOTO_BYTES"`
	// DoorFailuresPerLeg failed identity checks at the door stop a leg's
	// checks: its result goes back to the office.
	DoorFailuresPerLeg int `env:"DOOR_FAILURES_PER_LEG"`
	// DoorChecks identity checks at the door a courier may make within
	// DoorCheckWindow (a burst of as many).
	DoorChecks      int           `env:"DOOR_CHECKS"`
	DoorCheckWindow time.Duration `env:"DOOR_CHECK_WINDOW"`
	// The door photo quotas: photos and bytes a courier may take within
	// PhotoWindow, and a case's in all.
	Photos FileQuota `envPrefix:"PHOTO_"`
}

// FileQuota bounds the files an account hands in within Window, and a
// case's in all, each in files and in bytes.
type FileQuota struct {
	AccountFiles int           `env:"ACCOUNT_FILES"`
	AccountBytes int64         `env:"ACCOUNT_BYTES"`
	Window       time.Duration `env:"WINDOW"`
	CaseFiles    int           `env:"CASE_FILES"`
	CaseBytes    int64         `env:"CASE_BYTES"`
}

// validate reports the bounds of q that cannot hold a file of maxBytes,
// under the settings' prefix (COURIER_PHOTO_, STAFF_SCAN_).
func (q FileQuota) validate(bad func(name, why string), prefix string, maxBytes int64) {
	if q.AccountFiles < 1 || q.CaseFiles < 1 {
		bad(prefix+"ACCOUNT_FILES and "+prefix+"CASE_FILES", "must be at least 1")
	}
	if q.AccountBytes < maxBytes || q.CaseBytes < maxBytes {
		bad(prefix+"ACCOUNT_BYTES and "+prefix+"CASE_BYTES", fmt.Sprintf("must be at least the largest file (%d bytes)", maxBytes))
	}
	if q.Window < time.Minute {
		bad(prefix+"WINDOW", "must be a duration of at least 1m such as 24h")
	}
}

// ParsePostage reads COURIER_POSTAGE: comma-separated item=fen pairs.
func ParsePostage(s string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		item, fen, ok := strings.Cut(pair, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(fen), 10, 64)
		if !ok || strings.TrimSpace(item) == "" || err != nil || n < 0 || n > 1_000_000 {
			return nil, fmt.Errorf("%q is not item=fen", pair)
		}
		out[strings.TrimSpace(item)] = n
	}
	return out, nil
}

// validate checks the courier section; sandbox says the providers are the
// in-process sandboxes, which need no endpoints.
func (c Courier) validate(bad func(name, why string), sandbox bool) {
	uses := map[string]bool{}
	for name, p := range map[string]string{"COURIER_PICKUP_PROVIDER": c.PickupProvider, "COURIER_DELIVERY_PROVIDER": c.DeliveryProvider} {
		if p != "sf" && p != "kuaidi100" {
			bad(name, "must be sf or kuaidi100")
		}
		uses[p] = true
	}
	if c.MaxAttempts < 1 || c.MaxAttempts > 10 {
		bad("COURIER_MAX_ATTEMPTS", "must be between 1 and 10")
	}
	if c.LostAfter <= 0 {
		bad("COURIER_LOST_AFTER", "must be a positive duration such as 168h")
	}
	if c.PushWindow < time.Minute || c.PushWindow > 30*24*time.Hour {
		bad("COURIER_PUSH_WINDOW", "must be between 1m and 720h, such as 72h")
	}
	if c.SweepInterval <= 0 {
		bad("COURIER_SWEEP_INTERVAL", "must be a positive duration such as 30s")
	}
	if c.MaxPhotoBytes < 1024 || c.MaxPhotoBytes > 64<<20 {
		bad("COURIER_MAX_PHOTO_BYTES", "must be between 1024 and 67108864")
	}
	c.Photos.validate(bad, "COURIER_PHOTO_", c.MaxPhotoBytes)
	if c.DoorFailuresPerLeg < 1 || c.DoorFailuresPerLeg > 20 {
		bad("COURIER_DOOR_FAILURES_PER_LEG", "must be between 1 and 20")
	}
	if c.DoorChecks < 1 || c.DoorCheckWindow < time.Minute || c.DoorCheckWindow > 7*24*time.Hour {
		bad("COURIER_DOOR_CHECKS", "must be at least 1 and COURIER_DOOR_CHECK_WINDOW between 1m and 168h")
	}
	if c.OfficeAddress == "" || c.OfficePhone == "" {
		bad("COURIER_OFFICE_ADDRESS", "and COURIER_OFFICE_PHONE must not be empty")
	}
	if _, err := ParsePostage(c.Postage); err != nil {
		bad("COURIER_POSTAGE", "must be item=fen pairs separated by commas: "+err.Error())
	}
	if sandbox {
		return
	}
	if uses["sf"] && (c.SFURL == "" || c.SFPartnerID == "" || c.SFCheckword == "" || c.SFMonthlyCard == "") {
		bad("COURIER_SF_URL", "with _PARTNER_ID, _CHECKWORD and _MONTHLY_CARD is required when PARTY_SANDBOX is false")
	}
	if uses["kuaidi100"] && (c.Kuaidi100URL == "" || c.Kuaidi100Customer == "" || c.Kuaidi100Key == "" || len(c.Kuaidi100Salt) < 8) {
		bad("COURIER_KUAIDI100_URL", "with _CUSTOMER, _KEY and a _SALT of 8 or more characters is required when PARTY_SANDBOX is false")
	}
	if c.PublicURL == "" {
		bad("COURIER_PUBLIC_URL", "is required when PARTY_SANDBOX is false")
	}
}

// WeChat configures the WeChat mini program and WeChat Pay (API v3). With
// PARTY_SANDBOX on they are an in-process sandbox and these are ignored;
// in production an empty APP_ID leaves the WeChat channel off.
type WeChat struct {
	AppID     string `env:"APP_ID"`
	AppSecret string `env:"APP_SECRET" secret:"true"`
	// MchID is the merchant; MchSerial and MchKey (PEM) are the merchant
	// API certificate's serial number and private key.
	MchID     string `env:"MCH_ID"`
	MchSerial string `env:"MCH_SERIAL"`
	MchKey    string `env:"MCH_KEY" secret:"true"`
	// PayKeyID and PayPublicKey (PEM) are WeChat Pay's public key (微信支付公钥).
	PayKeyID     string `env:"PAY_KEY_ID"`
	PayPublicKey string `env:"PAY_PUBLIC_KEY"`
	// APIv3Key decrypts payment notifications (32 characters).
	APIv3Key string `env:"API_V3_KEY" secret:"true"`
	// Templates maps notification events to subscribe-message template ids:
	// "case_accepted=ID1,supplement_requested=ID2,…".
	Templates string `env:"TEMPLATES"`
}

// Alipay configures the Alipay mini program's app on the open platform.
// With PARTY_SANDBOX on it is an in-process sandbox and these are ignored;
// in production an empty APP_ID leaves the Alipay channel off.
type Alipay struct {
	AppID string `env:"APP_ID"`
	// PrivateKey is the app's RSA private key (PEM); PublicKey is Alipay's
	// public key (PEM "PUBLIC KEY").
	PrivateKey string `env:"PRIVATE_KEY" secret:"true"`
	PublicKey  string `env:"PUBLIC_KEY"`
	// Gateway overrides the production gateway's URL.
	Gateway string `env:"GATEWAY"`
	// Templates maps notification events to message template ids, as for WeChat.
	Templates string `env:"TEMPLATES"`
}

// Citizen configures the citizen channel.
type Citizen struct {
	// PublicURL is this service's address as WeChat Pay and Alipay reach it,
	// for payment notifications; empty means the server's own listening
	// address (sandboxes only).
	PublicURL string `env:"PUBLIC_URL"`
	// MaxUploadBytes bounds one uploaded material.
	MaxUploadBytes int64 `env:"MAX_UPLOAD_BYTES"`
	// The upload quotas: files and bytes an account may upload within
	// UploadWindow, and a case in all.
	UploadAccountFiles int           `env:"UPLOAD_ACCOUNT_FILES"`
	UploadAccountBytes int64         `env:"UPLOAD_ACCOUNT_BYTES"`
	UploadWindow       time.Duration `env:"UPLOAD_WINDOW"`
	UploadCaseFiles    int           `env:"UPLOAD_CASE_FILES"`
	UploadCaseBytes    int64         `env:"UPLOAD_CASE_BYTES"`
	// InviteAfter is how long after completion an applicant who has not
	// evaluated a case is invited to.
	InviteAfter time.Duration `env:"INVITE_AFTER"`
}

// ParseTemplates reads a WECHAT_TEMPLATES / ALIPAY_TEMPLATES value:
// comma-separated event=template pairs.
func ParseTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		ev, tpl, ok := strings.Cut(pair, "=")
		if !ok || strings.TrimSpace(ev) == "" || strings.TrimSpace(tpl) == "" {
			return nil, fmt.Errorf("%q is not event=template", pair)
		}
		out[strings.TrimSpace(ev)] = strings.TrimSpace(tpl)
	}
	return out, nil
}

// validateCitizen checks the citizen channel's sections.
func (c Config) validateCitizen(bad func(name, why string)) {
	if c.Citizen.MaxUploadBytes < 64<<10 || c.Citizen.MaxUploadBytes > 64<<20 {
		bad("CITIZEN_MAX_UPLOAD_BYTES", "must be between 65536 and 67108864")
	}
	q := c.Citizen
	if q.UploadAccountFiles < 1 || q.UploadCaseFiles < 1 {
		bad("CITIZEN_UPLOAD_ACCOUNT_FILES and CITIZEN_UPLOAD_CASE_FILES", "must be at least 1")
	}
	if q.UploadAccountBytes < q.MaxUploadBytes || q.UploadCaseBytes < q.MaxUploadBytes {
		bad("CITIZEN_UPLOAD_ACCOUNT_BYTES and CITIZEN_UPLOAD_CASE_BYTES", "must be at least CITIZEN_MAX_UPLOAD_BYTES")
	}
	if q.UploadWindow < time.Minute {
		bad("CITIZEN_UPLOAD_WINDOW", "must be a duration of at least 1m such as 24h")
	}
	if c.Citizen.InviteAfter <= 0 {
		bad("CITIZEN_INVITE_AFTER", "must be a positive duration such as 72h")
	}
	if _, err := ParseTemplates(c.WeChat.Templates); err != nil {
		bad("WECHAT_TEMPLATES", "must be event=template pairs separated by commas: "+err.Error())
	}
	if _, err := ParseTemplates(c.Alipay.Templates); err != nil {
		bad("ALIPAY_TEMPLATES", "must be event=template pairs separated by commas: "+err.Error())
	}
	if u := c.Parties.SandboxURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		bad("PARTY_SANDBOX_URL", "must be an http(s) URL of a `zerovisit sandboxes` process")
	}
	if c.Parties.Sandbox {
		return
	}
	w := c.WeChat
	if w.AppID != "" && w.AppSecret == "" {
		bad("WECHAT_APP_SECRET", "is required with WECHAT_APP_ID")
	}
	if pay := []string{w.MchID, w.MchSerial, w.MchKey, w.PayKeyID, w.PayPublicKey, w.APIv3Key}; strings.Join(pay, "") != "" {
		for _, v := range pay {
			if v == "" {
				bad("WECHAT_MCH_ID", "with _MCH_SERIAL, _MCH_KEY, _PAY_KEY_ID, _PAY_PUBLIC_KEY and _API_V3_KEY must be set together")
				break
			}
		}
		if len(w.APIv3Key) != 32 {
			bad("WECHAT_API_V3_KEY", "must be 32 characters")
		}
	}
	if c.Alipay.AppID != "" && (c.Alipay.PrivateKey == "" || c.Alipay.PublicKey == "") {
		bad("ALIPAY_PRIVATE_KEY", "and ALIPAY_PUBLIC_KEY are required with ALIPAY_APP_ID")
	}
	if (w.MchID != "" || c.Alipay.AppID != "") && c.Citizen.PublicURL == "" {
		bad("CITIZEN_PUBLIC_URL", "is required for payment notifications when PARTY_SANDBOX is false")
	}
}

// Endpoint is where a party is and how we authenticate to it.
type Endpoint struct {
	URL    string `env:"URL"`
	AppID  string `env:"APP_ID"`
	Secret string `env:"SECRET" secret:"true"`
}

// HTTP configures the HTTP server.
type HTTP struct {
	ReadHeaderTimeout time.Duration `env:"READ_HEADER_TIMEOUT"`
	ReadTimeout       time.Duration `env:"READ_TIMEOUT"`
	WriteTimeout      time.Duration `env:"WRITE_TIMEOUT"`
	IdleTimeout       time.Duration `env:"IDLE_TIMEOUT"`
	// ShutdownTimeout bounds how long in-flight requests may take to finish on SIGTERM.
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT"`
	// MaxBodyBytes is the largest request body accepted (uploads have their own limit).
	MaxBodyBytes int64 `env:"MAX_BODY_BYTES"`
	// TrustedProxies are the load balancers (addresses or CIDRs) whose
	// X-Forwarded-For is believed when telling who a client is, for rate
	// limits and logs. Anyone else's is ignored, so a client cannot pick the
	// address its limits are counted against.
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`
}

// DB configures the database pool (PostgreSQL; SQLite always keeps one connection).
type DB struct {
	MaxOpenConns    int           `env:"MAX_OPEN_CONNS"`
	MaxIdleConns    int           `env:"MAX_IDLE_CONNS"`
	ConnMaxLifetime time.Duration `env:"CONN_MAX_LIFETIME"`
}

// Log configures structured logging.
type Log struct {
	// Level is one of debug, info, warn, error.
	Level string `env:"LEVEL"`
	// Format is json or text.
	Format string `env:"FORMAT"`
}

// Workers configures the background workers every replica runs.
type Workers struct {
	// Enabled runs the outbox dispatcher and the timers in this process.
	Enabled bool `env:"ENABLED"`
	// OutboxInterval is how often the dispatcher looks for due effects when
	// idle. A change with effects wakes it at once (and, with OutboxListen,
	// the other replicas' too), so the poll is the safety net, not the pace.
	OutboxInterval time.Duration `env:"OUTBOX_INTERVAL"`
	// OutboxBatch is how many effects one claim takes.
	OutboxBatch int `env:"OUTBOX_BATCH"`
	// OutboxWorkers is how many effects are delivered at once; the effects
	// of one case are always delivered one after another.
	OutboxWorkers int `env:"OUTBOX_WORKERS"`
	// OutboxListen makes replicas sharing a PostgreSQL database wake each
	// other's dispatchers through LISTEN/NOTIFY when they commit effects;
	// each holds one more database connection for it. Off, a replica wakes
	// only its own dispatcher (LISTEN does not work through a connection
	// pooler in transaction mode).
	OutboxListen bool `env:"OUTBOX_LISTEN"`
	// OutboxLease is how long a claimed effect stays invisible to other replicas.
	OutboxLease time.Duration `env:"OUTBOX_LEASE"`
	// OutboxMaxAttempts is how many failed attempts park an effect as dead.
	OutboxMaxAttempts int `env:"OUTBOX_MAX_ATTEMPTS"`
	// OutboxBaseDelay and OutboxMaxDelay bound the backoff between attempts.
	OutboxBaseDelay time.Duration `env:"OUTBOX_BASE_DELAY"`
	OutboxMaxDelay  time.Duration `env:"OUTBOX_MAX_DELAY"`
	// TimerInterval is how often the timers look for due deadlines.
	TimerInterval time.Duration `env:"TIMER_INTERVAL"`
	// OutboxRetention is how long delivered effects are kept (for the
	// operator's outbox view) before the hourly sweep deletes them; 0
	// keeps them for ever. Pending and dead effects are never deleted.
	OutboxRetention time.Duration `env:"OUTBOX_RETENTION"`
	// RevocationPurgeInterval is how often expired token revocations are
	// deleted from the database.
	RevocationPurgeInterval time.Duration `env:"REVOCATION_PURGE_INTERVAL"`
}

// Default returns a configuration that needs nothing installed: SQLite under
// ./data, in-process Redis equivalents, and the embedded catalogue and calendar.
func Default() Config {
	return Config{
		Addr:           ":8080",
		DatabaseURL:    "data/zerovisit.db",
		MigrateOnStart: true,
		HTTP: HTTP{
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
			ShutdownTimeout:   20 * time.Second,
			MaxBodyBytes:      1 << 20,
			TrustedProxies:    []string{"127.0.0.1/8", "::1"},
		},
		DB: DB{
			MaxOpenConns:    16,
			MaxIdleConns:    16,
			ConnMaxLifetime: 30 * time.Minute,
		},
		Log: Log{Level: "info", Format: "json"},
		Workers: Workers{
			Enabled:                 true,
			OutboxInterval:          500 * time.Millisecond,
			OutboxBatch:             64,
			OutboxWorkers:           8,
			OutboxListen:            true,
			OutboxLease:             30 * time.Second,
			OutboxMaxAttempts:       12,
			OutboxBaseDelay:         2 * time.Second,
			OutboxMaxDelay:          time.Hour,
			OutboxRetention:         30 * 24 * time.Hour,
			TimerInterval:           30 * time.Second,
			RevocationPurgeInterval: time.Hour,
		},
		Parties: Parties{Sandbox: true, Timeout: 10 * time.Second, BreakerCoolDown: 30 * time.Second},
		Courier: Courier{PickupProvider: "sf", DeliveryProvider: "sf",
			OfficeAddress: "浙江省杭州市上城区解放东路18号市民中心政务服务大厅", OfficePhone: "0571-12345",
			MaxAttempts: 3, LostAfter: 7 * 24 * time.Hour, PushWindow: 72 * time.Hour, SweepInterval: 30 * time.Second, MaxPhotoBytes: 1 << 20,
			DoorFailuresPerLeg: 5, DoorChecks: 30, DoorCheckWindow: time.Hour,
			Photos: FileQuota{AccountFiles: 500, AccountBytes: 500 << 20, Window: 24 * time.Hour, CaseFiles: 40, CaseBytes: 40 << 20}},
		Citizen: Citizen{MaxUploadBytes: 10 << 20, InviteAfter: 72 * time.Hour,
			UploadAccountFiles: 200, UploadAccountBytes: 1 << 30, UploadWindow: 24 * time.Hour,
			UploadCaseFiles: 60, UploadCaseBytes: 300 << 20},
		BlobRetention: 30 * 24 * time.Hour, BlobSweepInterval: time.Hour,
		AuditCheckpointInterval: time.Minute,
		Staff: Staff{Scans: FileQuota{AccountFiles: 1000, AccountBytes: 4 << 30, Window: 24 * time.Hour, CaseFiles: 50, CaseBytes: 300 << 20},
			ClaimLease: 30 * time.Minute, LoginMaxFailures: 5, LoginLockout: 15 * time.Minute,
			PasswordMemoryKiB: 64 * 1024, PasswordTime: 3, PasswordConcurrency: 4},
	}
}

// Postgres reports whether DatabaseURL is a PostgreSQL URL (as models.Open
// reads it) rather than an SQLite file.
func (c Config) Postgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// RequireSandboxChoice refuses a PostgreSQL database unless PARTY_SANDBOX
// was given, true or false: the sandboxes are on by default for the
// embedded store, so that one command runs the product, but a production
// deploy that forgot the setting must not serve against fake parties.
// Everything that opens the parties calls it.
func (c Config) RequireSandboxChoice() error {
	if c.Postgres() && !c.Parties.sandboxGiven {
		return &InvalidError{Problems: []string{Prefix + "PARTY_SANDBOX must be set, to false (the real parties) or true " +
			"(the sandboxes), when ZEROVISIT_DATABASE_URL is a PostgreSQL database: it has no default there"}}
	}
	return nil
}

// Validate checks the configuration and names the variable at fault.
func (c Config) Validate() error {
	var problems []string
	bad := func(name, why string) { problems = append(problems, fmt.Sprintf("%s%s %s", Prefix, name, why)) }

	if c.Addr == "" {
		bad("ADDR", "must not be empty")
	}
	if c.DatabaseURL == "" {
		bad("DATABASE_URL", "must not be empty")
	}
	if c.DebugAddr != "" {
		host, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			bad("DEBUG_ADDR", "must be a loopback host:port such as 127.0.0.1:6060: the profiler is never public")
		}
	}
	if c.TokenSecret != "" && len(c.TokenSecret) < 32 {
		bad("TOKEN_SECRET", "must be at least 32 characters")
	}
	if c.PIIKey != "" && !isHex(c.PIIKey, 32, 32) {
		bad("PII_KEY", "must be 32 hex digits (an SM4 key)")
	}
	if c.PIIIndexKey != "" && !isHex(c.PIIIndexKey, 32, 128) {
		bad("PII_INDEX_KEY", "must be 32 to 128 hex digits")
	}
	if c.AuditKey != "" && !isHex(c.AuditKey, 32, 128) {
		bad("AUDIT_KEY", "must be 32 to 128 hex digits")
	}
	if c.AuditCheckpointInterval < time.Second || c.AuditCheckpointInterval > 24*time.Hour {
		bad("AUDIT_CHECKPOINT_INTERVAL", "must be between 1s and 24h, such as 1m")
	}
	if c.AdminToken != "" && len(c.AdminToken) < 32 {
		bad("ADMIN_TOKEN", "must be at least 32 characters")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		bad("METRICS_TOKEN", "must be at least 32 characters")
	}
	if c.BlobRetention < time.Hour {
		bad("BLOB_RETENTION", "must be a duration of at least 1h such as 720h")
	}
	if c.BlobSweepInterval <= 0 {
		bad("BLOB_SWEEP_INTERVAL", "must be a positive duration such as 1h")
	}
	if c.HTTP.MaxBodyBytes < 1024 || c.HTTP.MaxBodyBytes > 64<<20 {
		bad("HTTP_MAX_BODY_BYTES", "must be between 1024 and 67108864")
	}
	for name, d := range map[string]time.Duration{
		"HTTP_READ_HEADER_TIMEOUT":         c.HTTP.ReadHeaderTimeout,
		"HTTP_READ_TIMEOUT":                c.HTTP.ReadTimeout,
		"HTTP_WRITE_TIMEOUT":               c.HTTP.WriteTimeout,
		"HTTP_IDLE_TIMEOUT":                c.HTTP.IdleTimeout,
		"HTTP_SHUTDOWN_TIMEOUT":            c.HTTP.ShutdownTimeout,
		"WORKER_OUTBOX_INTERVAL":           c.Workers.OutboxInterval,
		"WORKER_OUTBOX_LEASE":              c.Workers.OutboxLease,
		"WORKER_TIMER_INTERVAL":            c.Workers.TimerInterval,
		"WORKER_OUTBOX_BASE_DELAY":         c.Workers.OutboxBaseDelay,
		"WORKER_OUTBOX_MAX_DELAY":          c.Workers.OutboxMaxDelay,
		"WORKER_REVOCATION_PURGE_INTERVAL": c.Workers.RevocationPurgeInterval,
	} {
		if d <= 0 {
			bad(name, "must be a positive duration such as 5s")
		}
	}
	if r := c.Workers.OutboxRetention; r != 0 && r < time.Hour {
		bad("WORKER_OUTBOX_RETENTION", "must be 0 (keep for ever) or at least 1h")
	}
	if c.DB.MaxOpenConns < 1 {
		bad("DB_MAX_OPEN_CONNS", "must be at least 1")
	}
	if c.DB.MaxIdleConns < 0 || c.DB.MaxIdleConns > c.DB.MaxOpenConns {
		bad("DB_MAX_IDLE_CONNS", "must be between 0 and DB_MAX_OPEN_CONNS")
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "must be one of debug, info, warn, error")
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("LOG_FORMAT", "must be json or text")
	}
	if c.Workers.OutboxBatch < 1 || c.Workers.OutboxBatch > 1000 {
		bad("WORKER_OUTBOX_BATCH", "must be between 1 and 1000")
	}
	if c.Workers.OutboxWorkers < 1 || c.Workers.OutboxWorkers > 256 {
		bad("WORKER_OUTBOX_WORKERS", "must be between 1 and 256")
	}
	if c.Workers.OutboxMaxAttempts < 1 {
		bad("WORKER_OUTBOX_MAX_ATTEMPTS", "must be at least 1")
	}
	if c.Parties.Timeout <= 0 {
		bad("PARTY_TIMEOUT", "must be a positive duration such as 10s")
	}
	if c.Parties.BreakerCoolDown <= 0 {
		bad("PARTY_BREAKER_COOLDOWN", "must be a positive duration such as 30s")
	}
	if c.Staff.ClaimLease < time.Second || c.Staff.ClaimLease > 24*time.Hour {
		bad("STAFF_CLAIM_LEASE", "must be between 1s and 24h")
	}
	c.Staff.Scans.validate(bad, "STAFF_SCAN_", 10<<20) // the largest scan (cmd's maxScanBytes)
	if c.Staff.LoginMaxFailures < 1 || c.Staff.LoginMaxFailures > 100 {
		bad("STAFF_LOGIN_MAX_FAILURES", "must be between 1 and 100")
	}
	if c.Staff.LoginLockout <= 0 {
		bad("STAFF_LOGIN_LOCKOUT", "must be a positive duration such as 15m")
	}
	if c.Staff.PasswordMemoryKiB < 64 || c.Staff.PasswordMemoryKiB > 1<<20 {
		bad("STAFF_PASSWORD_MEMORY_KIB", "must be between 64 and 1048576")
	}
	if c.Staff.PasswordTime < 1 || c.Staff.PasswordTime > 16 {
		bad("STAFF_PASSWORD_TIME", "must be between 1 and 16")
	}
	if c.Staff.PasswordConcurrency < 1 || c.Staff.PasswordConcurrency > 64 {
		bad("STAFF_PASSWORD_CONCURRENCY", "must be between 1 and 64")
	}
	c.Courier.validate(bad, c.Parties.Sandbox)
	c.validateCitizen(bad)
	if !c.Parties.Sandbox {
		for name, ep := range map[string]Endpoint{
			"ELICENSE": c.Parties.ELicense, "BASEDATA": c.Parties.BaseData,
			"CREDIT": c.Parties.Credit, "PROVINCE": c.Parties.Province, "GOODBAD": c.Parties.GoodBad,
		} {
			if ep.URL == "" || ep.AppID == "" || ep.Secret == "" {
				bad("PARTY_"+name+"_URL", "with _APP_ID and _SECRET is required when PARTY_SANDBOX is false")
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return &InvalidError{Problems: problems}
	}
	return nil
}

// InvalidError lists every problem found in a configuration.
type InvalidError struct {
	Problems []string
}

func (e *InvalidError) Error() string {
	msg := "invalid configuration"
	for _, p := range e.Problems {
		msg += "\n  - " + p
	}
	return msg
}

func isHex(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen || len(s)%2 != 0 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
