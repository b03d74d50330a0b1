// Package courier holds the couriers' mobile page (H5): static files the
// binary serves under /courier/, embedded so the one binary carries them.
package courier

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Files returns the page's files (index.html, app.js, style.css) at the root.
func Files() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded tree always has it
	}
	return sub
}
