package reconsider

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// -update rewrites the golden files. Registered in init, and only if another test file of
// the package has not already declared it, so two golden tests never fight over the name.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// memBlobs is an in-memory Blobs.
type memBlobs map[string][]byte

func (m memBlobs) Put(_ context.Context, _ *db.Tx, _ officialdoc.FileOwner, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	m[h] = append([]byte(nil), data...)
	return h, nil
}

func (m memBlobs) Open(_ context.Context, h string) (io.ReadCloser, error) {
	b, ok := m[h]
	if !ok {
		return nil, errors.New("missing blob")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// setContact gives the 复议机关 of the demo county its phone and address, so notices
// have no contact placeholder left.
func (f *fixture) setContact() {
	f.t.Helper()
	gov := f.organ("990121-GOV")
	err := f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		for k, v := range map[string]string{SettingContactPhone.Key: "0799-1234567", SettingContactAddress.Key: "青山县人民路1号县司法局行政复议室"} {
			if err := tx.Exec(f.ctx, `INSERT INTO settings (organ_id, key, value) VALUES (?, ?, ?)`, gov.ID, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) docs(caseID string) []Document {
	f.t.Helper()
	ds, err := f.svc.docs.List(f.ctx, f.svc.db, caseID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ds
}

// Every transition drafts the documents the law calls for, addressed and worded from the case.
func TestDraftsPerAction(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	gaj := f.organ("990121-GAJ")
	type step struct {
		name  string
		do    func(c *Case) (*Case, error)
		kinds []string // drafts this step adds, in order
		want  []string // phrases the (first) new draft must contain
		recip string   // its 主送
	}
	c := f.register(staff, "2024-09-20", 0, "行政处罚")
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-09-23")}, "1. 身份证明复印件；（2）被申请行政复议的行政行为文书"))
	c = must(t)(f.svc.ReceiveAmendment(f.ctx, staff, c.ID, Step{On: date("2024-09-24")}))
	amend := f.docs(c.ID)
	if len(amend) != 1 || amend[0].Kind != DocAmendNotice {
		t.Fatalf("after amendment: %+v", amend)
	}
	for _, w := range []string{"1．身份证明复印件。\n2．被申请行政复议的行政行为文书。", "十日内", "第三十一条", "视为你放弃行政复议申请", "0799-1234567"} {
		if w == "0799-1234567" {
			if strings.Contains(amend[0].Body, w) {
				t.Error("no contact phone is set yet")
			}
			// No office phone set: the 复议机关's own, from its organ profile.
			if own := f.organ("990121-GOV").Phone; own == "" || !strings.Contains(amend[0].Body, "联系电话："+own) {
				t.Errorf("without an office phone the organ's profile phone %q should be printed", own)
			}
			continue
		}
		if !strings.Contains(amend[0].Body, w) {
			t.Errorf("补正通知书 lacks %q:\n%s", w, amend[0].Body)
		}
	}
	f.setContact()

	steps := []step{
		{"accept", func(c *Case) (*Case, error) {
			return f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-09-25")}, Procedure: Ordinary})
		}, []string{DocAcceptNotice, DocReplyNotice}, []string{"青政复〔2024〕1号", "第三十条第一款", "六十日内", "2024年9月25日起予以受理", "0799-1234567"}, "张三："},
		{"send_copy", func(c *Case) (*Case, error) { return f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2024-09-26")}) }, nil, nil, ""},
		{"reply", func(c *Case) (*Case, error) {
			return f.svc.FileReply(f.ctx, f.login("qs_gaj"), c.ID, ReplyInput{Step: Step{On: date("2024-09-27")}, Text: "处罚认定事实清楚"})
		}, nil, nil, ""},
		{"hearing", func(c *Case) (*Case, error) {
			return f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingFormal, NoticeOn: "2024-09-27", HeldOn: "2024-10-11", Panel: "王一、李二、赵三", Place: "县司法局听证室"})
		}, []string{DocHearingNotice}, []string{"2024年10月11日", "县司法局听证室", "主持人王一，听证员李二、赵三", "被申请人的负责人应当参加听证", "视为放弃听证权利", "第五十一条"}, "申请人张三、被申请人青山县公安局："},
		{"views", func(c *Case) (*Case, error) {
			return f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "phone", HeldOn: "2024-10-12"})
		}, nil, nil, ""},
		{"suspend", func(c *Case) (*Case, error) {
			return f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-10-14")}, Ground: 8})
		}, []string{DocSuspendNotice}, []string{"第三十九条第一款第八项", "其他案件的审理结果", "2024年10月14日起中止", "青政复〔2024〕1号"}, "申请人张三、被申请人青山县公安局："},
		{"resume", func(c *Case) (*Case, error) { return f.svc.Resume(f.ctx, staff, c.ID, Step{On: date("2024-11-04")}) },
			[]string{DocResumeNotice}, []string{"2024年10月14日起中止", "第三十九条第二款", "2024年11月4日起恢复审理"}, "申请人张三、被申请人青山县公安局："},
		{"extend", func(c *Case) (*Case, error) {
			return f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2024-11-20"), Note: "案件涉及多项专业鉴定"}, Days: 30, Approver: "李局长"})
		}, []string{DocExtensionNotice}, []string{"因案件涉及多项专业鉴定", "延长三十日", "第六十二条第一款"}, "申请人张三、被申请人青山县公安局："},
		{"opinion", func(c *Case) (*Case, error) {
			return f.svc.IssueOpinion(f.ctx, staff, c.ID, OpinionInput{Step: Step{On: date("2024-11-21")}, RecipientID: gaj.ID, Content: "执法记录仪未全程记录，应当规范现场执法。"})
		}, []string{DocOpinion}, []string{"执法记录仪未全程记录", "六十日内", "第七十六条"}, "青山县公安局："},
		{"decide", func(c *Case) (*Case, error) {
			return f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-12-02")}, Outcome: Revoke, PerformanceDue: "2025-01-31"})
		}, []string{DocDecision}, []string{"申请人：张三，男，1990年3月7日出生", "被申请人：青山县公安局", "申请人请求：撤销该处罚决定", "申请人称：事实不清", "被申请人称：处罚认定事实清楚",
			"本机关查明：【请", "第六十四条", "撤销被申请人作出的青公（治）决字〔2024〕2024-09-20号行政处罚决定，并责令被申请人于2025年1月31日前重新作出行政行为。", "如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。"}, ""},
	}
	// The extension notice must give the new due date: 60 days from 09-25 = 11-24, +21 paused (10-14..11-03 with resume on 11-04) …
	// rather than recount here, it is read back from the case after the step.
	for _, st := range steps {
		before := len(f.docs(c.ID))
		var err error
		c, err = st.do(c)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		ds := f.docs(c.ID)[before:]
		if len(ds) != len(st.kinds) {
			t.Fatalf("%s: %d new drafts %+v, want %v", st.name, len(ds), ds, st.kinds)
		}
		for i, k := range st.kinds {
			if ds[i].Kind != k || ds[i].Status != DocDraft || ds[i].Number != "" {
				t.Errorf("%s: draft %d is %s/%s/%q, want a %s draft without number", st.name, i, ds[i].Kind, ds[i].Status, ds[i].Number, k)
			}
			if ds[i].Title != ds[i].KindName() {
				t.Errorf("%s: title %q", st.name, ds[i].Title)
			}
		}
		if len(ds) == 0 {
			continue
		}
		for _, w := range st.want {
			if !strings.Contains(ds[0].Body, w) {
				t.Errorf("%s: %s lacks %q:\n%s", st.name, ds[0].Kind, w, ds[0].Body)
			}
		}
		if ds[0].Recipient != st.recip {
			t.Errorf("%s: recipient %q, want %q", st.name, ds[0].Recipient, st.recip)
		}
		switch st.name {
		case "accept":
			for _, w := range []string{"申请人张三不服你单位于2024年1月2日作出的", "第四十八条", "十日内", "附件：行政复议申请书副本", "第七十条"} {
				if !strings.Contains(ds[1].Body, w) {
					t.Errorf("答复通知书 lacks %q:\n%s", w, ds[1].Body)
				}
			}
			if ds[1].Recipient != "青山县公安局：" {
				t.Errorf("答复通知书 goes to %q", ds[1].Recipient)
			}
		case "extend":
			if want := c.Due.Decision.Chinese() + "前作出行政复议决定"; !strings.Contains(ds[0].Body, want) {
				t.Errorf("延期通知书 lacks the new due date %q:\n%s", want, ds[0].Body)
			}
		case "opinion":
			d, _ := f.svc.Detail(f.ctx, staff, c.ID)
			if len(d.Opinions) != 1 || d.Opinions[0].DocumentID != ds[0].ID {
				t.Errorf("the 意见书 record does not point at its document: %+v", d.Opinions)
			}
		}
	}

	// Other endings: 不予受理, simplified procedure and 调解, 终止, 第七十条.
	others := []struct {
		name string
		do   func(c *Case) (*Case, error)
		kind string
		want []string
		not  []string
	}{
		{"reject", func(c *Case) (*Case, error) {
			return f.svc.Reject(f.ctx, staff, c.ID, RejectInput{Step: Step{On: date("2024-03-04")}, Ground: "不属于本机关管辖。", Competent: "示范市人民政府"})
		}, DocRejection, []string{"经审查，本机关认为：不属于本机关管辖，该申请不符合", "申请人可以向示范市人民政府申请行政复议", "第三十条第二款", "本机关决定不予受理", "如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼"}, []string{"不属于本机关管辖。，"}},
		{"mediate", func(c *Case) (*Case, error) {
			c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-03-04")}, Procedure: Simplified, SimplifiedGround: 3}))
			ds := f.docs(c.ID)
			reply := ds[len(ds)-1]
			if reply.Kind != DocReplyNotice || !strings.Contains(reply.Body, "第五十四条") || !strings.Contains(reply.Body, "五日内") || !strings.Contains(f.docs(c.ID)[0].Body, "简易程序") {
				t.Errorf("simplified procedure notices:\n%s\n%s", ds[0].Body, reply.Body)
			}
			return f.svc.Mediate(f.ctx, staff, c.ID, MediateInput{Step: Step{On: date("2024-03-20")}, Agreement: "被申请人将罚款由二百元变更为一百元。", PerformanceDue: "2024-04-30"})
		}, DocMediation, []string{"当事人自愿达成如下协议：\n被申请人将罚款由二百元变更为一百元。", "2024年4月30日前履行", "即具有法律效力", "申请人（签字或者签章）："}, []string{"如不服本决定"}},
		{"terminate", func(c *Case) (*Case, error) {
			c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-03-04")}, Procedure: Ordinary}))
			return f.svc.Terminate(f.ctx, staff, c.ID, TerminateInput{Step: Step{On: date("2024-03-20")}, Ground: 1, Settled: true})
		}, DocTermination, []string{"自愿达成和解", "准予撤回", "第四十一条第一项", "终止本案的行政复议"}, nil},
		{"no reply", func(c *Case) (*Case, error) {
			c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-03-04")}, Procedure: Ordinary}))
			c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2024-03-05")}))
			c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-03-07")}, Doc: ServedCopy, Method: ServePost}))
			f.heard(c.ID, "2024-03-25")
			return f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-04-01")}, Outcome: DeclareUnlawful, NoReply: true})
		}, DocDecision, []string{"被申请人未在法定期限内提出书面答复", "视为该行政行为没有证据、依据", "第七十条", "确认被申请人作出的"}, []string{"第六十五条"}},
		{"dismiss application", func(c *Case) (*Case, error) {
			c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-03-04")}, Procedure: Ordinary}))
			f.heard(c.ID, "2024-03-25")
			return f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-04-01")}, Outcome: DismissApplication})
		}, DocDecision, []string{"第三十三条", "驳回申请人的行政复议申请。"}, nil},
	}
	for _, o := range others {
		c := f.register(staff, "2024-03-01", 200, "行政处罚")
		c, err := o.do(c)
		if err != nil {
			t.Fatalf("%s: %v", o.name, err)
		}
		ds := f.docs(c.ID)
		last := ds[len(ds)-1]
		if last.Kind != o.kind {
			t.Fatalf("%s: last draft %s, want %s", o.name, last.Kind, o.kind)
		}
		for _, w := range o.want {
			if !strings.Contains(last.Body, w) {
				t.Errorf("%s: lacks %q:\n%s", o.name, w, last.Body)
			}
		}
		for _, w := range o.not {
			if strings.Contains(last.Body, w) {
				t.Errorf("%s: must not contain %q:\n%s", o.name, w, last.Body)
			}
		}
	}

	// Steps that call for no document add none.
	c2 := f.register(staff, "2024-05-06", 0, "行政处罚")
	must(t)(f.svc.CloseOther(f.ctx, staff, c2.ID, OtherInput{Step: Step{On: date("2024-05-07")}, Kind: "withdraw"}))
	if ds := f.docs(c2.ID); len(ds) != 0 {
		t.Errorf("a withdrawal before acceptance drafts nothing, got %+v", ds)
	}
}

// Deemed acceptance by the scheduler drafts the same notices, with the deemed wording.
func TestDeemedAcceptanceDrafts(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-27", 0, "行政处罚")
	if n, err := f.svc.DeemAccepted(f.ctx); err != nil || n != 1 {
		t.Fatalf("deemed %d, %v", n, err)
	}
	ds := f.docs(c.ID)
	if len(ds) != 2 || ds[0].Kind != DocAcceptNotice || ds[1].Kind != DocReplyNotice {
		t.Fatalf("drafts %+v", ds)
	}
	if !strings.Contains(ds[0].Body, "第三十条第三款的规定，该申请自2024年10月10日起视为受理") {
		t.Errorf("deemed wording missing:\n%s", ds[0].Body)
	}
	if ds[0].CreatedBy != "" {
		t.Errorf("created by %q, want the system", ds[0].CreatedBy)
	}
}

func docByKind(t *testing.T, ds []Document, kind string) Document {
	t.Helper()
	for _, d := range ds {
		if d.Kind == kind {
			return d
		}
	}
	t.Fatalf("no %s among %d documents", kind, len(ds))
	return Document{}
}

// Numbers are given at issue time, per organ, kind and year, without gaps.
func TestIssueNumbersPerKind(t *testing.T) {
	f := newFixture(t)
	f.setContact()
	staff := f.login("qs_fy")
	blobs := memBlobs{}
	var cases []*Case
	for _, day := range []string{"2025-03-03", "2025-03-04", "2025-03-05"} {
		c := f.register(staff, day, 0, "行政处罚")
		cases = append(cases, must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date(day)}, Procedure: Ordinary})))
	}
	issue := func(id string) *Document {
		t.Helper()
		d, err := f.svc.IssueDocument(f.ctx, staff, id, blobs)
		if err != nil {
			t.Fatalf("issue: %v", err)
		}
		return d
	}
	// Issue out of case order: the number follows the issue, not the case.
	order := []int{2, 0, 1}
	for i, ci := range order {
		d := issue(docByKind(t, f.docs(cases[ci].ID), DocAcceptNotice).ID)
		if want := "青政复受〔2025〕" + string(rune('1'+i)) + "号"; d.Number != want {
			t.Errorf("accept notice %d: %s, want %s", i, d.Number, want)
		}
	}
	d := issue(docByKind(t, f.docs(cases[1].ID), DocReplyNotice).ID)
	if d.Number != "青政复答〔2025〕1号" {
		t.Errorf("the first reply notice is %s", d.Number)
	}
	// A failed issue (placeholder left) must not use up a number.
	f.heard(cases[0].ID, "2025-03-28")
	c := must(t)(f.svc.Decide(f.ctx, staff, cases[0].ID, DecideInput{Step: Step{On: date("2025-04-01")}, Outcome: Uphold}))
	dec := docByKind(t, f.docs(c.ID), DocDecision)
	var fe *fault.Fields
	if _, err := f.svc.IssueDocument(f.ctx, staff, dec.ID, blobs); !errors.As(err, &fe) || !strings.Contains(fe.Fields["body"], "【请填写本机关查明的事实") {
		t.Fatalf("a decision with placeholders must not issue, got %v", err)
	}
	filled := officialdoc.Placeholder.ReplaceAllString(dec.Body, "经查，事实清楚")
	if _, err := f.svc.SaveDocument(f.ctx, staff, dec.ID, DocumentInput{Title: dec.Title, Body: filled}); err != nil {
		t.Fatal(err)
	}
	d = issue(dec.ID)
	if d.Number != c.Number || d.Number != "青政复〔2025〕1号" {
		t.Errorf("the decision carries the case number %s, got %s", c.Number, d.Number)
	}
	d = issue(docByKind(t, f.docs(cases[2].ID), DocReplyNotice).ID)
	if d.Number != "青政复答〔2025〕2号" {
		t.Errorf("the second reply notice is %s", d.Number)
	}
	// The frozen file is stored and recorded on the case's timeline and in the audit log.
	if _, ok := blobs[d.SHA256]; !ok || len(blobs) != 6 {
		t.Errorf("blob %s stored: %v (%d blobs)", d.SHA256, ok, len(blobs))
	}
	det, _ := f.svc.Detail(f.ctx, staff, cases[2].ID)
	var ev *casework.Event
	for i := range det.Events {
		if det.Events[i].Action == "issue_document" && det.Events[i].RefID == d.ID {
			ev = &det.Events[i]
		}
	}
	if ev == nil || !strings.Contains(ev.Note, "青政复答〔2025〕2号") || ev.On.String() != "2025-06-30" {
		t.Errorf("issue event %+v", ev)
	}
	var n int
	f.svc.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'reconsider.issue_document' AND object_id = ?`, d.ID).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit entries for the issue", n)
	}
}

func TestIssuedDocumentsAreFrozen(t *testing.T) {
	f := newFixture(t)
	f.setContact()
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-03-03", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-03-03")}, Procedure: Ordinary}))
	doc := docByKind(t, f.docs(c.ID), DocAcceptNotice)

	// Saving a draft: validation, stale form, then success.
	_, err := f.svc.SaveDocument(f.ctx, staff, doc.ID, DocumentInput{Title: " ", Body: ""})
	var fe *fault.Fields
	if !errors.As(err, &fe) || fe.Fields["title"] == "" || fe.Fields["body"] == "" {
		t.Errorf("empty title and body: %v", err)
	}
	if _, err := f.svc.SaveDocument(f.ctx, staff, doc.ID, DocumentInput{Title: doc.Title, Body: "x", UpdatedAt: "2000-01-01T00:00:00.000000Z"}); web.Status(err) != 409 {
		t.Errorf("a stale form must be refused with 409, got %v", err)
	}
	saved, err := f.svc.SaveDocument(f.ctx, staff, doc.ID, DocumentInput{Title: doc.Title, Recipient: "张三：", Body: doc.Body + "\n特此通知。", UpdatedAt: doc.UpdatedAt})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(saved.Body, "特此通知。") {
		t.Error("the edit was not kept")
	}
	if _, err := f.svc.SaveDocument(f.ctx, f.login("qs_ld"), doc.ID, DocumentInput{Title: doc.Title, Body: "y"}); web.Status(err) != 403 {
		t.Errorf("a leader cannot edit: %v", err)
	}
	if _, err := f.svc.SaveDocument(f.ctx, f.login("ls_fy"), doc.ID, DocumentInput{Title: doc.Title, Body: "y"}); web.Status(err) != 404 {
		t.Errorf("another county's office must not find the document: %v", err)
	}

	issued, err := f.svc.IssueDocument(f.ctx, staff, doc.ID, nil) // no blob store: regenerated and checked
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.SaveDocument(f.ctx, staff, doc.ID, DocumentInput{Title: doc.Title, Body: "改动"})
	if web.Status(err) != 409 || err.Error() != "文书已印发，不能修改" {
		t.Errorf("editing an issued document: %v", err)
	}
	if _, err := f.svc.IssueDocument(f.ctx, staff, doc.ID, nil); web.Status(err) != 409 {
		t.Errorf("issuing twice: %v", err)
	}
	name, data, err := f.svc.DocumentDOCX(f.ctx, staff, doc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != issued.SHA256 || name != "行政复议受理通知书-青政复受〔2025〕1号.docx" {
		t.Errorf("download %s does not match the frozen file", name)
	}
	// A changed frozen text no longer matches its hash: the download refuses rather than lie.
	f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.Exec(f.ctx, `UPDATE official_documents SET body = body || '！' WHERE id = ?`, doc.ID)
	})
	if _, _, err := f.svc.DocumentDOCX(f.ctx, staff, doc.ID, nil); err == nil {
		t.Error("a tampered issued document must fail its check")
	}
}

func TestParseBody(t *testing.T) {
	blocks, attach, copyTo := officialdoc.ParseBody("申请人：张三。\n委托代理人：李四。\n申请人称：理由\n一、标题\n申请人（签字或者签章）：\n附件：甲；乙\n抄送：丙，丁。", partyLabels...)
	kinds := []string{"Plain", "Plain", "Para", "Heading1", "Plain"}
	if len(blocks) != len(kinds) {
		t.Fatalf("blocks %+v", blocks)
	}
	for i, k := range kinds {
		if blocks[i].Kind.String() != k {
			t.Errorf("block %d %q is %s, want %s", i, blocks[i].Text, blocks[i].Kind, k)
		}
	}
	if strings.Join(attach, "|") != "甲|乙" || strings.Join(copyTo, "|") != "丙|丁" {
		t.Errorf("attachments %v copies %v", attach, copyTo)
	}
	// 附件 inside the text (not trailing) stays a paragraph.
	blocks, attach, _ = officialdoc.ParseBody("附件：甲\n正文", partyLabels...)
	if len(attach) != 0 || len(blocks) != 2 {
		t.Errorf("inner 附件 line: %v %+v", attach, blocks)
	}
	for in, want := range map[string]string{"1. 身份证明": "身份证明", "（2）材料": "材料", "三、说明": "说明", "1.5万元": "1.5万元", "身份证": "身份证"} {
		if got := stripNumber(in); got != want {
			t.Errorf("stripNumber(%q) = %q, want %q", in, got, want)
		}
	}
	for n, want := range map[int]string{1: "一", 10: "十", 14: "十四", 30: "三十", 41: "四十一"} {
		if got := cnNum(n); got != want {
			t.Errorf("cnNum(%d) = %s", n, got)
		}
	}
}

// goldenCase walks a fixed case to its decision: an applicant with address and agent, a
// third party and a reply, so every part of the 决定书 is generated.
func goldenCase(t *testing.T, f *fixture) (*Case, Document) {
	staff := f.login("qs_fy")
	in := Intake{OrganID: f.organ("990121-GOV").ID, Channel: ChannelPost, ReceivedText: "2025-03-03", ApplicantKind: Natural, ApplicantName: "张三",
		IDNumber: validID(t), Phone: "13800138000", Address: "青山县城关镇幸福路8号", Agent: "李四，青山县某律师事务所律师",
		RespondentID: f.organ("990121-GAJ").ID, ActType: "行政处罚", Field: "公安", ActTitle: "青公（治）决字〔2025〕15号行政处罚决定",
		ActDateText: "2025-02-10", LearnedText: "2025-02-12", Amount: 500,
		Requests: "撤销被申请人作出的青公（治）决字〔2025〕15号行政处罚决定。",
		Facts:    "申请人未实施被认定的违法行为，被申请人认定事实不清、证据不足。\n被申请人作出处罚决定前未告知申请人陈述、申辩的权利，程序违法。"}
	rec, err := f.svc.Register(f.ctx, staff, in)
	if err != nil {
		t.Fatal(err)
	}
	id := rec.CaseID
	must(t)(f.svc.Accept(f.ctx, staff, id, AcceptInput{Step: Step{On: date("2025-03-05")}, Procedure: Ordinary}))
	must(t)(f.svc.AddParty(f.ctx, staff, id, 0, "third_party", "王五", ""))
	must(t)(f.svc.SendCopy(f.ctx, staff, id, Step{On: date("2025-03-06")}))
	must(t)(f.svc.FileReply(f.ctx, staff, id, ReplyInput{Step: Step{On: date("2025-03-14")},
		Text: "申请人的违法事实有现场笔录、证人证言等证据证实；作出处罚决定前已依法告知申请人陈述、申辩的权利。请求维持该处罚决定。"}))
	f.heard(id, "2025-04-18")
	c := must(t)(f.svc.Decide(f.ctx, staff, id, DecideInput{Step: Step{On: date("2025-04-25")}, Outcome: Uphold}))
	return c, docByKind(t, f.docs(id), DocDecision)
}

func docxPart(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the DOCX is not a zip: %v", err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("%s missing from the DOCX", name)
	return ""
}

// The generated 行政复议决定书 draft of a fixed case, as word/document.xml.
func TestDecisionGolden(t *testing.T) {
	f := newFixture(t)
	f.setContact()
	staff := f.login("qs_fy")
	_, doc := goldenCase(t, f)
	_, data, err := f.svc.DocumentDOCX(f.ctx, staff, doc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := docxPart(t, data, "word/document.xml")
	path := filepath.Join("testdata", "decision.golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestDecisionGolden -update)", err)
	}
	if got != string(want) {
		t.Errorf("word/document.xml differs from %s (run with -update after checking the change)\n%s", path, firstDiff(got, string(want)))
	}
	// GB/T 9704: A4, margins 37/35/28/26 mm, 22 lines; the draft carries its 草稿 header.
	for _, w := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:bottom="1984"`, `w:left="1587"`, `w:right="1474"`,
		`<w:headerReference w:type="default"`, "青山县人民政府", "行政复议决定书", "青政复〔2025〕1号"} {
		if !strings.Contains(got, w) {
			t.Errorf("document.xml lacks %s", w)
		}
	}
	if core := docxPart(t, data, "[Content_Types].xml"); !strings.Contains(core, "wordprocessingml.document.main+xml") {
		t.Error("no main document part declared")
	}
	// The party lines are flush left, the reasons indented: the layout kinds reach the XML.
	plain := regexp.MustCompile(`<w:p><w:r><w:t xml:space="preserve">申请人：张三`)
	if !plain.MatchString(got) {
		t.Error("the applicant line should be a plain paragraph")
	}
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-80)
			return "got:  …" + a[lo:min(len(a), i+80)] + "\nwant: …" + b[lo:min(len(b), i+80)]
		}
	}
	return "lengths differ"
}

// TestRenderDecision writes an issued 行政复议决定书 for a look in LibreOffice:
//
//	FAZHI_RENDER=1 go test ./internal/reconsider -run TestRenderDecision
//	cd /tmp && FONTCONFIG_FILE=$PWD/internal/docgen/testdata/render-fonts.conf \
//	  soffice --headless --convert-to pdf reconsider-decision.docx && pdftoppm -png -r 60 reconsider-decision.pdf reconsider-decision
func TestRenderDecision(t *testing.T) {
	if os.Getenv("FAZHI_RENDER") != "1" {
		t.Skip("set FAZHI_RENDER=1 to write /tmp/reconsider-decision.docx")
	}
	f := newFixture(t)
	f.setContact()
	staff := f.login("qs_fy")
	_, doc := goldenCase(t, f)
	body := strings.NewReplacer(
		"被申请人：青山县公安局，住所地【请填写住所地】。\n法定代表人：【请填写法定代表人的姓名、职务】。", "被申请人：青山县公安局，住所地青山县解放路12号。\n法定代表人：赵六，局长。",
		phFindings, "2025年1月20日21时许，申请人在青山县城关镇某餐馆内与他人发生争执，并将对方推倒致轻微伤。被申请人于当日受案，经调查取证，于2025年2月10日对申请人作出行政拘留五日并处罚款五百元的处罚决定。作出处罚决定前，被申请人于2025年2月8日向申请人送达了《行政处罚告知笔录》，申请人签字确认。上述事实有受案登记表、现场笔录、证人证言、视听资料、告知笔录等证据证实。",
		phReasons, "被申请人提交的证据能够相互印证，足以认定申请人殴打他人的事实；被申请人依法履行了告知程序，申请人关于程序违法的主张不能成立。被申请人作出的行政处罚决定认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当。",
	).Replace(doc.Body)
	if _, err := f.svc.SaveDocument(f.ctx, staff, doc.ID, DocumentInput{Title: doc.Title, Body: body}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.IssueDocument(f.ctx, staff, doc.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, data, err := f.svc.DocumentDOCX(f.ctx, staff, doc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(os.TempDir(), "reconsider-decision.docx"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ---- handlers ----

func TestDocumentHandlers(t *testing.T) {
	f := newFixture(t)
	f.setContact()
	staffP := f.login("qs_fy")
	c := f.register(staffP, "2025-03-03", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staffP, c.ID, AcceptInput{Step: Step{On: date("2025-03-04")}, Procedure: Ordinary}))
	ds := f.docs(c.ID)
	accept, reply := docByKind(t, ds, DocAcceptNotice), docByKind(t, ds, DocReplyNotice)

	app := web.New(web.Deps{DB: f.svc.db, Auth: f.auth, Org: f.org, Calendar: f.svc.cal, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	fs := files.New(f.svc.db, files.NewDiskStore(t.TempDir()), 10<<20)
	m := NewModule(f.svc, fs)
	m.app, m.tmpl = app, web.ParseTemplates(templateFS, "templates/*.html")
	m.registerDocumentRoutes(app)
	staff := webtest.Login(t, app, f.auth, "qs_fy")
	leader := webtest.Login(t, app, f.auth, "qs_ld")
	respondent := webtest.Login(t, app, f.auth, "qs_gaj")
	otherLiaison := webtest.Login(t, app, f.auth, "qs_sjj")
	otherCounty := webtest.Login(t, app, f.auth, "ls_fy")
	page := "/reconsider/documents/" + reply.ID

	// Viewing: staff and leader see the draft; others 404; the respondent sees drafts 404.
	for _, x := range []struct {
		who  string
		c    *webtest.Client
		code int
	}{{"staff", staff, 200}, {"leader", leader, 200}, {"respondent liaison (draft)", respondent, 404}, {"other liaison", otherLiaison, 404}, {"other county", otherCounty, 404}} {
		resp := x.c.Get(page)
		if resp.Code != x.code {
			t.Errorf("%s GET: %d, want %d", x.who, resp.Code, x.code)
		}
		if x.code == 200 && (!strings.Contains(resp.Body, "行政复议答复通知书") || !strings.Contains(resp.Body, "青政复答〔2025〕　号")) {
			t.Errorf("%s: the page lacks the preview", x.who)
		}
		if x.code == 200 && strings.Contains(resp.Body, `name="body"`) != (x.c == staff) {
			t.Errorf("%s: the edit form is shown to the wrong people", x.who)
		}
	}
	resp := otherCounty.Get(page + ".docx")
	if resp.Code != 404 {
		t.Errorf("other county download: %d", resp.Code)
	}

	// Draft download: generated, marked 草稿.
	resp = staff.Get(page + ".docx")
	if resp.Code != 200 || resp.Header().Get("Content-Type") != DocxType {
		t.Fatalf("draft download: %d %s", resp.Code, resp.Header().Get("Content-Type"))
	}
	if cd := resp.Header().Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("行政复议答复通知书-草稿.docx")) {
		t.Errorf("draft file name: %s", cd)
	}
	if xml := docxPart(t, []byte(resp.Body), "word/document.xml"); !strings.Contains(xml, "headerReference") {
		t.Error("a draft download must carry the 草稿 header")
	}

	// Editing: a leader is refused by the route, bad input comes back with the text kept.
	form := url.Values{"title": {reply.Title}, "recipient": {reply.Recipient}, "body": {reply.Body + "\n特此通知。"}}
	if resp := leader.Post(page, form); resp.Code != 403 {
		t.Errorf("leader POST: %d", resp.Code)
	}
	if resp := otherCounty.Post(page, url.Values{"title": {"x"}, "body": {"y"}}); resp.Code != 404 {
		t.Errorf("other county POST: %d", resp.Code)
	}
	resp = staff.Post(page, url.Values{"title": {""}, "body": {"保留的正文"}})
	if resp.Code != 422 || !strings.Contains(resp.Body, "请填写文书标题") || !strings.Contains(resp.Body, "保留的正文") {
		t.Errorf("invalid edit: %d", resp.Code)
	}
	resp = staff.Post(page, form)
	if resp.Code != 303 {
		t.Fatalf("edit: %d", resp.Code)
	}
	// Issue (through internal/files), then the page, the frozen download and the refusal to edit.
	resp = staff.Post(page+"/issue", url.Values{})
	if resp.Code != 303 || !strings.Contains(resp.Header().Get("Location"), url.QueryEscape("青政复答〔2025〕1号")) {
		t.Fatalf("issue: %d %s", resp.Code, resp.Header().Get("Location"))
	}
	resp = respondent.Get(page)
	if resp.Code != 200 || !strings.Contains(resp.Body, "青政复答〔2025〕1号") || strings.Contains(resp.Body, `name="body"`) {
		t.Errorf("the respondent's liaison reads the issued notice: %d", resp.Code)
	}
	resp = respondent.Get(page + ".docx")
	if resp.Code != 200 || !strings.Contains(resp.Header().Get("Content-Disposition"), url.PathEscape("行政复议答复通知书-青政复答〔2025〕1号.docx")) {
		t.Fatalf("issued download: %d %s", resp.Code, resp.Header().Get("Content-Disposition"))
	}
	doc, err := f.svc.docs.Get(f.ctx, f.svc.db, reply.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(resp.Body))
	if hex.EncodeToString(sum[:]) != doc.SHA256 || strings.Contains(docxPart(t, []byte(resp.Body), "word/document.xml"), "headerReference") {
		t.Error("the issued download is not the frozen, unmarked file")
	}
	atts, err := fs.List(f.ctx, f.svc.db, "reconsider_document", reply.ID)
	if err != nil || len(atts) != 1 || atts[0].SHA256 != doc.SHA256 {
		t.Errorf("the frozen file is not stored through internal/files: %+v %v", atts, err)
	}
	// 送达回证 (issue 11 item 8): the issued 答复通知书 is served on the respondent; its page and the
	// case page link the 回证, whose DOCX names the document, its number and the recipient.
	if resp := respondent.Get(page); !strings.Contains(resp.Body, page+"/receipt.docx?to=0") || !strings.Contains(resp.Body, "被申请人青山县公安局") {
		t.Errorf("the document page lacks the 送达回证 link")
	}
	resp = staff.Get(page + "/receipt.docx?to=0")
	if resp.Code != 200 || resp.Header().Get("Content-Type") != DocxType {
		t.Fatalf("送达回证: %d", resp.Code)
	}
	if xml := docxPart(t, []byte(resp.Body), "word/document.xml"); !strings.Contains(xml, "送达文书名称及文号：行政复议答复通知书（青政复答〔2025〕1号）") ||
		!strings.Contains(xml, "受送达人：青山县公安局（被申请人）") || !strings.Contains(xml, "留置送达（受送达人拒绝签收）") {
		t.Errorf("送达回证 text: %s", xml)
	}
	for _, x := range []struct {
		c    *webtest.Client
		path string
		code int
	}{{staff, page + "/receipt.docx?to=1", 404}, {staff, page + "/receipt.docx", 404}, {otherCounty, page + "/receipt.docx?to=0", 404},
		{staff, "/reconsider/documents/" + accept.ID + "/receipt.docx?to=0", 409}} {
		if resp := x.c.Get(x.path); resp.Code != x.code {
			t.Errorf("%s: %d, want %d", x.path, resp.Code, x.code)
		}
	}
	det, err := f.svc.Detail(f.ctx, staffP, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := det.Receipts(reply.ID); len(r) != 1 || r[0].URL != page+"/receipt.docx?to=0" || r[0].Label != "被申请人青山县公安局" {
		t.Errorf("case page receipts of the reply notice: %+v", r)
	}
	if r := det.Receipts(accept.ID); len(r) != 0 {
		t.Errorf("a draft has no 回证: %+v", r)
	}
	resp = staff.Post(page, form)
	if resp.Code != 409 || !strings.Contains(resp.Body, "文书已印发，不能修改") {
		t.Errorf("edit after issue: %d", resp.Code)
	}
	if resp := staff.Post(page+"/issue", url.Values{}); resp.Code != 409 {
		t.Errorf("second issue: %d", resp.Code)
	}
	// The accept notice still has no number; a missing placeholder blocks the issue with 422 on the page.
	apage := "/reconsider/documents/" + accept.ID
	staff.Post(apage, url.Values{"title": {accept.Title}, "recipient": {accept.Recipient}, "body": {accept.Body + "\n【请填写送达方式】"}})
	resp = staff.Post(apage+"/issue", url.Values{})
	if resp.Code != 422 || !strings.Contains(resp.Body, "【请填写送达方式】") || !strings.Contains(resp.Body, "<mark>") {
		t.Errorf("issue with a placeholder: %d", resp.Code)
	}
	if _, err := f.svc.Document(f.ctx, staffP, "nope"); web.Status(err) != 404 {
		t.Errorf("unknown id: %v", err)
	}
}

// Migration 0013 copies reconsider_documents into official_documents, taking who issued a
// document and when from its issue event: run its copy again over the documents of a case
// moved back into the old table, and the rows come out as the room wrote them.
func TestMigrationCopiesDocuments(t *testing.T) {
	f := newFixture(t)
	f.setContact()
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-03-03", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-03-04")}, Procedure: Ordinary}))
	if _, err := f.svc.IssueDocument(f.ctx, staff, docByKind(t, f.docs(c.ID), DocAcceptNotice).ID, memBlobs{}); err != nil {
		t.Fatal(err)
	}
	before := f.docs(c.ID)
	src, err := os.ReadFile(filepath.Join("..", "db", "migrations", "0013_official_documents.sql"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(src), "INSERT INTO official_documents")
	if i < 0 {
		t.Fatal("no copy in the migration")
	}
	err = f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		if err := tx.Exec(f.ctx, `INSERT INTO reconsider_documents (id, case_id, organ_id, kind, number, title, recipient, body, status, issued_on, sha256, created_by, created_at, updated_at)
			SELECT id, owner_id, organ_id, kind, number, title, recipient, body, status, issued_on, sha256, created_by, created_at, updated_at FROM official_documents`); err != nil {
			return err
		}
		if err := tx.Exec(f.ctx, `DELETE FROM official_documents`); err != nil {
			return err
		}
		return tx.Exec(f.ctx, strings.TrimSuffix(strings.TrimSpace(string(src[i:])), ";"))
	})
	if err != nil {
		t.Fatal(err)
	}
	after := f.docs(c.ID)
	if len(before) != 2 || len(after) != 2 {
		t.Fatalf("%d documents before, %d after", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("copied\n%+v\nwant\n%+v", after[i], before[i])
		}
	}
	if after[0].IssuedBy == "" || after[0].IssuedAt == "" || after[1].IssuedAt != "" {
		t.Errorf("issued by %q at %q; draft at %q", after[0].IssuedBy, after[0].IssuedAt, after[1].IssuedAt)
	}
}

// The 决定书 names the contested act with its kind after a bare 文号, the respondent's address and
// legal representative from its organ profile, and the 复议机关's seal on the signature line; an
// organ without a profile, or a respondent outside the tree, keeps the blanks for the clerk.
func TestDecisionUsesOrganProfiles(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c, doc := goldenCase(t, f)
	err := f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		if err := f.org.UpdateProfile(f.ctx, tx, f.organ("990121-GAJ").ID, org.Profile{Address: "青山县解放路12号", LegalRep: "赵六", LegalRepTitle: "局长"}); err != nil {
			return err
		}
		return f.org.UpdateProfile(f.ctx, tx, f.organ("990121-GOV").ID, org.Profile{SealName: "青山县人民政府行政复议专用章"})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A bare 文号 gets the act's kind.
	if err := f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.Exec(f.ctx, `UPDATE reconsider_cases SET act_title = ? WHERE id = ?`, "青公（城）行罚决字〔2026〕001号", c.ID)
	}); err != nil {
		t.Fatal(err)
	}
	c2, err := f.svc.Get(f.ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := f.svc.docs.KindOf(DocDecision)
	var body string
	if err := f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		text, err := k.Compose(f.ctx, tx, c2, date("2025-04-25"))
		body = text.Body
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"被申请人：青山县公安局，住所地青山县解放路12号。", "法定代表人：赵六，局长。", "作出的青公（城）行罚决字〔2026〕001号行政处罚决定，"} {
		if !strings.Contains(body, want) {
			t.Errorf("decision lacks %s:\n%s", want, body)
		}
	}
	// The signature line of the 复议机关 is its seal's name.
	_, data, err := f.svc.DocumentDOCX(f.ctx, staff, doc.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if xml := docxPart(t, data, "word/document.xml"); !strings.Contains(xml, "青山县人民政府行政复议专用章") {
		t.Error("the signature line should name the seal")
	}
	// A respondent named only in words keeps the blanks.
	c2.RespondentID = ""
	if err := f.svc.db.Tx(f.ctx, func(tx *db.Tx) error {
		text, err := k.Compose(f.ctx, tx, c2, date("2025-04-25"))
		body = text.Body
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "法定代表人：【请填写法定代表人的姓名、职务】。") {
		t.Errorf("a respondent outside the tree should keep the blanks:\n%s", body)
	}
}
