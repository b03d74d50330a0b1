package staff

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"zerovisit/workflow"
)

// LibraryCheck is what the libraries hold that bears on one material of a
// case: whether they confirm it, a summary for the clerk (personal data
// masked) and the evidence to record with the check.
type LibraryCheck struct {
	Material string `json:"material"`
	Source   string `json:"source"`
	Found    bool   `json:"found"`
	Summary  string `json:"summary"`
	Evidence string `json:"evidence,omitempty"`
	Degraded bool   `json:"degraded,omitempty"`
}

// CheckMaterial checks one material of a case under verification against
// the e-license library (the holder's licences) or the population library
// (the holder's real name), for the clerk to record as evidence. A library
// that cannot be asked, or an applicant whose identity cannot be told,
// gives a Degraded check: the clerk verifies the original by hand.
func (s *Service) CheckMaterial(ctx context.Context, who Caller, caseID, material string) (LibraryCheck, error) {
	cs, err := s.caseFor(ctx, who, caseID, false)
	if err != nil {
		return LibraryCheck{}, err
	}
	it, err := s.cfg.Engine.Catalogue().Lookup(cs.ItemCode)
	if err != nil || material == "" || len(material) > 64 {
		return LibraryCheck{}, badQuery("material", "请指定材料")
	}
	if !slices.ContainsFunc(cs.Materials, func(m workflow.CaseMaterial) bool { return m.Code == material }) {
		return LibraryCheck{}, errNoMaterial
	}
	if s.cfg.Licences == nil || s.cfg.Population == nil {
		return LibraryCheck{}, workflow.Refuse(workflow.ErrUnavailable, "libraries_disabled", "数据库比对未启用")
	}
	res := LibraryCheck{Material: material}
	h, err := s.holder(ctx, cs.ApplicantID)
	if err != nil {
		res.Degraded, res.Summary = true, "无法确认申请人身份，请人工核验原件"
		return res, nil
	}
	m, _ := it.Material(material)
	if m.Source.Kind() == workflow.SourceBaseData {
		return s.checkRealName(ctx, res, h), nil
	}
	licenceType := ""
	if m.Source.Kind() == workflow.SourceELicense {
		licenceType = m.Source.Arg()
	}
	res, err = s.checkLicences(ctx, res, h, licenceType)
	if err != nil {
		return res, fmt.Errorf("check material %s of case %s: %w", material, cs.ID, err)
	}
	return res, nil
}

// checkRealName checks the holder's name and number with the population library.
func (s *Service) checkRealName(ctx context.Context, res LibraryCheck, h Holder) LibraryCheck {
	res.Source = string(workflow.SourceBaseData)
	ok, err := s.cfg.Population.VerifyRealName(ctx, h.Name, h.ID)
	if err != nil {
		res.Degraded, res.Summary = true, "人口库暂不可用，请人工核验"
		return res
	}
	res.Found, res.Evidence = ok, "basedata:verify_real_name"
	res.Summary = "人口库实名信息不一致"
	if ok {
		res.Summary = "人口库实名信息一致"
	}
	return res
}

// checkLicences looks for the holder's usable licences of a type (any type
// when empty) in the e-license library.
func (s *Service) checkLicences(ctx context.Context, res LibraryCheck, h Holder, licenceType string) (LibraryCheck, error) {
	res.Source = string(workflow.SourceELicense)
	found, err := s.cfg.Licences.Lookup(ctx, h.ID, licenceType)
	if err != nil {
		return res, err
	}
	if found.Degraded {
		res.Degraded, res.Summary = true, found.Reason
		return res, nil
	}
	var names, ids []string
	for _, lic := range found.Licences {
		names, ids = append(names, lic.Name), append(ids, lic.ID)
	}
	res.Found = len(ids) > 0
	if !res.Found {
		res.Summary = found.Reason
		return res, nil
	}
	res.Summary = "电子证照库中有效证照：" + strings.Join(names, "、")
	res.Evidence = "elicense:" + strings.Join(ids, ",")
	return res, nil
}
