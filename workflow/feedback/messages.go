package feedback

import (
	"context"
	"log/slog"
	"sort"
	"strconv"
	"time"

	"zerovisit/workflow"
	"zerovisit/workflow/citizen"
)

// Citizens are the principals messages go to (models.Citizens).
type Citizens interface {
	Get(ctx context.Context, id string) (citizen.Citizen, error)
	// Accounts are a citizen's channel accounts.
	Accounts(ctx context.Context, citizenID string) ([]citizen.Account, error)
}

// Applications says who filled in a case's application (apply.Service):
// workflow.ErrNotFound for a case without one.
type Applications interface {
	PersonOf(ctx context.Context, caseID string) (string, error)
}

// Cases loads the cases invitations are about (*workflow.Service).
type Cases interface {
	Get(ctx context.Context, id string) (workflow.Case, error)
}

// Sender pushes a message through one channel (a WeChat subscribe
// message, an Alipay template message). An error matching ErrNoConsent
// means the user has no consent left; workflow.ErrUnavailable that the
// channel could not be reached.
type Sender interface {
	Send(ctx context.Context, p Push) error
}

// Push is one channel message to one user: WeChat knows them by OpenID,
// Alipay by UserID or, for apps that only get that, OpenID.
type Push struct {
	UserID, OpenID string
	TemplateID     string
	// Page is the mini program page the message opens.
	Page string
	// Data are the template's fields and their values.
	Data map[string]string
}

// MessagesConfig is what Messages needs.
type MessagesConfig struct {
	Inbox        InboxStore
	Evaluations  EvaluationStore
	Citizens     Citizens
	Applications Applications
	Cases        Cases
	// Senders are the channels messages can be pushed through.
	Senders map[workflow.Channel]Sender
	// Templates map workflow notification templates (workflow.Tpl*) to
	// each channel's message template ids.
	Templates map[workflow.Channel]map[string]string
	// InviteAfter is how long after completion an unevaluated case's
	// applicant is invited to evaluate it (three days when zero).
	InviteAfter time.Duration
	Log         *slog.Logger
	Now         func() time.Time
}

// Messages keeps the citizens' inbox and their consents to channel
// messages, and carries out the workflow's NotifyApplicant effects.
type Messages struct{ cfg MessagesConfig }

// defaultInviteAfter is how long after completion the applicant is invited
// to evaluate a case they have not evaluated.
const defaultInviteAfter = 72 * time.Hour

// NewMessages returns the messages service.
func NewMessages(cfg MessagesConfig) *Messages {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.InviteAfter <= 0 {
		cfg.InviteAfter = defaultInviteAfter
	}
	return &Messages{cfg: cfg}
}

// InboxPage is one page of a citizen's inbox, newest first.
type InboxPage struct {
	Messages []InboxMessage
	Unread   int64
	// NextBefore is the id to page on from; 0 on the last page.
	NextBefore int64
}

// Inbox pages through the principals' messages from before the given id
// (0 for the newest).
func (s *Messages) Inbox(ctx context.Context, principals []string, beforeID int64, limit int, unreadOnly bool) (InboxPage, error) {
	ms, err := s.cfg.Inbox.List(ctx, principals, beforeID, limit+1, unreadOnly)
	if err != nil {
		return InboxPage{}, err
	}
	unread, err := s.cfg.Inbox.Unread(ctx, principals)
	if err != nil {
		return InboxPage{}, err
	}
	p := InboxPage{Messages: ms, Unread: unread}
	if len(ms) > limit && limit > 0 {
		p.Messages = ms[:limit]
		p.NextBefore = ms[limit-1].ID
	}
	return p, nil
}

// maxMarkRead bounds the messages one call marks read.
const maxMarkRead = 200

// MarkRead marks the principals' messages read (all when ids is empty)
// and returns how many changed.
func (s *Messages) MarkRead(ctx context.Context, principals []string, ids []int64) (int64, error) {
	if len(ids) > maxMarkRead {
		return 0, workflow.Refuse(workflow.ErrInvalidInput, "too_many_ids", "一次最多标记 200 条")
	}
	return s.cfg.Inbox.MarkRead(ctx, principals, ids)
}

// Subscription is a message template of a channel, the events it carries
// and the one-time consents the account has left for it.
type Subscription struct {
	TemplateID string   `json:"template_id"`
	Events     []string `json:"events"`
	Remaining  int      `json:"remaining"`
}

// channelTemplates groups the events of a channel by template (WeChat's
// for any channel but Alipay).
func (s *Messages) channelTemplates(ch workflow.Channel) map[string][]string {
	m := s.cfg.Templates[workflow.ChannelWeChat]
	if ch == workflow.ChannelAlipay {
		m = s.cfg.Templates[workflow.ChannelAlipay]
	}
	out := map[string][]string{}
	for ev, tpl := range m {
		out[tpl] = append(out[tpl], ev)
	}
	return out
}

// Subscriptions lists the message templates of the account's channel.
func (s *Messages) Subscriptions(ctx context.Context, acct citizen.Account) ([]Subscription, error) {
	left, err := s.cfg.Inbox.Consents(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	items := []Subscription{}
	for tpl, evs := range s.channelTemplates(acct.Channel) {
		sort.Strings(evs)
		items = append(items, Subscription{TemplateID: tpl, Events: evs, Remaining: left[tpl]})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].TemplateID < items[j].TemplateID })
	return items, nil
}

// Subscribe records the one-time consents the user just gave in the mini
// program (each accepted template allows one message).
func (s *Messages) Subscribe(ctx context.Context, acct citizen.Account, templateIDs []string) error {
	known := s.channelTemplates(acct.Channel)
	if len(templateIDs) == 0 || len(templateIDs) > 3 {
		return workflow.Refuse(workflow.ErrInvalidInput, "invalid_templates", "一次可订阅 1 至 3 个消息模板")
	}
	for i, t := range templateIDs {
		if _, ok := known[t]; !ok {
			return workflow.Refuse(workflow.ErrInvalidInput, "unknown_template", "消息模板不存在").
				WithDetail(map[string]string{"field": "template_ids[" + strconv.Itoa(i) + "]"})
		}
	}
	return s.cfg.Inbox.GrantConsents(ctx, acct.ID, templateIDs)
}
