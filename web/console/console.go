// Package console holds the clerks' and supervisors' web console: static
// files (HTML, CSS and the console's own small scripts, charts included)
// embedded in the binary, so the console works offline with no CDN.
package console

import (
	"embed"
	"io/fs"
)

//go:embed *.html *.css *.js
var files embed.FS

// Files returns the console's files, index.html at the root.
func Files() fs.FS { return files }
