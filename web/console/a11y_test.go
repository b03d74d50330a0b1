package console

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The pages' style sheets: the console's and the couriers' page.
var styleSheets = []string{"app.css", "../courier/static/style.css"}

type cssRule struct {
	selectors []string
	decls     map[string]string
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssRuleRe  = regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`)
	cssVarRe   = regexp.MustCompile(`var\((--[a-z0-9-]+)\)`)
	pxFontRe   = regexp.MustCompile(`font(-size)?\s*:[^;}"]*\d(\.\d+)?px`)
)

func parseCSS(src string) []cssRule {
	src = cssComment.ReplaceAllString(src, "")
	var rules []cssRule
	for _, m := range cssRuleRe.FindAllStringSubmatch(src, -1) {
		r := cssRule{decls: map[string]string{}}
		for _, s := range strings.Split(m[1], ",") {
			r.selectors = append(r.selectors, strings.Join(strings.Fields(s), " "))
		}
		for _, d := range strings.Split(m[2], ";") {
			k, v, ok := strings.Cut(d, ":")
			if ok {
				r.decls[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		rules = append(rules, r)
	}
	return rules
}

// palettes returns the custom properties of :root, and of :root with the
// 关怀模式 (html.care) overrides on top.
func palettes(rules []cssRule) (base, care map[string]string) {
	base, care = map[string]string{}, map[string]string{}
	for _, r := range rules {
		for _, s := range r.selectors {
			for k, v := range r.decls {
				if !strings.HasPrefix(k, "--") {
					continue
				}
				switch s {
				case ":root":
					base[k] = v
				case "html.care":
					care[k] = v
				}
			}
		}
	}
	for k, v := range base {
		if _, ok := care[k]; !ok {
			care[k] = v
		}
	}
	return base, care
}

type rgb [3]float64

// colour resolves a declared value to a colour; ok is false for values that
// paint nothing of their own (transparent, inherit, none, gradients).
func colour(t *testing.T, v string, vars map[string]string) (c rgb, ok bool) {
	t.Helper()
	for i := 0; i < 5 && cssVarRe.MatchString(v); i++ {
		v = cssVarRe.ReplaceAllStringFunc(v, func(s string) string { return vars[cssVarRe.FindStringSubmatch(s)[1]] })
	}
	v = strings.ToLower(strings.Fields(v + " x")[0])
	switch v {
	case "white":
		v = "#ffffff"
	case "black":
		v = "#000000"
	case "transparent", "inherit", "none", "currentcolor", "x":
		return c, false
	}
	if !strings.HasPrefix(v, "#") {
		t.Fatalf("colour %q is not a hex colour: write text colours as #rrggbb or var(--name)", v)
	}
	h := v[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		t.Fatalf("colour %q: want #rgb or #rrggbb", v)
	}
	for i := range 3 {
		n, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", v, err)
		}
		c[i] = float64(n) / 255
	}
	return c, true
}

// contrast is WCAG 2.1's contrast ratio of two colours.
func contrast(a, b rgb) float64 {
	lum := func(c rgb) float64 {
		var l [3]float64
		for i, v := range c {
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func background(r cssRule) (string, bool) {
	if v, ok := r.decls["background-color"]; ok {
		return v, true
	}
	v, ok := r.decls["background"]
	return v, ok
}

// pair is one text colour on one background, named for the failure message.
type pair struct {
	where    string
	text, bg string
}

// textPairs lists every text colour a sheet declares with the background it
// is drawn on: the rule's own background; else that of the rule for its
// outermost selector (header nav a → header); else every page surface
// (white, the body's and the --surface* properties). A rule that sets only a background carries
// the body's text colour.
func textPairs(rules []cssRule, vars map[string]string) []pair {
	bgOf := map[string]string{}
	bodyText := ""
	surfaces := []string{"#ffffff"}
	for _, r := range rules {
		for _, s := range r.selectors {
			if v, ok := background(r); ok {
				bgOf[s] = v
			}
			if s == "body" {
				bodyText = r.decls["color"]
				if v, ok := background(r); ok {
					surfaces = append(surfaces, v)
				}
			}
		}
	}
	for k := range vars {
		if strings.HasPrefix(k, "--surface") {
			surfaces = append(surfaces, "var("+k+")")
		}
	}
	var out []pair
	for _, r := range rules {
		for _, s := range r.selectors {
			if s == ":root" || s == "html.care" || strings.Contains(s, ":disabled") {
				continue
			}
			text, hasText := r.decls["color"]
			if !hasText {
				text, hasText = r.decls["fill"]
			}
			bg, hasBg := background(r)
			switch {
			case hasText && hasBg && !strings.HasPrefix(bg, "transparent") && !strings.HasPrefix(bg, "none"):
				out = append(out, pair{s, text, bg})
			case hasText:
				outer := strings.Fields(s)[0]
				if b, ok := bgOf[outer]; ok && outer != s {
					out = append(out, pair{s + " (on " + outer + ")", text, b})
					continue
				}
				for _, sf := range surfaces {
					out = append(out, pair{s + " (on " + sf + ")", text, sf})
				}
			case hasBg && bodyText != "":
				out = append(out, pair{s + " (body text)", bodyText, bg})
			}
		}
	}
	return out
}

// TestTextContrast: every text colour on its background reaches WCAG 2.1
// AA's 4.5:1 for normal text, and 7:1 in 关怀模式 (high contrast); no rule
// fades text with opacity (disabled controls aside).
func TestTextContrast(t *testing.T) {
	for _, sheet := range styleSheets {
		src, err := os.ReadFile(sheet)
		if err != nil {
			t.Fatal(err)
		}
		rules := parseCSS(string(src))
		base, care := palettes(rules)
		if len(base) == 0 || len(care) == len(base) && fmt.Sprint(care) == fmt.Sprint(base) {
			t.Errorf("%s: want the colours as custom properties in :root and a 关怀模式 palette in html.care", sheet)
		}
		for _, mode := range []struct {
			name string
			vars map[string]string
			min  float64
		}{{"default", base, 4.5}, {"关怀模式", care, 7}} {
			pairs := textPairs(rules, mode.vars)
			if len(pairs) < 10 {
				t.Errorf("%s: only %d text colours found", sheet, len(pairs))
			}
			for _, p := range pairs {
				fg, ok1 := colour(t, p.text, mode.vars)
				bg, ok2 := colour(t, p.bg, mode.vars)
				if !ok1 || !ok2 {
					continue
				}
				if r := contrast(fg, bg); r < mode.min {
					t.Errorf("%s (%s): %s: %s on %s = %.2f:1, want ≥ %.1f:1", filepath.Base(sheet), mode.name, p.where, p.text, p.bg, r, mode.min)
				}
			}
		}
		for _, r := range rules {
			if o, ok := r.decls["opacity"]; ok && !strings.Contains(strings.Join(r.selectors, ","), ":disabled") {
				if f, err := strconv.ParseFloat(o, 64); err == nil && f < 1 {
					t.Errorf("%s: %v fades text with opacity %s", sheet, r.selectors, o)
				}
			}
		}
	}
}

// TestContrastRatio pins the formula to WCAG's published values.
func TestContrastRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#7b8794", "#ffffff", 3.66}, {"#767676", "#ffffff", 4.54}} {
		a, _ := colour(t, c.a, nil)
		b, _ := colour(t, c.b, nil)
		if got := contrast(a, b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// TestFontSizesInRem: no font size in px in the style sheets, pages or
// scripts, so text follows the font size the user set in the browser.
func TestFontSizesInRem(t *testing.T) {
	var files []string
	for _, pat := range []string{"*.css", "*.html", "*.js", "../courier/static/*"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pxFontRe.FindAllString(cssComment.ReplaceAllString(string(src), ""), -1) {
			t.Errorf("%s: %q: write font sizes in rem", f, m)
		}
	}
}
