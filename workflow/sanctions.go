package workflow

import "time"

// Sanctions follow the person (国办发〔2020〕42号): an earlier false
// commitment bars trust-first whichever account, channel or counter the
// person applies through, until a credit repair (信用修复) is completed
// or the exclusion period the item sets (Item.ExclusionMonths) ends.
// A person is known across them by the blind index of their resident ID
// number, a business by that of its unified social credit code; the
// credit library, the authority on a subject's record, is weighed beside
// what this product recorded itself.

// Blind-index kinds of identity numbers, shared with the stores that find
// citizens and walk-in applicants by them.
const (
	IndexResidentID = "resident_id"
	IndexUSCC       = "uscc"
)

// Indexer computes the keyed blind index of a value of a kind
// (models/pii.Sealer is one): equal values give equal indexes, and the
// index reveals nothing without the key.
type Indexer interface {
	Index(kind, value string) string
}

// SubjectIndexOf is the blind index a sanction of an applicant of type t
// follows: a business's by its credit code, anyone else's by their
// resident ID number, each normalised as parsed (ident). Empty when there
// is no indexer or no number.
func SubjectIndexOf(ix Indexer, t ApplicantType, number string) string {
	if ix == nil || number == "" {
		return ""
	}
	if t == ApplicantBusiness {
		return ix.Index(IndexUSCC, number)
	}
	return ix.Index(IndexResidentID, number)
}

// Subject is whose earlier false commitments a submission weighs: the
// applicant account of the case, and the blind index of the identity
// behind it (empty for a case opened without one: then the account's
// cases alone count).
type Subject struct {
	ApplicantID string
	Index       string
}

// SubjectOf is the subject of a case.
func SubjectOf(c Case) Subject { return Subject{ApplicantID: c.ApplicantID, Index: c.SubjectIndex} }

// CreditHistory is what the credit library holds of a subject's false
// commitments: how many still count, and when the subject's latest credit
// repair was completed (zero when there was none). The false commitments
// before a completed repair no longer count, in the library or here.
type CreditHistory struct {
	FalseCommitments int64     `json:"false_commitments"`
	RepairedAt       time.Time `json:"repaired_at,omitzero"`
}

// weighedFalseCommitments is the count of earlier false commitments the
// trust-first rules weigh: the larger of the library's and this product's
// own (since the repair), so neither a record the library has not passed
// on nor one still on its way to the library is forgotten. A library out
// of reach is CreditUnknown, which is never trusted first either.
func weighedFalseCommitments(ev Submit) int64 {
	return max(ev.PriorFalseCommitments, ev.History.FalseCommitments)
}

// Bounds of an item's exclusion period (Item.ExclusionMonths), in calendar
// months. A period ends the exclusion as the end of a record's publication
// does: 国家发展改革委令2023年第58号《失信行为纠正后的信用信息修复管理办法
// （试行）》 sets publication periods of three months at the least (a
// general breach) and three years at the most (a serious one), so a
// period outside them would end an exclusion before any record of the
// breach could, or keep one after every record of it ended.
const (
	MinExclusionMonths = 3
	MaxExclusionMonths = 36
)

// ExclusionEnd is when an exclusion of months calendar months, brought by
// a false commitment recorded at at, ends: at the end of the same day of
// the month that many months on (of the last day, in a shorter month),
// China time. Zero when months is zero: then only a credit repair ends it.
func ExclusionEnd(at time.Time, months int) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	d := DateOf(at)
	first := time.Date(d.Year, d.Month+time.Month(months), 1, 12, 0, 0, 0, cst)
	last := first.AddDate(0, 1, -1).Day()
	end := Date{Year: first.Year(), Month: first.Month(), Day: min(d.Day, last)}
	return end.AddDays(1).Start()
}

// exclude dates the end of the exclusion the false commitment this step
// records brings, on the case and on its record for the credit library,
// whichever transition recorded it.
func (s *step) exclude() {
	s.c.ExcludedUntil = ExclusionEnd(s.at, s.c.Terms.ExclusionMonths)
	for i, ef := range s.effects {
		if r, ok := ef.(RecordFalseCommitment); ok {
			r.ExcludedUntil = s.c.ExcludedUntil
			s.effects[i] = r
		}
	}
}
