package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"zerovisit/cmd/internal/cli"
	"zerovisit/handlers/session"

	"zerovisit/configs"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/ident"
)

const courierUsage = "usage: zerovisit courier add --name NAME --phone PHONE [--company C] [--provider sf|kuaidi100] | courier disable|enable --phone PHONE"

// runCourier manages courier accounts: add one (printing its password,
// which is shown only then), or disable and enable one by phone.
func runCourier(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	if len(args) == 0 {
		return errors.New(courierUsage)
	}
	sub := args[0]
	fs := cli.NewFlags("courier "+sub, env)
	name := fs.String("name", "", "the courier's name")
	phone := fs.String("phone", "", "the courier's mobile number, used to sign in")
	company := fs.String("company", "", "the courier company (e.g. 顺丰速运)")
	provider := fs.String("provider", "", "the provider whose legs the courier takes (sf or kuaidi100; empty: any)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *phone == "" || (sub == "add" && *name == "") {
		return errors.New(courierUsage)
	}
	cfg, err := configs.Load(getenv)
	if err != nil {
		return err
	}
	app := NewApp(cfg, newLogger(cfg.Log, stderr))
	defer app.Close()
	if err := app.openCore(ctx); err != nil {
		return err
	}
	if err := app.openCourier(); err != nil {
		return err
	}
	d := app.courier.desk
	switch sub {
	case "add":
		password := newPassword()
		c, err := d.AddCourier(ctx, desk.NewCourier{Name: *name, Phone: *phone, Company: *company, Provider: *provider, Password: password})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "courier %s added for %s\npassword (shown only now): %s\n", c.ID, ident.MaskPhone(*phone), password)
		return nil
	case "disable", "enable":
		id, err := d.SetCourierActive(ctx, *phone, sub == "enable")
		if err != nil {
			return err
		}
		if sub == "disable" {
			// Tokens already issued stop working too (every replica, through Redis).
			if err := app.tokens.Ban(ctx, session.Subject{Kind: session.SubjectCourier, ID: id}); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "courier %s %sd\n", id, sub)
		return nil
	}
	return errors.New(courierUsage)
}

// newPassword returns 16 characters from an alphabet without look-alikes,
// drawn without bias.
func newPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	limit := byte(256 - 256%len(alphabet))
	out := make([]byte, 0, 16)
	b := make([]byte, 32)
	for len(out) < 16 {
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		for _, x := range b {
			if x < limit && len(out) < 16 {
				out = append(out, alphabet[int(x)%len(alphabet)])
			}
		}
	}
	return string(out)
}
