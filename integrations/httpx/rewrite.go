package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// HeaderOriginalHost carries, on a rewritten request, the host it was
// addressed to, so one sandbox can serve several hosts of a party (the
// WeChat SDK calls both api.weixin.qq.com and api.mch.weixin.qq.com).
const HeaderOriginalHost = "X-Original-Host"

// Rewrite returns a RoundTripper that sends every request to target instead
// of its own scheme and host (target's path, if any, is put before the
// request's), keeping the original host in the X-Original-Host header. It is
// how SDKs whose hosts are hard-coded reach their local sandbox.
//
// target must be an http or https URL with a loopback host (see
// IsLoopbackHost), else Rewrite fails with ErrNotLoopback. A nil next means
// LoopbackOnly(nil).
func Rewrite(target *url.URL, next http.RoundTripper) (http.RoundTripper, error) {
	if target == nil || (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		return nil, fmt.Errorf("httpx: rewrite target must be an absolute http(s) url")
	}
	if !IsLoopbackHost(target.Hostname()) {
		return nil, fmt.Errorf("httpx: rewrite target %s: %w", target.Hostname(), ErrNotLoopback)
	}
	if next == nil {
		next = LoopbackOnly(nil)
	}
	t := *target
	return &rewrite{target: &t, next: next}, nil
}

type rewrite struct {
	target *url.URL
	next   http.RoundTripper
}

// CloseIdleConnections closes the idle connections of the transport underneath.
func (rw *rewrite) CloseIdleConnections() { closeIdle(rw.next) }

func (rw *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context()) // a RoundTripper must not modify the request
	orig := req.Host
	if orig == "" {
		orig = req.URL.Host
	}
	r.URL.Scheme = rw.target.Scheme
	r.URL.Host = rw.target.Host
	if prefix := strings.TrimSuffix(rw.target.Path, "/"); prefix != "" {
		if req.URL.RawPath != "" {
			r.URL.RawPath = strings.TrimSuffix(rw.target.EscapedPath(), "/") + req.URL.RawPath
		}
		r.URL.Path = prefix + req.URL.Path
	}
	r.Host = ""
	r.Header.Set(HeaderOriginalHost, orig)
	return rw.next.RoundTrip(r)
}
