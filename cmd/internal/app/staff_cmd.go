package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/staff"
)

// runStaff is `zerovisit staff add`: it opens a staff account, the first
// administrator above all (who then opens the others in the console). The
// password comes from a file, or is generated and printed once.
func runStaff(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: zerovisit staff add --username U --name N --roles R[,R] [--department D] [--password-file F]")
	}
	n, passwordFile, err := staffAddFlags(args[1:], env)
	if err != nil {
		return err
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	generated := passwordFile == ""
	if n.Password, err = staffPassword(passwordFile); err != nil {
		return err
	}
	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	defer app.Close()
	if err := app.openCore(ctx); err != nil {
		return err
	}
	svc, err := app.staffService(models.NewStaffStore(app.db))
	if err != nil {
		return err
	}
	st, err := svc.CreateAccount(ctx, n)
	if r, ok := workflow.AsRefusal(err); ok {
		return fmt.Errorf("staff add: %s (%s)", r.Message, r.Code)
	}
	if err != nil {
		return fmt.Errorf("staff add: %w", err)
	}
	fmt.Fprintf(stdout, "added staff %s (%s), roles %s, department %q\n", st.Username, st.ID, strings.Join(n.Roles, ","), st.Department)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once; sign in at /console/ and keep it safe)\n", n.Password)
	}
	return nil
}

// staffAddFlags reads the flags of `zerovisit staff add`.
func staffAddFlags(args []string, env cli.Env) (n staff.NewAccount, passwordFile string, err error) {
	fs := cli.NewFlags("staff add", env)
	fs.StringVar(&n.Username, "username", "", "login name: 3-32 lower-case letters, digits, '.', '_' or '-'")
	fs.StringVar(&n.Name, "name", "", "the person's name as colleagues see it")
	fs.StringVar(&n.Department, "department", "", "department code (departments.yaml); empty only for an administrator")
	roles := fs.String("roles", "administrator", "comma-separated roles: clerk, reviewer, supervisor, administrator")
	fs.StringVar(&passwordFile, "password-file", "", "file holding the password (at least 10 characters); generated when empty")
	if err := fs.Parse(args); err != nil {
		return staff.NewAccount{}, "", err
	}
	n.Roles = strings.Split(*roles, ",")
	return n, passwordFile, nil
}

// staffPassword reads the password from a file, or generates one when no
// file is named.
func staffPassword(file string) (string, error) {
	if file == "" {
		return randomHex(12), nil
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read password file: %w", err)
	}
	return strings.TrimRight(string(raw), "\r\n"), nil
}
