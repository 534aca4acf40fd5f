package docgen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

// sampleDecision is a 行政复议决定书 to a citizen: no red header, title over two
// lines, 文号 right-aligned, sealed signature, no 版记.
func sampleDecision() Document {
	parties := []Block{
		{Plain, "申请人：张三，男，1980年5月6日出生，汉族，住某某县城关镇幸福路8号。"},
		{Plain, "被申请人：某某县市场监督管理局，住所地某某县人民路1号。"},
		{Plain, "法定代表人：李四，局长。"},
	}
	body := Paragraphs(`申请人不服被申请人于2023年10月8日作出的《行政处罚决定书》（某市监罚〔2023〕45号），于2023年11月20日向本机关申请行政复议，本机关依法已予受理。本案现已审查终结。

申请人请求：撤销被申请人作出的某市监罚〔2023〕45号《行政处罚决定书》。

申请人称：其经营的小超市销售的预包装食品均有合法进货凭证，被申请人认定其销售超过保质期食品的事实不清，且未告知其陈述、申辩的权利，程序违法。

被申请人称：2023年9月15日，执法人员在申请人经营场所检查时，发现货架上摆放超过保质期的饼干3袋，已制作现场笔录并拍照取证；作出处罚决定前已依法送达《行政处罚告知书》，程序合法。

经审理查明：

一、关于事实认定

（一）关于违法行为是否存在。现场笔录、照片和申请人的询问笔录能够相互印证，足以认定申请人销售超过保质期食品的事实。

（二）关于处罚幅度。

1.违法货值金额为25.5元，情节轻微。

2．申请人系初次违法，且及时改正。

二、关于程序

被申请人提交的送达回证显示，《行政处罚告知书》已于2023年9月20日由申请人本人签收，申请人关于未被告知陈述、申辩权利的主张不能成立。

本机关认为，被申请人作出的行政处罚决定认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当。根据《中华人民共和国行政复议法》第六十八条的规定，本机关决定如下：

维持被申请人作出的某市监罚〔2023〕45号《行政处罚决定书》。

申请人如不服本决定，可以自收到本决定书之日起15日内向某某县人民法院提起行政诉讼。`)
	return Document{
		Number: NumberText("某政复", 2024, 12),
		Title:  "某某县人民政府\n行政复议决定书",
		Body:   append(parties, body...),
		Signer: "某某县人民政府",
		Date:   calendar.MustDate("2024-01-26"),
	}
}

// sampleNotice is an internal 通知 with the red 版头, 主送, attachments, a full
// 版记 and the draft label.
func sampleNotice() Document {
	return Document{
		Header:    "某某县人民政府文件",
		Number:    NumberText("某政发", 2024, 3),
		Title:     "某某县人民政府关于做好2024年度\n行政复议案件办理工作的通知",
		Recipient: "各乡镇人民政府，县政府各部门：",
		Body: Paragraphs(`为进一步规范行政复议案件办理工作，现将有关事项通知如下：
一、提高思想认识。各单位要充分认识行政复议化解行政争议的主渠道作用。
二、规范办案程序
（一）严格期限管理。案件受理后应当在法定期限内审结。
（二）加强证据审查。
三、工作要求
请各单位于2024年3月1日前将联系人报县司法局（电话：1234567，邮箱：fy@example.gov.cn）。`),
		Attachments: []string{"行政复议案件办理流程图", "某某县行政复议案件办理工作联系人名单（请各单位于规定时间内填报并加盖公章后报送县司法局）。"},
		Signer:      "某某县人民政府",
		Date:        calendar.MustDate("2024-02-05"),
		CopyTo:      []string{"县委办公室", "县人大常委会办公室", "县政协办公室", "县法院", "县检察院", "市司法局行政复议与应诉科"},
		Printer:     "某某县人民政府办公室",
		PrintDate:   calendar.MustDate("2024-02-05"),
		Draft:       true,
	}
}

// TestRender writes the samples for a look at the real rendering
// (Debian: libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils):
//
//	FAZHI_RENDER=1 go test ./internal/docgen -run TestRender
//	cd /tmp && FONTCONFIG_FILE=$PWD/internal/docgen/testdata/render-fonts.conf \
//	  soffice --headless --convert-to pdf sample.docx sample-notice.docx sample.xlsx
//	pdftoppm -png -r 60 sample.pdf sample
//
// render-fonts.conf maps the GB/T 9704 font names to free stand-ins (仿宋 →
// Noto Serif CJK, 黑体 → Noto Sans CJK, 楷体 → AR PL UKai) so that heading
// levels stay distinguishable; the DOCX keeps the real names.
func TestRender(t *testing.T) {
	if os.Getenv("FAZHI_RENDER") != "1" {
		t.Skip("set FAZHI_RENDER=1 to write /tmp/sample.docx, /tmp/sample-notice.docx and /tmp/sample.xlsx")
	}
	for name, d := range map[string]Document{"sample.docx": sampleDecision(), "sample-notice.docx": sampleNotice()} {
		data, err := d.DOCX()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(os.TempDir(), name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := XLSX(sampleLedger())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(os.TempDir(), "sample.xlsx"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sampleLedger() Sheet {
	return Sheet{
		Name:   "行政复议案件台账",
		Title:  "某某县人民政府2024年行政复议案件台账",
		Header: []string{"序号", "案号", "申请人", "被申请人", "收案日期", "审理期限届满", "结案方式", "是否结案", "备注"},
		Rows: [][]any{
			{1, "某政复〔2024〕12号", "张三", "某某县市场监督管理局", calendar.MustDate("2023-11-20"), calendar.MustDate("2024-01-19"), "维持", true, nil},
			{2, "某政复〔2024〕13号", "某某建材有限公司", "某某县自然资源局", calendar.MustDate("2023-12-04"), calendar.MustDate("2024-02-02"), "", false, "已延期30日，申请人补正材料"},
		},
	}
}
