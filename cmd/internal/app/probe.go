package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"zerovisit/cmd/internal/cli"
)

// runProbe is the container health check: the final image has no shell or
// curl, so the binary checks its own endpoint.
func runProbe(ctx context.Context, env cli.Env) error {
	args, stdout := env.Args, env.Stdout
	if len(args) != 1 {
		return errors.New("usage: zerovisit probe URL")
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe: %s answered %d", args[0], resp.StatusCode)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
