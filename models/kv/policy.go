package kv

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// NoEviction is the maxmemory-policy under which Redis refuses writes when
// full instead of dropping keys: the only one under which rate limits,
// locks and cached revocations never vanish silently.
const NoEviction = "noeviction"

// EvictionPolicy returns the server's maxmemory-policy (CONFIG GET). A
// managed Redis may refuse CONFIG; the error says so.
func EvictionPolicy(ctx context.Context, c redis.UniversalClient) (string, error) {
	m, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		return "", fmt.Errorf("kv: read maxmemory-policy: %w", err)
	}
	p, ok := m["maxmemory-policy"]
	if !ok {
		return "", fmt.Errorf("kv: read maxmemory-policy: not in the answer")
	}
	return p, nil
}
