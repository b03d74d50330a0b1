package app

import (
	"context"
	"errors"
	"fmt"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/integrations/province"
	"zerovisit/models"
)

// reportedSource pages through our cases as last reported to the
// provincial platform, for the reconciler.
type reportedSource struct{ repo *models.Repo }

// recordSource builds the 办件 data rows of a reported case, for the
// reconciler's comparison of every record kind.
type recordSource struct{ app *App }

// Batch returns the rows of the case as they stand, at its reported
// version.
func (s recordSource) Batch(ctx context.Context, r province.Reported) (province.Batch, bool, error) {
	c, err := s.app.svc.Get(ctx, r.CaseID)
	if err != nil {
		return province.Batch{}, false, err
	}
	if !province.Reportable(c) {
		return province.Batch{}, false, nil
	}
	b, err := s.app.provinceBatch(ctx, c)
	return b, err == nil, err
}

// Page returns up to limit reported cases numbered after afterNumber, in
// number order. Cases never reported (drafts, cases not yet accepted) are
// skipped, reading on so that a short page still means the end.
func (s reportedSource) Page(ctx context.Context, afterNumber string, limit int) ([]province.Reported, error) {
	var out []province.Reported
	for len(out) < limit {
		cs, err := s.repo.CasesByNumber(ctx, afterNumber, limit)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			afterNumber = c.Number
			if c.Reported == nil {
				continue
			}
			out = append(out, province.Reported{
				CaseID: c.ID, Number: c.Number, ItemCode: c.ItemCode, Department: c.Department,
				Version: c.Reported.Version, Status: c.Reported.Status, At: c.Reported.At,
			})
			if len(out) == limit {
				return out, nil
			}
		}
		if len(cs) < limit {
			break
		}
	}
	return out, nil
}

// runReconcile compares what the provincial platform holds with our store
// and re-sends what it lacks or holds at an older version.
func runReconcile(ctx context.Context, env cli.Env) error {
	args, getenv, stdout, stderr := env.Args, env.Getenv, env.Stdout, env.Stderr
	if len(args) == 0 || args[0] != "province" {
		return errors.New("usage: zerovisit reconcile province [--dry-run]")
	}
	fs := cli.NewFlags("reconcile province", env)
	dryRun := fs.Bool("dry-run", false, "report the differences without re-sending")
	if err := fs.Parse(args[1:]); err != nil {
		return err
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
	sum, err := reconcileProvince(ctx, app, *dryRun, func(f province.Finding) {
		if f.Kind == province.FindingRows {
			fmt.Fprintf(stdout, "rows %s: ours v%d, platform lacks or holds older %v, resent %v\n", f.Case.Number, f.Case.Version, f.Rows, f.Resent)
			return
		}
		fmt.Fprintf(stdout, "%s %s: ours v%d, platform v%d, resent %v\n", f.Kind, f.Case.Number, f.Case.Version, f.Held.Version, f.Resent)
	})
	fmt.Fprintf(stdout, "checked %d, missing %d, stale %d, ahead %d, resent %d, failed %d\n",
		sum.Checked, sum.Missing, sum.Stale, sum.Ahead, sum.Resent, sum.Failed)
	for _, table := range province.Tables {
		rc := sum.Rows.Of(table)
		fmt.Fprintf(stdout, "%s: rows %d, missing %d, stale %d\n", table, rc.Checked, rc.Missing, rc.Stale)
	}
	fmt.Fprintf(stdout, "cases whose rows were resent %d, failed %d\n", sum.RowsResent, sum.RowsFailed)
	return err
}

func reconcileProvince(ctx context.Context, app *App, dryRun bool, observe func(province.Finding)) (province.Summary, error) {
	r := province.NewReconciler(reportedSource{app.repo}, app.parties.province,
		province.ReconcileOptions{DryRun: dryRun, Observe: observe, Records: recordSource{app}})
	return r.Run(ctx)
}
