package workflow_test

import (
	"encoding/json"
	"testing"
	"time"

	"zerovisit/workflow"
)

// Actors of the tests. The applicant is "u1".
var (
	citizen = workflow.Actor{Kind: workflow.ActorCitizen, ID: "u1"}
	clerk   = workflow.Actor{Kind: workflow.ActorClerk, ID: "k1"}
	// reviewer is another member of staff, who decides what clerk pursued.
	reviewer = workflow.Actor{Kind: workflow.ActorClerk, ID: "k2"}
	courier  = workflow.Actor{Kind: workflow.ActorCourier, ID: "c1"}
	system   = workflow.Actor{Kind: workflow.ActorSystem, ID: "timer"}
)

// at parses "2006-01-02 15:04" in China Standard Time.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, workflow.CST())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func date(tb testing.TB, s string) workflow.Date {
	tb.Helper()
	d, err := workflow.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// calendar2025 is the State Council's 2025 arrangement (国办发明电〔2024〕12号).
func calendar2025(tb testing.TB) *workflow.Calendar {
	tb.Helper()
	h := func(name, from, to string, work ...string) workflow.Holiday {
		x := workflow.Holiday{Name: name, From: date(tb, from), To: date(tb, to)}
		for _, w := range work {
			x.Workdays = append(x.Workdays, date(tb, w))
		}
		return x
	}
	cal, err := workflow.NewCalendar([]workflow.CalendarYear{{
		Year: 2025, Source: "国办发明电〔2024〕12号",
		Holidays: []workflow.Holiday{
			h("元旦", "2025-01-01", "2025-01-01"),
			h("春节", "2025-01-28", "2025-02-04", "2025-01-26", "2025-02-08"),
			h("清明节", "2025-04-04", "2025-04-06"),
			h("劳动节", "2025-05-01", "2025-05-05", "2025-04-27"),
			h("端午节", "2025-05-31", "2025-06-02"),
			h("国庆节、中秋节", "2025-10-01", "2025-10-08", "2025-09-28", "2025-10-11"),
		},
	}})
	if err != nil {
		tb.Fatal(err)
	}
	return cal
}

const commitmentText = "本人郑重承诺：所填信息和所交材料真实有效，如有不实，愿承担撤销审批决定的后果。"

// commitmentHash stands for the SM3 digest of commitmentText, which the
// catalogue loader computes in production.
const commitmentHash = "5d1c0e7a3f0b8e2c4a6d9f1e3b5c7a9d2f4e6a8c0b1d3f5e7a9c2b4d6f8e0a1c"

// testItems are three items: "tf" (trust first, with a fee, a result
// licence and a material verified on completion), "aoc" (approve on
// commit) and "ord" (ordinary).
func testItems() []workflow.Item {
	tf := workflow.Item{
		Code: "tf", Name: "食品经营许可", Department: "scjgj", DepartmentName: "市场监督管理局",
		LegalDays: 20, PromisedDays: 5, YellowDays: 2, SupplementDays: 10, VerifyDays: 5,
		Fees:       []workflow.Fee{{Code: "gbf", Name: "工本费", AmountFen: 500}},
		Delivery:   []workflow.DeliveryMethod{workflow.DeliveryCourier, workflow.DeliveryElectronic, workflow.DeliveryPickup},
		TrustFirst: true, Commitment: workflow.Commitment{TemplateVersion: "v2", Text: commitmentText, TextHash: commitmentHash},
		ResultLicence: "spjyxkz",
		Materials: []workflow.Material{
			{Code: "a", Name: "营业执照", Source: "elicense:yyzz", Core: true},
			{Code: "b", Name: "申请书", Source: "upload", Core: true},
			{Code: "c", Name: "平面布局图", Source: "upload", VerifyOnCompletion: true},
			{Code: "d", Name: "管理制度", Source: "upload"},
			{Code: "e", Name: "委托书", Source: "upload", Optional: true},
		},
	}
	aoc := tf
	aoc.Code, aoc.Name, aoc.ApproveOnCommit, aoc.Fees = "aoc", "公共场所卫生许可", true, nil
	ord := workflow.Item{
		Code: "ord", Name: "户籍证明开具", Department: "gaj", DepartmentName: "公安局",
		LegalDays: 5, PromisedDays: 2,
		Delivery: []workflow.DeliveryMethod{workflow.DeliveryElectronic},
		Materials: []workflow.Material{
			{Code: "sfz", Name: "居民身份证", Source: "basedata:identity", Core: true},
		},
	}
	return []workflow.Item{tf, aoc, ord}
}

func newEngine(tb testing.TB) *workflow.Engine {
	tb.Helper()
	cat, err := workflow.NewCatalogue(testItems())
	if err != nil {
		tb.Fatal(err)
	}
	return workflow.NewEngine(cat, calendar2025(tb))
}

// newDraft opens case "c1" for item at t.
func newDraft(tb testing.TB, e *workflow.Engine, item string, t time.Time) workflow.Case {
	tb.Helper()
	c, _, err := e.New(workflow.Draft{
		ID: "c1", Number: "ZV2025000001", ItemCode: item, ApplicantID: "u1",
		Channel: workflow.ChannelWeChat, Actor: citizen, At: t,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func signature(t time.Time) *workflow.Signature {
	return &workflow.Signature{
		TemplateVersion: "v2", TextHash: commitmentHash,
		SignedAt: t, Channel: workflow.ChannelWeChat,
	}
}

func provided(codes ...string) []workflow.ProvidedMaterial {
	var out []workflow.ProvidedMaterial
	for _, c := range codes {
		src := workflow.SourceUpload
		if c == "a" {
			src = workflow.SourceELicense
		}
		out = append(out, workflow.ProvidedMaterial{Code: c, Source: src, Ref: "ref-" + c})
	}
	return out
}

// trustSubmit submits "tf" trust first, with "d" promised for 2025-09-10.
func trustSubmit(tb testing.TB, t time.Time) workflow.Submit {
	return workflow.Submit{
		Meta:      workflow.Meta{Actor: citizen, At: t},
		Signature: signature(t.Add(-time.Minute)),
		Materials: provided("a", "b", "c"),
		Promised:  []workflow.PromisedMaterial{{Code: "d", Due: date(tb, "2025-09-10")}},
		Credit:    workflow.CreditNormal,
		Delivery:  workflow.Delivery{Method: workflow.DeliveryCourier, AddressRef: "addr-1"},
	}
}

// ordinarySubmit submits "tf" without a signature: the ordinary path.
func ordinarySubmit(t time.Time) workflow.Submit {
	return workflow.Submit{
		Meta:      workflow.Meta{Actor: citizen, At: t},
		Materials: provided("a", "b", "c", "d"),
		Credit:    workflow.CreditNormal,
		Delivery:  workflow.Delivery{Method: workflow.DeliveryCourier, AddressRef: "addr-1"},
	}
}

// mustApply applies events in turn and returns the final case.
func mustApply(tb testing.TB, e *workflow.Engine, c workflow.Case, evs ...workflow.Event) workflow.Case {
	tb.Helper()
	for _, ev := range evs {
		next, _, _, err := e.Apply(c, ev)
		if err != nil {
			tb.Fatalf("apply %s on %s: %v", ev.EventName(), c.Status, err)
		}
		c = next
	}
	return c
}

func kinds(effects []workflow.Effect) []workflow.EffectKind {
	out := []workflow.EffectKind{}
	for _, ef := range effects {
		out = append(out, ef.EffectKind())
	}
	return out
}

// snapshot is the JSON of a case: comparing snapshots shows any change,
// including inside slices and pointers.
func snapshot(tb testing.TB, c workflow.Case) string {
	tb.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func meta(a workflow.Actor, t time.Time) workflow.Meta { return workflow.Meta{Actor: a, At: t} }
