package files

import "time"

// Quota bounds the files kept: an account's (the person handing them in)
// within Window, and a case's in all, each in files and in bytes.
type Quota struct {
	AccountFiles int
	AccountBytes int64
	Window       time.Duration
	CaseFiles    int
	CaseBytes    int64
}

// Or returns q with each bound it leaves unset (zero) taken from d.
func (q Quota) Or(d Quota) Quota {
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

// Usage is what files take of a quota: an account's within its window, a
// case's in all.
type Usage struct {
	AccountFiles int
	AccountBytes int64
	CaseFiles    int
	CaseBytes    int64
}

// CaseFull reports whether a case that uses u has no room for a file of size.
func (q Quota) CaseFull(u Usage, size int64) bool {
	return u.CaseFiles >= q.CaseFiles || u.CaseBytes+size > q.CaseBytes
}

// AccountFull reports whether an account that uses u has no room for a
// file of size.
func (q Quota) AccountFull(u Usage, size int64) bool {
	return u.AccountFiles >= q.AccountFiles || u.AccountBytes+size > q.AccountBytes
}

// CaseDetail is what a refusal over a case's quota tells.
func (q Quota) CaseDetail(u Usage) map[string]int64 {
	return map[string]int64{"limit_files": int64(q.CaseFiles), "limit_bytes": q.CaseBytes,
		"used_files": int64(u.CaseFiles), "used_bytes": u.CaseBytes}
}

// AccountDetail is what a refusal over an account's quota tells.
func (q Quota) AccountDetail(u Usage) map[string]int64 {
	return map[string]int64{"limit_files": int64(q.AccountFiles), "limit_bytes": q.AccountBytes,
		"window_seconds": int64(q.Window / time.Second), "used_files": int64(u.AccountFiles), "used_bytes": u.AccountBytes}
}
