package configs

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"reflect"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Prefix starts the name of every environment variable the service reads.
const Prefix = "ZEROVISIT_"

// maxSecretFile bounds what a *_FILE variable may point at.
const maxSecretFile = 64 << 10

// Load returns Default() overridden by the environment that getenv reads,
// then validated. A variable X that is empty may be given as X_FILE, the path
// of a file holding the value (for secrets mounted by an orchestrator).
func Load(getenv func(string) string) (Config, error) {
	cfg := Default()
	opts := env.Options{Prefix: Prefix}
	params, err := env.GetFieldParamsWithOptions(&cfg, opts)
	if err != nil {
		return Config{}, fmt.Errorf("read configuration fields: %w", err)
	}
	environ := make(map[string]string, len(params))
	for _, p := range params {
		v := getenv(p.Key)
		if v == "" {
			if path := getenv(p.Key + "_FILE"); path != "" {
				if v, err = readSecretFile(path); err != nil {
					return Config{}, fmt.Errorf("%s_FILE: %w", p.Key, err)
				}
			}
		}
		if v != "" {
			environ[p.Key] = v
		}
	}
	opts.Environment = environ
	if err := env.ParseWithOptions(&cfg, opts); err != nil {
		return Config{}, describeParseError(err)
	}
	cfg.Parties.sandboxGiven = environ[Prefix+"PARTY_SANDBOX"] != ""
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read secret file: %w", err)
	}
	defer f.Close()
	buf := make([]byte, maxSecretFile+1)
	n, _ := f.Read(buf)
	if n > maxSecretFile {
		return "", errors.New("read secret file: larger than 64 KiB")
	}
	return strings.TrimSpace(string(buf[:n])), nil
}

// describeParseError rewrites the parser's errors, which name Go fields, so
// that they name the environment variable a person has to fix.
func describeParseError(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return fmt.Errorf("invalid configuration: %w", err)
	}
	var problems []string
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			problems = append(problems, fmt.Sprintf("%s is not a valid %s", keyOfField(pe.Name), pe.Type))
			continue
		}
		problems = append(problems, e.Error())
	}
	return &InvalidError{Problems: problems}
}

// keyOfField finds the variable for a Go field name; names are unique enough
// across sections for an error message, and fall back to the field name.
func keyOfField(field string) string {
	t := reflect.TypeOf(Config{})
	var found string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == t.PkgPath() {
				walk(f.Type, prefix+f.Tag.Get("envPrefix"))
				continue
			}
			if f.Name == field && found == "" {
				found = Prefix + prefix + f.Tag.Get("env")
			}
		}
	}
	walk(t, "")
	if found == "" {
		return field
	}
	return found
}

// String prints the effective configuration with secrets masked: URL
// passwords are replaced, other secrets hidden entirely.
func (c Config) String() string {
	var b strings.Builder
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == t.PkgPath() {
				walk(fv, prefix+f.Tag.Get("envPrefix"))
				continue
			}
			val := fmt.Sprint(fv.Interface())
			switch f.Tag.Get("secret") {
			case "url":
				val = maskURL(val)
			case "true":
				if val != "" {
					val = "******"
				}
			}
			fmt.Fprintf(&b, "%s%s%s=%s\n", Prefix, prefix, f.Tag.Get("env"), val)
		}
	}
	walk(reflect.ValueOf(c), "")
	return b.String()
}

// Fields returns the effective configuration as masked key/value pairs, for a
// structured start-up log line.
func (c Config) Fields() map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(c.String()), "\n") {
		k, v, _ := strings.Cut(line, "=")
		out[k] = v
	}
	return out
}

func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw // a file path carries no secret
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
