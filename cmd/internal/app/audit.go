package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"zerovisit/cmd/internal/cli"

	"zerovisit/configs"
	"zerovisit/models"
)

// errAuditBroken is returned when the history has been altered; the
// command's exit status says so to scripts.
var errAuditBroken = errors.New("audit trail is broken")

// runAudit verifies the keyed audit trail (`audit verify`), writes a
// checkpoint of it now (`audit checkpoint`), as the server does every
// ZEROVISIT_AUDIT_CHECKPOINT_INTERVAL, or re-keys, once, the chains
// written before the audit key (`audit rechain`, servers stopped).
func runAudit(ctx context.Context, env cli.Env) error {
	args := env.Args
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint" && args[0] != "rechain") {
		return errors.New("usage: zerovisit audit verify | checkpoint | rechain")
	}
	fs := cli.NewFlags("audit "+args[0], env)
	quiet := fs.Bool("quiet", false, "print only the result")
	known := fs.String("checkpoint", "", "a checkpoint recorded elsewhere (the service log), as SEQ or SEQ:MAC: fail if the store's newest is older, "+
		"as after a rollback, or (with the MAC) if the store's checkpoint SEQ is missing or another one")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := configs.Load(env.Getenv)
	if err != nil {
		return err
	}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "rechain" {
		return rechainAudit(ctx, db, env.Stdout)
	}
	if args[0] == "checkpoint" {
		res, err := models.WriteAuditCheckpoint(ctx, db, time.Now())
		if err != nil {
			return err
		}
		cp, verb := res.Checkpoint, "nothing moved since checkpoint"
		if res.Written {
			verb = "wrote checkpoint"
		}
		fmt.Fprintf(env.Stdout, "%s %d: %d cases, %d events, %d staff log entries, mac %s\n",
			verb, cp.Seq, cp.Cases, cp.Events, cp.StaffEntries, cp.MAC)
		for _, id := range res.Refused {
			fmt.Fprintf(env.Stdout, "refused: case %s: its witness does not verify under the audit key\n", id)
		}
		if len(res.Refused) > 0 {
			return errAuditBroken
		}
		return nil
	}
	return verifyAudit(ctx, db, *quiet, *known, env.Stdout, env.Stderr)
}

// rechainAudit re-keys the chains written before the audit key and names
// the cases it refused.
func rechainAudit(ctx context.Context, db *models.DB, stdout io.Writer) error {
	rep, err := models.RechainAudit(ctx, db, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "re-keyed %d cases: %d events, %d staff log entries\n", rep.Cases, rep.Events, rep.StaffEntries)
	for _, r := range rep.Refused {
		fmt.Fprintf(stdout, "refused: %s\n", r)
	}
	if len(rep.Refused) > 0 {
		return errAuditBroken
	}
	return nil
}

// verifyAudit runs the verification and prints its report.
func verifyAudit(ctx context.Context, db *models.DB, quiet bool, recorded string, stdout, stderr io.Writer) error {
	known, knownMAC, err := parseRecordedCheckpoint(recorded)
	if err != nil {
		return err
	}
	progress := func(n int) {
		if !quiet {
			fmt.Fprintf(stderr, "\rverified %d events", n)
		}
	}
	report, err := models.VerifyAudit(ctx, db, progress)
	if !quiet {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("verify audit trail: %w", err)
	}
	cp := report.Checkpoint
	if known > 0 && (cp == nil || cp.Seq < known) {
		report.Problems = append([]models.AuditProblem{{Kind: models.AuditCheckpointMismatch,
			Detail: fmt.Sprintf("checkpoint %d was recorded, the store's newest is older: the audit state was rolled back", known)}},
			report.Problems...)
	} else if knownMAC != "" {
		// Checkpoints deleted from the end and written again reuse their
		// numbers: only the MAC tells the recorded one from another.
		stored, ok, err := models.AuditCheckpointAt(ctx, db, known)
		if err != nil {
			return fmt.Errorf("verify audit trail: %w", err)
		}
		if !ok || stored.MAC != knownMAC {
			report.Problems = append([]models.AuditProblem{{Kind: models.AuditCheckpointMismatch,
				Detail: fmt.Sprintf("checkpoint %d was recorded with mac %s; the store holds another or none: checkpoints were removed and written again", known, knownMAC)}},
				report.Problems...)
		}
	}
	if report.OK() {
		fmt.Fprintf(stdout, "audit trail intact: %d cases, %d events, %d staff log entries\n",
			report.Cases, report.Events, report.StaffEntries)
	} else {
		fmt.Fprintf(stdout, "audit trail BROKEN: %d cases, %d events, %d staff log entries checked\n",
			report.Cases, report.Events, report.StaffEntries)
		fmt.Fprintf(stdout, "first broken link: %s\n", report.Problems[0])
		for _, p := range report.Problems[1:] {
			fmt.Fprintf(stdout, "also: %s\n", p)
		}
		if report.Truncated {
			fmt.Fprintln(stdout, "(more problems not listed)")
		}
	}
	if cp != nil {
		fmt.Fprintf(stdout, "newest checkpoint: %d at %s, mac %s (compare with the service log)\n",
			cp.Seq, cp.At.Format(time.RFC3339), cp.MAC)
	} else {
		fmt.Fprintln(stdout, "no checkpoint yet")
	}
	if report.Unwitnessed > 0 {
		fmt.Fprintf(stdout, "%d cases are newer than the newest checkpoint: their deletion would not be noticed until one witnesses them\n",
			report.Unwitnessed)
	}
	if !report.OK() {
		return errAuditBroken
	}
	return nil
}

// runAuditCheckpoints writes a checkpoint of the audit trail every
// ZEROVISIT_AUDIT_CHECKPOINT_INTERVAL, starting at once, and logs each
// one's seq and MAC: the log, kept apart from the database, is what shows
// a later rollback of the audit state (audit verify --checkpoint).
func (a *App) runAuditCheckpoints(ctx context.Context) {
	var newest int64
	for {
		res, err := models.WriteAuditCheckpoint(ctx, a.db, time.Now())
		cp := res.Checkpoint
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("audit checkpoint", "err", err)
		case err == nil && cp.Seq < newest:
			a.log.Error("audit checkpoints were rolled back", "newest_seen", newest, "stored", cp.Seq)
		case err == nil && res.Written:
			// anchor is what audit verify --checkpoint takes.
			a.log.Info("audit checkpoint", "seq", cp.Seq, "mac", cp.MAC, "prev_mac", cp.PrevMAC,
				"anchor", fmt.Sprintf("%d:%s", cp.Seq, cp.MAC), "cases", cp.Cases, "events", cp.Events)
		}
		if len(res.Refused) > 0 {
			a.log.Error("audit witnesses do not verify: run zerovisit audit verify", "cases", len(res.Refused), "first", res.Refused[0])
		}
		newest = max(newest, cp.Seq)
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.cfg.AuditCheckpointInterval):
		}
	}
}

// parseRecordedCheckpoint reads --checkpoint: SEQ or SEQ:MAC ("" for none).
func parseRecordedCheckpoint(v string) (int64, string, error) {
	if v == "" {
		return 0, "", nil
	}
	num, mac, _ := strings.Cut(v, ":")
	seq, err := strconv.ParseInt(num, 10, 64)
	if err != nil || seq <= 0 || (mac != "" && len(mac) != 64) {
		return 0, "", fmt.Errorf("--checkpoint %q: want SEQ or SEQ:MAC as the service log shows them", v)
	}
	return seq, strings.ToLower(mac), nil
}
