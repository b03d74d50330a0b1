package configs

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/emmansun/gmsm/sm3"
	"gopkg.in/yaml.v3"

	"zerovisit/workflow"
)

//go:embed catalogue.yaml
var defaultCatalogue []byte

// LoadCatalogue reads the service catalogue: the embedded catalogue.yaml
// when path is empty, else the YAML file at path. Unknown fields are
// refused, and the catalogue is validated (defaults applied) before it is
// returned.
func LoadCatalogue(path string) (workflow.Catalogue, error) {
	data, name, err := readData(path, defaultCatalogue, "catalogue.yaml")
	if err != nil {
		return workflow.Catalogue{}, fmt.Errorf("load catalogue: %w", err)
	}
	var doc struct {
		Items []workflow.Item `yaml:"items"`
	}
	if err := decodeStrict(data, &doc); err != nil {
		return workflow.Catalogue{}, fmt.Errorf("load catalogue %s: %w", name, err)
	}
	for i := range doc.Items {
		if t := doc.Items[i].Commitment.Text; t != "" {
			doc.Items[i].Commitment.TextHash = CommitmentHash(t)
		}
	}
	cat, err := workflow.NewCatalogue(doc.Items)
	if err == nil {
		// A catalogue a department runs on carries the national codes:
		// the provincial platform refuses a case without them.
		err = cat.RequireCodes()
	}
	if err != nil {
		return workflow.Catalogue{}, fmt.Errorf("load catalogue %s: %w", name, err)
	}
	return cat, nil
}

// DefaultCatalogueYAML returns the embedded catalogue file, for tools and
// tests that extend it.
func DefaultCatalogueYAML() []byte { return append([]byte(nil), defaultCatalogue...) }

// CommitmentHash is the lower-case hex SM3 digest of a commitment letter's
// text: the value a citizen's signature must carry to show they signed the
// exact wording of the current template.
func CommitmentHash(text string) string {
	sum := sm3.Sum([]byte(text))
	return hex.EncodeToString(sum[:])
}

// readData returns the file at path, or the embedded default when path is
// empty, with a name for error messages.
func readData(path string, embedded []byte, embeddedName string) ([]byte, string, error) {
	if path == "" {
		return embedded, "(embedded " + embeddedName + ")", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	return data, path, nil
}

// decodeStrict decodes one YAML document, refusing fields out lacks.
func decodeStrict(data []byte, out any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(out)
}
