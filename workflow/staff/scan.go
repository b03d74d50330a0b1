package staff

import (
	"context"
	"errors"
	"fmt"
	"io"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// ScanTypes are the kinds of file a counter scanner produces.
var ScanTypes = []string{files.TypeJPEG, files.TypePNG, files.TypePDF}

// errScansDisabled refuses a scan when no store keeps them.
var errScansDisabled = workflow.Refuse(workflow.ErrUnavailable, "scans_disabled", "材料扫描未启用")

// Scan keeps a material scanned at the counter, up to maxBytes, and
// returns it; its key is what an intake names as the material's ref. The
// content is checked to be a JPEG, PNG or PDF by its first bytes before
// anything is stored, so a refused file leaves nothing behind.
func (s *Service) Scan(ctx context.Context, r io.Reader, maxBytes int64) (files.Object, error) {
	if s.cfg.Scans == nil {
		return files.Object{}, errScansDisabled
	}
	obj, err := files.PutTyped(ctx, s.cfg.Scans, r, maxBytes, ScanTypes...)
	var bad *files.TypeError
	if errors.As(err, &bad) {
		return files.Object{}, workflow.Refuse(workflow.ErrInvalidInput, "unrecognised_scan", "文件内容不是图片或 PDF").
			WithDetail(map[string]string{"detected": bad.Found})
	}
	if err != nil {
		return files.Object{}, fmt.Errorf("store scan: %w", err)
	}
	return obj, nil
}
