package handlers

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/apply"
	"zerovisit/workflow/files"
)

// DefaultMaxUploadBytes bounds an uploaded file when CitizenDeps does not say.
const DefaultMaxUploadBytes = apply.DefaultMaxUploadBytes

// uploadRoute is the one route whose body may exceed the general limit.
const uploadRoute = "/api/v1/citizen/cases/:id/uploads"

func (h *Handler) maxUpload() int64 {
	if h.citizen.MaxUploadBytes > 0 {
		return h.citizen.MaxUploadBytes
	}
	return DefaultMaxUploadBytes
}

// bodyLimit bounds request bodies: the upload route by the upload limit
// (plus room for the multipart envelope), every other route by MaxBodyBytes.
func (h *Handler) bodyLimit() gin.HandlerFunc {
	handleGeneral := withBodyLimit(h.maxBody)
	// File routes take a file plus a little form overhead; each area bounds
	// its files itself.
	files := map[string]gin.HandlerFunc{uploadRoute: withBodyLimit(h.maxUpload() + 64<<10)}
	if h.staff.MaxScanBytes > 0 {
		files["/api/v1/staff/scans"] = withBodyLimit(h.staff.MaxScanBytes + 64<<10)
	}
	if h.courier.MaxPhotoBytes > 0 {
		files["/api/v1/courier/legs/:id/photos"] = withBodyLimit(h.courier.MaxPhotoBytes + 64<<10)
	}
	return func(c *gin.Context) {
		if handle, ok := files[c.FullPath()]; ok {
			handle(c)
			return
		}
		handleGeneral(c)
	}
}

type citizenUploadView struct {
	ID          string `json:"id"`
	Material    string `json:"material"`
	Key         string `json:"key"`
	SM3         string `json:"sm3"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

var errNoFile = &APIError{http.StatusBadRequest, "file_required", "请以 multipart/form-data 上传 material 字段和 file 文件", nil}

// citizenUpload stores a file for a material of one of the caller's cases:
// the form's material field, then its file.
func (h *Handler) citizenUpload(c *gin.Context) {
	f, cc, ok := h.mustOwnFiling(c)
	if !ok {
		return
	}
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		h.fail(c, errNoFile)
		return
	}
	mr := multipart.NewReader(c.Request.Body, params["boundary"])
	var material string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			h.fail(c, errNoFile)
			return
		}
		if err != nil {
			h.fail(c, uploadReadError(err))
			return
		}
		switch part.FormName() {
		case "material":
			b, _ := io.ReadAll(io.LimitReader(part, 65))
			material = strings.TrimSpace(string(b))
		case "file":
			u, err := h.citizen.Applications.Upload(c.Request.Context(), f, cc.Citizen, material, part)
			if err != nil {
				h.fail(c, h.uploadError(err))
				return
			}
			c.JSON(http.StatusCreated, citizenUploadView{ID: u.ID, Material: material, Key: u.Key, SM3: u.SM3, Size: u.Size, ContentType: u.ContentType})
			return
		}
	}
}

// uploadError says what a client is told of an upload that failed: a file
// or body too large, or a body that could not be read.
func (h *Handler) uploadError(err error) error {
	switch {
	case errors.Is(err, files.ErrTooLarge):
		return &APIError{http.StatusRequestEntityTooLarge, "file_too_large", "文件过大", map[string]int64{"limit_bytes": h.maxUpload()}}
	case errors.Is(err, apply.ErrUnreadable):
		return uploadReadError(err)
	}
	return err
}

func uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooLarge(tooBig.Limit)
	}
	return &APIError{http.StatusBadRequest, "unreadable_body", "上传内容无法读取", nil}
}
