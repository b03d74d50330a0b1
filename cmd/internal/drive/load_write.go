package drive

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"zerovisit/cmd/internal/app"

	"github.com/google/uuid"
)

// writes drives only the state-changing steps of an application, for
// profiling: citizens sign up first (not measured), then each iteration
// is a draft, the upload of what the government does not hold, the signed
// commitment, the delivery choice and the submission, every one a durable
// transaction. The writes are spread over many citizens so the
// per-account limits do not throttle them.
func (r *loadRun) writes(ctx context.Context) error {
	people, err := r.signUpCitizens(ctx)
	if err != nil {
		return err
	}
	var item struct {
		Commitment struct {
			TemplateVersion string `json:"template_version"`
			TextHash        string `json:"text_hash"`
		} `json:"commitment"`
	}
	if err := people[0].citizen.call(ctx, http.StatusOK, http.MethodGet, "/api/v1/citizen/items/"+app.DemoItem, nil, &item); err != nil {
		return err
	}
	commitment := map[string]string{"template_version": item.Commitment.TemplateVersion, "text_hash": item.Commitment.TextHash}

	// Only the iterations are measured.
	r.stats = newLoadStats()
	for _, s := range people {
		s.citizen.stats = r.stats
	}
	var failed atomic.Int64
	var firstErr atomic.Value
	elapsed := r.fanOut(ctx, r.stories, "applications", func(_ *demo, i int) {
		if err := writeOnce(ctx, people[i%len(people)], commitment); err != nil {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, err.Error())
		}
	})
	took := r.stats.summary("POST ", "PUT ")
	calls := took.TotalCount()
	fmt.Fprintf(r.out, "\n%d applications in %.1f s: %.1f applications/s; %d state-changing calls, %.1f calls/s, p50 %s p95 %s p99 %s\n\n",
		r.stories, elapsed.Seconds(), float64(r.stories)/elapsed.Seconds(), calls, float64(calls)/elapsed.Seconds(),
		ms(percentile(took, 50)), ms(percentile(took, 95)), ms(percentile(took, 99)))
	r.stats.report(r.out, elapsed)
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("load: %d of %d applications failed, the first: %v", n, r.stories, firstErr.Load())
	}
	return nil
}

// signUpCitizens signs up the run's citizens (not measured): each logs
// in, binds a real name and a phone and adds an address.
func (r *loadRun) signUpCitizens(ctx context.Context) ([]*demoStory, error) {
	fmt.Fprintf(r.out, "signing up %d citizens…\n", r.citizens)
	people := make([]*demoStory, r.citizens)
	errs := make([]error, r.citizens)
	r.fanOut(ctx, r.citizens, "", func(d *demo, i int) {
		p := r.person(i)
		p.blacklisted = false
		people[i] = &demoStory{d: d, p: p}
		if errs[i] = r.hooks.AddPerson(ctx, p.id, p.name); errs[i] == nil {
			errs[i] = people[i].signUp(ctx)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("load: sign up: %w", err)
	}
	return people, nil
}

// writeOnce is one application's state-changing calls, which must end with
// the case accepted on trust.
func writeOnce(ctx context.Context, s *demoStory, commitment map[string]string) error {
	cs, err := applyOnce(ctx, s, app.DemoItem, commitment)
	if err != nil {
		return err
	}
	if cs.Status != "accepted" {
		return fmt.Errorf("submit %s: %s, want accepted: %w", cs.ID, cs.Status, errDemoStep)
	}
	return nil
}

// applyOnce is a citizen's application for item: a draft, the upload of
// what the government does not hold, the signed commitment (none when
// commitment is nil), courier delivery and the submission. It returns the
// case as the submission left it.
func applyOnce(ctx context.Context, s *demoStory, item string, commitment map[string]string) (demoCase, error) {
	c := s.citizen
	var draft demoDraft
	if err := c.call(ctx, http.StatusCreated, http.MethodPost, "/api/v1/citizen/drafts", map[string]string{"item_code": item}, &draft,
		"Idempotency-Key", "load-draft-"+uuid.NewString()); err != nil {
		return demoCase{}, err
	}
	id := draft.Case.ID
	for _, m := range draft.Materials {
		if m.Needed {
			if err := c.upload(ctx, id, m.Code, demoScan(m.Code)); err != nil {
				return demoCase{}, err
			}
		}
	}
	if commitment != nil {
		if err := c.call(ctx, http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/commitment", commitment, nil); err != nil {
			return demoCase{}, err
		}
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPut, "/api/v1/citizen/cases/"+id+"/delivery",
		map[string]string{"method": "courier", "address_id": s.addressID}, nil); err != nil {
		return demoCase{}, err
	}
	var sub struct {
		Case demoCase `json:"case"`
	}
	if err := c.call(ctx, http.StatusOK, http.MethodPost, "/api/v1/citizen/cases/"+id+"/submit", nil, &sub,
		"Idempotency-Key", "load-submit-"+uuid.NewString()); err != nil {
		return demoCase{}, err
	}
	return sub.Case, nil
}

// baseline drives POST /baseline/rows of `zerovisit baseline` with the
// same concurrency: the rate of a bare gin+gorm endpoint inserting one row
// into the same database, to quote the product's figures against.
func (r *loadRun) baseline(ctx context.Context) error {
	stats := newLoadStats()
	var failed atomic.Int64
	elapsed := r.fanOut(ctx, r.stories, "", func(d *demo, i int) {
		c := &demoClient{hc: r.hc, base: d.base, ip: "127.0.0.1", requests: new(atomic.Int64), stats: stats}
		body := map[string]string{"ref": fmt.Sprintf("%d-%d", r.tag, i), "payload": strings.Repeat("x", 200)}
		if err := c.call(ctx, http.StatusCreated, http.MethodPost, "/baseline/rows", body, nil); err != nil {
			failed.Add(1)
		}
	})
	took := stats.summary("POST ")
	n := took.TotalCount()
	fmt.Fprintf(r.out, "baseline: %d inserts in %.1f s: %.1f calls/s, p50 %s p95 %s p99 %s\n", n, elapsed.Seconds(),
		float64(n)/elapsed.Seconds(), ms(percentile(took, 50)), ms(percentile(took, 95)), ms(percentile(took, 99)))
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("load: %d baseline inserts failed", f)
	}
	return nil
}
