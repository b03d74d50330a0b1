package staff

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// ScanTypes are the kinds of file a counter scanner produces.
var ScanTypes = []string{files.TypeJPEG, files.TypePNG, files.TypePDF}

// errScansDisabled refuses a scan when no store keeps them.
var errScansDisabled = workflow.Refuse(workflow.ErrUnavailable, "scans_disabled", "材料扫描未启用")

// DefaultScanQuota bounds counter scans when Config names no quota: a
// busy clerk's day, and the materials of any one case.
var DefaultScanQuota = files.Quota{AccountFiles: 1000, AccountBytes: 4 << 30, Window: 24 * time.Hour,
	CaseFiles: 50, CaseBytes: 300 << 20}

// Scan keeps a material staffID scanned at the counter, up to maxBytes,
// and returns it; its key is what an intake names as the material's ref.
// The content is checked to be a JPEG, PNG or PDF by its first bytes, and
// the scan to fit the clerk's quota, before anything is stored, so a
// refused file leaves nothing behind.
func (s *Service) Scan(ctx context.Context, staffID string, r io.Reader, maxBytes int64) (files.Object, error) {
	if s.cfg.Scans == nil {
		return files.Object{}, errScansDisabled
	}
	head, all, err := files.Peek(r)
	if err != nil {
		return files.Object{}, fmt.Errorf("read scan: %w", err)
	}
	if found := files.Sniff(head); !slices.Contains(ScanTypes, found) {
		return files.Object{}, errUnrecognisedScan(found)
	}
	st, err := s.cfg.Scans.Stage(ctx, all, maxBytes)
	if err != nil {
		return files.Object{}, fmt.Errorf("store scan: %w", err)
	}
	defer st.Discard()
	obj := st.Object()
	if !slices.Contains(ScanTypes, obj.ContentType) {
		return files.Object{}, errUnrecognisedScan(obj.ContentType)
	}
	q := s.cfg.ScanQuota
	recorded, used, err := s.cfg.Store.RecordScan(ctx, staffID, obj, s.cfg.Now(), q)
	switch {
	case err != nil:
		return files.Object{}, err
	case !recorded:
		return files.Object{}, refuse(workflow.ErrRateLimited, "account_scan_quota", "扫描件过多，已达上限，请稍后再试", q.AccountDetail(used))
	}
	if err := st.Keep(ctx); err != nil {
		return files.Object{}, fmt.Errorf("store scan: %w", err)
	}
	return obj, nil
}

func errUnrecognisedScan(found string) *workflow.Refusal {
	return workflow.Refuse(workflow.ErrInvalidInput, "unrecognised_scan", "文件内容不是图片或 PDF").
		WithDetail(map[string]string{"detected": found})
}

// checkScans refuses an intake whose scans (by distinct key) pass the
// case's quota.
func (s *Service) checkScans(ctx context.Context, ms []workflow.ProvidedMaterial) error {
	var keys []string
	for _, m := range ms {
		if m.Source == workflow.SourceUpload && !slices.Contains(keys, m.Ref) {
			keys = append(keys, m.Ref)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sizes, err := s.cfg.Store.ScanSizes(ctx, keys)
	if err != nil {
		return err
	}
	used := files.Usage{CaseFiles: len(keys) - 1}
	for _, k := range keys {
		used.CaseBytes += sizes[k]
	}
	q := s.cfg.ScanQuota
	if q.CaseFull(used, 0) {
		used.CaseFiles++
		return refuse(workflow.ErrTooLarge, "case_scan_quota", "该办件的扫描件已达上限，请删减后再受理", q.CaseDetail(used))
	}
	return nil
}
