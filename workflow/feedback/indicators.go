package feedback

import (
	"fmt"

	"zerovisit/workflow"
)

// Stage is the point of a case an evaluation is about. 国办发〔2019〕51号
// lets the applicant evaluate every time they are served: at acceptance
// (受理) and at the end of the case (办结, which includes a rejection, a
// withdrawal and a revocation). A case has at most one evaluation per stage.
type Stage string

// Stages.
const (
	StageAccept Stage = "accept"
	StageResult Stage = "result"
)

// ParseStage reads a stage; "" is the result stage.
func ParseStage(s string) (Stage, error) {
	switch st := Stage(s); st {
	case StageAccept, StageResult:
		return st, nil
	case "":
		return StageResult, nil
	}
	return "", workflow.Refuse(workflow.ErrInvalidInput, "invalid_stage", "评价环节须为 accept（受理）或 result（办结）").
		WithDetail(map[string]string{"field": "stage"})
}

// Name is the stage in Chinese.
func (s Stage) Name() string {
	if s == StageAccept {
		return "受理"
	}
	return "办结"
}

// Service says whether the case was served online (网上办理) or at a
// counter (窗口办理): it decides the indicator set, whatever device the
// rating is then given on.
type Service string

// Services.
const (
	ServiceOnline  Service = "online"
	ServiceOffline Service = "offline"
)

// ServiceOf is how a case was served: a counter intake is offline.
func ServiceOf(cs workflow.Case) Service {
	if cs.Channel == workflow.ChannelCounter {
		return ServiceOffline
	}
	return ServiceOnline
}

// Indicator is one second-level indicator of the national set, rated on
// the same five levels as the overall satisfaction (整体满意度).
type Indicator struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// The national content standard of 好差评 (the evaluation content set
// under 国办发〔2019〕51号, “政务服务‘好差评’评价内容标准”, as published by the
// provincial systems, e.g. http://www.jiakaoti.com/page95?article_id=100):
// the first-level indicator is 整体满意度 for every channel; the
// second-level ones are, online, 办事效率, 办事指南精确度, 办事便捷度 and
// 平台操作性, and offline (hall, counter, self-service terminal), 服务效率,
// 服务水平 and 服务态度. The standard forbids adding or removing
// indicators locally, so these are the only ones accepted.
var (
	OnlineIndicators = []Indicator{
		{"efficiency", "办事效率"},
		{"guide_accuracy", "办事指南精确度"},
		{"convenience", "办事便捷度"},
		{"operability", "平台操作性"},
	}
	OfflineIndicators = []Indicator{
		{"service_efficiency", "服务效率"},
		{"service_level", "服务水平"},
		{"service_attitude", "服务态度"},
	}
)

// OverallIndicator names the first-level indicator, the rating's Stars.
const OverallIndicator = "整体满意度"

// IndicatorsOf returns the indicator set of a service channel.
func IndicatorsOf(s Service) []Indicator {
	if s == ServiceOffline {
		return OfflineIndicators
	}
	return OnlineIndicators
}

// StarLevels names the five levels of the national scale, from 1 to 5
// stars: 非常不满意, 不满意, 基本满意, 满意, 非常满意 (51号文 “评价等级”).
var StarLevels = []string{"非常不满意", "不满意", "基本满意", "满意", "非常满意"}

// Medium is the channel an evaluation came through (评价渠道).
type Medium string

// Evaluation channels: the two mini programs (an applicant's account), and
// the one-time links: the H5 page, the QR code printed on the acceptance
// notice and the result (counter_qr), an SMS link, the pad at the window.
const (
	MediumWeChat    Medium = "wechat"
	MediumAlipay    Medium = "alipay"
	MediumH5        Medium = "h5"
	MediumCounterQR Medium = "counter_qr"
	MediumSMS       Medium = "sms"
	MediumPad       Medium = "pad"
)

// ParseLinkMedium reads the medium of a one-time link.
func ParseLinkMedium(s string) (Medium, error) {
	switch m := Medium(s); m {
	case MediumH5, MediumCounterQR, MediumSMS, MediumPad:
		return m, nil
	}
	return "", workflow.Refuse(workflow.ErrInvalidInput, "invalid_medium", "评价渠道须为 h5、counter_qr、sms 或 pad").
		WithDetail(map[string]string{"field": "medium"})
}

// Evaluable reports whether a case in its state can be evaluated at a
// stage: at acceptance once a clerk (or the trust-first path) has accepted
// it; at the result once it has ended, however it ended, provided it was
// ever submitted.
func Evaluable(cs workflow.Case, h Handling, st Stage) error {
	switch st {
	case StageAccept:
		if h.AcceptedAt.IsZero() {
			return workflow.Refuse(workflow.ErrConflict, "not_accepted", "办件受理后才能评价受理环节")
		}
	case StageResult:
		if !Completed(cs) {
			return workflow.Refuse(workflow.ErrConflict, "not_completed", "办件办结后才能评价")
		}
	default:
		return fmt.Errorf("evaluable: %w: stage %q", workflow.ErrInvalidInput, st)
	}
	return nil
}
