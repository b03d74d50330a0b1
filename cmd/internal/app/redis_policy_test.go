package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startRedisServer runs a private redis-server with args on a free port
// for the test, and returns its URL; it skips the test without one.
func startRedisServer(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is needed in CI")
		}
		t.Skip("no redis-server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin, append([]string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", t.TempDir()}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	eventually(t, 5*time.Second, "the private redis-server to listen", func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
}

// openWithRedis opens an App on redisURL with env, logging into the
// returned buffer; the App is closed with the test.
func openWithRedis(t *testing.T, redisURL string, env map[string]string) (*App, *syncBuffer, error) {
	t.Helper()
	all := map[string]string{"ZEROVISIT_REDIS_URL": redisURL, "ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "zv.db"), "ZEROVISIT_LOG_LEVEL": "warn"}
	for k, v := range env {
		all[k] = v
	}
	logs := &syncBuffer{}
	app := NewApp(testConfig(t, all, nil), slog.New(slog.NewJSONHandler(logs, nil)))
	err := app.Open(context.Background())
	t.Cleanup(func() { _ = app.Close() })
	return app, logs, err
}

// TestRedisEvictionPolicy: a Redis that may evict keys (rate limits,
// cached revocations) is refused at start unless the setting allows it,
// then with a warning; the test Redis (noeviction) starts quietly.
func TestRedisEvictionPolicy(t *testing.T) {
	if url := os.Getenv("TEST_REDIS_URL"); url != "" {
		_, logs, err := openWithRedis(t, url, nil)
		if err != nil || strings.Contains(logs.String(), "maxmemory-policy") {
			t.Fatalf("on the test Redis: %v, logs %s", err, logs)
		}
	}
	evicting := startRedisServer(t, "--maxmemory-policy", "allkeys-lru")
	if _, _, err := openWithRedis(t, evicting, nil); err == nil || !strings.Contains(err.Error(), "maxmemory-policy") ||
		!strings.Contains(err.Error(), "allkeys-lru") {
		t.Fatalf("open on a Redis with allkeys-lru: %v, want refused naming maxmemory-policy", err)
	}
	_, logs, err := openWithRedis(t, evicting, map[string]string{"ZEROVISIT_REDIS_ALLOW_EVICTION": "true"})
	if err != nil {
		t.Fatalf("open on a Redis with allkeys-lru, eviction allowed: %v", err)
	}
	if !strings.Contains(logs.String(), "maxmemory-policy") || !strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("no warning of the eviction policy in the logs: %s", logs)
	}
	quiet := startRedisServer(t, "--maxmemory-policy", "noeviction")
	if _, logs, err := openWithRedis(t, quiet, nil); err != nil || strings.Contains(logs.String(), "maxmemory-policy") {
		t.Errorf("on a noeviction Redis: %v, logs %s", err, logs)
	}
}
