package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"zerovisit/workflow/files"
)

var _ files.References = (*Repo)(nil)

// Referenced says which of keys (blob keys, hex SHA-256) a case refers to
// as it stands: a door photo of one of its legs, or a file its materials
// or its draft's application name. An upload superseded by another, or
// made and never handed in, is referred to by its upload row only, which
// does not count. A key no upload or photo row names (a counter scan) is
// looked for in the cases themselves.
func (r *Repo) Referenced(ctx context.Context, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	db := r.db.gorm.WithContext(ctx)
	text := "CAST(%s AS TEXT)"
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ") + ")"
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	like := func(col string) string {
		return strings.Replace(text, "%s", col, 1) + ` LIKE '%' || k.key || '%'`
	}
	// Each key, with whether an upload or a photo names it.
	q := `WITH k(key) AS (SELECT DISTINCT blob_key FROM citizen_uploads WHERE blob_key IN ` + in + `
		UNION SELECT "key" FROM courier_photos WHERE "key" IN ` + in + `)
	SELECT k.key FROM k WHERE EXISTS (SELECT 1 FROM courier_photos p WHERE p."key" = k.key)
		OR EXISTS (SELECT 1 FROM citizen_uploads u JOIN cases c ON c.id = u.case_id
			WHERE u.blob_key = k.key AND ` + like("c.data") + `)
		OR EXISTS (SELECT 1 FROM citizen_uploads u JOIN citizen_applications a ON a.case_id = u.case_id
			WHERE u.blob_key = k.key AND ` + like("a.data") + `)`
	known := map[string]bool{}
	if err := collectKeys(db, out, q, append(append([]any{}, args...), args...)...); err != nil {
		return nil, err
	}
	// Which keys are named by a row at all; the others can only be scans.
	if err := collectKeys(db, known, `SELECT blob_key FROM citizen_uploads WHERE blob_key IN `+in+`
		UNION SELECT "key" FROM courier_photos WHERE "key" IN `+in, append(append([]any{}, args...), args...)...); err != nil {
		return nil, err
	}
	var scans []any
	var vals []string
	for _, k := range keys {
		if !known[k] {
			scans = append(scans, k)
			vals = append(vals, "(?)")
		}
	}
	if len(scans) == 0 {
		return out, nil
	}
	err := collectKeys(db, out, `WITH k(key) AS (VALUES `+strings.Join(vals, ", ")+`)
		SELECT k.key FROM k WHERE EXISTS (SELECT 1 FROM cases c WHERE `+like("c.data")+`)`, scans...)
	return out, err
}

// collectKeys runs q, whose rows are one key each, and adds the keys to set.
func collectKeys(db *gorm.DB, set map[string]bool, q string, args ...any) error {
	rows, err := db.Raw(q, args...).Rows()
	if err != nil {
		return translate("referenced blobs", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return translate("referenced blobs", err)
		}
		set[k] = true
	}
	return translate("referenced blobs", rows.Err())
}
