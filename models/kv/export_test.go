package kv

// Sweep runs the janitor's sweep now.
func (m *Memory) Sweep() { m.sweep() }

// Sizes returns how many entries the store holds: cache entries, rate-limit
// keys, and everything else.
func (m *Memory) Sizes() (cache, rates, other int) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.cache), len(m.rates), len(m.claims) + len(m.locks) + len(m.revoked) + len(m.subjects)
}
