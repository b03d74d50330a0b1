package handlers

import (
	"errors"
	"io"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
	"zerovisit/workflow/staff"
)

// staffCase returns a case with its claim and what the caller may do.
func (h *Handler) staffCase(c *gin.Context) {
	who := subjectOf(c).staff()
	cs, cl, err := h.staff.Service.Case(c.Request.Context(), who, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.detail(cs, cl, who))
}

// staffTimeline merges a case's workflow history and its staff log.
func (h *Handler) staffTimeline(c *gin.Context) {
	tl, err := h.staff.Service.Timeline(c.Request.Context(), subjectOf(c).staff(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": timeline(tl, h.staff.Service.Departments())})
}

// previewTypes are the content types a material preview is served as;
// anything else (HTML, scripts) is offered as a download only.
var previewTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain; charset=utf-8"}

// staffMaterial serves an uploaded material for preview, or describes a
// material that comes from a library.
func (h *Handler) staffMaterial(c *gin.Context) {
	m, err := h.staff.Service.Material(c.Request.Context(), subjectOf(c).staff(), c.Param("id"), c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if m.Source != workflow.SourceUpload || !blobKey.MatchString(m.Ref) || h.staff.Blobs == nil {
		c.JSON(http.StatusOK, gin.H{"code": m.Code, "source": m.Source, "ref": maskRef(m), "promised": m.Promised,
			"provided_at": m.ProvidedAt})
		return
	}
	r, err := h.staff.Blobs.Open(c.Request.Context(), m.Ref)
	if errors.Is(err, files.ErrNotFound) {
		h.fail(c, &APIError{http.StatusNotFound, "material_file_missing", "材料文件不存在", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	defer r.Close()
	servePreview(c.Writer, m.Code, r)
}

// servePreview writes a material's file, inline when it is of a type
// previews are served as.
func servePreview(w http.ResponseWriter, name string, r io.Reader) {
	head := make([]byte, 512)
	n, _ := io.ReadFull(r, head)
	ctype := http.DetectContentType(head[:n])
	disposition := "inline"
	if !slices.Contains(previewTypes, ctype) {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox")
	hdr.Set("Cache-Control", "private, max-age=300")
	hdr.Set("Content-Disposition", disposition+`; filename="`+name+`"`)
	hdr.Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(head[:n])
	_, _ = io.Copy(w, r)
}

// staffClaim takes a case for the caller or renews the caller's claim.
func (h *Handler) staffClaim(c *gin.Context) {
	who := subjectOf(c).staff()
	cs, cl, err := h.staff.Service.Claim(c.Request.Context(), who, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(&cl, who.ID), "case": h.summarize(cs, &cl, who.ID, nil)})
}

// staffRelease gives the caller's claim back to the queue.
func (h *Handler) staffRelease(c *gin.Context) {
	if err := h.staff.Service.Release(c.Request.Context(), subjectOf(c).staff(), c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// staffHandOver passes the caller's claim to a colleague, with a reason.
func (h *Handler) staffHandOver(c *gin.Context) {
	var req staff.Transfer
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	cl, err := h.staff.Service.HandOver(c.Request.Context(), who, c.Param("id"), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(&cl, who.ID)})
}

// staffReassign is a supervisor giving a case to a clerk of its department,
// or back to the queue (to_staff_id empty), whoever holds it now.
func (h *Handler) staffReassign(c *gin.Context) {
	var req staff.Transfer
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	who := subjectOf(c).staff()
	cl, err := h.staff.Service.Reassign(c.Request.Context(), who, c.Param("id"), req)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"claim": viewClaim(cl, who.ID)})
}
