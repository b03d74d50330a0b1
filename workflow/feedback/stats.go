package feedback

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"zerovisit/workflow"
)

// ItemStats are the published figures of one item of one department
// (51号文: 评价结果公开): how many ratings, how many bad, how the bad ones
// were rectified. Ratings excluded on appeal are not counted. No rating
// is shown one by one, and nothing names a person.
type ItemStats struct {
	Department     string  `json:"department"`
	DepartmentName string  `json:"department_name"`
	ItemCode       string  `json:"item_code"`
	ItemName       string  `json:"item_name"`
	Ratings        int64   `json:"ratings"`
	Bad            int64   `json:"bad"`
	BadShare       float64 `json:"bad_share"`
	AverageStars   float64 `json:"average_stars"`
	// Rectified counts the bad ratings whose cycle is complete, OnTime
	// those completed by their due day; OnTimeShare is OnTime of Bad.
	Rectified   int64   `json:"rectified"`
	OnTime      int64   `json:"rectified_on_time"`
	OnTimeShare float64 `json:"on_time_share"`
	SumStars    int64   `json:"-"`
}

// StatsKey is where a page of statistics starts: after this department
// and item (zero: the first).
type StatsKey struct{ Department, ItemCode string }

// StatsStore counts the ratings (models.Evaluations).
type StatsStore interface {
	ItemStats(ctx context.Context, after StatsKey, limit int) ([]ItemStats, error)
}

// Namer names an item and its department from the catalogue.
type Namer func(itemCode string) (item, department string)

// statsTTL is how long the published figures are served from memory: the
// endpoint is public, so a burst of readers costs one query a minute per
// page.
const statsTTL = time.Minute

// PublicStats serves the published figures, paged by department and item,
// from a short-lived cache.
type PublicStats struct {
	store StatsStore
	names Namer
	now   func() time.Time
	mu    sync.Mutex
	cache map[string]statsPage
}

type statsPage struct {
	items []ItemStats
	next  string
	at    time.Time
}

// NewPublicStats returns the published statistics over a store.
func NewPublicStats(store StatsStore, names Namer, now func() time.Time) *PublicStats {
	if now == nil {
		now = time.Now
	}
	return &PublicStats{store: store, names: names, now: now, cache: map[string]statsPage{}}
}

// maxStatsPages bounds the cache: pages beyond are read through.
const maxStatsPages = 256

// Page returns up to limit items after the page key after ("" for the
// first, else the next key of the previous page).
func (p *PublicStats) Page(ctx context.Context, after string, limit int) ([]ItemStats, string, error) {
	var from StatsKey
	if after != "" {
		d, i, ok := strings.Cut(after, "|")
		if !ok || d == "" || i == "" {
			return nil, "", workflow.ErrBadCursor
		}
		from = StatsKey{d, i}
	}
	key := fmt.Sprintf("%s#%d", after, limit)
	now := p.now()
	p.mu.Lock()
	if pg, ok := p.cache[key]; ok && now.Sub(pg.at) < statsTTL {
		p.mu.Unlock()
		return pg.items, pg.next, nil
	}
	p.mu.Unlock()
	items, err := p.store.ItemStats(ctx, from, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		next = last.Department + "|" + last.ItemCode
	}
	for i := range items {
		s := &items[i]
		if p.names != nil {
			s.ItemName, s.DepartmentName = p.names(s.ItemCode)
		}
		if s.Ratings > 0 {
			s.BadShare, s.AverageStars = ratio(s.Bad, s.Ratings), ratio(s.SumStars, s.Ratings)
		}
		if s.Bad > 0 {
			s.OnTimeShare = ratio(s.OnTime, s.Bad)
		}
	}
	p.mu.Lock()
	if len(p.cache) >= maxStatsPages {
		clear(p.cache)
	}
	p.cache[key] = statsPage{items, next, now}
	p.mu.Unlock()
	return items, next, nil
}

func ratio(a, b int64) float64 { return float64(int64(float64(a)/float64(b)*10000+0.5)) / 10000 }
