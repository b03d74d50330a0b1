package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/integrations/basedata"
	"zerovisit/integrations/wechat"
	"zerovisit/models"
	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// citizenProfile is what a citizen sees of themselves: masked, always.
type citizenProfile struct {
	ID         string             `json:"id"`
	Verified   bool               `json:"verified"`
	Name       string             `json:"name,omitempty"`
	IDNumber   string             `json:"id_number,omitempty"`
	Phone      string             `json:"phone,omitempty"`
	Channel    workflow.Channel   `json:"channel"`
	Channels   []workflow.Channel `json:"channels"`
	Businesses []citizenBusiness  `json:"businesses"`
}

type citizenBusiness struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	USCC       string            `json:"uscc"`
	Role       models.AgencyRole `json:"role"`
	ValidUntil *time.Time        `json:"valid_until,omitempty"`
}

func (h *Handler) profileOf(ctx context.Context, cc citizenCaller) (citizenProfile, error) {
	p := citizenProfile{ID: cc.Citizen.ID, Verified: cc.Citizen.Verified(), Channel: cc.Account.Channel,
		Channels: []workflow.Channel{}, Businesses: []citizenBusiness{}}
	if p.Verified {
		p.Name, p.IDNumber = ident.MaskName(cc.Citizen.Name), ident.MaskResidentID(cc.Citizen.IDNumber)
	}
	if cc.Citizen.Phone != "" {
		p.Phone = ident.MaskPhone(cc.Citizen.Phone)
	}
	accts, err := h.citizen.Citizens.Accounts(ctx, cc.Citizen.ID)
	if err != nil {
		return citizenProfile{}, err
	}
	seen := map[workflow.Channel]bool{}
	for _, a := range accts {
		if !seen[a.Channel] {
			seen[a.Channel] = true
			p.Channels = append(p.Channels, a.Channel)
		}
	}
	agencies, err := h.citizen.Citizens.Agencies(ctx, cc.Citizen.ID)
	if err != nil {
		return citizenProfile{}, err
	}
	for _, a := range agencies {
		p.Businesses = append(p.Businesses, businessView(a))
	}
	return p, nil
}

func businessView(a models.Agency) citizenBusiness {
	b := citizenBusiness{ID: a.Business.ID, Name: a.Business.Name, USCC: a.Business.IDNumber, Role: a.Role}
	if !a.ValidUntil.IsZero() {
		t := a.ValidUntil
		b.ValidUntil = &t
	}
	return b
}

// citizenMe returns the caller's masked profile.
func (h *Handler) citizenMe(c *gin.Context) {
	ctx := c.Request.Context()
	p, err := h.profileOf(ctx, mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

type citizenIdentityRequest struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	// LinkCode joins this account to the citizen who already bound this
	// identity on another account; that account issues it (me/link-code).
	LinkCode string `json:"link_code,omitempty"`
}

const maxPersonName = 64

var errRealNameMismatch = &APIError{http.StatusUnprocessableEntity, "real_name_mismatch", "姓名与身份证号码不一致，实名认证未通过", nil}

// checkPerson validates a name and resident ID number and checks them with
// the population library. The number it returns is normalised.
func (h *Handler) checkPerson(ctx context.Context, name, idNumber string) (string, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxPersonName {
		return "", "", &APIError{http.StatusUnprocessableEntity, "invalid_name", "请填写正确的姓名", map[string]string{"field": "name"}}
	}
	id, err := ident.ParseResidentID(idNumber, h.citizenNow())
	if err != nil {
		var ie *ident.Error
		if errors.As(err, &ie) {
			return "", "", &APIError{http.StatusUnprocessableEntity, "invalid_id_number", ie.Message,
				map[string]string{"field": "id_number", "reason": ie.Code}}
		}
		return "", "", err
	}
	ok, err := h.citizen.Identity.VerifyRealName(ctx, name, id.Number)
	if errors.Is(err, basedata.ErrNoRecord) || (err == nil && !ok) {
		// The same answer for an unknown number and a wrong name: the
		// endpoint must not tell which numbers exist.
		return "", "", errRealNameMismatch
	}
	if err != nil {
		return "", "", err
	}
	return name, id.Number, nil
}

// citizenBindIdentity binds the caller's real name (实名认证). Accounts of
// the same verified person on any channel become one citizen.
func (h *Handler) citizenBindIdentity(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenIdentityRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	name, number, err := h.checkPerson(ctx, req.Name, req.IDNumber)
	if err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	linkTo := ""
	if req.LinkCode != "" {
		if linkTo, err = h.citizenLinkTarget(ctx, req.LinkCode); err != nil {
			h.fail(c, err)
			return
		}
	}
	cit, err := h.citizen.Citizens.BindIdentity(ctx, cc.Account.ID, name, number, linkTo)
	if errors.Is(err, models.ErrIdentityBound) {
		h.fail(c, &APIError{http.StatusConflict, "identity_already_bound", "该账号已绑定其他实名身份", nil})
		return
	}
	if errors.Is(err, models.ErrIdentityElsewhere) {
		h.fail(c, &APIError{http.StatusConflict, "identity_bound_elsewhere",
			"该身份已在其他账号完成实名认证，请在原账号“我的—关联账号”中获取关联码后再绑定", nil})
		return
	}
	if linkTo != "" && err == nil {
		h.citizenSpendLinkCode(ctx, req.LinkCode)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	cc.Citizen = cit
	p, err := h.profileOf(ctx, cc)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

type citizenPhoneRequest struct {
	Code string `json:"code"`
}

// citizenBindPhone records the phone number the user shared with the
// WeChat getPhoneNumber button.
func (h *Handler) citizenBindPhone(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenPhoneRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	if cc.Account.Channel != workflow.ChannelWeChat || h.citizen.WeChat == nil {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "unsupported_channel", "当前渠道不支持获取手机号", nil})
		return
	}
	phone, err := h.citizen.WeChat.PhoneNumber(ctx, req.Code)
	if errors.Is(err, wechat.ErrInvalidCode) {
		h.fail(c, &APIError{http.StatusUnprocessableEntity, "invalid_phone_code", "手机号授权凭证无效，请重新授权", nil})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.citizen.Citizens.SetPhone(ctx, cc.Citizen.ID, phone); err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"phone": ident.MaskPhone(phone)})
}
