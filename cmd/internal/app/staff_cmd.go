package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/handlers"
	"zerovisit/models"
)

// runStaff is `zerovisit staff add`: it opens a staff account, the first
// administrator above all (who then opens the others in the console). The
// password comes from a file, or is generated and printed once.
func runStaff(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: zerovisit staff add --username U --name N --roles R[,R] [--department D] [--password-file F]")
	}
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "login name: 3-32 lower-case letters, digits, '.', '_' or '-'")
	name := fs.String("name", "", "the person's name as colleagues see it")
	department := fs.String("department", "", "department code (departments.yaml); empty only for an administrator")
	roles := fs.String("roles", "administrator", "comma-separated roles: clerk, reviewer, supervisor, administrator")
	passwordFile := fs.String("password-file", "", "file holding the password (at least 10 characters); generated when empty")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	password, generated := "", false
	if *passwordFile != "" {
		raw, err := os.ReadFile(*passwordFile)
		if err != nil {
			return fmt.Errorf("read password file: %w", err)
		}
		password = strings.TrimRight(string(raw), "\r\n")
	} else {
		password, generated = randomHex(12), true
	}

	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	defer app.Close()
	if err := app.openCore(ctx); err != nil {
		return err
	}
	hasher, err := app.staffPasswords()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, d := range app.departments {
		known[d.Code] = true
	}
	st, err := handlers.NewStaffAccount(ctx, hasher, func(code string) bool { return known[code] },
		*username, *name, *department, strings.Split(*roles, ","), password)
	var api *handlers.APIError
	if errors.As(err, &api) {
		return fmt.Errorf("staff add: %s (%s)", api.Message, api.Code)
	}
	if err != nil {
		return err
	}
	st.CreatedAt = time.Now()
	if st, err = models.NewStaffStore(app.db).CreateStaff(ctx, st); err != nil {
		return fmt.Errorf("staff add: %w", err)
	}
	fmt.Fprintf(stdout, "added staff %s (%s), roles %s, department %q\n", st.Username, st.ID, *roles, st.Department)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once; sign in at /console/ and keep it safe)\n", password)
	}
	return nil
}
