// Command temporal-peer is the peer the lifecycle load mode is compared
// with: the same lifecycle as a Temporal workflow that waits for five
// signals (accept, approve, dispatch, deliver, verify), with no
// activities. It runs a worker for the workflow in this process, starts N
// workflows C at a time against a Temporal server (`temporal server
// start-dev`), sends each its five signals in turn, waits for it to
// complete, and reports lifecycles/s and latencies.
//
// It is a module of its own so that neither the product's binary nor the
// main module's tests depend on the Temporal SDK.
//
//	go run . --address 127.0.0.1:18470 --lifecycles 500 --concurrency 16
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// signals are the lifecycle's steps after the submission, in order, each
// a signal the workflow waits for.
var signals = []string{"accept", "approve", "dispatch", "deliver", "verify"}

// Lifecycle is a case after its submission: it waits for each signal in
// turn and ends closed.
func Lifecycle(ctx workflow.Context) (string, error) {
	for _, s := range signals {
		workflow.GetSignalChannel(ctx, s).Receive(ctx, nil)
	}
	return "closed", nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "temporal-peer:", err)
		os.Exit(1)
	}
}

func run() error {
	address := flag.String("address", "127.0.0.1:7233", "the Temporal frontend's host:port")
	namespace := flag.String("namespace", "default", "the namespace to run in")
	n := flag.Int("lifecycles", 500, "lifecycles to run")
	c := flag.Int("concurrency", 16, "lifecycles at the same time")
	flag.Parse()
	if *n < 1 || *c < 1 {
		return errors.New("--lifecycles and --concurrency must be at least 1")
	}
	tc, err := client.Dial(client.Options{HostPort: *address, Namespace: *namespace,
		Logger: tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))})
	if err != nil {
		return fmt.Errorf("connect to %s: %w", *address, err)
	}
	defer tc.Close()
	queue := fmt.Sprintf("lifecycle-peer-%d", rand.IntN(1_000_000))
	w := worker.New(tc, queue, worker.Options{})
	w.RegisterWorkflow(Lifecycle)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start the worker: %w", err)
	}
	defer w.Stop()
	fmt.Printf("temporal peer: %d lifecycles (start, %d signals, completion) × concurrency %d against %s\n", *n, len(signals), *c, *address)
	return drive(context.Background(), tc, queue, *n, *c)
}

// drive runs n lifecycles, c at a time, and reports.
func drive(ctx context.Context, tc client.Client, queue string, n, c int) error {
	var next, failed atomic.Int64
	var firstErr atomic.Value
	took := make([]time.Duration, n)
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := lifecycle(ctx, tc, queue, fmt.Sprintf("%s-%d", queue, i)); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				took[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(took)
	pct := func(p int) string {
		return fmt.Sprintf("%.1fms", float64(took[(len(took)-1)*p/100].Microseconds())/1000)
	}
	fmt.Printf("temporal: %d lifecycles in %.1f s: %.2f lifecycles/s; %d calls (start, %d signals, result), %.1f calls/s; lifecycle p50 %s p95 %s p99 %s\n",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), n*(len(signals)+2), len(signals), float64(n*(len(signals)+2))/elapsed.Seconds(),
		pct(50), pct(95), pct(99))
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d lifecycles failed, the first: %v", f, n, firstErr.Load())
	}
	fmt.Println("check: every workflow completed closed")
	return nil
}

// lifecycle starts one workflow, sends it the five signals in turn and
// waits for it to complete closed.
func lifecycle(ctx context.Context, tc client.Client, queue, id string) error {
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, Lifecycle)
	if err != nil {
		return fmt.Errorf("start %s: %w", id, err)
	}
	for _, s := range signals {
		if err := tc.SignalWorkflow(ctx, id, run.GetRunID(), s, nil); err != nil {
			return fmt.Errorf("signal %s to %s: %w", s, id, err)
		}
	}
	var status string
	if err := run.Get(ctx, &status); err != nil {
		return fmt.Errorf("complete %s: %w", id, err)
	}
	if status != "closed" {
		return fmt.Errorf("%s ended %q, want closed", id, status)
	}
	return nil
}
