package normdoc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

// fakeIndex records what the search index would hold.
type fakeIndex struct {
	mu   sync.Mutex
	docs map[string]IndexDoc
}

func (f *fakeIndex) Upsert(_ context.Context, _ *db.Tx, d IndexDoc) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[d.RefID] = d
	return nil
}

func (f *fakeIndex) Delete(_ context.Context, _ *db.Tx, _, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.docs, id)
	return nil
}

type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *db.DB
	svc   *Service
	rv    *review.Service
	org   *org.Service
	auth  *auth.Service
	index *fakeIndex
	clock time.Time
	users map[string]*auth.Principal
}

// newFixture opens a database with the demo org tree; the clock stands at 2025-12-31.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	f := &fixture{t: t, ctx: ctx, db: d, org: o, auth: a, index: &fakeIndex{docs: map[string]IndexDoc{}}, users: map[string]*auth.Principal{}}
	f.rv = review.New(d, o, a, func() *calendar.Calendar { return cal })
	f.svc = New(d, o, a, f.rv, func() *calendar.Calendar { return cal }, f.index)
	f.setClock("2025-12-31")
	return f
}

func (f *fixture) setClock(day string) {
	dd := calendar.MustDate(day)
	f.clock = time.Date(dd.Year, dd.Month, dd.Day, 10, 0, 0, 0, calendar.Shanghai())
	now := func() time.Time { return f.clock }
	f.rv.SetClock(now)
	f.svc.SetClock(now)
}

func (f *fixture) login(username string) *auth.Principal {
	f.t.Helper()
	if p, ok := f.users[username]; ok {
		return p
	}
	tok, err := f.auth.Login(f.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	p, err := f.auth.Authenticate(f.ctx, tok)
	if err != nil {
		f.t.Fatal(err)
	}
	f.users[username] = p
	return p
}

func (f *fixture) organ(code string) org.Organ {
	o, ok := f.org.ByCode(code)
	if !ok {
		f.t.Fatalf("organ %s missing", code)
	}
	return o
}

func date(s string) calendar.Date { return calendar.MustDate(s) }

// refused checks that err is the refusal kind (fault.NotFound, Conflict, Forbidden, Invalid).
func refused(t *testing.T, err, kind error, what string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("%s: got %v, want %v", what, err, kind)
	}
}

// refusedField checks that err is an invalid input naming field.
func refusedField(t *testing.T, err error, field, what string) {
	t.Helper()
	var fe *fault.Fields
	if !errors.As(err, &fe) || fe.Fields[field] == "" {
		t.Errorf("%s: got %v, want a message for %s", what, err, field)
	}
}

func eq(t *testing.T, what string, got calendar.Date, want string) {
	t.Helper()
	if got.String() != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func must(t *testing.T) func(*Doc, error) *Doc {
	return func(d *Doc, err error) *Doc {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

// approved walks a normative document through an approved legality review ending on `on`.
func (f *fixture) approved(title, issuerCode, on, draft string) string {
	f.t.Helper()
	liaison, staff := f.login("qs_gaj"), f.login("qs_sc")
	var codes []string
	for _, it := range review.KindNormdoc.Checklist() {
		codes = append(codes, it.Code)
	}
	day := date(on)
	r, err := f.rv.Submit(f.ctx, liaison, review.SubmitInput{Kind: review.KindNormdoc, Title: title, Draft: draft, IssuerID: f.organ(issuerCode).ID, Provided: codes,
		Urgent: true, UrgentReason: "测试", Step: review.Step{On: day}})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.rv.Check(f.ctx, staff, r.ID, review.CheckInput{Step: review.Step{On: day}, ReviewerID: staff.UserID}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.rv.SubmitAssessment(f.ctx, staff, r.ID, review.AssessInput{Step: review.Step{On: day}, Suggestion: review.Agree}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.rv.Conclude(f.ctx, staff, r.ID, review.ConcludeInput{Step: review.Step{On: day}, Conclusion: review.Agree}); err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}

// legacy registers and publishes an existing document of organCode.
func (f *fixture) legacy(organCode, number, title, published, effective, topics, body string) *Doc {
	f.t.Helper()
	staff := f.login("qs_sc")
	d := must(f.t)(f.svc.Register(f.ctx, staff, RegisterInput{Legacy: true, OrganID: f.organ(organCode).ID, Number: number, Title: title, Body: body, Topics: topics,
		Step: casework.Step{On: date(published)}}))
	return must(f.t)(f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date(published)}, Channel: "县政府门户网站", EffectiveText: effective}))
}

const textV1 = `为了规范城区停车秩序，根据有关法律法规，结合本县实际，制定本办法。
第一条 本办法适用于本县城区范围内的机动车停放管理。
第二条 县综合行政执法局负责停车秩序的监督管理。
第三条 违反本办法规定停放机动车的，依法予以处罚。
第四条 本办法自公布之日起施行。`

func TestRegisterPublishAndFilingDeadlines(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	rid := f.approved("青山县城区停车管理暂行办法", "990121-GOV", "2025-08-20", textV1)
	d := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Keywords: "停车，城区", Topics: "城市管理", Step: casework.Step{On: date("2025-08-25")}}))
	if d.Number != "青政规〔2025〕1号" || d.State != StateRegistered || d.OrganName != "青山县人民政府" || !d.Provisional || d.ValidYears != 2 {
		t.Fatalf("registered %+v", d)
	}
	_, err := f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-08-25")}})
	refused(t, err, fault.Conflict, "a review is registered once")
	if _, ok := f.index.docs[d.ID]; ok {
		t.Error("an unpublished document is not indexed")
	}
	_, err = f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01")}})
	refusedField(t, err, "channel", "publication needs a channel")
	d = must(t)(f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-01")}, Channel: "青山县人民政府门户网站", EffectiveText: "2025-10-01"}))
	if d.State != StateInForce {
		t.Fatal(d.State)
	}
	// 暂行: 2 years from 2025-10-01, last day 2027-09-30; the warning 6 months before.
	eq(t, "expires", d.ExpiresOn, "2027-09-30")
	eq(t, "warn", d.WarnOn, "2027-03-30")
	det, err := f.svc.Detail(f.ctx, staff, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A county government's document: the city government and the county 人大常委会.
	if len(det.Filings) != 2 || det.Filings[0].BodyName != "示范市人民政府" || det.Filings[1].BodyName != "青山县人大常委会" {
		t.Fatalf("filings %+v", det.Filings)
	}
	// 30 days from 09-01 = 10-01, inside the National Day holiday (10-01..08) → 10-09.
	for _, fi := range det.Filings {
		eq(t, fi.BodyName+" filing due", fi.DueOn, "2025-10-09")
	}
	ix, ok := f.index.docs[d.ID]
	if !ok || ix.State != "有效" || !ix.InForce || ix.Number != d.Number || !strings.Contains(ix.Body, "第三条") || ix.URL != "/public/normdocs/"+d.ID {
		t.Errorf("index %+v", ix)
	}
	must(t)(f.svc.RecordFiling(f.ctx, staff, d.ID, det.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2025-10-09")}, Stage: "sent"}))
	must(t)(f.svc.RecordFiling(f.ctx, staff, d.ID, det.Filings[1].ID, FilingInput{Step: casework.Step{On: date("2025-10-10")}, Stage: "sent"}))
	must(t)(f.svc.RecordFiling(f.ctx, staff, d.ID, det.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2025-10-15")}, Stage: "received"}))
	must(t)(f.svc.RecordFiling(f.ctx, staff, d.ID, det.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2025-11-20")}, Stage: "feedback", Result: "ok"}))
	_, err = f.svc.RecordFiling(f.ctx, staff, d.ID, det.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2025-10-20")}, Stage: "sent"})
	refused(t, err, fault.Conflict, "a filing is sent once")
	_, err = f.svc.RecordFiling(f.ctx, staff, d.ID, "no-such-filing", FilingInput{Step: casework.Step{On: date("2025-10-20")}, Stage: "sent"})
	refused(t, err, fault.NotFound, "an unknown filing")
	det, _ = f.svc.Detail(f.ctx, staff, d.ID)
	if !det.Filings[0].OnTime() || det.Filings[1].OnTime() || !det.Filings[1].Overdue(f.svc.Today()) || det.Filings[0].StateLabel(f.svc.Today()) != "准予备案（无异议）" {
		t.Errorf("filing states %+v", det.Filings)
	}
	overdue, _, err := f.svc.List(f.ctx, staff, Filter{FilingOverdue: true})
	if err != nil || len(overdue) != 1 || overdue[0].ID != d.ID {
		t.Errorf("overdue filter: %d %v", len(overdue), err)
	}

	// A department's document goes to its own government; 30 days from Fri 09-26 = Sun 10-26 → Mon 10-27.
	rid2 := f.approved("青山县公安局关于犬只登记的规定", "990121-GAJ", "2025-09-10", textV1)
	d2 := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid2, Step: casework.Step{On: date("2025-09-20")}}))
	if d2.Number != "青公规〔2025〕1号" || d2.ValidYears != 5 {
		t.Errorf("department number %s, %d years", d2.Number, d2.ValidYears)
	}
	d2 = must(t)(f.svc.Publish(f.ctx, staff, d2.ID, PublishInput{Step: casework.Step{On: date("2025-09-26")}, Channel: "县公安局网站"}))
	// Default effect: 30 days after publication (organ setting) = 10-26; 5 years → 2030-10-25.
	eq(t, "default effective date", d2.EffectiveOn, "2025-10-26")
	eq(t, "expires", d2.ExpiresOn, "2030-10-25")
	det2, _ := f.svc.Detail(f.ctx, staff, d2.ID)
	if len(det2.Filings) != 1 || det2.Filings[0].BodyName != "青山县人民政府" {
		t.Fatalf("department filings %+v", det2.Filings)
	}
	eq(t, "department filing due", det2.Filings[0].DueOn, "2025-10-27")
	todos, err := f.svc.Todos(f.ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, td := range todos {
		if strings.HasPrefix(td.Title, "报送备案") && td.Due.String() == "2025-10-27" {
			found = true
		}
	}
	if !found {
		t.Errorf("the unsent filing is not on the workbench: %+v", todos)
	}

	st, err := f.svc.StatsByCode(f.ctx, "990121-GOV", 2025)
	if err != nil {
		t.Fatal(err)
	}
	if st.Published != 2 || st.FilingDue != 2 || st.FiledOnTime != 0 || st.InForce != 2 || st.Reviews["normdoc"].Concluded != 2 {
		t.Errorf("stats %+v", st)
	}
	must(t)(f.svc.RecordFiling(f.ctx, staff, d2.ID, det2.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2025-10-27")}, Stage: "sent"}))
	st, _ = f.svc.StatsByCode(f.ctx, "990121-GOV", 2025)
	if st.FiledOnTime != 1 || st.FilingRate != 50 {
		t.Errorf("filed %d rate %v", st.FiledOnTime, st.FilingRate)
	}
	var b strings.Builder
	if err := st.WriteJSON(&b); err != nil || !strings.Contains(b.String(), `"filing_rate": 50.00`) || !strings.Contains(b.String(), `"by_conclusion"`) {
		t.Errorf("json %s %v", b.String(), err)
	}
}

func TestConcurrentApprovalsGetDistinctNumbers(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	f.legacy("990121-GOV", "青政规〔2025〕2号", "已有文件", "2025-01-10", "2025-02-01", "", textV1)
	const n = 8
	var ids []string
	for i := range n {
		ids = append(ids, f.approved(fmt.Sprintf("并发登记文件%d", i), "990121-GOV", "2025-06-02", textV1))
	}
	var wg sync.WaitGroup
	numbers := make([]string, n)
	errs := make([]error, n)
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: id, Step: casework.Step{On: date("2025-06-10")}})
			errs[i] = err
			if err == nil {
				numbers[i] = d.Number
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(numbers, func(i, j int) bool {
		a, _, _ := ParseNumber(numbers[i])
		b, _, _ := ParseNumber(numbers[j])
		_, x, _ := ParseNumber(numbers[i])
		_, y, _ := ParseNumber(numbers[j])
		return a < b || a == b && x < y
	})
	want := []string{}
	for _, k := range []int{1, 3, 4, 5, 6, 7, 8, 9} { // 2 is taken by the legacy document
		want = append(want, fmt.Sprintf("青政规〔2025〕%d号", k))
	}
	if strings.Join(numbers, ",") != strings.Join(want, ",") {
		t.Errorf("numbers %v\nwant    %v", numbers, want)
	}
	// The database refuses a duplicate whatever the code does.
	err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.Exec(f.ctx, `UPDATE normdocs SET number = ? WHERE number = ?`, "青政规〔2025〕1号", "青政规〔2025〕3号")
	})
	if err == nil {
		t.Error("the UNIQUE index must refuse a duplicate 文号")
	}
}

func TestValidityWarningEvaluationAndExpiry(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	a := f.legacy("990121-GOV", "青政规〔2021〕1号", "青山县农村宅基地管理办法", "2021-01-05", "2021-02-01", "", textV1)
	b := f.legacy("990121-GOV", "青政规〔2021〕2号", "青山县殡葬管理办法", "2021-03-01", "2021-03-01", "", textV1)
	c := f.legacy("990121-GOV", "青政规〔2023〕1号", "青山县工业用地管理办法", "2023-06-01", "2023-07-01", "", textV1)
	eq(t, "a expires", a.ExpiresOn, "2026-01-31")
	eq(t, "a warn", a.WarnOn, "2025-07-31")
	eq(t, "b expires", b.ExpiresOn, "2026-02-28")
	eq(t, "b warn (clamped to the month's end)", b.WarnOn, "2025-08-28")
	eq(t, "c warn", c.WarnOn, "2027-12-30")
	if a.Legacy && len(mustDetail(t, f, staff, a.ID).Filings) != 0 {
		t.Error("legacy documents get no filing deadlines")
	}
	expiring, _, err := f.svc.List(f.ctx, staff, Filter{Expiring: true})
	if err != nil || len(expiring) != 2 || expiring[0].ID != a.ID || expiring[1].ID != b.ID {
		t.Fatalf("expiring %d %v", len(expiring), err)
	}
	todos, _ := f.svc.Todos(f.ctx, staff)
	if n := countPrefix(todos, "有效期届满前评估"); n != 2 {
		t.Errorf("%d evaluation todos, want 2", n)
	}
	a = must(t)(f.svc.Evaluate(f.ctx, staff, a.ID, EvaluateInput{Step: casework.Step{On: date("2025-12-01"), Note: "实施效果良好"}, Evaluation: EvalContinue}))
	// 继续有效 is a new version to be re-published and filed: until then the old period stands.
	eq(t, "a expiry before re-publication", a.ExpiresOn, "2026-01-31")
	if a.RenewalSeq != 2 || a.CurrentVersion != 1 {
		t.Errorf("renewal version %d, current %d", a.RenewalSeq, a.CurrentVersion)
	}
	if _, err := f.svc.PublishRenewal(f.ctx, staff, a.ID, RenewalInput{Step: casework.Step{On: date("2025-12-01")}}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a re-publication without its channel must be refused, got %v", err)
	}
	a = must(t)(f.svc.PublishRenewal(f.ctx, staff, a.ID, RenewalInput{Step: casework.Step{On: date("2025-12-01")}, Channel: "青山县人民政府门户网站"}))
	eq(t, "a renewed expiry", a.ExpiresOn, "2031-01-31")
	eq(t, "a renewed warn", a.WarnOn, "2030-07-31")
	if a.CurrentVersion != 2 || a.RenewalSeq != 0 || a.RenewedOn.String() != "2025-12-01" {
		t.Errorf("after re-publication: current %d renewal %d renewed %s", a.CurrentVersion, a.RenewalSeq, a.RenewedOn)
	}
	// Filed like any other: 30 days from 12-01 = 12-31 (Wednesday), with each filing body.
	fs := mustDetail(t, f, staff, a.ID).Filings
	if len(fs) == 0 {
		t.Fatal("the re-published version has no filing deadline")
	}
	for _, fl := range fs {
		if fl.Round != 2 || fl.DueOn.String() != "2025-12-31" || fl.FromOn.String() != "2025-12-01" {
			t.Errorf("renewal filing %+v", fl)
		}
	}
	b = must(t)(f.svc.Evaluate(f.ctx, staff, b.ID, EvaluateInput{Step: casework.Step{On: date("2025-12-01")}, Evaluation: EvalExpire}))
	todos, _ = f.svc.Todos(f.ctx, staff)
	if n := countPrefix(todos, "有效期届满前评估"); n != 0 {
		t.Errorf("%d evaluation todos after evaluation", n)
	}
	if n, err := f.svc.ExpireDue(f.ctx); err != nil || n != 0 {
		t.Fatalf("nothing expires yet: %d %v", n, err)
	}
	f.setClock("2026-03-01")
	if n, err := f.svc.ExpireDue(f.ctx); err != nil || n != 1 {
		t.Fatalf("b expires: %d %v", n, err)
	}
	b, _ = f.svc.Get(f.ctx, staff, b.ID)
	if b.State != StateExpired || b.StateOn.String() != "2026-03-01" {
		t.Errorf("b %s from %s", b.State, b.StateOn)
	}
	if ix := f.index.docs[b.ID]; ix.State != "失效" || ix.InForce {
		t.Errorf("index of b %+v", ix)
	}
	st, _ := f.svc.StatsByCode(f.ctx, "990121-GOV", 2025)
	if st.InForce != 3 {
		t.Errorf("in force at the end of 2025: %d", st.InForce)
	}
	st, _ = f.svc.StatsByCode(f.ctx, "990121-GOV", 2026)
	if st.InForce != 2 || st.AsOf != "2026-03-01" {
		t.Errorf("in force on 2026-03-01: %d (%s)", st.InForce, st.AsOf)
	}
}

func mustDetail(t *testing.T, f *fixture, p *auth.Principal, id string) *Detail {
	t.Helper()
	d, err := f.svc.Detail(f.ctx, p, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func countPrefix(todos []web.Todo, prefix string) int {
	n := 0
	for _, td := range todos {
		if strings.HasPrefix(td.Title, prefix) {
			n++
		}
	}
	return n
}

func TestCleanupCampaign(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	docs := []*Doc{
		f.legacy("990121-GOV", "青政规〔2019〕1号", "青山县招商引资优惠办法", "2019-03-01", "2019-03-01", "营商环境", textV1),
		f.legacy("990121-GOV", "青政规〔2021〕3号", "青山县优化营商环境若干措施", "2021-05-01", "2021-05-01", "营商环境，产权保护", textV1),
		f.legacy("990121-GOV", "青政规〔2022〕1号", "青山县政府投资项目管理办法", "2022-01-10", "2022-01-10", "营商环境", textV1),
		f.legacy("990121-GOV", "青政规〔2022〕2号", "青山县企业信用修复办法", "2022-04-01", "2022-04-01", "营商环境", textV1),
		f.legacy("990121-GOV", "青政规〔2023〕2号", "青山县城区绿化管理办法", "2023-02-01", "2023-02-01", "生态环境", textV1),
		f.legacy("990121-GAJ", "青公规〔2022〕1号", "青山县公安局涉企执法办法", "2022-05-01", "2022-05-01", "营商环境", textV1),
	}
	_, err := f.svc.OpenCleanup(f.ctx, staff, CleanupInput{Step: casework.Step{On: date("2025-10-08")}, OrganID: f.organ("990121-GOV").ID, Title: "x", Topic: "不存在的主题"})
	refusedField(t, err, "topic", "a campaign over nothing must be refused")
	c, err := f.svc.OpenCleanup(f.ctx, staff, CleanupInput{Step: casework.Step{On: date("2025-10-09")}, OrganID: f.organ("990121-GOV").ID, Title: "涉及营商环境的规范性文件专项清理",
		Basis: "示范市人民政府关于开展规范性文件专项清理的通知", Topic: "营商环境"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Items != 4 {
		t.Fatalf("the county's own 营商环境 documents: %d, want 4", c.Items)
	}
	cd, _ := f.svc.Cleanup(f.ctx, staff, c.ID)
	want := map[string]Decision{docs[0].ID: Expire, docs[1].ID: Keep, docs[2].ID: Amend, docs[3].ID: Repeal}
	for _, it := range cd.Items {
		dec := want[it.DocID]
		reason := ""
		if dec != Keep {
			reason = "与《优化营商环境条例》不一致"
		}
		if dec == Repeal {
			err := f.svc.Propose(f.ctx, staff, c.ID, ItemInput{ItemID: it.ID, Decision: dec})
			refusedField(t, err, "reason_"+it.ID, "a repeal proposal needs a reason")
		}
		if err := f.svc.Propose(f.ctx, staff, c.ID, ItemInput{ItemID: it.ID, Decision: dec, Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.Propose(f.ctx, staff, c.ID, ItemInput{ItemID: "no-such-item", Decision: Keep}); !errors.Is(err, fault.NotFound) {
		t.Errorf("a document outside the campaign: %v", err)
	}
	_, err = f.svc.CloseCleanup(f.ctx, staff, c.ID, CloseInput{Step: casework.Step{On: date("2025-11-20")}, DecidedBy: "县政府第20次常务会议"})
	refused(t, err, fault.Conflict, "closing before every decision must be refused")
	if n, err := f.svc.AdoptProposals(f.ctx, staff, c.ID, casework.Step{On: date("2025-11-18")}); err != nil || n != 4 {
		t.Fatalf("adopted %d %v", n, err)
	}
	_, err = f.svc.CloseCleanup(f.ctx, f.login("qs_ld"), c.ID, CloseInput{Step: casework.Step{On: date("2025-11-20")}, DecidedBy: "x"})
	refused(t, err, fault.Forbidden, "a leader does not close campaigns")
	_, err = f.svc.CloseCleanup(f.ctx, f.login("ls_sc"), c.ID, CloseInput{Step: casework.Step{On: date("2025-11-20")}, DecidedBy: "x"})
	refused(t, err, fault.NotFound, "another county's office does not see the campaign")
	if _, err := f.svc.CloseCleanup(f.ctx, staff, c.ID, CloseInput{Step: casework.Step{On: date("2025-11-20")}, DecidedBy: "县政府第20次常务会议"}); err != nil {
		t.Fatal(err)
	}
	status := map[string]State{}
	for _, d := range docs[:5] {
		got, _ := f.svc.Get(f.ctx, staff, d.ID)
		status[d.Title] = got.State
		if d.ID == docs[2].ID && !got.PendingAmend {
			t.Error("修改 flags the document for amendment")
		}
	}
	if status["青山县招商引资优惠办法"] != StateExpired || status["青山县优化营商环境若干措施"] != StateInForce || status["青山县政府投资项目管理办法"] != StateInForce ||
		status["青山县企业信用修复办法"] != StateRepealed || status["青山县城区绿化管理办法"] != StateInForce {
		t.Errorf("statuses after closing %v", status)
	}
	err = f.svc.Decide(f.ctx, staff, c.ID, ItemInput{ItemID: cd.Items[0].ID, Decision: Keep})
	refused(t, err, fault.Conflict, "a closed campaign is frozen")
	doc, err := f.svc.CleanupDocument(f.ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, b := range doc.Body {
		if b.Kind == docgen.Heading1 {
			heads = append(heads, b.Text)
		}
	}
	if strings.Join(heads, "|") != "一、继续有效的规范性文件（1件）|二、需要修改的规范性文件（1件）|三、决定废止的规范性文件（1件）|四、宣布失效的规范性文件（1件）" {
		t.Errorf("result lists %q", heads)
	}
	if _, err := doc.DOCX(); err != nil {
		t.Error(err)
	}
	sheets, _, err := f.svc.CleanupSheets(f.ctx, staff, c.ID)
	if err != nil || len(sheets) != 5 || len(sheets[0].Rows) != 4 || len(sheets[3].Rows) != 1 {
		t.Errorf("sheets %d %v", len(sheets), err)
	}
	st, _ := f.svc.StatsByCode(f.ctx, "990121-GOV", 2025)
	if st.Cleanup != (CleanupCounts{Kept: 1, Amended: 1, Repealed: 1, Expired: 1}) {
		t.Errorf("cleanup stats %+v", st.Cleanup)
	}
	d := mustDetail(t, f, staff, docs[3].ID)
	if last := d.Timeline[len(d.Timeline)-1]; last.State != StateRepealed || last.From.String() != "2025-11-20" {
		t.Errorf("timeline %+v", d.Timeline)
	}
}

const textV2 = `为了规范城区停车秩序，根据有关法律法规，结合本县实际，制定本办法。
第一条 本办法适用于本县城区和工业园区范围内的机动车停放管理。
第二条 县综合行政执法局负责停车秩序的监督管理。
第三条 县公安局交通管理部门负责道路停车泊位的设置。
第四条 违反本办法规定停放机动车的，依法予以处罚。
第五条 本办法自2026年1月1日起施行。`

func TestVersionsAmendmentAndArticleDiff(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	a := f.legacy("990121-GOV", "青政规〔2022〕5号", "青山县城区停车管理办法", "2022-03-01", "2022-03-01", "", textV1)
	rid := f.approved("青山县人民政府关于修改《青山县城区停车管理办法》的决定", "990121-GOV", "2025-11-03", textV2)
	b := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, AmendsID: a.ID, Step: casework.Step{On: date("2025-11-10")}}))
	b = must(t)(f.svc.Publish(f.ctx, staff, b.ID, PublishInput{Step: casework.Step{On: date("2025-12-01")}, Channel: "政府公报", EffectiveText: "2026-01-01"}))
	det := mustDetail(t, f, staff, a.ID)
	if det.Doc.State != StateAmended || det.Doc.AmendedByID != b.ID || det.Doc.StateOn.String() != "2026-01-01" || len(det.Versions) != 2 || det.AmendedBy == nil {
		t.Fatalf("amended document %+v, %d versions", det.Doc, len(det.Versions))
	}
	if det.Versions[1].SourceNumber != b.Number {
		t.Errorf("version source %q", det.Versions[1].SourceNumber)
	}
	if ix := f.index.docs[a.ID]; ix.State != "已修改" || ix.InForce {
		t.Errorf("index of the amended document %+v", ix)
	}
	v, err := f.svc.Diff(f.ctx, nil, a.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, c := range v.Changes {
		label := ""
		if c.New != nil {
			label = c.New.Label
		} else {
			label = c.Old.Label
		}
		ops = append(ops, label+":"+string(c.Op))
	}
	// 第三条 is new; the old 第三条 is now 第四条 unchanged; 第四条 became 第五条 with new text.
	want := "序言:same,第一条:changed,第二条:same,第三条:added,第四条:same,第五条:changed"
	if got := strings.Join(ops, ","); got != want {
		t.Errorf("diff %s\nwant %s", got, want)
	}
	if v.Summary != (DiffSummary{Same: 3, Changed: 2, Added: 1}) {
		t.Errorf("summary %+v", v.Summary)
	}
	var ins []string
	for _, s := range v.Changes[1].Segments {
		if s.Op == "+" {
			ins = append(ins, s.Text)
		}
	}
	if strings.Join(ins, "") != "和工业园区" {
		t.Errorf("insertions in 第一条: %q", ins)
	}
	// Revising the text of a published document needs a note and keeps a version.
	_, err = f.svc.ReviseText(f.ctx, staff, b.ID, ReviseInput{Step: casework.Step{On: date("2025-12-10")}, Body: textV2 + "\n附件：停车泊位示意图"})
	refusedField(t, err, "note", "a correction of a published document needs a note")
	b = must(t)(f.svc.ReviseText(f.ctx, staff, b.ID, ReviseInput{Step: casework.Step{On: date("2025-12-10"), Note: "补正附件"}, Body: textV2 + "\n附件：停车泊位示意图"}))
	if b.CurrentVersion != 2 || !strings.Contains(f.index.docs[b.ID].Body, "附件") {
		t.Errorf("revised version %d, index updated: %v", b.CurrentVersion, strings.Contains(f.index.docs[b.ID].Body, "附件"))
	}
}

func TestPermissionsAndScope(t *testing.T) {
	f := newFixture(t)
	staff, leader, gaj, sjj := f.login("qs_sc"), f.login("qs_ld"), f.login("qs_gaj"), f.login("qs_sjj")
	pub := f.legacy("990121-GAJ", "青公规〔2020〕1号", "公安局公布的文件", "2020-01-02", "2020-01-02", "", textV1)
	rid := f.approved("公安局待公布文件", "990121-GAJ", "2025-05-06", textV1)
	reg := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-05-07")}}))
	rid2 := f.approved("县政府待公布文件", "990121-GOV", "2025-05-06", textV1)
	gov := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid2, Step: casework.Step{On: date("2025-05-07")}}))

	count := func(p *auth.Principal) int {
		t.Helper()
		_, n, err := f.svc.List(f.ctx, p, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		who  *auth.Principal
		want int
	}{{staff, 3}, {leader, 3}, {gaj, 3}, {sjj, 0}, {f.login("ls_sc"), 0}} {
		if got := count(tc.who); got != tc.want {
			t.Errorf("%s sees %d documents in the register, want %d", tc.who.Username, got, tc.want)
		}
	}
	if _, err := f.svc.Get(f.ctx, sjj, pub.ID); err != nil {
		t.Error("a published document is readable by everyone")
	}
	_, err := f.svc.Get(f.ctx, sjj, reg.ID)
	refused(t, err, fault.NotFound, "another department must not read an unpublished document")
	_, err = f.svc.Get(f.ctx, f.login("qs_gw"), pub.ID)
	refused(t, err, fault.NotFound, "an advisor has no access to the register")
	_, err = f.svc.Publish(f.ctx, leader, gov.ID, PublishInput{Channel: "x"})
	refused(t, err, fault.Forbidden, "a leader is read-only")
	_, err = f.svc.Publish(f.ctx, f.login("ls_sc"), gov.ID, PublishInput{Channel: "x"})
	refused(t, err, fault.NotFound, "another county's office must not publish")
	_, err = f.svc.PublicDetail(f.ctx, reg.ID)
	refused(t, err, fault.NotFound, "the public sees published documents only")
	_, _, err = f.svc.Version(f.ctx, nil, reg.ID, 0)
	refused(t, err, fault.NotFound, "the public reads no version of an unpublished document")
	docs, n, err := f.svc.PublicList(f.ctx, Filter{})
	if err != nil || n != 1 || docs[0].ID != pub.ID {
		t.Errorf("public list %d %v", n, err)
	}
	_, err = f.svc.Register(f.ctx, staff, RegisterInput{Step: casework.Step{On: date("2025-05-07")}, Title: "未经审核", Body: "x"})
	refusedField(t, err, "review_id", "a document without an approved review cannot be registered")
}

func TestSettingsChangeFilingDeadline(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	prov := f.organ("990000-GOV")
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return f.svc.Settings().Save(f.ctx, tx, prov.ID, settingDef(KeyFilingDays), 15, false)
	}); err != nil {
		t.Fatal(err)
	}
	rid := f.approved("青山县公安局规定", "990121-GAJ", "2025-09-10", textV1)
	d := must(t)(f.svc.Register(f.ctx, staff, RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-09-11")}}))
	d = must(t)(f.svc.Publish(f.ctx, staff, d.ID, PublishInput{Step: casework.Step{On: date("2025-09-19")}, Channel: "网站"}))
	// The province's 15 days: 09-19 + 15 = 10-04, in the holiday → 10-09.
	det := mustDetail(t, f, staff, d.ID)
	if det.Filings[0].Days != 15 {
		t.Fatalf("days %d", det.Filings[0].Days)
	}
	eq(t, "filing due under the province's rule", det.Filings[0].DueOn, "2025-10-09")
}

func TestCLIStatsJSON(t *testing.T) {
	f := newFixture(t)
	f.legacy("990121-GOV", "青政规〔2025〕9号", "青山县某办法", "2025-03-03", "2025-03-03", "", textV1)
	var b strings.Builder
	// The 司法局's code stands for its government.
	if err := CLIStats(f.ctx, f.svc, StatsArgs{Organ: "990121-SFJ", Year: 2025, Format: "json"}, &b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	for _, k := range []string{"reviews", "opinions_given", "opinions_adopted", "published", "filing_due", "filed_on_time", "filing_rate", "cleanup", "in_force"} {
		if _, ok := got[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	if got["published"] != float64(1) || got["organ"] != "青山县人民政府" || !strings.Contains(b.String(), `"filing_rate": 0.00`) {
		t.Errorf("figures %v", got)
	}
	rv := got["reviews"].(map[string]any)["normdoc"].(map[string]any)
	if _, ok := rv["by_conclusion"].(map[string]any)["agree_amended"]; !ok || len(got["cleanup"].(map[string]any)) != 4 {
		t.Errorf("nested keys %v", got)
	}
	for _, a := range []StatsArgs{{Organ: "", Year: 2025, Format: "json"}, {Organ: "990121-GOV", Year: 2025, Format: "xml"}, {Organ: "nope", Year: 2025, Format: "json"}} {
		if err := CLIStats(f.ctx, f.svc, a, &b); err == nil {
			t.Errorf("%+v must be refused", a)
		}
	}
}
