package handlers

import (
	"io/fs"
	"net/http"
	"path"
	"regexp"

	"github.com/gin-gonic/gin"
)

var validPageFile = regexp.MustCompile(`^[a-z0-9-]{1,32}\.(html|js|css|svg|webmanifest)$`)

// courierPage serves the couriers' mobile page from its embedded files.
// Only plain file names are served, so nothing outside them is reachable.
func (h *Handler) courierPage(c *gin.Context) {
	name := c.Param("file")
	if name == "" {
		name = "index.html"
	}
	if h.courier.Page == nil || !validPageFile.MatchString(name) {
		writeError(c, APIError{Status: http.StatusNotFound, Code: "route_not_found", Message: "请求的页面不存在"})
		return
	}
	b, err := fs.ReadFile(h.courier.Page, name)
	if err != nil {
		writeError(c, APIError{Status: http.StatusNotFound, Code: "route_not_found", Message: "请求的页面不存在"})
		return
	}
	types := map[string]string{
		".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
		".svg": "image/svg+xml", ".webmanifest": "application/manifest+json",
	}
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	c.Data(http.StatusOK, types[path.Ext(name)], b)
}
