package wechat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/sirupsen/logrus"
)

// sdkTimeout bounds every call through the SDK's global client: some SDK
// calls (subscribe messages) take no context, so the client's own timeout
// is what stops them.
const sdkTimeout = 15 * time.Second

// tokenTTL is how long the router remembers which mini program an access
// token belongs to; WeChat tokens live two hours.
const tokenTTL = 3 * time.Hour

var (
	installOnce sync.Once
	routes      = &router{apps: map[string]http.RoundTripper{}, tokens: map[string]tokenRoute{}}
)

// install sets the SDK's process-wide HTTP client to the router, once, and
// quiets the SDK's logger, which its init sets to debug level on stdout.
func install() {
	installOnce.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.WarnLevel)
		util.DefaultHTTPClient = &http.Client{Transport: routes, Timeout: sdkTimeout}
	})
}

// router sends each SDK request to the transport of its mini program: by
// the appid parameter (login, access token), or by the access token, which
// it learns from the token answers that pass through it. With one mini
// program registered (production) everything goes to it.
type router struct {
	mu     sync.Mutex
	apps   map[string]http.RoundTripper
	tokens map[string]tokenRoute
}

type tokenRoute struct {
	appID string
	at    time.Time
}

var errNoRoute = errors.New("wechat: no transport registered for this mini program")

// register routes appID's calls through rt until the returned function is called.
func (r *router) register(appID string, rt http.RoundTripper) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.apps[appID] = rt
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.apps[appID] == rt {
			delete(r.apps, appID)
		}
		for tok, tr := range r.tokens {
			if tr.appID == appID {
				delete(r.tokens, tok)
			}
		}
	}
}

func (r *router) route(req *http.Request) (string, http.RoundTripper, error) {
	q := req.URL.Query()
	r.mu.Lock()
	defer r.mu.Unlock()
	appID := q.Get("appid")
	if appID == "" {
		if tr, ok := r.tokens[q.Get("access_token")]; ok {
			appID = tr.appID
		}
	}
	if appID == "" && len(r.apps) == 1 {
		for id := range r.apps {
			appID = id
		}
	}
	rt, ok := r.apps[appID]
	if !ok {
		return "", nil, errNoRoute
	}
	return appID, rt, nil
}

// RoundTrip implements http.RoundTripper.
func (r *router) RoundTrip(req *http.Request) (*http.Response, error) {
	appID, rt, err := r.route(req)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := rt.RoundTrip(req)
	if err != nil || req.URL.Path != "/cgi-bin/token" || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("wechat: read access token answer: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.AccessToken != "" {
		r.learn(tok.AccessToken, appID)
	}
	return resp, nil
}

func (r *router) learn(token, appID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for t, tr := range r.tokens {
		if now.Sub(tr.at) > tokenTTL {
			delete(r.tokens, t)
		}
	}
	r.tokens[token] = tokenRoute{appID: appID, at: now}
}
