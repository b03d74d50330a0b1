package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"zerovisit/models"
	"zerovisit/workflow/ident"
)

// citizenAddressView is an address book entry, masked.
type citizenAddressView struct {
	ID        string `json:"id"`
	Label     string `json:"label,omitempty"`
	Recipient string `json:"recipient"`
	Phone     string `json:"phone"`
	Region    string `json:"region"`
	Detail    string `json:"detail"`
}

func addressView(a models.Address) citizenAddressView {
	detail := []rune(a.Detail)
	masked := "****"
	if len(detail) > 4 {
		masked = string(detail[:2]) + strings.Repeat("*", len(detail)-2)
	}
	return citizenAddressView{ID: a.ID, Label: a.Label, Recipient: ident.MaskName(a.Recipient), Phone: ident.MaskPhone(a.Phone),
		Region: a.Region, Detail: masked}
}

// citizenAddresses lists the caller's address book, masked.
func (h *Handler) citizenAddresses(c *gin.Context) {
	ctx := c.Request.Context()
	as, err := h.citizen.Citizens.Addresses(ctx, mustCaller(c).Citizen.ID)
	if err != nil {
		h.fail(c, err)
		return
	}
	items := make([]citizenAddressView, 0, len(as))
	for _, a := range as {
		items = append(items, addressView(a))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type citizenAddressRequest struct {
	Label     string `json:"label,omitempty"`
	Recipient string `json:"recipient"`
	Phone     string `json:"phone"`
	Region    string `json:"region"`
	Detail    string `json:"detail"`
}

func (r citizenAddressRequest) check() error {
	bad := func(field, msg string) error {
		return &APIError{http.StatusUnprocessableEntity, "invalid_address", msg, map[string]string{"field": field}}
	}
	n := utf8.RuneCountInString
	switch {
	case n(r.Label) > 16:
		return bad("label", "地址标签过长")
	case n(strings.TrimSpace(r.Recipient)) == 0 || n(r.Recipient) > 32:
		return bad("recipient", "请填写收件人")
	case !ident.ValidMobile(r.Phone):
		return bad("phone", "请填写正确的手机号码")
	case n(strings.TrimSpace(r.Region)) < 2 || n(r.Region) > 64:
		return bad("region", "请填写省市区")
	case n(strings.TrimSpace(r.Detail)) < 2 || n(r.Detail) > 128:
		return bad("detail", "请填写详细地址")
	}
	return nil
}

// citizenAddAddress adds an address; its id is what a delivery refers to.
func (h *Handler) citizenAddAddress(c *gin.Context) {
	ctx := c.Request.Context()
	var req citizenAddressRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	if err := req.check(); err != nil {
		h.fail(c, err)
		return
	}
	a, err := h.citizen.Citizens.AddAddress(ctx, mustCaller(c).Citizen.ID, models.Address{Label: req.Label,
		Recipient: strings.TrimSpace(req.Recipient), Phone: req.Phone, Region: strings.TrimSpace(req.Region), Detail: strings.TrimSpace(req.Detail)})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, addressView(a))
}

// citizenDeleteAddress removes an address from the book.
func (h *Handler) citizenDeleteAddress(c *gin.Context) {
	ctx := c.Request.Context()
	if err := h.citizen.Citizens.DeleteAddress(ctx, mustCaller(c).Citizen.ID, c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
