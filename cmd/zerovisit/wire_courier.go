package main

import (
	"context"

	"zerovisit/handlers"
)

// courierDeps assembles what the courier endpoints need.
func (a *App) courierDeps() (handlers.CourierDeps, error) {
	return handlers.CourierDeps{}, nil
}

// startCourierWorkers starts the courier area's background work, if it has any.
func (a *App) startCourierWorkers(ctx context.Context) {}
