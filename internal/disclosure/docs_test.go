package disclosure

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
)

// TestReplyDocuments: each step drafts its notice; every 答复告知书 states its legal basis and the
// remedies (复议 60 days — 行政复议法第二十条 — before the organ's government; 诉讼 6 months —
// 行政诉讼法第四十六条); the organ's address and phone come from its profile; a refusal without
// reasons cannot issue until they are written.
func TestReplyDocuments(t *testing.T) {
	f := newFixture(t)
	f.svc.SetClock(func() time.Time { return time.Date(2025, 12, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	p := f.login("qs_zrj")
	o, _ := f.org.ByCode(organCode)
	gov, _ := f.org.GovernmentOf(o)
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return f.org.UpdateProfile(f.ctx, tx, o.ID, org.Profile{Address: "青山县人民路1号", Postcode: "100001", Phone: "0100-1234567"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.org.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	docs := func(id string) []officialdoc.Document {
		t.Helper()
		return must(f.svc.Documents(f.ctx, id))
	}
	for _, def := range Replies {
		if def.Closing() || def.Type == "unable_unclear" || def.Type == "partial" {
			continue
		}
		x := f.register(p, "2025-06-03", ChannelOnline)
		x = must(f.svc.Reply(f.ctx, p, x.ID, &ReplyInput{Step: st("2025-06-10"), Type: def.Type, Basis: def.Bases[0]}))
		ds := docs(x.ID)
		if len(ds) != 1 || ds[0].Kind != replyDoc[def.Group.Key] {
			t.Fatalf("%s: drafted %+v", def.Type, ds)
		}
		body := ds[0].Body
		remedies := []string{"六十日内向" + gov.Name + "申请行政复议（《中华人民共和国行政复议法》第二十条）",
			"六个月内向有管辖权的人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）"}
		if def.Group == GroupWithhold { // 复议前置 (行政复议法第二十三条第一款第（四）项): no direct suit offered
			remedies = []string{"应当先自收到本告知书之日起六十日内向" + gov.Name + "申请行政复议（《中华人民共和国行政复议法》第二十条、第二十三条第一款第（四）项）",
				"自收到行政复议决定书之日起十五日内向有管辖权的人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十五条）"}
			if strings.Contains(body, "第四十六条") {
				t.Errorf("%s: a refusal offers a direct suit", def.Type)
			}
		}
		for _, want := range append(remedies, def.Bases[0], "联系地址：青山县人民路1号（邮政编码：100001）；联系电话：0100-1234567", x.ReceiptNo) {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body lacks %q:\n%s", def.Type, want, body)
			}
		}
		if ds[0].Recipient != "张三：" {
			t.Errorf("%s: recipient %q", def.Type, ds[0].Recipient)
		}
		// a refusal needs its reasons written by the clerk (第三十六条第（三）项)
		needsReasons := def.Group == GroupWithhold || def.Type == "other"
		if got := officialdoc.Placeholder.MatchString(body); got != needsReasons {
			t.Errorf("%s: placeholder %v, want %v", def.Type, got, needsReasons)
		}
	}

	// 部分公开 with its redaction note; issuing freezes a 文号
	x := f.register(p, "2025-06-03", ChannelOnline)
	x = must(f.svc.Reply(f.ctx, p, x.ID, &ReplyInput{Step: st("2025-06-10"), Type: "partial", Text: "第3页涉及个人隐私的姓名、身份证号已作遮盖处理（第十五条）"}))
	d := docs(x.ID)[0]
	if !strings.Contains(d.Body, "第3页涉及个人隐私") || d.Title != "政府信息部分公开告知书" ||
		!strings.Contains(d.Body, "如对本答复中不予公开的部分不服，应当先") || !strings.Contains(d.Body, "如对本答复的其他内容不服，可以") {
		t.Errorf("partial: %s %s", d.Title, d.Body)
	}
	is := must(f.svc.Room().Issue(f.ctx, p, d.ID, nil))
	if !strings.Contains(is.Number, "部公告〔2025〕1号") {
		t.Errorf("number %q", is.Number)
	}

	// 补正告知书, 延期答复告知书, 征求第三方意见函, 收费通知书, and the 不再处理 notice after the lapse
	a := f.register(p, "2025-06-03", ChannelOnline)
	a = must(f.svc.Amend(f.ctx, p, a.ID, &AmendInput{Step: st("2025-06-05"), Items: "写明地块编号", Days: 10}))
	a = must(f.svc.Abandon(f.ctx, p, a.ID, ptr(st("2025-06-20"))))
	if ds := docs(a.ID); len(ds) != 2 || ds[0].Kind != DocAmendNotice || ds[1].Kind != DocReplyOther ||
		!strings.Contains(ds[0].Body, "写明地块编号") || !strings.Contains(ds[0].Body, "请于2025年6月19日前补正") ||
		!strings.Contains(ds[1].Body, "补正期限至2025年6月19日") || !strings.Contains(ds[1].Body, "视为放弃申请") {
		t.Errorf("amend and abandon: %+v", ds)
	}
	e := f.register(p, "2025-06-03", ChannelOnline)
	e = must(f.svc.Extend(f.ctx, p, e.ID, &ExtendInput{Step: st("2025-06-10"), Days: 10, Approver: "王主任"}))
	due, _ := e.ReplyDue(f.svc.Calendar())
	if ds := docs(e.ID); len(ds) != 1 || ds[0].Kind != DocExtension || !strings.Contains(ds[0].Body, "延长10个工作日，本机关将于"+cn(due)+"前作出答复") ||
		!strings.Contains(ds[0].Body, "第三十三条第二款") {
		t.Errorf("extension: %+v", ds)
	}
	c := f.register(p, "2025-06-03", ChannelOnline)
	c = must(f.svc.Consult(f.ctx, p, c.ID, &ConsultInput{Step: st("2025-06-04"), Kind: "third_party", Party: "某商贸有限公司"}))
	if ds := docs(c.ID); len(ds) != 1 || ds[0].Recipient != "某商贸有限公司：" || ds[0].Title != "政府信息公开征求第三方意见函" ||
		!strings.Contains(ds[0].Body, "第三十二条") || !strings.Contains(ds[0].Body, "2025年6月25日前") {
		t.Errorf("consultation letter: %+v", ds)
	}
	fe := f.register(p, "2025-06-03", ChannelOnline)
	fe = must(f.svc.FeeNotice(f.ctx, p, fe.ID, &FeeInput{Step: st("2025-06-04"), Mode: FeeByVolume, Pages: 60}))
	if ds := docs(fe.ID); len(ds) != 1 || ds[0].Kind != DocFeeNotice || !strings.Contains(ds[0].Body, "共60页") ||
		!strings.Contains(ds[0].Body, fmt.Sprintf("应缴信息处理费%d元", FeeFor(FeeByVolume, 60))) || !strings.Contains(ds[0].Body, "国办函〔2020〕109号") {
		t.Errorf("fee notice: %+v", ds)
	} else if _, err := f.svc.Room().Issue(f.ctx, p, ds[0].ID, nil); err == nil || !strings.Contains(err.Error(), "缴费方式") {
		t.Errorf("a fee notice without the payment details issued: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
