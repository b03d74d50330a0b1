package ident_test

import (
	"testing"

	"zerovisit/workflow/ident"
)

func TestMaskResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "1101**********002X"},
		{" 11010519491231002X ", "1101**********002X"},
		{"110105491231002", "110*********002"},
		{"12345678", "12****78"},
		{"123", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got, want := ident.MaskResidentID(tt.in), tt.want; got != want {
			t.Errorf("MaskResidentID(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+8613812345678", "+86138****5678"},
		{"010-12345678", "010-****5678"},
		{"12345678", "****5678"},
		{"123456", "******"},
		{"", ""},
	}
	for _, tt := range tests {
		if got, want := ident.MaskPhone(tt.in), tt.want; got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"王小明", "王**"},
		{"欧阳娜娜", "欧阳**"},
		{"欧阳锋", "欧阳*"},
		{"欧阳", "欧*"},
		{"李", "*"},
		{"阿依古丽·买买提", "阿*******"},
		{"", ""},
	}
	for _, tt := range tests {
		if got, want := ident.MaskName(tt.in), tt.want; got != want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, want)
		}
	}
}
