package staff

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"zerovisit/workflow"
	"zerovisit/workflow/ident"
	"zerovisit/workflow/parcel"
)

// CounterAddressPrefix marks the delivery address of a case a clerk took
// at the counter: the recipient the walk-in gave, sealed to that case
// (CounterAddressContext), in the case's delivery reference. A walk-in has
// no address book, and the contact must not sit in the case in clear.
const CounterAddressPrefix = "counter:"

// CounterAddressContext binds a counter delivery address to its case, so
// the sealed contact of one case opens for no other.
func CounterAddressContext(caseID string) string { return "counter_delivery:" + caseID }

// DeliveryContact is where the result of a counter case goes by courier
// (邮寄送达): the recipient's name, mobile and full address.
type DeliveryContact struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// checkDelivery checks the delivery of an intake: a reference is never
// the clerk's to give, and a courier delivery needs the recipient, who is
// the person at the counter: the courier checks the recipient's ID card
// against theirs at the door.
func checkDelivery(r IntakeRequest) error {
	bad := func(f, msg string) error { return refuse(workflow.ErrInvalidInput, "invalid_field", msg, field(f)) }
	if r.Delivery.AddressRef != "" {
		return bad("delivery.address_ref", "窗口收件的邮寄地址请填写收件人信息")
	}
	if r.Delivery.Method != workflow.DeliveryCourier {
		if r.DeliveryContact != nil {
			return bad("delivery_contact", "仅邮寄送达需要填写收件人")
		}
		return nil
	}
	c := r.DeliveryContact
	switch {
	case c == nil:
		return bad("delivery_contact", "邮寄送达请填写收件人姓名、手机号码和详细地址")
	case strings.TrimSpace(c.Name) != strings.TrimSpace(r.Applicant.Name):
		return bad("delivery_contact.name", "邮寄送达由申请人本人凭身份证签收，收件人须为申请人")
	case !ident.ValidMobile(ident.NormalizeMobile(c.Phone)):
		return bad("delivery_contact.phone", "收件人手机号码不正确")
	case utf8.RuneCountInString(strings.TrimSpace(c.Address)) < 6 || utf8.RuneCountInString(c.Address) > 200:
		return bad("delivery_contact.address", "请填写详细地址（省市区、街道门牌，6至200字）")
	}
	return nil
}

// counterAddress seals the recipient of a courier delivery to the case.
func (s *Service) counterAddress(caseID string, c DeliveryContact) (string, error) {
	b, err := json.Marshal(parcel.Contact{Name: strings.TrimSpace(c.Name), Phone: ident.NormalizeMobile(c.Phone), Address: strings.TrimSpace(c.Address)})
	if err != nil {
		return "", err
	}
	sealed, err := s.cfg.Sealer.Seal(string(b), CounterAddressContext(caseID))
	if err != nil {
		return "", err
	}
	return CounterAddressPrefix + sealed, nil
}
