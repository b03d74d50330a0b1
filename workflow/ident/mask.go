package ident

import "strings"

// MaskResidentID keeps the first 4 and last 4 characters of a resident ID
// number and replaces the rest with '*': "11010519491231002X" becomes
// "1101**********002X". Shorter input (not a valid number) keeps a quarter
// at each end at most, so masking never reveals most of a value.
func MaskResidentID(s string) string {
	r := []rune(strings.TrimSpace(s))
	keep := min(4, len(r)/4)
	return maskRunes(r, keep, keep)
}

// MaskPhone masks the middle of a phone number: "13812345678" becomes
// "138****5678", "+8613812345678" becomes "+86138****5678". Numbers shorter
// than 11 characters keep only their last 4, and those of 6 or fewer are
// masked entirely.
func MaskPhone(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch n := len(r); {
	case n <= 6:
		return maskRunes(r, 0, 0)
	case n < 11:
		return maskRunes(r, 0, 4)
	default:
		return maskRunes(r, n-8, 4)
	}
}

// MaskName keeps a person's surname and masks the given name, one '*' a
// character: "张三" becomes "张*", "欧阳娜娜" becomes "欧阳**". A name of one
// character is masked entirely.
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	keep := 1
	if len(r) > 2 && compoundSurnames[string(r[:2])] {
		keep = 2
	}
	if len(r) <= 1 {
		keep = 0
	}
	return maskRunes(r, keep, 0)
}

// maskRunes keeps head runes at the start and tail at the end and replaces
// every rune between with '*'.
func maskRunes(r []rune, head, tail int) string {
	if head+tail > len(r) {
		head, tail = 0, 0
	}
	var b strings.Builder
	b.WriteString(string(r[:head]))
	b.WriteString(strings.Repeat("*", len(r)-head-tail))
	b.WriteString(string(r[len(r)-tail:]))
	return b.String()
}

// compoundSurnames are the two-character surnames (复姓) still in common use.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true,
	"尉迟": true, "公孙": true, "慕容": true, "长孙": true, "宇文": true, "司徒": true,
	"令狐": true, "夏侯": true, "轩辕": true, "端木": true, "独孤": true, "南宫": true,
	"西门": true, "百里": true, "呼延": true, "万俟": true, "澹台": true, "闻人": true,
	"申屠": true, "太史": true, "钟离": true, "濮阳": true, "赫连": true, "公冶": true,
	"宗政": true, "单于": true, "拓跋": true, "第五": true, "左丘": true, "东郭": true,
	"司空": true, "公羊": true, "梁丘": true, "谷梁": true, "乐正": true, "亓官": true,
}
