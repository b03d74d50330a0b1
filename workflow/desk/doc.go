// Package desk runs the courier legs of cases: the collection of originals
// before a decision (材料收取, a pickup leg), the delivery of the result
// (结果送达, a delivery leg) and the recovery of a result that was not
// handed over (a return leg).
//
// A leg is ordered from a parcel.Provider when the workflow asks for it
// (the OrderCourierPickup and OrderCourierDelivery effects; one leg, and
// one waybill, per outbox entry however often it is delivered). Its parcel
// then moves on route pushes from the provider and on the scans of our own
// couriers (pickup, handover, delivery with the check of originals at the
// door, an absent recipient, a refusal). Every input is kept as a track
// under a key that makes a repeat harmless: the provider's route id, or the
// courier's client-generated scan id. Inputs out of order never move a leg
// backwards.
//
// Each change of a leg is mirrored onto its case through workflow events:
// CollectOriginals for a pickup leg; Deliver (with the checks made at the
// door), StartVerification and RecordVerification, or DeliveryFailed, for
// a delivery leg. The mirroring is derived from the leg's state, so it can
// be retried, by the sweep, until the case has caught up.
//
// Personal data of the applicant's end of a leg (name, phone, address) is
// sealed at rest and shown masked; a recipient's ID number is compared by
// blind index and never kept.
package desk
