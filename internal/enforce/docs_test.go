package enforce

import (
	"errors"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// A matter's 监督意见书 and 监督决定书: drafted by their steps with the body's address and head
// from the organ profile and the rectification period with its basis; drafts editable and seen only
// by the supervisors; issued documents numbered by the 司法局 and frozen.
func TestSupervisionDocuments(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	if err := f.m.d.DB.Tx(f.ctx, func(tx *db.Tx) error {
		return f.org.UpdateProfile(f.ctx, tx, f.organ("990121-GAJ").ID, org.Profile{Address: "青山县人民路1号", Postcode: "330100", LegalRep: "赵刚", LegalRepTitle: "局长"})
	}); err != nil {
		t.Fatal(err)
	}
	x, err := f.m.OpenMatter(f.ctx, p, MatterInput{Step: casework.Step{OnText: "2025-10-20"}, BodyID: gaj.ID, Source: "warning", Title: "行政处罚决定未按期公示"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Advance(f.ctx, p, x.ID, "opinion", MatterStep{casework.Step{OnText: "2025-10-15", Note: "x"}}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("opinion before the matter was opened: %v", err)
	}
	if x, err = f.m.Advance(f.ctx, p, x.ID, "opinion", MatterStep{casework.Step{OnText: "2025-11-03", Note: "2025年有3件行政处罚决定超过7个工作日公示。"}}); err != nil {
		t.Fatal(err)
	}
	// 30 days from 2025-11-03 is Wednesday 2025-12-03.
	if x.State != MatterRectify || x.RectifyDue.String() != "2025-12-03" {
		t.Fatalf("%+v", x)
	}
	// The body's liaison is told of the 意见书 and its period; nobody else (not the 司法局's staff,
	// not another department's liaison).
	if got := f.inbox("/enforce/matters/" + x.ID); f.recipients("/enforce/matters/"+x.ID) != "qs_gaj" ||
		!strings.Contains(got[0], "行政执法监督意见书：行政处罚决定未按期公示") || !strings.Contains(got[0], "整改期限 30 日，请于 2025-12-03 前整改") {
		t.Fatalf("messages %q", got)
	}
	ds, err := f.m.MatterDocuments(f.ctx, p, x)
	if err != nil || len(ds) != 1 || ds[0].Kind != DocOpinion || ds[0].Issued() {
		t.Fatalf("%v %+v", err, ds)
	}
	op := ds[0]
	for _, want := range []string{"被监督单位：青山县公安局", "地址：青山县人民路1号（邮编 330100）", "法定代表人：赵刚（局长）",
		"2025年有3件行政处罚决定超过7个工作日公示。", "30日内（2025年12月3日前）", "整改期限依据：" + SettingRectifyDays.Basis} {
		if !strings.Contains(op.Body, want) {
			t.Errorf("意见书 lacks %q:\n%s", want, op.Body)
		}
	}
	if op.Recipient != "青山县公安局：" {
		t.Errorf("recipient %q", op.Recipient)
	}
	v, err := f.m.docs.View(f.ctx, p, op.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Layout.Signer != f.m.supervisor(gaj.OrganID).Name || !strings.Contains(v.Layout.Signer, "司法局") {
		t.Errorf("signed by %q", v.Layout.Signer)
	}
	// The body's liaison does not see the draft.
	liaison := f.login("qs_gaj")
	if seen, err := f.m.MatterDocuments(f.ctx, liaison, x); err != nil || len(seen) != 0 {
		t.Fatalf("liaison sees drafts: %v %d", err, len(seen))
	}
	if _, err := f.m.docs.View(f.ctx, liaison, op.ID); !errors.Is(err, fault.NotFound) {
		t.Fatalf("liaison opened a draft: %v", err)
	}
	// The 【请写明监督意见】 mark blocks issue; once written, the draft is issued and frozen.
	if _, err := f.m.IssueDocument(f.ctx, p, op.ID); err == nil || !strings.Contains(err.Error(), "【请写明监督意见】") {
		t.Fatalf("issued with a blank: %v", err)
	}
	body := strings.Replace(op.Body, "【请写明监督意见】", "自查本年度全部行政处罚案件的公示情况，逾期的立即公示。", 1)
	saved, err := f.m.SaveDocument(f.ctx, p, op.ID, DocumentInput{Title: op.Title, Recipient: op.Recipient, Body: body, UpdatedAt: op.UpdatedAt})
	if err != nil {
		t.Fatal(err)
	}
	issued, err := f.m.IssueDocument(f.ctx, p, op.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !issued.Issued() || !strings.Contains(issued.Number, "执监意〔2025〕1号") {
		t.Fatalf("%+v", issued)
	}
	if _, err := f.m.SaveDocument(f.ctx, p, op.ID, DocumentInput{Title: op.Title, Recipient: op.Recipient, Body: "改", UpdatedAt: saved.UpdatedAt}); err == nil {
		t.Fatal("an issued document was changed")
	}
	if seen, err := f.m.MatterDocuments(f.ctx, liaison, x); err != nil || len(seen) != 1 {
		t.Fatalf("liaison does not see the issued 意见书: %v %d", err, len(seen))
	}
	if _, _, err := f.m.DocumentDOCX(f.ctx, liaison, op.ID); err != nil {
		t.Fatal(err)
	}
	// The body reports; the re-check finds it not done: a 决定书, the period running anew.
	if x, err = f.m.Advance(f.ctx, p, x.ID, "report", MatterStep{casework.Step{OnText: "2025-12-01", Note: "已公示2件"}}); err != nil {
		t.Fatal(err)
	}
	if x, err = f.m.Advance(f.ctx, p, x.ID, "decision", MatterStep{casework.Step{OnText: "2025-12-10", Note: "仍有1件未公示。"}}); err != nil {
		t.Fatal(err)
	}
	// 2025-12-10 + 30 = Friday 2026-01-09.
	if x.State != MatterRectify || x.DecisionOn.String() != "2025-12-10" || x.RectifyDue.String() != "2026-01-09" || !x.ReportOn.IsZero() {
		t.Fatalf("%+v", x)
	}
	if got := f.inbox("/enforce/matters/" + x.ID); f.recipients("/enforce/matters/"+x.ID) != "qs_gaj qs_gaj" ||
		!strings.Contains(got[1], "行政执法监督决定书") || !strings.Contains(got[1], "2025-12-10 制发") || !strings.Contains(got[1], "请于 2026-01-09 前") {
		t.Fatalf("messages after the 决定书 %q", got)
	}
	ds, _ = f.m.MatterDocuments(f.ctx, p, x)
	var dec *Document
	for i := range ds {
		if ds[i].Kind == DocDecision {
			dec = &ds[i]
		}
	}
	if dec == nil || dec.Recipient != "" || !strings.Contains(dec.Body, "本机关于2025年11月3日制发行政执法监督意见书") ||
		!strings.Contains(dec.Body, "仍有1件未公示。") || !strings.Contains(dec.Body, "30日内（2026年1月9日前）") {
		t.Fatalf("%+v", dec)
	}
	// Closing needs the report first.
	if _, err := f.m.Advance(f.ctx, p, x.ID, "close", MatterStep{casework.Step{OnText: "2025-12-20", Note: "复查"}}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("closed while rectifying: %v", err)
	}
}
