package handlers

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/desk"
	"zerovisit/workflow/files"
)

// validLegID is the shape of leg ids, checked before they reach the store.
var validLegID = regexp.MustCompile(`^[0-9a-fA-F-]{8,64}$`)

// courierLegs pages through the courier's legs of the day: open ones that
// are theirs or nobody's, and theirs done today.
func (h *Handler) courierLegs(c *gin.Context) {
	p, err := readPage(c, 50, 100)
	if err == nil && p.Key != "" && !validLegID.MatchString(p.Key) {
		err = workflow.ErrBadCursor
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	legs, next, err := h.courier.Desk.CourierLegs(c.Request.Context(), subjectOf(c).ID, p.Key, p.Limit)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	c.JSON(http.StatusOK, withNextCursor(gin.H{"items": legs}, next))
}

// mustLegParam reads the leg id from the path, refusing a malformed one.
func (h *Handler) mustLegParam(c *gin.Context) (string, bool) {
	id := c.Param("id")
	if !validLegID.MatchString(id) {
		h.fail(c, &APIError{http.StatusBadRequest, "invalid_path", "运单任务编号格式不正确", map[string]string{"field": "id"}})
		return "", false
	}
	return id, true
}

// courierLeg returns one of the courier's legs.
func (h *Handler) courierLeg(c *gin.Context) {
	id, ok := h.mustLegParam(c)
	if !ok {
		return
	}
	v, err := h.courier.Desk.CourierLeg(c.Request.Context(), subjectOf(c).ID, id)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// courierScan records a scan of a waybill: pickup, handover, delivery
// (with the checks at the door), absent or refused. A resend of a scan id
// gets the first answer.
func (h *Handler) courierScan(c *gin.Context) {
	var req desk.ScanRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.courier.Desk.Scan(c.Request.Context(), mustCourier(c), req)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// courierPhoto keeps a photo of an original taken at the door: the body is
// the picture itself. It is stored by content, so sending it again (an
// offline phone's queue) stores nothing new.
func (h *Handler) courierPhoto(c *gin.Context) {
	id, ok := h.mustLegParam(c)
	if !ok {
		return
	}
	if h.courier.Blobs == nil {
		writeError(c, APIError{Status: http.StatusServiceUnavailable, Code: "courier_desk_disabled", Message: "快递寄递服务未启用"})
		return
	}
	if ct := c.ContentType(); !strings.HasPrefix(ct, "image/") {
		h.fail(c, &APIError{http.StatusUnsupportedMediaType, "not_a_photo", "照片须为 JPEG、PNG 或 WebP 图片", nil})
		return
	}
	limit := h.courier.MaxPhotoBytes
	if limit <= 0 || (h.maxBody > 0 && limit > h.maxBody) {
		limit = h.maxBody
	}
	p, err := h.courier.Desk.AddPhoto(c.Request.Context(), subjectOf(c).ID, id, c.Request.Body, limit)
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, files.ErrTooLarge), errors.As(err, &tooBig):
		h.fail(c, errTooLarge(limit))
		return
	case err != nil:
		h.handleCourierError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"key": p.Key, "sm3": p.SM3, "size": p.Size, "content_type": p.ContentType})
}

// courierLegContact gives the courier holding an active leg the applicant's
// full contact; the answer is not to be stored.
func (h *Handler) courierLegContact(c *gin.Context) {
	id, ok := h.mustLegParam(c)
	if !ok {
		return
	}
	v, err := h.courier.Desk.LegContact(c.Request.Context(), subjectOf(c).ID, id)
	if err != nil {
		h.handleCourierError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, v)
}
