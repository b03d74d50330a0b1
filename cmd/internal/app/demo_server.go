package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"zerovisit/configs"
	"zerovisit/workflow"
)

// DemoItem is the demo's service item, added to the shipped catalogue of
// the server the demo starts: trust first, a fee paid in the app, the
// driving licence pre-filled from the e-license library, originals
// collected by courier, the result licence written to the e-license
// library and delivered by courier, and one original checked at the door.
// No shipped trust-first item has a fee, and the story shows a payment.
const DemoItem = "demo-gaj-jszhz"

const demoItemYAML = `
  - code: demo-gaj-jszhz
    name: 机动车驾驶证换证（演示）
    department: gaj
    department_name: 公安局
    basic_code: "000116031000"
    impl_code: 11330100002502345X3000116031000
    version: 1
    legal_days: 10
    promised_days: 5
    delivery: [courier]
    trust_first: true
    needs_originals_pickup: true
    result_licence: jsz
    fees:
      - code: gbf
        name: 机动车驾驶证工本费
        amount_fen: 1000
    commitment:
      template_version: DEMO-GA-JSZHZ.1
      text: |
        机动车驾驶证换证告知承诺书（演示）
        本人承诺所提交的材料真实有效，同意办结后由快递员上门查验原件；如有不实，自愿承担换证决定被撤销的法律后果，
        并同意将失信信息记入信用记录。
    materials:
      - code: sfz
        name: 居民身份证
        source: basedata:identity
        core: true
      - code: jsz
        name: 机动车驾驶证
        source: elicense:jsz
        core: true
      - code: tjzm
        name: 机动车驾驶人身体条件证明
        source: upload
        verify_on_completion: true
`

// DemoCatalogue is the shipped catalogue with the demo's item.
func DemoCatalogue() []byte { return append(configs.DefaultCatalogueYAML(), demoItemYAML...) }

// demoPassthrough are the settings a person may give the demo's own server
// through the environment (to run it on PostgreSQL and Redis, say); every
// other setting is the demo's.
var demoPassthrough = []string{
	"ZEROVISIT_DATABASE_URL", "ZEROVISIT_REDIS_URL", "ZEROVISIT_TOKEN_SECRET", "ZEROVISIT_PII_KEY",
	"ZEROVISIT_PII_INDEX_KEY", "ZEROVISIT_AUDIT_KEY", "ZEROVISIT_LOG_LEVEL",
}

// StartDemoServer runs the service in this process on the embedded default
// in dir, with the demo item in its catalogue and fast background work.
func StartDemoServer(ctx context.Context, dir string, getenv func(string) string, stderr io.Writer) (*App, error) {
	return startDemoServer(ctx, dir, getenv, stderr, nil)
}

// startDemoServer is StartDemoServer; beforeServe, when set, runs once the
// stores are open and before the server and the workers start.
func startDemoServer(ctx context.Context, dir string, getenv func(string) string, stderr io.Writer, beforeServe func(*App)) (*App, error) {
	catalogue := filepath.Join(dir, "catalogue.yaml")
	if err := os.WriteFile(catalogue, DemoCatalogue(), 0o600); err != nil {
		return nil, fmt.Errorf("demo catalogue: %w", err)
	}
	env := map[string]string{
		"ZEROVISIT_ADDR":                       "127.0.0.1:0",
		"ZEROVISIT_DATABASE_URL":               filepath.Join(dir, "zerovisit.db"),
		"ZEROVISIT_PARTY_SANDBOX":              "true", // the demo plays on the sandboxes, on PostgreSQL too
		"ZEROVISIT_CATALOGUE_PATH":             catalogue,
		"ZEROVISIT_LOG_LEVEL":                  "error",
		"ZEROVISIT_LOG_FORMAT":                 "text",
		"ZEROVISIT_WORKER_OUTBOX_INTERVAL":     "20ms",
		"ZEROVISIT_WORKER_OUTBOX_BASE_DELAY":   "50ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_DELAY":    "500ms",
		"ZEROVISIT_WORKER_OUTBOX_MAX_ATTEMPTS": "1000",
		"ZEROVISIT_WORKER_TIMER_INTERVAL":      "200ms",
		"ZEROVISIT_COURIER_SWEEP_INTERVAL":     "100ms",
		"ZEROVISIT_COURIER_PICKUP_PROVIDER":    "sf",
		"ZEROVISIT_COURIER_DELIVERY_PROVIDER":  "sf",
		"ZEROVISIT_STAFF_PASSWORD_MEMORY_KIB":  "1024",
		"ZEROVISIT_STAFF_PASSWORD_TIME":        "1",
	}
	for _, k := range demoPassthrough {
		if v := getenv(k); v != "" {
			env[k] = v
		}
	}
	cfg, err := configs.Load(func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	cfg.BlobDir = filepath.Join(dir, "blobs")
	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	app.courier.passwordCost = demoPasswordCost
	app.beforeServe = beforeServe
	if err := app.Open(ctx); err != nil {
		_ = app.Close()
		return nil, err
	}
	if app.parties.sandboxes == nil || app.courier.sandboxes == nil {
		_ = app.Close()
		return nil, ErrNoSandboxHooks
	}
	return app, nil
}

// DemoDatabaseKind names the database without the demo's temporary path.
func (a *App) DemoDatabaseKind() string {
	if a.db.Dialect() == "sqlite" {
		return "sqlite (temporary)"
	}
	return a.db.Dialect()
}

// CaseStatus is the state of a case in the server's store, for a test to
// compare with what the stories saw over the API.
func (a *App) CaseStatus(ctx context.Context, number string) (workflow.Status, error) {
	c, err := a.repo.GetCaseByNumber(ctx, number)
	if err != nil {
		return "", err
	}
	return c.Status, nil
}
