package main

import (
	"context"

	"zerovisit/handlers"
)

// citizenDeps assembles what the citizen endpoints need.
func (a *App) citizenDeps() (handlers.CitizenDeps, error) {
	return handlers.CitizenDeps{}, nil
}

// startCitizenWorkers starts the citizen area's background work, if it has any.
func (a *App) startCitizenWorkers(ctx context.Context) {}
