package configs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zerovisit/configs"
	"zerovisit/workflow"
)

func TestEmbeddedCatalogue(t *testing.T) {
	cat, err := configs.LoadCatalogue("")
	if err != nil {
		t.Fatalf("LoadCatalogue: %v", err)
	}
	if got, want := cat.Len(), 12; got < want {
		t.Errorf("items = %d, want at least %d", got, want)
	}
	if got, want := len(cat.Departments()), 5; got < want {
		t.Errorf("departments = %d, want at least %d", got, want)
	}
	var trust, commit, ordinary, paid, free int
	methods := map[workflow.DeliveryMethod]bool{}
	for _, it := range cat.Items() {
		switch {
		case it.ApproveOnCommit:
			commit++
		case it.TrustFirst:
			trust++
		default:
			ordinary++
		}
		if it.FeeFen() > 0 {
			paid++
		} else {
			free++
		}
		for _, m := range it.Delivery {
			methods[m] = true
		}
	}
	if trust == 0 || commit == 0 || ordinary == 0 {
		t.Errorf("trust-first %d, approve-on-commit %d, ordinary %d: want some of each", trust, commit, ordinary)
	}
	if paid == 0 || free == 0 {
		t.Errorf("paid %d, free %d: want some of each", paid, free)
	}
	if len(methods) != 3 {
		t.Errorf("delivery methods used: %v, want all three", methods)
	}
}

// TestEmbeddedCatalogueWorksWithTheEngine submits a complete application
// for every item with the embedded catalogue and calendar.
func TestEmbeddedCatalogueWorksWithTheEngine(t *testing.T) {
	cat, err := configs.LoadCatalogue("")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := configs.LoadCalendar("")
	if err != nil {
		t.Fatal(err)
	}
	e := workflow.NewEngine(cat, cal)
	applicant := workflow.Actor{Kind: workflow.ActorCitizen, ID: "u1"}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, workflow.CST())
	for _, it := range cat.Items() {
		t.Run(it.Code, func(t *testing.T) {
			c, _, err := e.New(workflow.Draft{ID: "c-" + it.Code, Number: "N-" + it.Code, ItemCode: it.Code,
				ApplicantID: "u1", Channel: workflow.ChannelWeChat, Actor: applicant, At: t0})
			if err != nil {
				t.Fatal(err)
			}
			ev := workflow.Submit{
				Meta:     workflow.Meta{Actor: applicant, At: t0.Add(time.Hour)},
				Credit:   workflow.CreditNormal,
				Delivery: workflow.Delivery{Method: it.Delivery[0], AddressRef: "addr-1"},
			}
			for _, m := range it.Materials {
				if !m.Optional {
					ev.Materials = append(ev.Materials, workflow.ProvidedMaterial{Code: m.Code, Source: m.Source.Kind(), Ref: "ref-" + m.Code})
				}
			}
			if it.TrustFirst {
				ev.Signature = &workflow.Signature{TemplateVersion: it.Commitment.TemplateVersion,
					TextHash: configs.CommitmentHash(it.Commitment.Text), SignedAt: t0, Channel: workflow.ChannelWeChat}
			}
			got, _, _, err := e.Apply(c, ev)
			if err != nil {
				t.Fatal(err)
			}
			want := workflow.StatusSubmitted
			switch {
			case it.ApproveOnCommit:
				want = workflow.StatusApproved
			case it.TrustFirst:
				want = workflow.StatusAccepted
			}
			if got.Status != want {
				t.Errorf("status = %s, want %s", got.Status, want)
			}
			if it.TrustFirst && !strings.Contains(it.Commitment.Text, "承诺") {
				t.Errorf("commitment text does not read like a commitment: %q", it.Commitment.Text)
			}
		})
	}
}

func TestLoadCatalogueFromFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `items:
  - code: x-1
    name: 测试事项
    department: d1
    department_name: 测试局
    basic_code: "000172001000"
    impl_code: 11330100002501234W3000172001000
    version: 1
    legal_days: 5
    promised_days: 3
    delivery: [electronic]
    materials:
      - code: sfz
        name: 居民身份证
        source: basedata:identity
        core: true
`
	t.Run("OK", func(t *testing.T) {
		cat, err := configs.LoadCatalogue(write("good.yaml", good))
		if err != nil {
			t.Fatal(err)
		}
		it, err := cat.Lookup("x-1")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := it.YellowDays, 2; got != want {
			t.Errorf("yellow days = %d, want the default %d", got, want)
		}
	})
	for _, tc := range []struct {
		name, body, want string
	}{
		{"UnknownField", strings.Replace(good, "legal_days", "legel_days", 1), "legel_days"},
		{"Invalid", strings.Replace(good, "promised_days: 3", "promised_days: 9", 1), `item "x-1": promised_days: 9 exceeds legal_days 5`},
		{"NotYAML", "items: [", "load catalogue"},
		{"NoCodes", strings.Replace(strings.Replace(good, "    basic_code: \"000172001000\"\n", "", 1),
			"    impl_code: 11330100002501234W3000172001000\n    version: 1\n", "", 1),
			`item "x-1": basic_code, impl_code and version are required`},
		{"BadImplCode", strings.Replace(good, "11330100002501234W3", "11330100002501234X3", 1), "not the implementing body's credit code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := configs.LoadCatalogue(write(tc.name+".yaml", tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("Missing", func(t *testing.T) {
		if _, err := configs.LoadCatalogue(filepath.Join(dir, "none.yaml")); err == nil {
			t.Error("a missing file loaded")
		}
	})
}
