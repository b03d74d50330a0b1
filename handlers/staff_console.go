package handlers

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// consoleCSP keeps the console to its own files: no CDN, no inline script,
// previews of materials in frames of this origin only.
const consoleCSP = "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob:; object-src 'self' blob:; " +
	"style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// console serves the web console's embedded files; /console/ is its page.
func (h *Handler) console(c *gin.Context) {
	if h.staff.Console == nil {
		writeError(c, APIError{Status: http.StatusNotFound, Code: "route_not_found", Message: "请求的接口不存在"})
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Param("filepath")), "/")
	if name == "" {
		name = "index.html"
	}
	if st, err := fs.Stat(h.staff.Console, name); err != nil || st.IsDir() {
		writeError(c, APIError{Status: http.StatusNotFound, Code: "route_not_found", Message: "请求的页面不存在"})
		return
	}
	c.Header("Content-Security-Policy", consoleCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	if name == "index.html" {
		c.Header("Cache-Control", "no-cache")
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	http.ServeFileFS(c.Writer, c.Request, h.staff.Console, name)
}
