package main

import (
	"context"

	"zerovisit/handlers"
)

// staffDeps assembles what the staff endpoints need.
func (a *App) staffDeps() (handlers.StaffDeps, error) {
	return handlers.StaffDeps{}, nil
}

// startStaffWorkers starts the staff area's background work, if it has any.
func (a *App) startStaffWorkers(ctx context.Context) {}
