// Package openapi assembles the service's API document from its parts,
// one YAML file per area (00-base.yaml first), and validates it.
package openapi

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var parts embed.FS

// Load assembles the API document from its parts (00-base.yaml, then one
// fragment per area, each with its own paths and components), validates it
// once, at start, and returns it as JSON.
func Load() ([]byte, error) {
	merged, err := mergeOpenAPI(parts, ".")
	if err != nil {
		return nil, fmt.Errorf("assemble openapi document: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(merged)
	if err != nil {
		return nil, fmt.Errorf("load openapi document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate openapi document: %w", err)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode openapi document: %w", err)
	}
	return out, nil
}

// mergeOpenAPI reads every YAML file of dir in name order: the first is the
// base document, the others add paths and components. A path or component
// defined twice is an error, so two areas cannot silently shadow each other.
func mergeOpenAPI(fsys fs.FS, dir string) ([]byte, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no documents in %s: %v", dir, err)
	}
	sort.Strings(names)
	base, err := readYAML(fsys, names[0])
	if err != nil {
		return nil, err
	}
	for _, name := range names[1:] {
		part, err := readYAML(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := mergeFragment(base, part, name); err != nil {
			return nil, err
		}
	}
	return json.Marshal(base)
}

func readYAML(fsys fs.FS, name string) (map[string]any, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// mergeFragment adds the paths, components and tags of the fragment part
// (read from name) to base.
func mergeFragment(base, part map[string]any, name string) error {
	for key, val := range part {
		switch key {
		case "paths":
			if err := mergeMap(base, "paths", val, name); err != nil {
				return err
			}
		case "components":
			comps, _ := val.(map[string]any)
			baseComps, _ := base["components"].(map[string]any)
			if baseComps == nil {
				baseComps = map[string]any{}
				base["components"] = baseComps
			}
			for section, entries := range comps {
				if err := mergeMap(baseComps, section, entries, name); err != nil {
					return err
				}
			}
		case "tags":
			tags, _ := base["tags"].([]any)
			more, _ := val.([]any)
			base["tags"] = append(tags, more...)
		default:
			return fmt.Errorf("%s: a fragment may only add paths, components and tags, not %q", name, key)
		}
	}
	return nil
}

func mergeMap(into map[string]any, key string, add any, from string) error {
	entries, ok := add.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: %s is not a map", from, key)
	}
	dst, _ := into[key].(map[string]any)
	if dst == nil {
		dst = map[string]any{}
		into[key] = dst
	}
	for k, v := range entries {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("%s: %s %q is defined twice", from, key, k)
		}
		dst[k] = v
	}
	return nil
}
