package workflow

import (
	"errors"
	"fmt"

	"zerovisit/workflow/ident"
)

// Lengths of the national item codes (GB/T 39554.1-2020, 全国一体化政务服务平台
// 政务服务事项基本目录及实施清单 第1部分：编码要求).
const (
	// BasicCodeLen is the length of an item's basic code (基本编码), the
	// code of the item in the national basic catalogue (基本目录). The
	// provincial 办件 collection schemas built on the standard hold it in a
	// 12-character column (up_pro_accept.catalog_code varchar(12) NOT NULL);
	// local coding standards such as DB52/T 1264-2018 build its core from a
	// 2-digit item type, a 5-digit main item and a 3-digit sub-item.
	BasicCodeLen = 12
	// ImplCodeLen is the length of an implementation code (实施编码), the
	// code of the item as one body implements it (实施清单): the 18-character
	// unified social credit code of the implementing body, one digit of
	// the level that exercises it (行使层级: 1 国家级 … 6 村级) and the
	// 12-digit basic code. Published 办件 data shows the shape, e.g. the
	// 实施编码 12441500196720244T3442199806003 of a body whose code is
	// 12441500196720244T (a city-level body, level 3).
	ImplCodeLen = usccLen + 1 + BasicCodeLen
)

// usccLen is the length of a unified social credit code (GB 32100).
const usccLen = 18

// ImplCode is a parsed implementation code (实施编码).
type ImplCode struct {
	// Body is the unified social credit code of the implementing body.
	Body string
	// Level is the level that exercises the item (行使层级), '1' to '6'.
	Level byte
	// Basic is the item's basic code (基本编码).
	Basic string
}

// ValidBasicCode reports whether s is a well-formed basic code (基本编码):
// BasicCodeLen digits.
func ValidBasicCode(s string) bool {
	if len(s) != BasicCodeLen {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseImplCode checks an implementation code (实施编码): the implementing
// body's unified social credit code (GB 32100, check character included),
// the level digit and a basic code.
func ParseImplCode(s string) (ImplCode, error) {
	if len(s) != ImplCodeLen {
		return ImplCode{}, fmt.Errorf("implementation code must be %d characters, got %d", ImplCodeLen, len(s))
	}
	body, err := ident.ParseUSCC(s[:usccLen])
	if err != nil || body.Code != s[:usccLen] {
		return ImplCode{}, fmt.Errorf("implementation code %q: the first %d characters are not the implementing body's credit code", s, usccLen)
	}
	level := s[usccLen]
	if level < '1' || level > '6' {
		return ImplCode{}, fmt.Errorf("implementation code %q: level %q is not 1 to 6", s, level)
	}
	basic := s[usccLen+1:]
	if !ValidBasicCode(basic) {
		return ImplCode{}, fmt.Errorf("implementation code %q: %q is not a %d-digit basic code", s, basic, BasicCodeLen)
	}
	return ImplCode{Body: body.Code, Level: level, Basic: basic}, nil
}

// validateCodes checks the national codes of an item when it carries them:
// a basic code, an implementation code built on that basic code, and a
// positive item version. RequireCodes insists on them.
func (it Item) validateCodes(bad reporter) {
	if it.BasicCode == "" && it.ImplCode == "" && it.Version == 0 {
		return
	}
	if !ValidBasicCode(it.BasicCode) {
		bad("basic_code", "must be %d digits (基本编码), got %q", BasicCodeLen, it.BasicCode)
	}
	impl, err := ParseImplCode(it.ImplCode)
	switch {
	case err != nil:
		bad("impl_code", "%v", err)
	case impl.Basic != it.BasicCode:
		bad("impl_code", "ends in basic code %s, but basic_code is %s", impl.Basic, it.BasicCode)
	}
	if it.Version <= 0 {
		bad("version", "must be positive (事项版本), got %d", it.Version)
	}
}

// RequireCodes reports every item of the catalogue that lacks its national
// codes: the catalogue a department runs on must carry them all, since
// the provincial platform refuses a case without them.
func (c Catalogue) RequireCodes() error {
	var errs []error
	for _, it := range c.items {
		if it.BasicCode == "" || it.ImplCode == "" || it.Version == 0 {
			errs = append(errs, fmt.Errorf("item %q: basic_code, impl_code and version are required", it.Code))
		}
	}
	return errors.Join(errs...)
}
