package apply

import (
	"time"

	"zerovisit/workflow"
)

// UploadQuota bounds uploads: an account's (the person uploading) within
// Window, and a case's in all, each in files and in bytes.
type UploadQuota struct {
	AccountFiles int
	AccountBytes int64
	Window       time.Duration
	CaseFiles    int
	CaseBytes    int64
}

// DefaultUploadQuota is the quota when Config names none: enough for any
// real errand (a case has a handful of materials, each corrected a few
// times), and a stop to a script filling the store.
var DefaultUploadQuota = UploadQuota{AccountFiles: 200, AccountBytes: 1 << 30, Window: 24 * time.Hour,
	CaseFiles: 60, CaseBytes: 300 << 20}

func (q UploadQuota) orDefault() UploadQuota {
	d := DefaultUploadQuota
	if q.AccountFiles > 0 {
		d.AccountFiles = q.AccountFiles
	}
	if q.AccountBytes > 0 {
		d.AccountBytes = q.AccountBytes
	}
	if q.Window > 0 {
		d.Window = q.Window
	}
	if q.CaseFiles > 0 {
		d.CaseFiles = q.CaseFiles
	}
	if q.CaseBytes > 0 {
		d.CaseBytes = q.CaseBytes
	}
	return d
}

// UploadUsage is what uploads take: an account's within the quota's
// window, a case's in all.
type UploadUsage struct {
	AccountFiles int
	AccountBytes int64
	CaseFiles    int
	CaseBytes    int64
}

// overQuota is the refusal of an upload of size bytes that the usage
// leaves no room for: the case's quota first (it does not free itself,
// 413), then the account's (it does, as the window moves on: 429).
func (q UploadQuota) overQuota(used UploadUsage, size int64) error {
	if used.CaseFiles >= q.CaseFiles || used.CaseBytes+size > q.CaseBytes {
		return workflow.Refuse(workflow.ErrTooLarge, "case_upload_quota", "该办件上传的文件已达上限，请删减后再上传").
			WithDetail(map[string]int64{"limit_files": int64(q.CaseFiles), "limit_bytes": q.CaseBytes,
				"used_files": int64(used.CaseFiles), "used_bytes": used.CaseBytes})
	}
	return workflow.Refuse(workflow.ErrRateLimited, "account_upload_quota", "上传文件过多，已达每日上限，请稍后再试").
		WithDetail(map[string]int64{"limit_files": int64(q.AccountFiles), "limit_bytes": q.AccountBytes,
			"window_seconds": int64(q.Window / time.Second), "used_files": int64(used.AccountFiles), "used_bytes": used.AccountBytes})
}
