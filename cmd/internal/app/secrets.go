package app

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
}

// loadSecrets takes the keys from the configuration. On the embedded SQLite
// default, missing ones come from a key file beside the database, created on
// first start, so one command runs the product with nothing set. With
// PostgreSQL (several replicas) they must be configured.
func loadSecrets(cfg configs.Config, sqlite bool) (secrets, *pii.Sealer, error) {
	s := secrets{TokenSecret: cfg.TokenSecret, PIIKey: cfg.PIIKey, PIIIndexKey: cfg.PIIIndexKey}
	if s.TokenSecret == "" || s.PIIKey == "" || s.PIIIndexKey == "" {
		if !sqlite {
			return secrets{}, nil, errors.New("ZEROVISIT_TOKEN_SECRET, ZEROVISIT_PII_KEY and ZEROVISIT_PII_INDEX_KEY must be set with PostgreSQL: every replica needs the same keys")
		}
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
		s := secrets{TokenSecret: randomSecret() + randomSecret(), PIIKey: randomHex(pii.KeySize), PIIIndexKey: randomHex(32)}
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

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := randRead(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
