package handlers

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

type citizenFaceStartRequest struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

type citizenFaceStart struct {
	CheckID    string           `json:"check_id"`
	Channel    workflow.Channel `json:"channel"`
	CertifyID  string           `json:"certify_id,omitempty"`
	CertifyURL string           `json:"certify_url,omitempty"`
	ExpiresAt  time.Time        `json:"expires_at"`
}

// citizenStartFaceCheck begins a liveness and face check (人脸核身) of the
// named person on the caller's channel: the WeChat mini program then calls
// wx.startFacialRecognitionVerify with the same name and number, the
// Alipay one my.startAPVerify with the certify id and URL.
func (h *Handler) citizenStartFaceCheck(c *gin.Context) {
	var req citizenFaceStartRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	st, err := h.citizen.People.StartFaceCheck(c.Request.Context(), mustCaller(c), req.Name, req.IDNumber)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, citizenFaceStart{CheckID: st.CheckID, Channel: st.Channel, CertifyID: st.Token,
		CertifyURL: st.URL, ExpiresAt: st.ExpiresAt})
}

type citizenFaceResultRequest struct {
	// VerifyResult is what wx.startFacialRecognitionVerify gave the
	// WeChat mini program; Alipay's check needs none.
	VerifyResult string `json:"verify_result,omitempty"`
}

// citizenFinishFaceCheck asks the channel how the caller's check ended
// and, when it matched, answers the profile of the verified person. An
// identity someone else bound with a name and number only is taken over.
func (h *Handler) citizenFinishFaceCheck(c *gin.Context) {
	var req citizenFaceResultRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	cc := mustCaller(c)
	got, err := h.citizen.People.FinishFaceCheck(c.Request.Context(), cc, c.Param("id"), req.VerifyResult)
	if err != nil {
		h.fail(c, err)
		return
	}
	cc.Citizen = got.Citizen
	h.handleProfile(c, cc)
}

// citizenIssueCounterCode gives the caller a code to show a clerk with
// their ID card, who then verifies them at the counter.
func (h *Handler) citizenIssueCounterCode(c *gin.Context) {
	code, err := h.citizen.People.IssueCounterCode(c.Request.Context(), mustCaller(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"counter_code": code, "expires_in": int(citizen.CounterCodeTTL.Seconds())})
}
