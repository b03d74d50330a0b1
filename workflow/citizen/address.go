package citizen

import (
	"context"
	"strings"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
)

// MaxAddresses bounds one citizen's address book.
const MaxAddresses = 20

// errAddressBookFull refuses an address beyond MaxAddresses.
var errAddressBookFull = workflow.Refuse(workflow.ErrInvalidInput, "invalid_input", "提交的内容不符合要求")

// Addresses returns the citizen's address book, oldest first.
func (s *Service) Addresses(ctx context.Context, citizenID string) ([]Address, error) {
	return s.cfg.Store.Addresses(ctx, citizenID)
}

// AddAddress checks an address and adds it to the citizen's book (of at
// most MaxAddresses). Its id is what a delivery refers to.
func (s *Service) AddAddress(ctx context.Context, citizenID string, a Address) (Address, error) {
	if err := checkAddress(a); err != nil {
		return Address{}, err
	}
	a = Address{Label: a.Label, Recipient: strings.TrimSpace(a.Recipient), Phone: a.Phone,
		Region: strings.TrimSpace(a.Region), Detail: strings.TrimSpace(a.Detail)}
	book, err := s.cfg.Store.Addresses(ctx, citizenID)
	if err != nil {
		return Address{}, err
	}
	if len(book) >= MaxAddresses {
		return Address{}, errAddressBookFull
	}
	return s.cfg.Store.AddAddress(ctx, citizenID, a)
}

// checkAddress validates an address as entered: the text, trimmed, must
// be there, and as entered no longer than its bound.
func checkAddress(a Address) error {
	bad := func(field, msg string) error { return invalidField("invalid_address", msg, field) }
	n := utf8.RuneCountInString
	trimmed := func(s string) int { return n(strings.TrimSpace(s)) }
	switch {
	case n(a.Label) > 16:
		return bad("label", "地址标签过长")
	case trimmed(a.Recipient) == 0 || n(a.Recipient) > 32:
		return bad("recipient", "请填写收件人")
	case !ident.ValidMobile(a.Phone):
		return bad("phone", "请填写正确的手机号码")
	case trimmed(a.Region) < 2 || n(a.Region) > 64:
		return bad("region", "请填写省市区")
	case trimmed(a.Detail) < 2 || n(a.Detail) > 128:
		return bad("detail", "请填写详细地址")
	}
	return nil
}

// DeleteAddress removes an address from the citizen's book; cases that
// refer to it still resolve it.
func (s *Service) DeleteAddress(ctx context.Context, citizenID, id string) error {
	return s.cfg.Store.DeleteAddress(ctx, citizenID, id)
}
