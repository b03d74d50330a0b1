package department

import (
	"fmt"
	"net/url"
)

// MinSecretLen is the shortest secret an enabled endpoint may have.
const MinSecretLen = 16

// Endpoint is the webhook configuration of one department's system.
type Endpoint struct {
	// Department is the department code of the catalogue, e.g. "scjgj".
	Department string
	// URL receives our pushes.
	URL string
	// Secret signs both ways: our pushes and its callbacks.
	Secret string
	// Enabled switches the integration on. A disabled department is
	// neither pushed to nor heard from.
	Enabled bool
}

// String describes the endpoint with its secret masked, so it can be logged.
func (e Endpoint) String() string {
	state := "disabled"
	if e.Enabled {
		state = "enabled"
	}
	return fmt.Sprintf("department %s at %s (%s, secret masked)", e.Department, e.URL, state)
}

// index checks the endpoints and maps them by department. needURL demands
// an absolute http(s) URL of every enabled endpoint.
func index(eps []Endpoint, needURL bool) (map[string]Endpoint, error) {
	m := make(map[string]Endpoint, len(eps))
	for i, e := range eps {
		switch {
		case e.Department == "":
			return nil, fmt.Errorf("%s: endpoint %d: no department", party, i)
		case m[e.Department].Department != "":
			return nil, fmt.Errorf("%s: endpoint %d: department %s listed twice", party, i, e.Department)
		case e.Enabled && len(e.Secret) < MinSecretLen:
			return nil, fmt.Errorf("%s: department %s: secret shorter than %d bytes", party, e.Department, MinSecretLen)
		}
		if needURL && e.Enabled {
			u, err := url.Parse(e.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Errorf("%s: department %s: url must be an absolute http(s) url", party, e.Department)
			}
		}
		m[e.Department] = e
	}
	return m, nil
}
