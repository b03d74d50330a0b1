package app

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emmansun/gmsm/sm3"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/models/pii"
)

// keyFileName is where the embedded default keeps its generated secrets,
// beside the SQLite database, readable by the service's user only.
const keyFileName = "secrets.json"

// secrets are the keys the service runs with.
type secrets struct {
	TokenSecret string `json:"token_secret"`
	PIIKey      string `json:"pii_key"`
	PIIIndexKey string `json:"pii_index_key"`
	// AuditKey keys the audit trail (hex). Key files written before it
	// existed lack it: auditKey derives one from their index key.
	AuditKey string `json:"audit_key,omitempty"`
}

// loadSecrets takes the keys from the configuration. On the embedded SQLite
// default, missing ones come from a key file beside the database, created on
// first start, so one command runs the product with nothing set. With
// PostgreSQL (several replicas) they must be configured, the audit key
// (read by auditKey) too.
func loadSecrets(cfg configs.Config, sqlite bool) (secrets, *pii.Sealer, error) {
	s := secrets{TokenSecret: cfg.TokenSecret, PIIKey: cfg.PIIKey, PIIIndexKey: cfg.PIIIndexKey}
	if !sqlite && (s.TokenSecret == "" || s.PIIKey == "" || s.PIIIndexKey == "" || cfg.AuditKey == "") {
		return secrets{}, nil, errors.New("ZEROVISIT_TOKEN_SECRET, ZEROVISIT_PII_KEY, ZEROVISIT_PII_INDEX_KEY and ZEROVISIT_AUDIT_KEY must be set with PostgreSQL: every replica needs the same keys")
	}
	if s.TokenSecret == "" || s.PIIKey == "" || s.PIIIndexKey == "" {
		stored, err := keyFile(filepath.Join(filepath.Dir(models.SQLitePath(cfg.DatabaseURL)), keyFileName))
		if err != nil {
			return secrets{}, nil, err
		}
		if s.TokenSecret == "" {
			s.TokenSecret = stored.TokenSecret
		}
		if s.PIIKey == "" {
			s.PIIKey = stored.PIIKey
		}
		if s.PIIIndexKey == "" {
			s.PIIIndexKey = stored.PIIIndexKey
		}
	}
	enc, err1 := hex.DecodeString(s.PIIKey)
	idx, err2 := hex.DecodeString(s.PIIIndexKey)
	if err := errors.Join(err1, err2); err != nil {
		return secrets{}, nil, fmt.Errorf("personal data keys: %w", err)
	}
	sealer, err := pii.NewSealer(enc, idx)
	if err != nil {
		return secrets{}, nil, err
	}
	return s, sealer, nil
}

// keyFile reads the key file at path, creating it with fresh keys if absent.
func keyFile(path string) (secrets, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s := secrets{TokenSecret: randomSecret() + randomSecret(), PIIKey: randomHex(pii.KeySize), PIIIndexKey: randomHex(32),
			AuditKey: randomHex(32)}
		raw, _ = json.MarshalIndent(s, "", "  ")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return secrets{}, fmt.Errorf("create key file: %w", err)
		}
		// O_EXCL: two processes starting at once do not overwrite each other's keys.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return keyFile(path)
		}
		if err != nil {
			return secrets{}, fmt.Errorf("create key file: %w", err)
		}
		if _, err := f.Write(raw); err != nil {
			f.Close()
			return secrets{}, fmt.Errorf("write key file: %w", err)
		}
		return s, f.Close()
	}
	if err != nil {
		return secrets{}, fmt.Errorf("read key file: %w", err)
	}
	var s secrets
	if err := json.Unmarshal(raw, &s); err != nil || s.TokenSecret == "" || s.PIIKey == "" || s.PIIIndexKey == "" {
		return secrets{}, fmt.Errorf("key file %s is damaged: restore it from backup (personal data cannot be read without it)", path)
	}
	return s, nil
}

// auditKey returns the key of the audit trail: ZEROVISIT_AUDIT_KEY, or on
// the embedded SQLite default the key file's (created on first start).
// With PostgreSQL it must be configured: every replica and every `audit
// verify` needs the same key, and it must not live in the database it
// protects. A key file written before the audit key existed keeps working:
// its key is derived, under HMAC-SM3, from the file's index key.
func auditKey(cfg configs.Config) ([]byte, error) {
	raw := cfg.AuditKey
	if raw == "" {
		if cfg.Postgres() {
			return nil, errors.New("ZEROVISIT_AUDIT_KEY must be set with PostgreSQL: every replica and audit verify need the same key, kept outside the database")
		}
		stored, err := keyFile(filepath.Join(filepath.Dir(models.SQLitePath(cfg.DatabaseURL)), keyFileName))
		if err != nil {
			return nil, err
		}
		if raw = stored.AuditKey; raw == "" {
			idx, err := hex.DecodeString(stored.PIIIndexKey)
			if err != nil {
				return nil, fmt.Errorf("key file: index key: %w", err)
			}
			m := hmac.New(sm3.New, idx)
			m.Write([]byte("zerovisit/audit-key/v1"))
			return m.Sum(nil), nil
		}
	}
	key, err := hex.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	return key, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := randRead(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
