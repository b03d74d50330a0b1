package handlers

import (
	"bufio"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// DefaultMaxUploadBytes bounds an uploaded file when CitizenDeps does not say.
const DefaultMaxUploadBytes = 10 << 20

// uploadTypes are the file types a material may be uploaded as, by their
// sniffed content type (never the client's word).
var uploadTypes = map[string]bool{"image/jpeg": true, "image/png": true, "application/pdf": true}

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

var (
	errUploadType = &APIError{http.StatusUnsupportedMediaType, "unsupported_file_type", "仅支持上传 JPG、PNG 图片或 PDF 文件", nil}
	errNoFile     = &APIError{http.StatusBadRequest, "file_required", "请以 multipart/form-data 上传 material 字段和 file 文件", nil}
)

// citizenUpload stores a file for a material of one of the caller's cases
// (by SHA-256, with its SM3 digest as evidence). For a draft it becomes the
// material of the application; otherwise its id is handed in with a
// correction or a promised material.
func (h *Handler) citizenUpload(c *gin.Context) {
	cs, cc, ok := h.mustOwnCase(c)
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
			h.handleStoreUpload(c, cs, cc, material, part)
			return
		}
	}
}

func uploadReadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooLarge(tooBig.Limit)
	}
	return &APIError{http.StatusBadRequest, "unreadable_body", "上传内容无法读取", nil}
}

func (h *Handler) handleStoreUpload(c *gin.Context, cs workflow.Case, cc citizenCaller, material string, file io.Reader) {
	ctx := c.Request.Context()
	it, err := h.svc.Engine().Catalogue().Lookup(cs.ItemCode)
	if err != nil {
		h.fail(c, err)
		return
	}
	if _, ok := it.Material(material); !ok {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "unknown_material", "材料不属于该事项（material 字段须在 file 之前）", map[string]string{"field": "material"}})
		return
	}
	if cs.Status.Terminal() {
		h.fail(c, &APIError{http.StatusConflict, "case_closed", "办件已结束，不能再上传材料", nil})
		return
	}
	br := bufio.NewReaderSize(file, 512)
	head, _ := br.Peek(512)
	if !uploadTypes[http.DetectContentType(head)] {
		h.fail(c, errUploadType)
		return
	}
	obj, err := h.citizen.Blobs.Put(ctx, br, h.maxUpload())
	if errors.Is(err, files.ErrTooLarge) {
		h.fail(c, &APIError{http.StatusRequestEntityTooLarge, "file_too_large", "文件过大", map[string]int64{"limit_bytes": h.maxUpload()}})
		return
	}
	if err != nil {
		h.fail(c, uploadReadError(err))
		return
	}
	u := models.Upload{ID: h.citizen.Citizens.NewID(), Key: obj.Key, SM3: obj.SM3, Size: obj.Size, ContentType: obj.ContentType,
		By: cc.Citizen.ID, At: h.citizenNow()}
	if cs.Status == workflow.StatusDraft {
		_, err := h.citizen.Citizens.UpdateApplication(ctx, cs.ID, func(a *models.Application) error {
			am := a.Material(material)
			switch {
			case am == nil:
				return &APIError{http.StatusUnprocessableEntity, "unknown_material", "材料不属于该事项", nil}
			case am.Held:
				return &APIError{http.StatusUnprocessableEntity, "material_held", "政府部门已掌握该材料，无需上传", nil}
			}
			am.Upload = &u
			a.Promised = removePromise(a.Promised, material)
			return nil
		})
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	if err := h.citizen.Citizens.RecordUpload(ctx, cs.ID, material, u); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, citizenUploadView{ID: u.ID, Material: material, Key: u.Key, SM3: u.SM3, Size: u.Size, ContentType: u.ContentType})
}

func removePromise(ps []workflow.PromisedMaterial, code string) []workflow.PromisedMaterial {
	out := ps[:0:0]
	for _, p := range ps {
		if p.Code != code {
			out = append(out, p)
		}
	}
	return out
}

// uploadedMaterial resolves an upload the caller made for this case and
// material into the material handed in.
func (h *Handler) uploadedMaterial(ctx context.Context, cs workflow.Case, ref citizenMaterialRef) (workflow.ProvidedMaterial, error) {
	u, err := h.citizen.Citizens.GetUpload(ctx, ref.UploadID)
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && (u.CaseID != cs.ID || u.Material != ref.Code)) {
		return workflow.ProvidedMaterial{}, &APIError{http.StatusUnprocessableEntity, "upload_not_found",
			"未找到该材料的上传文件", map[string]string{"material": ref.Code}}
	}
	if err != nil {
		return workflow.ProvidedMaterial{}, err
	}
	return workflow.ProvidedMaterial{Code: ref.Code, Source: workflow.SourceUpload, Ref: u.Key}, nil
}
