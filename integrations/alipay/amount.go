package alipay

import (
	"fmt"
	"strconv"
	"strings"

	"zerovisit/workflow"
)

// Yuan formats fen as Alipay writes amounts: yuan with two decimals.
func Yuan(fen int64) string {
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}

// Fen parses an Alipay amount ("10", "10.5", "10.50") into fen. Anything
// else, negative amounts and more than two decimals included, is an error.
func Fen(yuan string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(strings.TrimSpace(yuan), ".")
	bad := fmt.Errorf("alipay: amount %q: %w", yuan, workflow.ErrInvalidInput)
	if whole == "" || len(whole) > 12 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, bad
	}
	for _, s := range []string{whole, frac} {
		for _, r := range s {
			if r < '0' || r > '9' {
				return 0, bad
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}
