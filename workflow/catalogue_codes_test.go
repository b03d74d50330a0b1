package workflow_test

import (
	"strings"
	"testing"

	"zerovisit/workflow"
)

// The implementation code of a city-level market-regulation bureau.
const (
	testBasic = "000172001000"
	testImpl  = "11330100002501234W3" + testBasic
)

func TestItemCodes(t *testing.T) {
	coded := func() workflow.Item {
		it := testItems()[0]
		it.BasicCode, it.ImplCode, it.Version = testBasic, testImpl, 2
		return it
	}
	if _, err := workflow.NewCatalogue([]workflow.Item{coded()}); err != nil {
		t.Fatalf("well-coded item refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(*workflow.Item)
		want   string
	}{
		{"ShortBasic", func(it *workflow.Item) { it.BasicCode = "00017200100" }, `basic_code: must be 12 digits`},
		{"LetterInBasic", func(it *workflow.Item) { it.BasicCode = "00017200100X" }, `basic_code: must be 12 digits`},
		{"ShortImpl", func(it *workflow.Item) { it.ImplCode = testImpl[1:] }, `impl_code: implementation code must be 31 characters`},
		{"ImplBodyCheckChar", func(it *workflow.Item) { it.ImplCode = "11330100002501234X3" + testBasic },
			`the first 18 characters are not the implementing body's credit code`},
		{"ImplLowerCase", func(it *workflow.Item) { it.ImplCode = "11330100002501234w3" + testBasic },
			`the first 18 characters are not the implementing body's credit code`},
		{"ImplLevel", func(it *workflow.Item) { it.ImplCode = "11330100002501234W7" + testBasic }, `level '7' is not 1 to 6`},
		{"ImplOtherBasic", func(it *workflow.Item) { it.ImplCode = "11330100002501234W3000172004000" },
			`impl_code: ends in basic code 000172004000, but basic_code is 000172001000`},
		{"NoVersion", func(it *workflow.Item) { it.Version = 0 }, `version: must be positive`},
		{"OnlyBasic", func(it *workflow.Item) { it.ImplCode, it.Version = "", 0 }, `impl_code: implementation code must be 31 characters`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := coded()
			tc.change(&it)
			_, err := workflow.NewCatalogue([]workflow.Item{it})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	t.Run("RequireCodes", func(t *testing.T) {
		cat, err := workflow.NewCatalogue([]workflow.Item{coded(), testItems()[1]})
		if err != nil {
			t.Fatal(err)
		}
		err = cat.RequireCodes()
		if err == nil || !strings.Contains(err.Error(), `item "`+testItems()[1].Code+`": basic_code, impl_code and version are required`) ||
			strings.Contains(err.Error(), `item "tf"`) {
			t.Errorf("RequireCodes = %v", err)
		}
	})
}

func TestParseImplCode(t *testing.T) {
	c, err := workflow.ParseImplCode("12441500196720244T3442199806003")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c, (workflow.ImplCode{Body: "12441500196720244T", Level: '3', Basic: "442199806003"}); got != want {
		t.Errorf("ParseImplCode = %+v, want %+v", got, want)
	}
}
