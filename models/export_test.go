package models

import "time"

// SetListenHealth shortens how long a quiet listen connection waits before
// it is pinged, for tests.
func SetListenHealth(s *OutboxSignal, d time.Duration) { s.health = d }

// OutboxChannelFor exposes outboxChannelFor to tests.
var OutboxChannelFor = outboxChannelFor
