package basedata

import "zerovisit/workflow"

// CompanyStatus is a company's registration status, as the legal-entity
// library writes it.
type CompanyStatus string

// Company statuses.
const (
	CompanyActive    CompanyStatus = "存续" // in business
	CompanyCancelled CompanyStatus = "注销" // deregistered
	CompanyRevoked   CompanyStatus = "吊销" // licence revoked
)

// Company is a legal entity's registration.
type Company struct {
	USCC string `json:"uscc"`
	Name string `json:"name"`
	// Kind is the entity type (有限责任公司, 个体工商户, …).
	Kind                string         `json:"kind,omitempty"`
	LegalRepresentative Representative `json:"legal_representative"`
	Status              CompanyStatus  `json:"status"`
	RegisteredAddress   string         `json:"registered_address"`
	EstablishedOn       workflow.Date  `json:"established_on,omitzero"`
}

// Active reports whether the company is in business (存续).
func (c Company) Active() bool { return c.Status == CompanyActive }

// Representative is a company's legal representative (法定代表人). The
// library discloses the ID number masked only.
type Representative struct {
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked"`
}
