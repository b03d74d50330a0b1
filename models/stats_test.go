package models_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"zerovisit/workflow/staff"

	"zerovisit/models"
	"zerovisit/models/dbtest"
	"zerovisit/workflow"
	"zerovisit/workflow/workflowtest"
)

// statsTally is what the seeding did, counted as it went: the expected
// statistics, worked out without the store's queries.
type statsTally struct {
	received, accepted, decided, approved, rejected, onTime int64
	zeroVisit, trustFirst, verificationFailures             int64
	clockDays, clockCases                                   int
}

// TestStatsMatchSeededMonth seeds September 2025 (plus cases either side of
// it) through the real engine, with counter and online applications,
// trust-first and ordinary paths, corrections, late and timely decisions,
// rejections and failed verifications, and checks every figure against the
// tally kept while seeding.
func TestStatsMatchSeededMonth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *models.DB) {
		ctx := context.Background()
		svc, _ := newService(t, db, time.Now)
		cal := svc.Engine().Calendar()
		cat := svc.Engine().Catalogue()
		cst := workflow.CST()
		from := time.Date(2025, 9, 1, 0, 0, 0, 0, cst)
		to := time.Date(2025, 10, 1, 0, 0, 0, 0, cst)
		in := func(at time.Time) bool { return !at.Before(from) && at.Before(to) }
		tally := map[string]*statsTally{"scjgj": {}, "gaj": {}}
		rng := rand.New(rand.NewPCG(9, 2025))
		items := []string{"scjgj-spjyxk", "gaj-hjzmkj", "scjgj-gtgshsldj"}
		clerk := workflow.Actor{Kind: workflow.ActorClerk, ID: "k-1"}

		for i := range 70 {
			item := items[i%len(items)]
			it, err := cat.Lookup(item)
			if err != nil {
				t.Fatal(err)
			}
			tl := tally[it.Department]
			// Submitted between Aug 25 and Oct 3, at office hours.
			at := time.Date(2025, 8, 25, 9, 0, 0, 0, cst).AddDate(0, 0, rng.IntN(39)).Add(time.Duration(rng.IntN(8)) * time.Hour)
			counter := rng.IntN(4) == 0
			id := fmt.Sprintf("st-%02d", i)
			d := workflow.Draft{ID: id, Number: "ZVS" + id, ItemCode: item, ApplicantID: "u-" + id, Channel: workflow.ChannelWeChat,
				Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-" + id}, At: at}
			if counter {
				d.Channel, d.Actor = workflow.ChannelCounter, clerk
			}
			if _, err := svc.Create(ctx, d, nil); err != nil {
				t.Fatal(err)
			}
			sign := it.TrustFirst && rng.IntN(3) > 0
			sub := workflowtest.Submit(it, d.Actor, sign, at.Add(time.Minute))
			pickup := it.Offers(workflow.DeliveryPickup) && rng.IntN(3) == 0
			if pickup {
				sub.Delivery = workflow.Delivery{Method: workflow.DeliveryPickup}
			} else {
				sub.Delivery = workflow.Delivery{Method: workflow.DeliveryElectronic}
			}
			c, err := svc.Do(ctx, id, sub, nil)
			if err != nil {
				t.Fatalf("submit %s: %v", id, err)
			}
			now := sub.At
			if in(now) {
				tl.received++
				if c.TrustFirst {
					tl.trustFirst++
				}
				if !counter && !pickup {
					tl.zeroVisit++
				}
				if c.Status != workflow.StatusSubmitted {
					tl.accepted++ // trust first: accepted (or approved) on submission
				}
			}
			started := now
			paused := 0
			do := func(ev workflow.Event) {
				t.Helper()
				if c, err = svc.Do(ctx, id, ev, nil); err != nil {
					t.Fatalf("%s on %s: %v", ev.EventName(), id, err)
				}
			}
			if c.Status == workflow.StatusApproved { // approve on commit
				if in(now) {
					tl.decided++
					tl.approved++
					tl.onTime++
					tl.clockCases++
				}
			}
			if c.Status == workflow.StatusSubmitted {
				if rng.IntN(5) == 0 {
					now = now.Add(2 * time.Hour)
					do(workflow.Reject{Meta: workflow.Meta{Actor: clerk, At: now}, Reason: "材料不齐", LegalBasis: "《行政许可法》第三十二条"})
					if in(now) {
						tl.decided++
						tl.rejected++
						tl.onTime++ // no clock was running
					}
					continue
				}
				now = now.Add(time.Duration(1+rng.IntN(30)) * time.Hour)
				do(workflow.Accept{Meta: workflow.Meta{Actor: clerk, At: now}})
				started = now
				if in(now) {
					tl.accepted++
				}
			}
			if c.Status == workflow.StatusAccepted {
				if rng.IntN(4) == 0 {
					now = now.Add(3 * time.Hour)
					do(workflow.RequestSupplement{Meta: workflow.Meta{Actor: clerk, At: now},
						Items: []workflow.SupplementItem{{Reason: "请补充说明经营场所情况"}}})
					back := now.Add(time.Duration(1+rng.IntN(4)) * 24 * time.Hour)
					do(workflow.SupplySupplement{Meta: workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorCitizen, ID: "u-" + id}, At: back}, Note: "已补充说明"})
					paused += cal.WorkingDaysBetween(now, back)
					now = back
				}
				if rng.IntN(6) == 0 {
					continue // still open
				}
				// Decided within 0 to 9 days: some after the deadline.
				now = now.Add(time.Duration(rng.IntN(10))*24*time.Hour + time.Hour)
				late := now.After(c.Deadline)
				if rng.IntN(5) == 0 {
					do(workflow.Reject{Meta: workflow.Meta{Actor: clerk, At: now}, Reason: "不符合条件", LegalBasis: "《行政许可法》第三十八条"})
					if in(now) {
						tl.rejected++
					}
				} else {
					do(workflow.Approve{Meta: workflow.Meta{Actor: clerk, At: now}})
					if in(now) {
						tl.approved++
					}
				}
				if in(now) {
					tl.decided++
					if !late {
						tl.onTime++
					}
					tl.clockDays += max(cal.WorkingDaysBetween(started, now)-paused, 0)
					tl.clockCases++
				}
			}
			// A trust-first approval is verified: some fail.
			if c.Status == workflow.StatusApproved && c.TrustFirst && rng.IntN(2) == 0 {
				now = now.Add(time.Hour)
				do(workflow.Dispatch{Meta: workflow.Meta{Actor: clerk, At: now}})
				if c.Status != workflow.StatusVerifying {
					continue
				}
				now = now.Add(time.Hour)
				pass := rng.IntN(2) == 0
				var results []workflow.VerificationResult
				for _, m := range c.Verification.Pending() {
					results = append(results, workflow.VerificationResult{Material: m, Passed: pass, Note: "与库中信息比对"})
				}
				do(workflow.RecordVerification{Meta: workflow.Meta{Actor: clerk, At: now}, Results: results})
				if c.Status == workflow.StatusCommitmentReview {
					// Due process: rectification ordered, revoked when it ran out.
					now = now.Add(time.Hour)
					do(workflow.OrderRectification{Meta: workflow.Meta{Actor: clerk, At: now}, Reason: "限期整改",
						LegalBasis: "国办发〔2020〕42号", Days: 1})
					now = c.Breach.Rectification.DueAt.Add(time.Hour)
					do(workflow.DecideBreach{Meta: workflow.Meta{Actor: workflow.Actor{Kind: workflow.ActorClerk, ID: "reviewer"}, At: now}, Outcome: workflow.OutcomeRevoked,
						Reason: "逾期未整改", LegalBasis: "《中华人民共和国行政许可法》第六十九条", FalseCommitment: true})
				}
				if c.Status == workflow.StatusRevoked && in(now) {
					tl.verificationFailures++
				}
			}
		}

		s := models.NewStaffStore(db)
		st, err := s.Stats(ctx, staff.StatsQuery{From: from, To: to, Calendar: cal})
		if err != nil {
			t.Fatal(err)
		}
		var total statsTally
		got := map[string]staff.DepartmentStats{}
		for _, d := range st.Departments {
			got[d.Department] = d
		}
		for code, want := range tally {
			g := got[code]
			check := func(name string, got, want int64) {
				t.Helper()
				if got != want {
					t.Errorf("%s %s = %d, want %d", code, name, got, want)
				}
			}
			check("received", g.Received, want.received)
			check("accepted", g.Accepted, want.accepted)
			check("decided", g.Decided, want.decided)
			check("approved", g.Approved, want.approved)
			check("rejected", g.Rejected, want.rejected)
			check("on time", g.OnTime, want.onTime)
			check("zero visit", g.ZeroVisit, want.zeroVisit)
			check("trust first", g.TrustFirst, want.trustFirst)
			check("verification failures", g.VerificationFailures, want.verificationFailures)
			if want.clockCases > 0 {
				avg := float64(want.clockDays) / float64(want.clockCases)
				if g.AvgWorkingDays == nil || math.Abs(*g.AvgWorkingDays-avg) > 1e-9 {
					t.Errorf("%s average working days = %v, want %v", code, g.AvgWorkingDays, avg)
				}
			}
			if want.received > 0 && (g.TrustFirstShare == nil || math.Abs(*g.TrustFirstShare-float64(want.trustFirst)/float64(want.received)) > 1e-9) {
				t.Errorf("%s trust-first share = %v", code, g.TrustFirstShare)
			}
			total.received += want.received
			total.decided += want.decided
		}
		if st.Total.Received != total.received || st.Total.Decided != total.decided {
			t.Errorf("total received %d decided %d, want %d and %d", st.Total.Received, st.Total.Decided, total.received, total.decided)
		}
		if total.received < 40 || total.decided < 15 || tally["scjgj"].verificationFailures == 0 || tally["scjgj"].onTime == tally["scjgj"].decided {
			t.Errorf("the seed does not exercise the figures: %+v %+v", tally["scjgj"], tally["gaj"])
		}
		var daily int64
		for _, d := range st.Daily {
			daily += d.Received
		}
		if daily != total.received {
			t.Errorf("daily received add up to %d, want %d", daily, total.received)
		}
		if got, want := st.Total.Evaluations, int64(0); got != want {
			t.Errorf("evaluations = %d before any was made, want %d", got, want)
		}
		if !st.EvaluationsAvailable {
			t.Fatal("statistics say evaluations are not available")
		}
		{
			// The citizen area's table: two evaluations in the month, one after it.
			for i, at := range []time.Time{from.Add(48 * time.Hour), to.Add(-time.Hour), to.Add(time.Hour)} {
				exec(t, db, `INSERT INTO case_evaluations (case_id, principal_id, person_id, item_code, department, stars, indicators, channel, created_at)
					VALUES (?, 'p', 'p', 'scjgj-spjyxk', 'scjgj', 5, '', 'wechat', ?)`, fmt.Sprintf("st-%02d", i), dbTime(db, at))
			}
			st, err = s.Stats(ctx, staff.StatsQuery{From: from, To: to, Calendar: cal})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := st.Total.Evaluations, int64(2); got != want {
				t.Errorf("evaluations = %d, want %d", got, want)
			}
		}
		// One department only.
		one, err := s.Stats(ctx, staff.StatsQuery{Departments: []string{"gaj"}, From: from, To: to, Calendar: cal})
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Departments) != 1 || one.Departments[0].Received != tally["gaj"].received {
			t.Errorf("gaj alone = %+v, want received %d", one.Departments, tally["gaj"].received)
		}
	})
}

// dbTime is t as the dialect stores timestamps, for raw inserts.
func dbTime(db *models.DB, t time.Time) any {
	if db.Dialect() == models.DialectPostgres {
		return t
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
