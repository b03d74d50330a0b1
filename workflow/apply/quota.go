package apply

import (
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// UploadQuota bounds uploads: an account's (the person uploading) within
// Window, and a case's in all, each in files and in bytes.
type UploadQuota = files.Quota

// DefaultUploadQuota is the quota when Config names none: enough for any
// real errand (a case has a handful of materials, each corrected a few
// times), and a stop to a script filling the store.
var DefaultUploadQuota = UploadQuota{AccountFiles: 200, AccountBytes: 1 << 30, Window: 24 * time.Hour,
	CaseFiles: 60, CaseBytes: 300 << 20}

// UploadUsage is what uploads take: an account's within the quota's
// window, a case's in all.
type UploadUsage = files.Usage

// overQuota is the refusal of an upload of size bytes that the usage
// leaves no room for: the case's quota first (it does not free itself,
// 413), then the account's (it does, as the window moves on: 429).
func overQuota(q UploadQuota, used UploadUsage, size int64) error {
	if q.CaseFull(used, size) {
		return workflow.Refuse(workflow.ErrTooLarge, "case_upload_quota", "该办件上传的文件已达上限，请删减后再上传").
			WithDetail(q.CaseDetail(used))
	}
	return workflow.Refuse(workflow.ErrRateLimited, "account_upload_quota", "上传文件过多，已达每日上限，请稍后再试").
		WithDetail(q.AccountDetail(used))
}
