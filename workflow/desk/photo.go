package desk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"zerovisit/workflow"
	"zerovisit/workflow/files"
)

// PhotoStore keeps the photos' files by content (models/blob).
type PhotoStore = files.Store

// PhotoTypes are the kinds of picture a door photo may be.
var PhotoTypes = []string{files.TypeJPEG, files.TypePNG, files.TypeWebP}

// AddPhoto keeps a photo a courier took at the door of a leg (up to
// maxBytes) and records it: only of a delivery leg that is theirs (or
// nobody's yet), and only a picture. Both are checked before anything is
// stored (the picture by its first bytes, never the client's word), so a
// refused photo leaves no file behind. The same photo twice is recorded
// once.
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
		return Photo{}, refuse(workflow.ErrUnsupportedType, "not_a_photo", "照片须为 JPEG、PNG 或 WebP 图片", map[string]string{"content_type": found})
	case l.Kind != KindDelivery || len(l.Materials) == 0:
		return Photo{}, refuse(workflow.ErrInvalidInput, "no_door_check", "该运单无需上门核验原件", nil)
	case l.Door != nil:
		return Photo{}, workflow.Refuse(workflow.ErrDuplicate, "door_check_done", "该运单已完成上门核验")
	}
	obj, err := files.PutTyped(ctx, s.cfg.Photos, all, maxBytes, PhotoTypes...)
	var bad *files.TypeError
	if errors.As(err, &bad) {
		return Photo{}, refuse(workflow.ErrUnsupportedType, "not_a_photo", "照片须为 JPEG、PNG 或 WebP 图片", map[string]string{"content_type": bad.Found})
	}
	if err != nil {
		return Photo{}, fmt.Errorf("store photo: %w", err)
	}
	p := Photo{LegID: l.ID, Key: obj.Key, SM3: obj.SM3, Size: obj.Size, ContentType: obj.ContentType, CourierID: courierID, CreatedAt: s.cfg.Now()}
	if err := s.cfg.Store.AddPhoto(ctx, p); err != nil {
		return Photo{}, err
	}
	return s.cfg.Store.Photo(ctx, l.ID, obj.Key)
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
