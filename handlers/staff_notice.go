package handlers

import (
	"zerovisit/handlers/notice"
	"zerovisit/workflow/feedback"
	"zerovisit/workflow/staff"

	"github.com/gin-gonic/gin"
)

// staffNotice prints a written notice of the case (受理通知书, 决定书 …)
// as an A4 page, with a fresh one-time evaluation link and its QR code.
func (h *Handler) staffNotice(c *gin.Context) {
	ctx, who := c.Request.Context(), subjectOf(c).staff()
	n, err := h.staff.Service.Notice(ctx, who, c.Param("id"), staff.NoticeKind(c.Param("kind")))
	if err != nil {
		h.fail(c, err)
		return
	}
	link := ""
	if stage, err := feedback.ParseStage(n.Stage); err == nil && h.staff.Followups != nil {
		if l, err := h.staff.Followups.IssueLink(ctx, n.CaseID, stage, feedback.MediumCounterQR, who.ID); err == nil {
			link = notice.BaseURL(c.Request) + "/console/evaluate.html#" + l.Secret
		}
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
	if err := notice.Render(c.Writer, n, link); err != nil {
		h.log.ErrorContext(ctx, "render notice", "case_id", n.CaseID, "err", err)
	}
}
