package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"zerovisit/configs"
)

// TestProfilerOnlyOnItsLoopbackAddress: with ZEROVISIT_DEBUG_ADDR the
// profiler answers there and not on the API's port; a public address is
// refused at start.
func TestProfilerOnlyOnItsLoopbackAddress(t *testing.T) {
	port := freePorts(t, 1)[0]
	app := openTestApp(t, nil, map[string]string{"ZEROVISIT_DEBUG_ADDR": "127.0.0.1:" + port})
	resp, err := http.Get("http://127.0.0.1:" + port + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("profiler heap = %d, want 200", resp.StatusCode)
	}
	resp, err = http.Get("http://" + app.DisplayAddr() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the API port serves the profiler: %d", resp.StatusCode)
	}
	for _, addr := range []string{"0.0.0.0:6060", ":6060", "10.0.0.1:6060", "127.0.0.1"} {
		_, err := configs.Load(envOf(map[string]string{"ZEROVISIT_DATABASE_URL": filepath.Join(t.TempDir(), "x.db"), "ZEROVISIT_DEBUG_ADDR": addr}))
		if err == nil || !strings.Contains(err.Error(), "DEBUG_ADDR") {
			t.Errorf("DEBUG_ADDR %s: %v, want refused", addr, err)
		}
	}
}
