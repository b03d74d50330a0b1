package app

import (
	"context"
	"net/http"
	"testing"

	basedatasb "zerovisit/integrations/basedata/sandbox"
	"zerovisit/workflow"
)

// TestCitizenActsForBusiness: a legal representative (checked with the
// legal-entity library) applies for the company with its business licence
// pre-filled from the e-license library, authorises an agent who then sees
// the company's case, and an agent whose authorisation is withdrawn no
// longer does.
func TestCitizenActsForBusiness(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels

	li := newCZClient(t, app)
	li.login("wechat", sb.wechat.LoginCode("o-lina-b", ""))
	li.verify(app, "o-lina-b", "李娜", basedatasb.LiNaID)
	if r := li.call(http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RestaurantID}); r.Status != http.StatusForbidden || r.Code() != "not_legal_representative" {
		t.Fatalf("someone else binding the restaurant = %d %s, want 403", r.Status, r.Body)
	}

	zhang := newCZClient(t, app)
	zhang.login("wechat", sb.wechat.LoginCode("o-zhang-b", ""))
	zhang.verify(app, "o-zhang-b", "张三", basedatasb.ZhangSanID)
	if r := zhang.call(http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RevokedCoID}); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusForbidden {
		t.Errorf("a revoked company = %d %s, want refused", r.Status, r.Body)
	}
	var bs struct {
		Items []struct{ ID, Name, USCC, Role string } `json:"items"`
	}
	zhang.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/businesses", map[string]string{"uscc": basedatasb.RestaurantID}).JSON(t, &bs)
	if len(bs.Items) != 1 || bs.Items[0].Role != "legal_representative" {
		t.Fatalf("businesses = %+v", bs.Items)
	}
	biz := bs.Items[0].ID

	var pre struct {
		Materials []struct {
			Code   string `json:"code"`
			Held   bool   `json:"held"`
			Source string `json:"source"`
		} `json:"materials"`
	}
	zhang.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/scjgj-spjyxk/prefill?business_id="+biz, nil).JSON(t, &pre)
	for _, m := range pre.Materials {
		if m.Code == "yyzz" && (!m.Held || m.Source != string(workflow.SourceELicense)) {
			t.Errorf("the company's business licence = %+v, want held by the e-license library", m)
		}
	}
	var draft struct{ Case czCase }
	zhang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": "scjgj-spjyxk", "business_id": biz}).JSON(t, &draft)
	cs, err := app.svc.Get(context.Background(), draft.Case.ID)
	if err != nil || cs.ApplicantID != biz || cs.ApplicantType != workflow.ApplicantBusiness {
		t.Fatalf("business draft = applicant %s type %s, %v; want the business", cs.ApplicantID, cs.ApplicantType, err)
	}

	var agent struct {
		AgentID string `json:"agent_id"`
	}
	zhang.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/businesses/"+biz+"/agents",
		map[string]string{"name": "李娜", "id_number": basedatasb.LiNaID}).JSON(t, &agent)
	li.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+cs.ID, nil)
	// At the door a courier hands the company's result to its legal
	// representative or an agent, and to nobody else.
	receives := func(idNumber string) bool {
		t.Helper()
		ok, err := app.courier.identities.MatchesApplicant(context.Background(), biz, idNumber)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !receives(basedatasb.ZhangSanID) || !receives(basedatasb.LiNaID) || receives(basedatasb.WangWuID) {
		t.Errorf("door check for the company: representative %v, agent %v, stranger %v; want true, true, false",
			receives(basedatasb.ZhangSanID), receives(basedatasb.LiNaID), receives(basedatasb.WangWuID))
	}
	if r := li.call(http.MethodPost, "/api/v1/citizen/businesses/"+biz+"/agents", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID}); r.Status != http.StatusForbidden {
		t.Errorf("an agent authorising others = %d, want 403", r.Status)
	}
	zhang.must(http.StatusNoContent, http.MethodDelete, "/api/v1/citizen/businesses/"+biz+"/agents/"+agent.AgentID, nil)
	if r := li.call(http.MethodGet, "/api/v1/citizen/cases/"+cs.ID, nil); r.Status != http.StatusNotFound {
		t.Errorf("a withdrawn agent reading the company's case = %d, want 404", r.Status)
	}
	if receives(basedatasb.LiNaID) {
		t.Error("a withdrawn agent still passes the door check")
	}
}

// TestCitizenResultLicence: an approve-on-commit item is approved at once,
// its result licence is written to the e-license library against the
// applicant's verified identity (the holder directory is the citizens'),
// and the citizen downloads it.
func TestCitizenResultLicence(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	c := newCZClient(t, app)
	c.login("wechat", sb.wechat.LoginCode("o-zhang-l", ""))
	c.verify(app, "o-zhang-l", "张三", basedatasb.ZhangSanID)

	const item = "scjgj-gtgshsldj"
	var it struct {
		Commitment struct {
			TemplateVersion string `json:"template_version"`
			TextHash        string `json:"text_hash"`
		} `json:"commitment"`
	}
	c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+item, nil).JSON(t, &it)
	var draft struct{ Case czCase }
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": item}).JSON(t, &draft)
	id := draft.Case.ID
	for _, m := range []string{"djsqs", "jycssyzm"} {
		if r := c.upload(id, m, czPNG(512)); r.Status != http.StatusCreated {
			t.Fatalf("upload %s = %d %s", m, r.Status, r.Body)
		}
	}
	c.must(http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/commitment", map[string]string{
		"template_version": it.Commitment.TemplateVersion, "text_hash": it.Commitment.TextHash})
	c.must(http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/delivery", map[string]string{"method": "electronic"})
	var sub struct{ Case czCase }
	c.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+id+"/submit", nil, "Idempotency-Key", "submit-licence-01").JSON(t, &sub)
	if sub.Case.Status != "approved" || sub.Case.Path.Reason != string(workflow.PathApproveOnCommit) {
		t.Fatalf("approve-on-commit submission = %+v", sub.Case)
	}
	var ls struct {
		Items []struct {
			ID         string `json:"licence_id"`
			HolderName string `json:"holder_name"`
			FileSM3    string `json:"file_sm3"`
		} `json:"items"`
	}
	eventually(t, 15e9, "the result licence in the e-license library", func() bool {
		c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+id+"/licences", nil).JSON(t, &ls)
		return len(ls.Items) == 1
	})
	if ls.Items[0].HolderName == "张三" {
		t.Errorf("licence holder name is not masked: %q", ls.Items[0].HolderName)
	}
	f := c.must(http.StatusOK, http.MethodGet, "/api/v1/citizen/cases/"+id+"/licences/"+ls.Items[0].ID+"/file", nil)
	if len(f.Body) == 0 || f.Header.Get("X-Content-Sm3") != ls.Items[0].FileSM3 {
		t.Errorf("licence file = %d bytes, SM3 header %q, want %q", len(f.Body), f.Header.Get("X-Content-Sm3"), ls.Items[0].FileSM3)
	}
}
