package reconsider

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/action"
)

// An application sent twice — online within minutes, or by an API client with the same
// Idempotency-Key — is one case; a later or a different one is another.
func TestRepeatedApplicationIsOneCase(t *testing.T) {
	e := newWebEnv(t)
	in := Intake{}
	action.DecodeForm(e.goodIntake(), &in)
	first, err := e.svc.Register(e.ctx, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.Register(e.ctx, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Repeat || again.CaseID != first.CaseID || again.QueryCode != first.QueryCode {
		t.Fatalf("resent online application: %+v, first %+v", again, first)
	}
	other := in
	other.ActTitle = "青公（城）行罚决字〔2025〕002号"
	if r, err := e.svc.Register(e.ctx, nil, other); err != nil || r.Repeat {
		t.Fatalf("another act is another application: %+v %v", r, err)
	}

	staff := e.principal("qs_fy")
	keyed := in
	keyed.Channel, keyed.ReceivedText, keyed.SubmitKey = ChannelInPerson, "2025-06-30", "api:"+staff.UserID+":k1"
	a, err := e.svc.Register(e.ctx, staff, keyed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.Register(e.ctx, staff, keyed)
	if err != nil || !b.Repeat || b.CaseID != a.CaseID || b.QueryCode != "" {
		t.Fatalf("same Idempotency-Key: %+v %v (first %+v)", b, err, a)
	}
	keyed.SubmitKey = ""
	if c, err := e.svc.Register(e.ctx, staff, keyed); err != nil || c.Repeat {
		t.Fatalf("staff registering a paper application again is flagged, not merged: %+v %v", c, err)
	}
	if n := e.count("reconsider_cases"); n != 4 {
		t.Fatalf("%d cases, want 4", n)
	}
}

// Staff re-issue a lost query code after checking the applicant's ID: the old code and its links
// stop working, the new one works, the act is audited; a wrong number changes nothing.
func TestReissueQueryCode(t *testing.T) {
	e := newWebEnv(t)
	in := Intake{}
	action.DecodeForm(e.goodIntake(), &in)
	rec, err := e.svc.Register(e.ctx, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	oldLink, err := e.svc.publicLink(e.ctx, "progress", rec.CaseID, progressLinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	staff := e.principal("qs_fy")
	if _, err := e.svc.ReissueQueryCode(e.ctx, staff, rec.CaseID, "11010519491231002X"); err == nil || !strings.Contains(err.Error(), "不一致") {
		t.Fatalf("wrong ID number: %v", err)
	}
	if _, _, err := e.svc.PublicProgress(e.ctx, rec.ReceiptNo, rec.QueryCode); err != nil {
		t.Fatalf("a refused re-issue must keep the old code: %v", err)
	}
	code, err := e.svc.ReissueQueryCode(e.ctx, staff, rec.CaseID, strings.ToLower(in.IDNumber))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.PublicProgress(e.ctx, rec.ReceiptNo, rec.QueryCode); err == nil && code != rec.QueryCode {
		t.Error("the old code still works")
	}
	if _, _, err := e.svc.PublicProgress(e.ctx, rec.ReceiptNo, code); err != nil {
		t.Errorf("the new code: %v", err)
	}
	if _, err := e.svc.openLink(e.ctx, "progress", oldLink); err == nil {
		t.Error("a link made with the old code still opens")
	}
	if n := e.countAudit("reconsider.reissue_query_code"); n != 1 {
		t.Errorf("%d audit entries", n)
	}
	if _, err := e.svc.ReissueQueryCode(e.ctx, e.principal("qs_ld"), rec.CaseID, in.IDNumber); err == nil {
		t.Error("a leader without edit rights re-issued a code")
	}
}
