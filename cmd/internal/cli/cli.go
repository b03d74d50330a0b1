// Package cli is the shape of zerovisit's subcommands: what each is given,
// how it is described, and the one dispatcher that runs them and answers
// help for each.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Env is what a subcommand is given: its arguments (after its name), the
// environment, the output streams and the binary's version.
type Env struct {
	Args    []string
	Getenv  func(string) string
	Stdout  io.Writer
	Stderr  io.Writer
	Version string
}

// Command is one subcommand of the binary.
type Command struct {
	// Name is the word that selects it.
	Name string
	// Usage is its synopsis after "zerovisit".
	Usage string
	// Summary is one line on what it does, Description a few more.
	Summary, Description string
	// Example is a command line an operator would type.
	Example string
	// FlagArgs are the arguments that make Run print its flags and return
	// flag.ErrHelp without doing anything else (nil: it has no flags).
	FlagArgs []string
	// Run runs it.
	Run func(ctx context.Context, env Env) error
}

// NewFlags returns a flag set for a command, writing to env's stderr.
func NewFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// Dispatch runs the command that env.Args names ("serve" when none is
// named). "help", --help and -h print the list; a command given --help or
// -h prints its own description, flags and example and exits 0 without
// running.
func Dispatch(ctx context.Context, title string, cmds []Command, env Env) error {
	name := "serve"
	if len(env.Args) > 0 {
		name, env.Args = env.Args[0], env.Args[1:]
	}
	switch name {
	case "help", "--help", "-h":
		if len(env.Args) > 0 {
			if c, ok := find(cmds, env.Args[0]); ok {
				return c.help(ctx, env)
			}
		}
		PrintUsage(env.Stdout, title, cmds)
		return nil
	case "version", "--version", "-v":
		fmt.Fprintln(env.Stdout, "zerovisit", env.Version)
		return nil
	}
	c, ok := find(cmds, name)
	if !ok {
		PrintUsage(env.Stderr, title, cmds)
		return fmt.Errorf("unknown command %q", name)
	}
	if slices.ContainsFunc(env.Args, func(a string) bool { return a == "--help" || a == "-h" || a == "-help" }) {
		return c.help(ctx, env)
	}
	return c.Run(ctx, env)
}

func find(cmds []Command, name string) (Command, bool) {
	i := slices.IndexFunc(cmds, func(c Command) bool { return c.Name == name })
	if i < 0 {
		return Command{}, false
	}
	return cmds[i], true
}

// help prints what the command does, its flags and an example.
func (c Command) help(ctx context.Context, env Env) error {
	w := env.Stdout
	fmt.Fprintf(w, "zerovisit %s — %s\n\nUsage:\n  zerovisit %s\n", c.Name, c.Summary, c.Usage)
	if c.Description != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Description))
	}
	if c.FlagArgs != nil {
		var flags bytes.Buffer
		err := c.Run(ctx, Env{Args: c.FlagArgs, Getenv: env.Getenv, Stdout: &flags, Stderr: &flags, Version: env.Version})
		if !errors.Is(err, flag.ErrHelp) {
			return fmt.Errorf("%s: flags: %v", c.Name, err)
		}
		// The flag package heads its list "Usage of NAME:"; ours is above.
		text := flags.String()
		if strings.HasPrefix(text, "Usage of ") {
			_, text, _ = strings.Cut(text, "\n")
		}
		fmt.Fprintf(w, "\nFlags:\n%s", text)
	}
	if c.Example != "" {
		fmt.Fprintf(w, "\nExample:\n  %s\n", c.Example)
	}
	return nil
}

// PrintUsage lists the commands.
func PrintUsage(w io.Writer, title string, cmds []Command) {
	fmt.Fprintf(w, "%s\n\nUsage:\n", title)
	for _, c := range cmds {
		fmt.Fprintf(w, "  zerovisit %s\n      %s\n", c.Usage, c.Summary)
	}
	fmt.Fprint(w, "  zerovisit version\n      print the version\n")
	fmt.Fprint(w, "\nzerovisit COMMAND --help describes one command with an example.\n")
	fmt.Fprint(w, "Configuration comes from ZEROVISIT_* environment variables; see README.md.\n")
}
