package app

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
)

// serveDebug serves Go's profiler on ZEROVISIT_DEBUG_ADDR (a loopback
// address, checked by configs), apart from the API, so that CPU and heap
// profiles can be taken from a running server: `go tool pprof
// http://127.0.0.1:6060/debug/pprof/profile?seconds=30`. It serves the
// metrics too, at /metrics, with no token: only this host reaches it.
func (a *App) serveDebug() error {
	if a.cfg.DebugAddr == "" {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/metrics", a.metrics.Handler())
	ln, err := net.Listen("tcp", a.cfg.DebugAddr)
	if err != nil {
		return fmt.Errorf("listen for the profiler on %s: %w", a.cfg.DebugAddr, err)
	}
	a.stopDebug = serveUntilClosed(ln, mux)
	a.log.Info("profiler serving", "addr", ln.Addr().String())
	return nil
}
