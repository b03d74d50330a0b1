package kv

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Connection defaults, short so that a dead or unreachable Redis fails a
// request within about two seconds instead of holding it: one dial attempt
// of up to DefaultDialTimeout, one retry of the command. A request's own
// context deadline, when shorter, wins.
const (
	DefaultDialTimeout  = time.Second
	DefaultReadTimeout  = 500 * time.Millisecond
	DefaultWriteTimeout = 500 * time.Millisecond
	DefaultPoolTimeout  = time.Second
	DefaultMaxRetries   = 1
)

// OpenRedis returns a client for the Redis deployment that rawURL names; see
// ParseRedisURL for the forms. It does not contact the server: the first
// command, or a Ping, does. The caller closes the client.
func OpenRedis(rawURL string) (redis.UniversalClient, error) {
	opts, err := ParseRedisURL(rawURL)
	if err != nil {
		return nil, err
	}
	return redis.NewUniversalClient(opts), nil
}

// ParseRedisURL turns a Redis URL into client options. The forms are:
//
//	redis://[user:password@]host[:port][/db]               one server
//	rediss://…                                              the same over TLS
//	host1:port1,host2:port2                                 a Cluster, by seed nodes
//	redis+cluster://[user:password@]host1:port1[,host2…]    a Cluster (one seed is enough)
//	redis+sentinel://[user:password@]s1:port1[,s2…]/master[/db]
//	redis+sentinel://…?master_name=master                   Sentinel, by sentinels
//	rediss+cluster://…, rediss+sentinel://…                 the same over TLS
//
// A bare single host:port is one server. Ports default to 6379 (26379 for
// sentinels). User and password must be percent-encoded; in the Sentinel
// forms they are the master's, and sentinel_username / sentinel_password
// set the sentinels' own.
//
// Query options override the defaults: dial_timeout, read_timeout,
// write_timeout, pool_timeout (Go durations such as 500ms), pool_size,
// min_idle_conns, max_retries (0 or -1 for none), dialer_retries, db, protocol
// (2 or 3), client_name, master_name, sentinel_username, sentinel_password
// and read_only (Cluster: read from replicas). An unknown option is an
// error, so that a typo does not go unnoticed. Errors never quote the URL,
// which may hold a password.
func ParseRedisURL(rawURL string) (*redis.UniversalOptions, error) {
	opts, err := parseRedisURL(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("kv: parse redis url: %w", err)
	}
	return opts, nil
}

func parseRedisURL(raw string) (*redis.UniversalOptions, error) {
	opts := &redis.UniversalOptions{
		DialTimeout:           DefaultDialTimeout,
		DialerRetries:         1,
		ReadTimeout:           DefaultReadTimeout,
		WriteTimeout:          DefaultWriteTimeout,
		PoolTimeout:           DefaultPoolTimeout,
		PoolSize:              10 * runtime.GOMAXPROCS(0),
		MaxRetries:            DefaultMaxRetries,
		ContextTimeoutEnabled: true,
	}
	if raw == "" {
		return nil, errors.New("empty url")
	}

	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		// A bare list of seed nodes.
		addrs, err := parseAddrs(raw, "6379")
		if err != nil {
			return nil, err
		}
		opts.Addrs = addrs
		opts.IsClusterMode = len(addrs) > 1
		return opts, nil
	}

	var cluster, sentinel bool
	switch scheme {
	case "redis", "rediss":
	case "redis+cluster", "rediss+cluster":
		cluster = true
	case "redis+sentinel", "rediss+sentinel":
		sentinel = true
	default:
		return nil, fmt.Errorf("unsupported scheme %s", quoteSafe(scheme))
	}
	if strings.HasPrefix(scheme, "rediss") {
		// ServerName stays empty: crypto/tls takes it from each node's
		// address, which is what a Cluster or Sentinel set needs.
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}

	rest, query, _ := strings.Cut(rest, "?")
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		user, pass, _ := strings.Cut(rest[:i], ":")
		var err error
		if opts.Username, err = url.PathUnescape(user); err != nil {
			return nil, errors.New("bad percent-encoding in user")
		}
		if opts.Password, err = url.PathUnescape(pass); err != nil {
			return nil, errors.New("bad percent-encoding in password")
		}
		rest = rest[i+1:]
	}
	hosts, path, _ := strings.Cut(rest, "/")
	defPort := "6379"
	if sentinel {
		defPort = "26379"
	}
	addrs, err := parseAddrs(hosts, defPort)
	if err != nil {
		return nil, err
	}
	opts.Addrs = addrs
	if len(addrs) > 1 && !cluster && !sentinel {
		return nil, fmt.Errorf("scheme %q takes one host; use redis+cluster:// or redis+sentinel:// for several", scheme)
	}
	opts.IsClusterMode = cluster

	// The path: /db for one server, /master[/db] for Sentinel, nothing for
	// a Cluster (which has database 0 only).
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) == 1 && segs[0] == "" {
		segs = nil
	}
	switch {
	case sentinel && len(segs) > 0:
		opts.MasterName = segs[0]
		segs = segs[1:]
	case cluster && len(segs) > 0:
		return nil, errors.New("a cluster url takes no path: a Cluster has database 0 only")
	}
	switch len(segs) {
	case 0:
	case 1:
		if opts.DB, err = parseDB(segs[0]); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("too many path segments")
	}

	if err := applyQuery(opts, query); err != nil {
		return nil, err
	}
	if sentinel && opts.MasterName == "" {
		return nil, errors.New("sentinel url needs a master name: /master or ?master_name=")
	}
	if !sentinel && opts.MasterName != "" {
		return nil, errors.New("master_name is only for redis+sentinel urls")
	}
	if cluster && opts.DB != 0 {
		return nil, errors.New("a Cluster has database 0 only")
	}
	return opts, nil
}

// parseAddrs splits a comma-separated host list, adding defPort where a
// host has no port.
func parseAddrs(list, defPort string) ([]string, error) {
	var addrs []string
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			// No port (or a bracketed IPv6 address without one).
			host, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), defPort
		}
		if host == "" || strings.ContainsAny(host, "/@?# ") {
			return nil, errors.New("bad host in address list")
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			// Not echoed: with an unescaped '?' or '/' in a password,
			// what is parsed as a port is part of the password.
			return nil, errors.New("bad port in address list")
		}
		addrs = append(addrs, net.JoinHostPort(host, port))
	}
	if len(addrs) == 0 {
		return nil, errors.New("no host")
	}
	return addrs, nil
}

func parseDB(s string) (int, error) {
	db, err := strconv.Atoi(s)
	if err != nil || db < 0 {
		return 0, fmt.Errorf("bad database number %s", quoteSafe(s))
	}
	return db, nil
}

// applyQuery sets the options named in the URL's query.
func applyQuery(opts *redis.UniversalOptions, query string) error {
	q, err := url.ParseQuery(query)
	if err != nil {
		return errors.New("bad query")
	}
	for name, vals := range q {
		v := vals[len(vals)-1]
		var err error
		switch name {
		case "dial_timeout":
			opts.DialTimeout, err = parseTimeout(v)
		case "read_timeout":
			opts.ReadTimeout, err = parseTimeout(v)
		case "write_timeout":
			opts.WriteTimeout, err = parseTimeout(v)
		case "pool_timeout":
			opts.PoolTimeout, err = parseTimeout(v)
		case "pool_size":
			opts.PoolSize, err = parseCount(v, 1)
		case "min_idle_conns":
			opts.MinIdleConns, err = parseCount(v, 0)
		case "max_retries":
			opts.MaxRetries, err = parseCount(v, -1)
			if opts.MaxRetries == 0 {
				opts.MaxRetries = -1 // go-redis reads 0 as its default of 3
			}
		case "dialer_retries":
			opts.DialerRetries, err = parseCount(v, 1)
		case "protocol":
			opts.Protocol, err = strconv.Atoi(v)
			if err == nil && opts.Protocol != 2 && opts.Protocol != 3 {
				err = errors.New("must be 2 or 3")
			}
		case "db":
			opts.DB, err = parseDB(v)
		case "client_name":
			opts.ClientName = v
		case "master_name":
			opts.MasterName = v
		case "sentinel_username":
			opts.SentinelUsername = v
		case "sentinel_password":
			opts.SentinelPassword = v
		case "read_only":
			opts.ReadOnly, err = strconv.ParseBool(v)
		default:
			return fmt.Errorf("unknown option %s", quoteSafe(name))
		}
		if err != nil {
			// Never echo the value: it may be a password.
			return fmt.Errorf("bad value for option %q", name)
		}
	}
	return nil
}

func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("not a positive duration")
	}
	return d, nil
}

func parseCount(s string, min int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// quoteSafe quotes a piece of a URL for an error message, unless it could be
// a stray part of the credentials (a password with an unescaped '?' puts its
// tail, the '@' and the host into the query), which are never echoed.
func quoteSafe(s string) string {
	if len(s) > 40 || strings.ContainsAny(s, "@:") {
		return "(not shown)"
	}
	return strconv.Quote(s)
}
