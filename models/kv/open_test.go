package kv_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"zerovisit/models/kv"
)

// parsed is the part of redis.UniversalOptions that ParseRedisURL decides.
type parsed struct {
	Addrs                []string
	Cluster, TLS         bool
	DB                   int
	Username, Password   string
	MasterName           string
	SentinelPassword     string
	Dial, Read, Write    time.Duration
	PoolSize, MaxRetries int
	ReadOnly             bool
}

func project(o *redis.UniversalOptions) parsed {
	return parsed{
		Addrs: o.Addrs, Cluster: o.IsClusterMode, TLS: o.TLSConfig != nil, DB: o.DB,
		Username: o.Username, Password: o.Password,
		MasterName: o.MasterName, SentinelPassword: o.SentinelPassword,
		Dial: o.DialTimeout, Read: o.ReadTimeout, Write: o.WriteTimeout,
		PoolSize: o.PoolSize, MaxRetries: o.MaxRetries, ReadOnly: o.ReadOnly,
	}
}

func TestParseRedisURL(t *testing.T) {
	pool := 10 * runtime.GOMAXPROCS(0)
	// def returns the defaults for addrs, changed by edit.
	def := func(edit func(*parsed), addrs ...string) parsed {
		p := parsed{
			Addrs: addrs,
			Dial:  kv.DefaultDialTimeout, Read: kv.DefaultReadTimeout, Write: kv.DefaultWriteTimeout,
			PoolSize: pool, MaxRetries: kv.DefaultMaxRetries,
		}
		if edit != nil {
			edit(&p)
		}
		return p
	}
	tests := []struct {
		name, url string
		want      parsed
	}{
		{"Plain", "redis://127.0.0.1:6379/0", def(nil, "127.0.0.1:6379")},
		{"DefaultPort", "redis://cache.internal", def(nil, "cache.internal:6379")},
		{"AuthAndDB", "redis://app:p%40ss%2Fw@10.0.0.5:6380/3",
			def(func(p *parsed) { p.Username, p.Password, p.DB = "app", "p@ss/w", 3 }, "10.0.0.5:6380")},
		{"PasswordOnly", "redis://:secret@h:1/2", def(func(p *parsed) { p.Password, p.DB = "secret", 2 }, "h:1")},
		{"TLS", "rediss://h.example.com:6380", def(func(p *parsed) { p.TLS = true }, "h.example.com:6380")},
		{"IPv6", "redis://[::1]:6379", def(nil, "[::1]:6379")},
		{"IPv6DefaultPort", "redis://[::1]", def(nil, "[::1]:6379")},
		{"BareSingle", "127.0.0.1:6379", def(nil, "127.0.0.1:6379")},
		{"BareCluster", "n1:7000, n2:7001,n3:7002",
			def(func(p *parsed) { p.Cluster = true }, "n1:7000", "n2:7001", "n3:7002")},
		{"ClusterScheme", "redis+cluster://u:pw@n1:7000,n2",
			def(func(p *parsed) { p.Cluster, p.Username, p.Password = true, "u", "pw" }, "n1:7000", "n2:6379")},
		{"ClusterOneSeedTLSReadOnly", "rediss+cluster://n1:7000?read_only=true",
			def(func(p *parsed) { p.Cluster, p.TLS, p.ReadOnly = true, true, true }, "n1:7000")},
		{"SentinelPath", "redis+sentinel://:pw@s1:26379,s2/mymaster/4?sentinel_password=sp",
			def(func(p *parsed) { p.Password, p.MasterName, p.DB, p.SentinelPassword = "pw", "mymaster", 4, "sp" }, "s1:26379", "s2:26379")},
		{"SentinelQuery", "redis+sentinel://s1,s2,s3?master_name=mymaster",
			def(func(p *parsed) { p.MasterName = "mymaster" }, "s1:26379", "s2:26379", "s3:26379")},
		{"Options", "redis://h:1?dial_timeout=250ms&read_timeout=2s&write_timeout=3s&pool_size=7&max_retries=0",
			def(func(p *parsed) {
				p.Dial, p.Read, p.Write, p.PoolSize, p.MaxRetries = 250*time.Millisecond, 2*time.Second, 3*time.Second, 7, -1
			}, "h:1")},
		{"DBQuery", "redis://h:1?db=5", def(func(p *parsed) { p.DB = 5 }, "h:1")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := kv.ParseRedisURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, project(o)); diff != "" {
				t.Errorf("ParseRedisURL(%q) (-want +got):\n%s", tc.url, diff)
			}
			if !o.ContextTimeoutEnabled || o.DialerRetries != 1 {
				t.Errorf("ContextTimeoutEnabled %v, DialerRetries %d; want true, 1", o.ContextTimeoutEnabled, o.DialerRetries)
			}
		})
	}
}

func TestParseRedisURLErrors(t *testing.T) {
	tests := map[string]string{
		"Empty":             "",
		"Scheme":            "http://h:1",
		"NoHost":            "redis://",
		"BadPort":           "redis://h:port",
		"PortRange":         "redis://h:70000",
		"TwoHostsPlain":     "redis://h1:1,h2:2",
		"BadDB":             "redis://h:1/x",
		"NegativeDB":        "redis://h:1/-1",
		"ExtraPath":         "redis://h:1/0/1",
		"ClusterDB":         "redis+cluster://h:1/2",
		"ClusterDBQuery":    "redis+cluster://h:1?db=2",
		"SentinelNoMaster":  "redis+sentinel://s1,s2",
		"MasterNotSentinel": "redis://h:1?master_name=m",
		"UnknownOption":     "redis://h:1?dial_timout=1s",
		"BadDuration":       "redis://:hunter2@h:1?read_timeout=soon",
		"ZeroPool":          "redis://h:1?pool_size=0",
		"BadProtocol":       "redis://h:1?protocol=4",
		"BadEscape":         "redis://u:%zz@h:1",
		"NoSchemeWithAuth":  "u:hunter2@h:1",
		"QuestionInPass":    "redis://u:hun?ter2@h:1",
	}
	for name, url := range tests {
		t.Run(name, func(t *testing.T) {
			o, err := kv.ParseRedisURL(url)
			if err == nil {
				t.Fatalf("ParseRedisURL(%q) = %+v, want an error", url, project(o))
			}
			if !strings.HasPrefix(err.Error(), "kv: parse redis url: ") {
				t.Errorf("error %q lacks the kv: parse redis url prefix", err)
			}
			if strings.Contains(err.Error(), "hun") || strings.Contains(err.Error(), "ter2") || strings.Contains(err.Error(), "%zz") {
				t.Errorf("error %q leaks the credentials", err)
			}
		})
	}
}

func TestOpenRedisClientKind(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"redis://127.0.0.1:6379/0", "*redis.Client"},
		{"n1:7000,n2:7001", "*redis.ClusterClient"},
		{"redis+cluster://n1:7000", "*redis.ClusterClient"},
		{"redis+sentinel://s1/mymaster", "*redis.Client"}, // a failover client
	}
	for _, tc := range tests {
		c, err := kv.OpenRedis(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := typeName(c); got != tc.want {
			t.Errorf("OpenRedis(%q) is a %s, want %s", tc.url, got, tc.want)
		}
		_ = c.Close()
	}
	if _, err := kv.OpenRedis("bogus://x"); err == nil {
		t.Error("OpenRedis accepted a bad url")
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *redis.Client:
		return "*redis.Client"
	case *redis.ClusterClient:
		return "*redis.ClusterClient"
	default:
		return "other"
	}
}
