package workflow_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"zerovisit/workflow"
)

// FuzzEngine drives a case through event sequences decoded from the fuzz
// input and checks the engine's invariants after every step.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 0, 0x03, 1, 7, 0, 2, 4, 0, 9, 0, 1, 10, 0, 1, 14, 0, 0, 12, 0, 1})
	f.Add([]byte{1, 0, 0x01, 1, 2, 0, 9, 3, 0, 2, 9, 0, 3, 0, 0, 4, 0, 1, 9, 0, 1})
	f.Add([]byte{2, 0, 0x02, 1, 1, 0, 1, 4, 0, 1, 7, 0, 1, 9, 0, 1, 10, 0, 1, 14, 0, 0})
	e := newEngine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		runSequence(t, e, data, nil)
	})
}

// TestRandomSequences runs the fuzz body over many pseudo-random inputs,
// so that plain `go test` exercises it, and checks the generator reaches
// every state.
func TestRandomSequences(t *testing.T) {
	e := newEngine(t)
	rng := rand.New(rand.NewPCG(2025, 10))
	reached := make(map[workflow.Status]int)
	for range 3000 {
		data := make([]byte, 1+3*rng.IntN(30))
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		runSequence(t, e, data, reached)
		if t.Failed() {
			t.Fatalf("input: %v", data)
		}
	}
	for _, st := range workflow.Statuses() {
		if reached[st] == 0 {
			t.Errorf("random sequences never reached %s", st)
		}
	}
}

var allowedErrors = []error{
	workflow.ErrInvalidTransition, workflow.ErrInvalidInput, workflow.ErrForbidden,
	workflow.ErrNotDue, workflow.ErrDuplicate,
}

func runSequence(t *testing.T, e *workflow.Engine, data []byte, reached map[workflow.Status]int) {
	if len(data) == 0 {
		return
	}
	items := []string{"tf", "aoc", "ord"}
	now := at(t, "2025-09-26 09:00")
	c := newDraft(t, e, items[int(data[0])%len(items)], now)
	wasRevoked := false
	if reached != nil {
		reached[c.Status]++
	}
	for i := 1; i+2 < len(data); i += 3 {
		now = now.Add(time.Duration(data[i+2]) * 23 * time.Minute)
		if data[i]%22 == 21 && c.NextTimerAt.After(now) {
			now = c.NextTimerAt
		}
		ev := randomEvent(data[i], data[i+1], c, now)
		before := snapshot(t, c)
		next, rec, effects, err := e.Apply(c, ev)
		if snapshot(t, c) != before {
			t.Fatalf("%s on %s changed the input case", ev.EventName(), c.Status)
		}
		if err != nil {
			if !errIsAny(err, allowedErrors...) {
				t.Fatalf("%s on %s: unexpected error %v", ev.EventName(), c.Status, err)
			}
			if c.Status.Terminal() && !errors.Is(err, workflow.ErrInvalidTransition) {
				t.Fatalf("%s on terminal %s: err = %v, want ErrInvalidTransition", ev.EventName(), c.Status, err)
			}
			continue
		}
		checkInvariants(t, c, next, rec, effects)
		if ev.EventName() == workflow.EventTick {
			next = drainTimers(t, e, next, now)
		}
		wasRevoked = wasRevoked || next.Status == workflow.StatusRevoked
		if wasRevoked && next.Status == workflow.StatusClosed {
			t.Fatal("a revoked case became closed")
		}
		if reached != nil {
			reached[next.Status]++
		}
		c = next
	}
}

func checkInvariants(t *testing.T, prev, c workflow.Case, rec workflow.EventRecord, effects []workflow.Effect) {
	t.Helper()
	if _, err := workflow.ParseStatus(string(c.Status)); err != nil {
		t.Fatalf("undefined state %q", c.Status)
	}
	if prev.Status.Terminal() {
		t.Fatalf("%s moved a terminal %s case", rec.Name, prev.Status)
	}
	if c.Version != prev.Version+1 || rec.Seq != c.Version {
		t.Fatalf("version %d -> %d (seq %d), want +1", prev.Version, c.Version, rec.Seq)
	}
	if rec.From != prev.Status || rec.To != c.Status {
		t.Fatalf("record %s -> %s, case %s -> %s", rec.From, rec.To, prev.Status, c.Status)
	}
	if c.Status == workflow.StatusSupplementRequested && (c.SLA.Running() || !c.SLA.Paused()) {
		t.Fatal("the SLA clock runs while a correction is pending")
	}
	if c.Status == workflow.StatusSpecialProcedure && (c.SLA.Running() || !c.SLA.Paused() || c.Special == nil || !c.Special.EndedAt.IsZero()) {
		t.Fatal("a special procedure is not under way with the clock paused")
	}
	if c.SLA.Running() && c.Status != workflow.StatusAccepted {
		t.Fatalf("the SLA clock runs in %s", c.Status)
	}
	if c.FalseCommitment && c.Status != workflow.StatusRevoked {
		t.Fatalf("false commitment in %s", c.Status)
	}
	if c.FalseCommitment && (c.Breach == nil || c.Breach.Outcome != workflow.OutcomeRevoked || c.Breach.Rectification == nil) {
		t.Fatal("a false commitment recorded without a rectification period and a clerk's decision")
	}
	for _, ef := range effects {
		if _, ok := ef.(workflow.RecordFalseCommitment); ok && rec.Actor.Kind != workflow.ActorClerk {
			t.Fatalf("a %s recorded a false commitment", rec.Actor.Kind)
		}
	}
	if c.Status.Terminal() && (!c.NextTimerAt.IsZero() || c.Card != workflow.CardNone || c.Ending == nil) {
		t.Fatalf("terminal %s: timer %s card %q ending %v", c.Status, c.NextTimerAt, c.Card, c.Ending)
	}
	if c.SLA.Started() && !c.Deadline.Equal(c.SLA.Deadline) {
		t.Fatalf("deadline %s, clock deadline %s", c.Deadline, c.SLA.Deadline)
	}
	for _, ef := range effects {
		payload, err := json.Marshal(ef)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := workflow.DecodeEffect(ef.EffectKind(), payload); err != nil {
			t.Fatalf("effect %s does not decode: %v", ef.EffectKind(), err)
		}
		if r, ok := ef.(workflow.ReportProvince); ok && (r.DataVersion != c.Version || r.Status != c.Status) {
			t.Fatalf("report version %d status %s, case %d %s", r.DataVersion, r.Status, c.Version, c.Status)
		}
	}
}

// drainTimers ticks at the same moment until nothing is due: timers make
// progress, each tick doing one thing, and never loop.
func drainTimers(t *testing.T, e *workflow.Engine, c workflow.Case, now time.Time) workflow.Case {
	t.Helper()
	for range 10 {
		if c.NextTimerAt.IsZero() || c.NextTimerAt.After(now) {
			return c
		}
		next, rec, effects, err := e.Apply(c, workflow.Tick{Meta: workflow.Meta{Actor: system, At: now}})
		if err != nil {
			t.Fatalf("tick due at %s on %s: %v", c.NextTimerAt, c.Status, err)
		}
		checkInvariants(t, c, next, rec, effects)
		c = next
	}
	t.Fatalf("still due after 10 ticks at %s: %s", now, c.NextTimerAt)
	return c
}

func errIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

// randomEvent decodes an event from two bytes: op picks the kind, arg its
// variant (signed or not, credit, pass or fail, and so on). Most events are
// well formed for the case, so sequences get deep into the lifecycle.
func randomEvent(op, arg byte, c workflow.Case, now time.Time) workflow.Event {
	bit := func(n uint) bool { return arg&(1<<n) != 0 }
	actor := func(right workflow.Actor) workflow.Actor {
		if arg%29 == 0 {
			return courier
		}
		return right
	}
	m := func(a workflow.Actor) workflow.Meta { return workflow.Meta{Actor: actor(a), At: now} }
	switch op % 22 {
	case 0:
		return randomSubmit(arg, c, m(citizen), now)
	case 1:
		return workflow.Accept{Meta: m(clerk)}
	case 2:
		item := workflow.SupplementItem{Material: "b", Reason: "申请书未签字"}
		if bit(0) || c.ItemCode == "ord" {
			item.Material = ""
		}
		return workflow.RequestSupplement{Meta: m(clerk), Items: []workflow.SupplementItem{item}}
	case 3:
		if c.ItemCode == "ord" {
			return workflow.SupplySupplement{Meta: m(citizen), Note: "已补充说明"}
		}
		return workflow.SupplySupplement{Meta: m(citizen), Materials: provided("b")}
	case 4:
		return workflow.Approve{Meta: m(clerk)}
	case 5:
		return workflow.Reject{Meta: m(clerk), Reason: "不符合条件", LegalBasis: "《中华人民共和国行政许可法》第三十八条"}
	case 6:
		return workflow.Withdraw{Meta: m(citizen)}
	case 7:
		amount := c.Terms.FeeFen
		if bit(1) {
			amount++
		}
		return workflow.Pay{Meta: m(system), Channel: workflow.ChannelAlipay, TradeNo: "t", AmountFen: amount}
	case 8:
		return workflow.ProvideMaterial{Meta: m(citizen), Material: provided("d")[0]}
	case 9:
		return workflow.Dispatch{Meta: m(clerk)}
	case 10:
		ev := workflow.Deliver{Meta: m(courier), Waybill: "SF"}
		if bit(2) {
			ev.Results = []workflow.VerificationResult{{Material: "c", Passed: !bit(3), Note: "核验"}}
		}
		return ev
	case 11:
		return workflow.StartVerification{Meta: m(system)}
	case 12:
		return workflow.RecordVerification{Meta: m(clerk), Results: []workflow.VerificationResult{{Material: "c", Passed: !(bit(3) && bit(4)), Note: "核验"}}}
	case 13:
		kinds := workflow.ProcedureKinds()
		return workflow.StartSpecialProcedure{Meta: m(clerk), Kind: kinds[int(arg)%len(kinds)], Reason: "需特别程序", Days: 1 + int(arg>>5)}
	case 14:
		return workflow.EndSpecialProcedure{Meta: m(clerk), Outcome: "程序结束"}
	case 15:
		dept := "gaj"
		if c.Department == "gaj" {
			dept = "scjgj"
		}
		return workflow.Transfer{Meta: m(clerk), Department: dept, Reason: "转办"}
	case 16:
		finding := "核查无误"
		if bit(0) {
			finding = ""
		}
		return workflow.ClearBreach{Meta: m(clerk), Finding: finding}
	case 17:
		return workflow.OrderRectification{Meta: m(clerk), Reason: "限期整改", LegalBasis: "国办发〔2020〕42号", Days: int(arg % 12)}
	case 18:
		return workflow.StateCase{Meta: m(citizen), Text: "陈述申辩"}
	case 19:
		outcome := workflow.OutcomeRevoked
		if bit(1) {
			outcome = workflow.OutcomeRectified
		}
		decider := clerk
		if bit(3) {
			decider = reviewer
		}
		return workflow.DecideBreach{Meta: m(decider), Outcome: outcome, Reason: "决定", LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: bit(2)}
	default:
		return workflow.Tick{Meta: m(system)}
	}
}

func randomSubmit(arg byte, c workflow.Case, meta workflow.Meta, now time.Time) workflow.Submit {
	bit := func(n uint) bool { return arg&(1<<n) != 0 }
	credits := []workflow.CreditStatus{workflow.CreditNormal, workflow.CreditRed, workflow.CreditBlack, workflow.CreditUnknown}
	ev := workflow.Submit{Meta: meta, Credit: credits[(arg>>2)%4]}
	if bit(4) {
		ev.PriorFalseCommitments = 1
	}
	if c.ItemCode == "ord" {
		ev.Materials = []workflow.ProvidedMaterial{{Code: "sfz", Source: workflow.SourceBaseData, Ref: "identity"}}
		ev.Delivery = workflow.Delivery{Method: workflow.DeliveryElectronic}
		return ev
	}
	if bit(0) {
		ev.Signature = signature(now)
	}
	ev.Materials = provided("a", "b", "c")
	if bit(1) {
		ev.Promised = []workflow.PromisedMaterial{{Code: "d", Due: workflow.DateOf(now).AddDays(1 + int(arg>>5))}}
	} else {
		ev.Materials = append(ev.Materials, provided("d")...)
	}
	methods := []workflow.DeliveryMethod{workflow.DeliveryCourier, workflow.DeliveryElectronic, workflow.DeliveryPickup}
	ev.Delivery = workflow.Delivery{Method: methods[int(arg>>6)%3], AddressRef: "addr-1"}
	return ev
}
