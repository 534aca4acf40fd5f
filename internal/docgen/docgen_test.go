package docgen

import (
	"reflect"
	"testing"
)

func TestParagraphs(t *testing.T) {
	tests := []struct {
		line string
		want BlockKind
	}{
		{"一、总体要求", Heading1},
		{"十二、其他事项", Heading1},
		{"二十一、附则", Heading1},
		{"（一）严格期限管理。案件受理后……", Heading2},
		{"(三)半角括号也算", Heading2},
		{"1.违法货值金额为25.5元", Heading3},
		{"2．全角点", Heading3},
		{"12.两位序号", Heading3},
		{"１．全角数字", Heading3},
		{"（1）第四层", Heading4},
		{"(12)半角括号", Heading4},
		{"1.5万元以下罚款", Para},
		{"2023年10月8日作出决定", Para},
		{"一是加强领导", Para},
		{"（一个月内）答复", Para},
		{"一、", Heading1},
		{"第一条 为了规范……", Para},
		{"申请人称：……", Para},
		{"（）空括号", Para},
	}
	for _, tt := range tests {
		got := Paragraphs(tt.line)
		if len(got) != 1 || got[0].Kind != tt.want || got[0].Text != tt.line {
			t.Errorf("Paragraphs(%q) = %v, want one %v block", tt.line, got, tt.want)
		}
	}
}

func TestParagraphsSplitsAndTrims(t *testing.T) {
	text := "　　第一段正文。\r\n\n  一、标题  \n\n\n（一）小标题\n第二段\n"
	want := []Block{
		{Para, "第一段正文。"},
		{Heading1, "一、标题"},
		{Heading2, "（一）小标题"},
		{Para, "第二段"},
	}
	if got := Paragraphs(text); !reflect.DeepEqual(got, want) {
		t.Errorf("Paragraphs = %v\nwant %v", got, want)
	}
	if got := Paragraphs(" \n\t\n"); got != nil {
		t.Errorf("blank text gave %v", got)
	}
}

func TestNumberText(t *testing.T) {
	tests := []struct {
		prefix    string
		year, seq int
		want      string
	}{
		{"某政复", 2024, 12, "某政复〔2024〕12号"},
		{"某司法", 2023, 1, "某司法〔2023〕1号"}, // no 虚位: not 01
		{"某政发", 2024, 105, "某政发〔2024〕105号"},
		{"某政复", 2024, 0, "某政复〔2024〕　号"},
	}
	for _, tt := range tests {
		if got := NumberText(tt.prefix, tt.year, tt.seq); got != tt.want {
			t.Errorf("NumberText(%q, %d, %d) = %q, want %q", tt.prefix, tt.year, tt.seq, got, tt.want)
		}
	}
}

func TestBlockKindString(t *testing.T) {
	for k, want := range map[BlockKind]string{Para: "Para", Heading4: "Heading4", Right: "Right", BlockKind(99): "BlockKind(99)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(k), got, want)
		}
	}
}
