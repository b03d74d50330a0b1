package drive

import (
	"context"
	"fmt"
	"net/http"
)

// review takes a failed door check through due process: the clerk reads
// the courier's evidence and orders rectification within five working
// days (责令限期整改); the applicant answers (陈述申辩), with the right
// original or saying they cannot; the clerk, who is also a reviewer,
// finds it rectified (the case closes), or hands it to another reviewer,
// who revokes it and finds the commitment false (whoever ordered the
// rectification does not also revoke).
func (s *demoStory) review(ctx context.Context) error {
	if err := s.waitCitizenCase(ctx, "the verification to end or go to review", func(cs demoCase) bool {
		return cs.Status == "commitment_review" || cs.Status == "closed" || cs.Status == "revoked"
	}); err != nil {
		return err
	}
	if s.status != "commitment_review" {
		return nil
	}
	base := "/api/v1/staff/cases/" + s.caseID
	var ev struct {
		Breach struct {
			Material string `json:"material"`
			Note     string `json:"note"`
		} `json:"breach"`
		Door []struct {
			CourierName string `json:"courier_name"`
			Results     []struct {
				PhotoKey string `json:"photo_key"`
			} `json:"results"`
		} `json:"door_checks"`
	}
	if err := s.clerk.call(ctx, http.StatusOK, http.MethodPost, base+"/claim", nil, nil); err != nil {
		return err
	}
	if err := s.clerk.call(ctx, http.StatusOK, http.MethodGet, base+"/breach/evidence", nil, &ev); err != nil {
		return err
	}
	if len(ev.Door) == 0 || len(ev.Door[0].Results) == 0 {
		return fmt.Errorf("review of %s shows no door check: %w", s.number, errDemoStep)
	}
	photo := base + "/breach/evidence/photos/" + ev.Door[0].Results[0].PhotoKey
	if _, _, err := s.clerk.once(ctx, http.MethodGet, photo, "", nil, nil); err != nil {
		return err
	}
	s.d.step(s, s.who("clerk"), fmt.Sprintf("审查核验证据：%s，%s（快递员 %s，%d 张照片）/ reviews the door evidence",
		ev.Breach.Material, ev.Breach.Note, ev.Door[0].CourierName, len(ev.Door[0].Results)), s.status)
	if err := s.staffAct(ctx, "breach/rectification", map[string]any{"reason": "上门核验发现" + ev.Breach.Material + "原件与承诺不符，请限期整改",
		"legal_basis": "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）", "days": 5},
		"rectifying", "责令限期整改（5 个工作日）/ orders rectification within 5 working days"); err != nil {
		return err
	}
	if s.p.rectifies {
		return s.rectified(ctx, ev.Breach.Material)
	}
	if err := s.state(ctx, map[string]any{"text": "原件已遗失，无法在期限内整改，陈述申辩完毕", "final": true},
		"陈述申辩：无法整改 / states the case: cannot rectify"); err != nil {
		return err
	}
	return s.revokeByReviewer(ctx)
}

// revokeByReviewer: the clerk hands the case to a second reviewer, who
// revokes the decision and finds the commitment false.
func (s *demoStory) revokeByReviewer(ctx context.Context) error {
	d := s.d
	if d.reviewer == nil {
		c, id, err := d.signInStaff(ctx, "陈审核")
		if err != nil {
			return err
		}
		d.reviewer, d.reviewerID = c, id
		d.step(s, "审核 陈审核", "审核人员登录控制台 / a second reviewer signs in", s.status)
	}
	base := "/api/v1/staff/cases/" + s.caseID
	if err := s.clerk.call(ctx, http.StatusOK, http.MethodPost, base+"/hand-over",
		map[string]string{"to_staff_id": d.reviewerID, "reason": "申请人已陈述申辩完毕，提请审核决定"}, nil); err != nil {
		return err
	}
	d.step(s, s.who("clerk"), "移交审核 / hands the case to the reviewer", s.status)
	var cs staffCase
	if err := d.reviewer.call(ctx, http.StatusOK, http.MethodPost, base+"/breach/decision", map[string]any{"outcome": "revoked",
		"reason": "责令整改后仍不符合承诺的条件，承诺不实", "legal_basis": "《中华人民共和国行政许可法》第六十九条", "false_commitment": true}, &cs,
		"Idempotency-Key", "demo-decision-"+s.caseID); err != nil {
		return err
	}
	s.status = cs.Status
	d.step(s, "审核 陈审核", "审核：撤销审批决定并认定虚假承诺 / revokes the decision, finds the commitment false", s.status)
	if cs.Status != "revoked" {
		return fmt.Errorf("decision: case is %s, want revoked: %w", cs.Status, errDemoStep)
	}
	return nil
}

// rectified: the applicant uploads the right original with their
// statement, and the clerk finds the case rectified.
func (s *demoStory) rectified(ctx context.Context, material string) error {
	id, err := s.citizen.uploadID(ctx, s.caseID, material, demoScan(material+"-rectified"))
	if err != nil {
		return err
	}
	if err := s.state(ctx, map[string]any{"text": "核验时提供的是旧版材料，现上传与现场一致的原件照片",
		"attachments": []map[string]string{{"code": material, "upload_id": id}}},
		"陈述申辩并上传整改材料 / states the case with the right original"); err != nil {
		return err
	}
	return s.staffAct(ctx, "breach/decision", map[string]any{"outcome": "rectified", "reason": "申请人已按期整改，原件与承诺一致"},
		"closed", "整改到位，办结 / finds it rectified: the case closes")
}

// state hands in the applicant's statement (陈述申辩).
func (s *demoStory) state(ctx context.Context, body map[string]any, what string) error {
	var cs demoCase
	if err := s.citizen.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+s.caseID+"/statements", body, &cs,
		"Idempotency-Key", "demo-statement-"+s.caseID); err != nil {
		return err
	}
	s.status = cs.Status
	s.d.step(s, s.who("citizen"), what, s.status)
	return nil
}
