package app

import (
	"fmt"
	"net/http"
	"testing"

	"zerovisit/integrations/alipay/sandbox"
	basedatasb "zerovisit/integrations/basedata/sandbox"
)

// TestLinkCodeRedeemedOnce: one link code joins one account, even when
// several accounts redeem it at once.
func TestLinkCodeRedeemedOnce(t *testing.T) {
	app, _ := czApp(t, nil)
	sb := app.parties.sandboxes.channels
	wx := newCZClient(t, app)
	wx.login("wechat", sb.wechat.LoginCode("o-link-once", ""))
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/identity", map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID})
	var link struct {
		Code string `json:"link_code"`
	}
	wx.must(http.StatusOK, http.MethodPost, "/api/v1/citizen/me/link-code", nil).JSON(t, &link)
	others := make([]*czClient, 4)
	for i := range others {
		others[i] = newCZClient(t, app)
		others[i].login("alipay", sb.alipay.AuthCode(sandbox.User{UserID: fmt.Sprintf("20881021224%05d", i)}))
	}
	codes := parallel(len(others), func(i int) int {
		return others[i].call(http.MethodPost, "/api/v1/citizen/me/identity",
			map[string]string{"name": "张三", "id_number": basedatasb.ZhangSanID, "link_code": link.Code}).Status
	})
	if n := count(codes, http.StatusOK); n != 1 {
		t.Errorf("one link code joined %d accounts (%v), want 1", n, codes)
	}
}
