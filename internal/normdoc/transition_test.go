package normdoc

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// Every step runs the engine's guards and leaves its event in case_events, its audit entry and
// nothing else when refused.
func TestTransitionGuardsAndEvents(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-08-20", textV1)
	d := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-08-25")}}))
	events := func(id string) int {
		return f.count(`SELECT COUNT(*) FROM case_events WHERE owner_type = 'normdoc' AND owner_id = ?`, id)
	}
	if events(d.ID) != 1 {
		t.Fatalf("registration leaves one event, got %d", events(d.ID))
	}

	_, err := f.svc.End(f.ctx, staff, d.ID, EndInput{Step: casework.Step{On: date("2025-09-01")}, State: StateRepealed, Basis: "x"})
	refused(t, err, fault.Conflict, "an unpublished document cannot be repealed")
	if err != nil && !strings.Contains(fault.Message(err), "已登记待公布") {
		t.Errorf("the state guard names the state: %v", err)
	}
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01"), Version: d.Version + 1}, Channel: "网站"})
	refused(t, err, fault.Conflict, "a stale version")
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2026-01-05")}, Channel: "网站"})
	refusedField(t, err, "on", "a date after today")
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{OnText: "2025-13-01"}, Channel: "网站"})
	refusedField(t, err, "on", "a malformed date")
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01")}, Channel: "网站", EffectiveText: "2025-08-30"})
	refusedField(t, err, "effective_on", "in force before publication")
	_, err = f.svc.Publish(f.ctx, staff, "no-such-document", PublishInput{Step: casework.Step{On: date("2025-09-01")}, Channel: "网站"})
	refused(t, err, fault.NotFound, "an unknown document")
	if got, _ := f.svc.Get(f.ctx, staff, d.ID); got.Version != d.Version || got.State != StateRegistered || events(d.ID) != 1 {
		t.Fatalf("a refused step writes nothing: version %d status %s, %d events", got.Version, got.State, events(d.ID))
	}

	d = must(t)(f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01"), Version: d.Version}, Channel: "网站", EffectiveText: "2025-10-01"}))
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-02")}, Channel: "网站"})
	refused(t, err, fault.Conflict, "a document is published once")
	_, err = f.svc.End(f.ctx, staff, d.ID, EndInput{Step: casework.Step{On: date("2025-08-31")}, State: StateRepealed, Basis: "x"})
	refusedField(t, err, "on", "repealed before publication")
	d = must(t)(f.svc.End(f.ctx, staff, d.ID, EndInput{Step: casework.Step{On: date("2025-11-03")}, State: StateRepealed, Basis: "青政发〔2025〕9号"}))

	evs, err := casework.Events(f.ctx, f.db, "normdoc", d.ID, casework.ByLegalDate)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.On.String()+" "+e.Action+" "+e.FromState+"→"+e.ToState)
		if e.OrganID != d.RegOrganID || e.ActorID != staff.UserID {
			t.Errorf("event %s kept under organ %s by %s", e.Action, e.OrganID, e.ActorID)
		}
	}
	want := "2025-08-25 register →registered|2025-09-01 publish registered→in_force|2025-11-03 repeal in_force→repealed"
	if strings.Join(got, "|") != want {
		t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE object_type = 'normdoc' AND object_id = ? AND action IN ('normdoc.register', 'normdoc.publish', 'normdoc.repeal')`, d.ID); n != 3 {
		t.Errorf("%d audit entries, want 3", n)
	}
}

// An amendment moves two documents in one transaction; each keeps its own event.
func TestAmendmentEventsBothWays(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	a := f.legacy("990121-GOV", "青政规〔2022〕5号", "青山县城区停车管理办法", "2022-03-01", "2022-03-01", "", textV1)
	b := f.legacy("990121-GOV", "青政规〔2025〕7号", "关于修改停车管理办法的决定", "2025-11-01", "2025-11-01", "", textV2)
	_, err := f.svc.MarkAmended(f.ctx, staff, a.ID, AmendInput{Step: casework.Step{On: date("2025-11-02")}, ByID: a.ID})
	refusedField(t, err, "by_id", "a document does not amend itself")
	_, err = f.svc.MarkAmended(f.ctx, staff, "no-such-document", AmendInput{Step: casework.Step{On: date("2025-11-02")}, ByID: b.ID})
	refused(t, err, fault.NotFound, "amending an unknown document")
	got := must(t)(f.svc.MarkAmended(f.ctx, staff, a.ID, AmendInput{Step: casework.Step{On: date("2025-11-02")}, ByID: b.ID}))
	if got.ID != a.ID || got.State != StateAmended || got.AmendedByID != b.ID {
		t.Fatalf("amended %+v", got)
	}
	last := func(id string) casework.Event {
		evs, err := casework.Events(f.ctx, f.db, "normdoc", id, casework.ByEntry)
		if err != nil || len(evs) == 0 {
			t.Fatalf("events of %s: %v", id, err)
		}
		return evs[len(evs)-1]
	}
	if e := last(a.ID); e.Action != "amended" || e.RefID != b.ID || e.ToState != "amended" || e.On.String() != "2025-11-01" {
		t.Errorf("the amended document's event %+v", e)
	}
	if e := last(b.ID); e.Action != "amends" || e.RefID != a.ID || !strings.Contains(e.Note, "修改《青山县城区停车管理办法》") {
		t.Errorf("the amending document's event %+v", e)
	}
	det := mustDetail(t, f, staff, a.ID)
	if tl := det.Timeline[len(det.Timeline)-1]; tl.State != StateAmended || tl.RefID != b.ID {
		t.Errorf("timeline %+v", det.Timeline)
	}
	_, err = f.svc.MarkAmended(f.ctx, staff, a.ID, AmendInput{Step: casework.Step{On: date("2025-11-03")}, ByID: b.ID})
	refusedField(t, err, "amends_id", "an amended document is not amended again")
}

// The workbench of a county's register office lists each kind of work once per item, from a
// constant number of queries (the approved reviews are matched against the register in one).
func TestTodosForACounty(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	// Three approved reviews: one registered (to publish), two still to register.
	toPublish := f.approved("青山县待公布文件", "990121-GOV", "2025-09-01", textV1)
	f.approved("青山县待登记文件一", "990121-GOV", "2025-09-02", textV1)
	f.approved("青山县公安局待登记文件", "990121-GAJ", "2025-09-03", textV1)
	must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: toPublish, Step: casework.Step{On: date("2025-09-05")}}))
	// A published government document: two filings to send; a department's, sent: none.
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-11-03", textV1)
	gov := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-11-05")}}))
	must(t)(f.svc.Publish(f.ctx, staff, gov.ID, PublishInput{Step: casework.Step{On: date("2025-12-01")}, Channel: "网站"}))
	rid = f.approved("青山县公安局犬只管理规定", "990121-GAJ", "2025-11-03", textV1)
	gaj := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-11-05")}}))
	must(t)(f.svc.Publish(f.ctx, staff, gaj.ID, PublishInput{Step: casework.Step{On: date("2025-12-01")}, Channel: "网站"}))
	for _, fi := range mustDetail(t, f, staff, gaj.ID).Filings {
		must(t)(f.svc.RecordFiling(f.ctx, staff, gaj.ID, fi.ID, FilingInput{Step: casework.Step{On: date("2025-12-05")}, Stage: "sent"}))
	}
	// Legacy documents: two within the evaluation warning, one not.
	f.legacy("990121-GOV", "青政规〔2021〕1号", "青山县农村宅基地管理办法", "2021-01-05", "2021-02-01", "营商环境", textV1)
	f.legacy("990121-GOV", "青政规〔2021〕2号", "青山县殡葬管理办法", "2021-03-01", "2021-03-01", "", textV1)
	f.legacy("990121-GOV", "青政规〔2023〕1号", "青山县工业用地管理办法", "2023-06-01", "2023-07-01", "营商环境", textV1)
	// An open cleanup campaign.
	if _, err := f.svc.OpenCleanup(f.ctx, staff, CleanupInput{Step: casework.Step{On: date("2025-12-10")}, OrganID: f.organ("990121-GOV").ID, Title: "营商环境专项清理", Topic: "营商环境"}); err != nil {
		t.Fatal(err)
	}

	todos, err := f.svc.Todos(f.ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	for prefix, want := range map[string]int{"登记编号": 2, "统一印发、公布": 1, "报送备案": 2, "有效期届满前评估": 2, "文件清理": 1} {
		if n := countPrefix(todos, prefix); n != want {
			t.Errorf("%d todos %s…, want %d", n, prefix, want)
		}
	}
	if len(todos) != 8 {
		t.Errorf("%d todos, want 8: %+v", len(todos), todos)
	}
	// The new-document form offers the same two reviews.
	reviews, err := f.svc.Unregistered(f.ctx, staff)
	if err != nil || len(reviews) != 2 {
		t.Errorf("unregistered reviews %d %v", len(reviews), err)
	}
	// Another county's office sees none of this county's work; a leader has no workbench here.
	for _, who := range []string{"ls_sc", "qs_ld"} {
		if todos, err := f.svc.Todos(f.ctx, f.login(who)); err != nil || len(todos) != 0 {
			t.Errorf("%s: %d todos %v", who, len(todos), err)
		}
	}
}

// A new holiday notice moves the deadlines of filings not yet sent, and only those.
func TestCalendarChangeRedatesFilings(t *testing.T) {
	f := newFixture(t)
	store := calendar.NewStore(f.db)
	f.svc.cal = store.Current
	store.OnChange(f.svc.Redate)
	staff := f.login("qs_sc")
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-08-20", textV1)
	d := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-08-25")}}))
	d = must(t)(f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01")}, Channel: "网站"}))
	fs := mustDetail(t, f, staff, d.ID).Filings
	must(t)(f.svc.RecordFiling(f.ctx, staff, d.ID, fs[0].ID, FilingInput{Step: casework.Step{On: date("2025-10-09")}, Stage: "sent"}))

	// Suppose the 2025 notice had also made Thursday 10-09 a rest day.
	var n2025 calendar.YearNotice
	for _, n := range calendar.Builtin() {
		if n.Year == 2025 {
			n2025 = n
		}
	}
	n2025.Off = append(n2025.Off, date("2025-10-09"))
	moved, err := store.Save(f.ctx, []calendar.YearNotice{n2025})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].Old.String() != "2025-10-09" || moved[0].New.String() != "2025-10-10" ||
		moved[0].URL != "/normdoc/docs/"+d.ID || !strings.Contains(moved[0].What, "报送备案期限") {
		t.Fatalf("moved %+v, want the unsent filing's deadline 2025-10-09 → 2025-10-10", moved)
	}
	fs = mustDetail(t, f, staff, d.ID).Filings
	eq(t, "sent filing keeps its deadline", fs[0].DueOn, "2025-10-09")
	eq(t, "unsent filing moved", fs[1].DueOn, "2025-10-10")
}

// The scheduler's expiry is a step of the system: its event has no user.
func TestExpiryIsTheSystemsStep(t *testing.T) {
	f := newFixture(t)
	d := f.legacy("990121-GOV", "青政规〔2020〕1号", "青山县某暂行办法", "2020-01-02", "2020-01-02", "", textV1)
	if n, err := f.svc.ExpireDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("expired %d %v", n, err)
	}
	evs, err := casework.Events(f.ctx, f.db, "normdoc", d.ID, casework.ByLegalDate)
	if err != nil {
		t.Fatal(err)
	}
	e := evs[len(evs)-1]
	if e.Action != "expire_due" || e.ActorName != "系统" || e.ActorID != "" || e.On != d.ExpiresOn.AddDays(1) || e.ToState != "expired" {
		t.Errorf("expiry event %+v", e)
	}
	// A second run finds nothing due and fails nothing.
	if n, err := f.svc.ExpireDue(f.ctx); err != nil || n != 0 {
		t.Errorf("expired twice: %d %v", n, err)
	}
}
