package desk

import (
	"context"
	"strings"

	"zerovisit/workflow"
)

// PhotoObject is a stored picture, as the blob store describes it.
type PhotoObject struct {
	Key         string
	Size        int64
	SM3         string
	ContentType string
}

// AddPhoto records a photo a courier took at the door of a leg: only of a
// delivery leg that is theirs (or nobody's yet), and only a picture. The
// same photo twice is recorded once.
func (s *Service) AddPhoto(ctx context.Context, courierID, legID string, obj PhotoObject) (Photo, error) {
	l, err := s.courierLeg(ctx, courierID, legID)
	if err != nil {
		return Photo{}, err
	}
	switch {
	case l.Kind != KindDelivery || len(l.Materials) == 0:
		return Photo{}, refuse(workflow.ErrInvalidInput, "no_door_check", "该运单无需上门核验原件", nil)
	case l.Door != nil:
		return Photo{}, workflow.Refuse(workflow.ErrDuplicate, "door_check_done", "该运单已完成上门核验")
	case !strings.HasPrefix(obj.ContentType, "image/jpeg") && !strings.HasPrefix(obj.ContentType, "image/png") && !strings.HasPrefix(obj.ContentType, "image/webp"):
		return Photo{}, refuse(workflow.ErrUnsupportedType, "not_a_photo", "照片须为 JPEG、PNG 或 WebP 图片", map[string]string{"content_type": obj.ContentType})
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
