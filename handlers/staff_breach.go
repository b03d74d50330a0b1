package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/files"
)

// staffBreachEvidence returns the evidence of a case's commitment in
// doubt: the finding, the rectification and statements, the door checks.
func (h *Handler) staffBreachEvidence(c *gin.Context) {
	ev, err := h.staff.Service.BreachEvidence(c.Request.Context(), subjectOf(c).staff(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ev)
}

// staffBreachPhoto serves a photo a courier took at the door of the case.
func (h *Handler) staffBreachPhoto(c *gin.Context) {
	key, err := h.staff.Service.BreachPhoto(c.Request.Context(), subjectOf(c).staff(), c.Param("id"), c.Param("key"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if h.staff.Blobs == nil {
		h.fail(c, &APIError{http.StatusNotFound, "photo_file_missing", "照片文件不存在", nil})
		return
	}
	r, err := h.staff.Blobs.Open(c.Request.Context(), key)
	if errors.Is(err, files.ErrNotFound) {
		h.fail(c, &APIError{http.StatusNotFound, "photo_file_missing", "照片文件不存在", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	defer r.Close()
	servePreview(c.Writer, "door-photo", r)
}
