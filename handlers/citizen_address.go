package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow/citizen"
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

func addressView(a citizen.Address) citizenAddressView {
	m := a.Masked()
	return citizenAddressView{ID: m.ID, Label: m.Label, Recipient: m.Recipient, Phone: m.Phone, Region: m.Region, Detail: m.Detail}
}

// citizenAddresses lists the caller's address book, masked.
func (h *Handler) citizenAddresses(c *gin.Context) {
	as, err := h.citizen.People.Addresses(c.Request.Context(), mustCaller(c).Citizen.ID)
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

// citizenAddAddress adds an address; its id is what a delivery refers to.
func (h *Handler) citizenAddAddress(c *gin.Context) {
	var req citizenAddressRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	a, err := h.citizen.People.AddAddress(c.Request.Context(), mustCaller(c).Citizen.ID, citizen.Address{Label: req.Label,
		Recipient: req.Recipient, Phone: req.Phone, Region: req.Region, Detail: req.Detail})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, addressView(a))
}

// citizenDeleteAddress removes an address from the book.
func (h *Handler) citizenDeleteAddress(c *gin.Context) {
	if err := h.citizen.People.DeleteAddress(c.Request.Context(), mustCaller(c).Citizen.ID, c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
