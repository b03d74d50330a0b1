package ident

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// usccAlphabet is the GB 32100 character set; a character's value is its
// index. I, O, Z, S and V are left out because they look like 1, 0, 2, 5 and U.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31 for the first 17 positions.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCategories maps each registration-authority code (登记管理部门码,
// position 1) to the entity-category codes (机构类别码, position 2) it may
// issue. Source: GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》
// Table 1 (附录A), with its amendment No. 1 (第1号修改单, adding A 中央军委改革
// 和编制办公室) and the N 农业农村 codes for rural collective economic
// organisations (农业部 2018 implementation of the same table):
//
//	1 机构编制       1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
//	2 外交           1 外国常驻新闻机构, 9 其他
//	3 司法行政       1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构,
//	                 5 仲裁委员会, 9 其他
//	4 文化           1 外国在华文化中心, 9 其他
//	5 民政           1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
//	6 旅游           1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）
//	                 代表机构, 9 其他
//	7 宗教           1 宗教活动场所, 2 宗教院校, 9 其他
//	8 工会           1 基层工会, 9 其他
//	9 工商（市场监管） 1 企业, 2 个体工商户, 3 农民专业合作社
//	A 中央军委改革和编制办公室 1 军队事业单位, 9 其他
//	N 农业（农业农村） 1 组级集体经济组织, 2 村级集体经济组织,
//	                 3 乡镇级集体经济组织, 9 其他
//	Y 其他           1 (one category, no further division)
var usccCategories = map[byte]string{
	'1': "1239", '2': "19", '3': "123459", '4': "19", '5': "1239", '6': "129",
	'7': "129", '8': "19", '9': "123", 'A': "19", 'N': "1239", 'Y': "1",
}

// USCC is a parsed, valid unified social credit code (统一社会信用代码, GB 32100-2015).
type USCC struct {
	// Code is the normalised 18-character code (upper-case).
	Code string
	// Authority is the registration-authority code (position 1).
	Authority byte
	// EntityType is the entity-type code (position 2), whose meaning depends on Authority.
	EntityType byte
	// Region is the 6-digit administrative division code of the registering authority.
	Region string
	// OrgCode is the 9-character organisation identifier (positions 9–17).
	OrgCode string
	// AllowListed is true when the code was accepted only because it is on the
	// validator's allow-list (its structure or check character does not conform).
	AllowListed bool
}

// USCCValidator validates unified social credit codes. Some codes issued in
// the early pilots fail the check character (or other structure checks) and
// are still legal; they are accepted only when listed explicitly.
// A nil *USCCValidator validates strictly with an empty allow-list.
type USCCValidator struct {
	allow map[string]bool
}

// NewUSCCValidator returns a validator that accepts, besides every
// conforming code, exactly the codes in allow. The entries are normalised
// like input; an entry that is not 18 characters of the USCC alphabet is a
// configuration mistake and makes NewUSCCValidator fail.
func NewUSCCValidator(allow []string) (*USCCValidator, error) {
	v := &USCCValidator{allow: make(map[string]bool, len(allow))}
	for i, a := range allow {
		code, err := usccShape(a)
		if err != nil {
			return nil, fmt.Errorf("uscc allow-list entry %d: %w", i, err)
		}
		v.allow[code] = true
	}
	return v, nil
}

// ParseUSCC validates s strictly, with no allow-list.
func ParseUSCC(s string) (USCC, error) {
	return (*USCCValidator)(nil).Parse(s)
}

// Parse validates s and returns it normalised (surrounding spaces trimmed,
// letters upper-cased). A code on the allow-list needs only the right length
// and alphabet.
func (v *USCCValidator) Parse(s string) (USCC, error) {
	code, err := usccShape(s)
	if err != nil {
		return USCC{}, err
	}
	out := USCC{
		Code:       code,
		Authority:  code[0],
		EntityType: code[1],
		Region:     code[2:8],
		OrgCode:    code[8:17],
	}
	if v != nil && v.allow[code] {
		out.AllowListed = true
		return out, nil
	}
	categories, ok := usccCategories[code[0]]
	if !ok {
		return USCC{}, invalid(CodeUSCCAuthority, "统一社会信用代码的登记管理部门码不正确", "uscc: unknown registration authority code")
	}
	if strings.IndexByte(categories, code[1]) < 0 {
		return USCC{}, invalid(CodeUSCCEntityType, "统一社会信用代码的机构类别码与登记管理部门不符",
			"uscc: entity type code not allowed for this registration authority")
	}
	// 10 is the national level (100000), used by authorities of the central government.
	if !allDigits(code[2:8]) || !(provinces[code[2:4]] || code[2:4] == "10") {
		return USCC{}, invalid(CodeUSCCRegion, "统一社会信用代码的登记管理机关行政区划码不正确", "uscc: region code must be 6 digits of a known province")
	}
	check, _ := USCCCheck(code[:17])
	if code[17] != check {
		return USCC{}, invalid(CodeUSCCChecksum, "统一社会信用代码校验位不正确", "uscc: check character mismatch")
	}
	return out, nil
}

// USCCCheck computes the check character of the first 17 characters of a
// unified social credit code. It checks only their length and alphabet, so
// tests and sandboxes can generate codes: Parse checks the rest.
func USCCCheck(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, invalid(CodeUSCCLength, "统一社会信用代码本体应为17位", "uscc: body length must be 17")
	}
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, invalid(CodeUSCCCharset, "统一社会信用代码含有非法字符", "uscc: character outside the gb 32100 alphabet")
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}

// usccShape normalises s and checks its length and alphabet.
func usccShape(s string) (string, error) {
	s = upperASCIIString(strings.TrimSpace(s))
	if utf8.RuneCountInString(s) != 18 {
		return "", invalid(CodeUSCCLength, "统一社会信用代码应为18位", "uscc: length must be 18")
	}
	for i := range len(s) { // a non-ASCII character fails here, byte by byte
		if strings.IndexByte(usccAlphabet, s[i]) < 0 {
			return "", invalid(CodeUSCCCharset, "统一社会信用代码含有非法字符（由数字和除I、O、Z、S、V以外的大写字母组成）",
				"uscc: character outside the gb 32100 alphabet")
		}
	}
	return s, nil
}
