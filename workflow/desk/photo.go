package desk

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// PhotoStore keeps the photos' files by content (models/blob), holding a
// photo back until it is recorded within the quota.
type PhotoStore = files.Stager

// DefaultPhotoQuota bounds door photos when Config names no quota: a
// courier's day of deliveries with retakes, and a case's few originals
// taken a few times each.
var DefaultPhotoQuota = files.Quota{AccountFiles: 500, AccountBytes: 500 << 20, Window: 24 * time.Hour,
	CaseFiles: 40, CaseBytes: 40 << 20}

// PhotoTypes are the kinds of picture a door photo may be.
var PhotoTypes = []string{files.TypeJPEG, files.TypePNG, files.TypeWebP}

// AddPhoto keeps a photo a courier took at the door of a leg (up to
// maxBytes) and records it: only of a delivery leg that is theirs (or
// nobody's yet), only a picture, and only within the photo quota (the
// courier's within its window, the case's in all). All are checked before
// the file is stored (the picture by its first bytes, never the client's
// word), so a refused photo leaves no file behind. The same photo twice is
// recorded once.
func (s *Service) AddPhoto(ctx context.Context, courierID, legID string, photo io.Reader, maxBytes int64) (Photo, error) {
	l, err := s.courierLeg(ctx, courierID, legID)
	if err != nil {
		return Photo{}, err
	}
	if s.cfg.Photos == nil {
		return Photo{}, workflow.Refuse(workflow.ErrUnavailable, "courier_desk_disabled", "快递寄递服务未启用")
	}
	head, all, err := files.Peek(photo)
	if err != nil {
		return Photo{}, fmt.Errorf("read photo: %w", err)
	}
	switch found := files.Sniff(head); {
	case !slices.Contains(PhotoTypes, found):
		return Photo{}, errNotAPhoto(found)
	case l.Kind != KindDelivery || len(l.Materials) == 0:
		return Photo{}, refuse(workflow.ErrInvalidInput, "no_door_check", "该运单无需上门核验原件", nil)
	case l.Door != nil:
		return Photo{}, workflow.Refuse(workflow.ErrDuplicate, "door_check_done", "该运单已完成上门核验")
	}
	st, err := s.cfg.Photos.Stage(ctx, all, maxBytes)
	if err != nil {
		return Photo{}, fmt.Errorf("store photo: %w", err)
	}
	defer st.Discard()
	obj := st.Object()
	if !slices.Contains(PhotoTypes, obj.ContentType) {
		return Photo{}, errNotAPhoto(obj.ContentType)
	}
	p := Photo{LegID: l.ID, Key: obj.Key, SM3: obj.SM3, Size: obj.Size, ContentType: obj.ContentType, CourierID: courierID, CreatedAt: s.cfg.Now()}
	q := s.cfg.PhotoQuota
	recorded, used, err := s.cfg.Store.RecordPhoto(ctx, l.CaseID, p, q)
	switch {
	case err != nil:
		return Photo{}, err
	case !recorded && q.CaseFull(used, p.Size):
		return Photo{}, refuse(workflow.ErrTooLarge, "case_photo_quota", "该办件上门核验照片已达上限", q.CaseDetail(used))
	case !recorded:
		return Photo{}, refuse(workflow.ErrRateLimited, "account_photo_quota", "上传照片过多，已达上限，请稍后再试", q.AccountDetail(used))
	}
	if err := st.Keep(ctx); err != nil {
		return Photo{}, fmt.Errorf("store photo: %w", err)
	}
	return s.cfg.Store.Photo(ctx, l.ID, obj.Key)
}

func errNotAPhoto(found string) *workflow.Refusal {
	return refuse(workflow.ErrUnsupportedType, "not_a_photo", "照片须为 JPEG、PNG 或 WebP 图片", map[string]string{"content_type": found})
}

// courierLeg returns a leg the courier may work on: theirs or nobody's.
// Another courier's leg is reported as not found, so leg ids cannot be probed.
func (s *Service) courierLeg(ctx context.Context, courierID, legID string) (Leg, error) {
	l, err := s.cfg.Store.Leg(ctx, legID)
	if err != nil {
		return Leg{}, err
	}
	if l.CourierID != "" && l.CourierID != courierID {
		return Leg{}, workflow.Refuse(workflow.ErrNotFound, "not_found", "运单不存在")
	}
	return l, nil
}
