package apply

import (
	"context"
	"errors"
	"fmt"
	"io"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
	"zerovisit/workflow/files"
)

// ErrUnreadable wraps what went wrong while an uploaded file was read and
// stored (the body ended, passed a limit, or the blob store failed).
var ErrUnreadable = errors.New("upload unreadable")

// uploadTypes are the file types a material may be uploaded as, by their
// sniffed content type (never the client's word).
var uploadTypes = map[string]bool{"image/jpeg": true, "image/png": true, "application/pdf": true}

// Upload stores a file for a material of a case (by SHA-256, with its SM3
// digest as evidence), handed in by person. For a draft it becomes the
// material of the application, and no longer a promised one; otherwise its
// id is handed in with a correction or a promised material.
func (s *Service) Upload(ctx context.Context, f Filing, person citizen.Citizen, material string, file io.Reader) (Upload, error) {
	cs := f.Case
	it, err := s.cfg.Catalogue.Lookup(cs.ItemCode)
	if err != nil {
		return Upload{}, err
	}
	if _, ok := it.Material(material); !ok {
		return Upload{}, invalid("unknown_material", "材料不属于该事项（material 字段须在 file 之前）", map[string]string{"field": "material"})
	}
	if cs.Status.Terminal() {
		return Upload{}, workflow.Refuse(workflow.ErrConflict, "case_closed", "办件已结束，不能再上传材料")
	}
	if err := expected(f, material); err != nil {
		return Upload{}, err
	}
	st, err := s.stage(ctx, file)
	if err != nil {
		return Upload{}, err
	}
	defer st.Discard()
	obj := st.Object()
	u := Upload{ID: s.cfg.Store.NewID(), Key: obj.Key, SM3: obj.SM3, Size: obj.Size, ContentType: obj.ContentType,
		By: person.ID, At: s.cfg.Now()}
	recorded, used, err := s.cfg.Store.RecordUpload(ctx, cs.ID, material, u, s.cfg.Quota)
	switch {
	case err != nil:
		return Upload{}, err
	case !recorded:
		return Upload{}, overQuota(s.cfg.Quota, used, u.Size)
	}
	if err := st.Keep(ctx); err != nil {
		return Upload{}, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if cs.Status == workflow.StatusDraft {
		if !f.HasApplication {
			return Upload{}, fmt.Errorf("application of case %s: %w", cs.ID, workflow.ErrNotFound)
		}
		if _, err := s.cfg.Store.UpdateApplication(ctx, f.Application, func(a *Application) error { return attach(a, material, u) }); err != nil {
			return Upload{}, err
		}
	}
	return u, nil
}

// expected refuses, before anything is stored, an upload the case cannot
// take: a material the government libraries hold, or, after submission,
// one neither asked for by a pending correction nor promised for later.
func expected(f Filing, material string) error {
	cs := f.Case
	if cs.Status == workflow.StatusDraft {
		if am := f.Application.Material(material); f.HasApplication && am != nil && am.Held {
			return invalid("material_held", "政府部门已掌握该材料，无需上传", map[string]string{"material": material})
		}
		return nil
	}
	var cm workflow.CaseMaterial
	for _, m := range cs.Materials {
		if m.Code == material {
			cm = m
		}
	}
	if cm.HeldByLibrary() {
		return invalid("material_held", "该材料由政府部门数据库提供，不能以上传文件替换", map[string]string{"material": material})
	}
	if cm.Outstanding() || cs.Status == workflow.StatusRectifying {
		// A promised material, or anything the applicant answers an order
		// to rectify with (陈述申辩).
		return nil
	}
	if sr := cs.Supplement; cs.Status == workflow.StatusSupplementRequested && sr != nil && sr.SuppliedAt.IsZero() {
		for _, it := range sr.Items {
			if it.Material == material {
				return nil
			}
		}
	}
	return invalid("material_not_requested", "该材料不在补正要求或待补齐的容缺材料中，无需上传", map[string]string{"material": material})
}

// stage checks the file's type by its first bytes and writes it where it
// is not yet stored.
func (s *Service) stage(ctx context.Context, file io.Reader) (files.Staged, error) {
	head, all, err := files.Peek(file)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if !uploadTypes[s.cfg.Sniff(head)] {
		return nil, workflow.Refuse(workflow.ErrUnsupportedType, "unsupported_file_type", "仅支持上传 JPG、PNG 图片或 PDF 文件")
	}
	st, err := s.cfg.Blobs.Stage(ctx, all, s.cfg.MaxUploadBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return st, nil
}

// attach makes u the draft's file for material.
func attach(a *Application, material string, u Upload) error {
	am := a.Material(material)
	switch {
	case am == nil:
		return invalid("unknown_material", "材料不属于该事项", nil)
	case am.Held:
		return invalid("material_held", "政府部门已掌握该材料，无需上传", nil)
	}
	am.Upload = &u
	out := a.Promised[:0:0]
	for _, p := range a.Promised {
		if p.Code != material {
			out = append(out, p)
		}
	}
	a.Promised = out
	return nil
}

// uploaded resolves an upload made for this case and material into the
// material handed in.
func (s *Service) uploaded(ctx context.Context, cs workflow.Case, code, uploadID string) (workflow.ProvidedMaterial, error) {
	u, err := s.cfg.Store.GetUpload(ctx, uploadID)
	if errors.Is(err, workflow.ErrNotFound) || (err == nil && (u.CaseID != cs.ID || u.Material != code)) {
		return workflow.ProvidedMaterial{}, invalid("upload_not_found", "未找到该材料的上传文件", map[string]string{"material": code})
	}
	if err != nil {
		return workflow.ProvidedMaterial{}, err
	}
	return workflow.ProvidedMaterial{Code: code, Source: workflow.SourceUpload, Ref: u.Key}, nil
}
