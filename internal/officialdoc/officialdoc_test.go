package officialdoc_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

func TestNumber(t *testing.T) {
	if got := officialdoc.Number("青政", "复受", 2026, 3); got != "青政复受〔2026〕3号" {
		t.Errorf("Number = %s", got)
	}
	if got := officialdoc.Number("青政", "复受", 2026, 0); got != "青政复受〔2026〕　号" {
		t.Errorf("a draft's number = %s", got)
	}
}

// item is a module's record, as small as it gets.
type item struct {
	ID, OrganID, Number string
}

type memBlobs map[string][]byte

func (m memBlobs) Put(_ context.Context, _ *db.Tx, o officialdoc.FileOwner, data []byte) (string, error) {
	if o.Type != "sample_document" || o.ID == "" || !strings.HasSuffix(o.Filename, ".docx") {
		return "", errors.New("bad owner")
	}
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

type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *db.DB
	room  *officialdoc.Room[*item]
	gov   org.Organ
	items map[string]*item
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	var w *demo.World
	grab := func(_ context.Context, world *demo.World) (string, error) { w = world; return "", nil }
	if _, err := demo.Load(ctx, d, o, a, "county", []demo.Seeder{grab}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: d, gov: w.Counties[0].Government, items: map[string]*item{}}
	compose := func(body string) func(context.Context, *db.Tx, *item, calendar.Date) (officialdoc.Text, error) {
		return func(_ context.Context, _ *db.Tx, it *item, on calendar.Date) (officialdoc.Text, error) {
			return officialdoc.Text{Recipient: "申请人" + it.ID + "：", Body: "当事人：" + it.ID + "\n" + body + on.Chinese() + "。\n抄送：甲，乙。"}, nil
		}
	}
	f.room = &officialdoc.Room[*item]{
		DB: d, Org: o, OwnerType: "sample_item", Module: "sample", Object: "sample_document", Noun: "示例文书",
		Kinds: []officialdoc.Kind[*item]{
			{Kind: "notice", Name: "示例通知书", Code: "示通", Compose: compose("特此通知，")},
			{Kind: "decision", Name: "示例决定书", CaseNumber: true, Compose: compose("【请填写理由】决定于")},
		},
		FlushLeft: []string{"当事人"},
		Today:     func() calendar.Date { return calendar.Date{Year: 2026, Month: 3, Day: 2} },
		Owner: func(it *item) officialdoc.Owner {
			return officialdoc.Owner{ID: it.ID, OrganID: it.OrganID, Number: it.Number, State: "open", URL: "/sample/" + it.ID, Ref: it.ID}
		},
		Visible: func(_ context.Context, _ db.Querier, p *auth.Principal, id string, draft bool) (*item, error) {
			it, ok := f.items[id]
			if !ok || p.UserID == "stranger" || (draft && p.UserID == "outsider") {
				return nil, fault.NotFoundf("no")
			}
			return it, nil
		},
		Editable: func(p *auth.Principal, _ *item) error {
			if p.UserID != "clerk" {
				return fault.Forbiddenf("只读")
			}
			return nil
		},
	}
	return f
}

func (f *fixture) draft(it *item, kinds ...string) []officialdoc.Document {
	f.t.Helper()
	f.items[it.ID] = it
	var out []officialdoc.Document
	err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		var err error
		out, err = f.room.Draft(f.ctx, tx, &auth.Principal{UserID: "clerk"}, it, calendar.Date{Year: 2026, Month: 3, Day: 1}, kinds...)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	clerk := &auth.Principal{UserID: "clerk", Name: "书记员"}
	a := &item{ID: "A", OrganID: f.gov.ID}
	b := &item{ID: "B", OrganID: f.gov.ID, Number: "青政示〔2026〕9号"}
	da := f.draft(a, "notice", "decision")
	db1 := f.draft(b, "notice", "decision")
	if len(da) != 2 || da[0].Title != "示例通知书" || da[0].KindName() != "示例通知书" || da[0].Status != officialdoc.Draft || da[0].CreatedBy != "clerk" {
		t.Fatalf("drafts %+v", da)
	}
	list, err := f.room.List(f.ctx, f.db, "A")
	if err != nil || len(list) != 2 || list[1].Kind != "decision" || list[1].KindName() != "示例决定书" {
		t.Fatalf("list %+v %v", list, err)
	}

	// The page view: the blank number of a draft, the flush-left party line, the marks to fill.
	v, err := f.room.View(f.ctx, clerk, da[1].ID)
	if err != nil || !v.CanEdit || len(v.Missing) != 1 || v.Layout.Number != "" || v.Layout.Body[0].Kind.String() != "Plain" ||
		strings.Join(v.Layout.CopyTo, "|") != "甲|乙" || v.TitleLines()[1] != "示例决定书" {
		t.Fatalf("view %+v %v", v, err)
	}
	if v, _ := f.room.View(f.ctx, clerk, db1[0].ID); v.Layout.Number != f.gov.DocPrefix+"示通〔2026〕　号" {
		t.Errorf("draft number %q", v.Layout.Number)
	}
	if _, err := f.room.View(f.ctx, &auth.Principal{UserID: "stranger"}, da[0].ID); web.Status(err) != 404 || !strings.Contains(err.Error(), "示例文书") {
		t.Errorf("a stranger: %v", err)
	}
	if v, err := f.room.View(f.ctx, &auth.Principal{UserID: "reader"}, da[0].ID); err != nil || v.CanEdit {
		t.Errorf("a reader sees the draft without the form: %v", err)
	}
	if _, err := f.room.Save(f.ctx, &auth.Principal{UserID: "reader"}, da[0].ID, officialdoc.Input{Title: "x", Body: "y"}); web.Status(err) != 403 {
		t.Errorf("a reader saves: %v", err)
	}

	blobs := memBlobs{}
	// Numbers per organ, kind and year, in the order of issue.
	n1, err := f.room.Issue(f.ctx, clerk, db1[0].ID, blobs)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := f.room.Issue(f.ctx, clerk, da[0].ID, blobs)
	if err != nil {
		t.Fatal(err)
	}
	if n1.Number != f.gov.DocPrefix+"示通〔2026〕1号" || n2.Number != f.gov.DocPrefix+"示通〔2026〕2号" {
		t.Errorf("numbers %s %s", n1.Number, n2.Number)
	}
	if n1.IssuedBy != "clerk" || n1.IssuedAt == "" || n1.IssuedOn.String() != "2026-03-02" || blobs[n1.SHA256] == nil {
		t.Errorf("issued %+v", n1)
	}
	// A mark left: refused with the mark named, no number used; a record without number: refused.
	var fe *fault.Fields
	if _, err := f.room.Issue(f.ctx, clerk, db1[1].ID, blobs); !errors.As(err, &fe) || !strings.Contains(fe.Fields["body"], "【请填写理由】") {
		t.Fatalf("a mark left: %v", err)
	}
	for _, d := range []officialdoc.Document{da[1], db1[1]} {
		if _, err := f.room.Save(f.ctx, clerk, d.ID, officialdoc.Input{Title: d.Title, Recipient: d.Recipient, Body: strings.ReplaceAll(d.Body, "【请填写理由】", "经审查，"), UpdatedAt: d.UpdatedAt}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.room.Issue(f.ctx, clerk, da[1].ID, blobs); web.Status(err) != 409 {
		t.Errorf("a decision without a case number: %v", err)
	}
	dec, err := f.room.Issue(f.ctx, clerk, db1[1].ID, nil)
	if err != nil || dec.Number != "青政示〔2026〕9号" {
		t.Fatalf("the decision carries the record's number: %+v %v", dec, err)
	}
	// Frozen: no edit, no second issue; the file downloads as frozen (regenerated without a store).
	if _, err := f.room.Save(f.ctx, clerk, n1.ID, officialdoc.Input{Title: "x", Body: "y"}); web.Status(err) != 409 {
		t.Errorf("edit after issue: %v", err)
	}
	if _, err := f.room.Issue(f.ctx, clerk, n1.ID, blobs); web.Status(err) != 409 {
		t.Errorf("second issue: %v", err)
	}
	for _, x := range []struct {
		d     *officialdoc.Document
		blobs officialdoc.Blobs
	}{{n1, blobs}, {dec, nil}} {
		name, data, err := f.room.DOCX(f.ctx, &auth.Principal{UserID: "outsider"}, x.d.ID, x.blobs)
		sum := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(sum[:]) != x.d.SHA256 || name != x.d.Title+"-"+x.d.Number+".docx" {
			t.Errorf("download of %s: %s %v", x.d.Number, name, err)
		}
	}
	if _, _, err := f.room.DOCX(f.ctx, &auth.Principal{UserID: "outsider"}, da[1].ID, nil); web.Status(err) != 404 {
		t.Errorf("an outsider sees issued documents only: %v", err)
	}
	// The timeline of the record lists the issue; the audit log has it.
	evs, err := casework.Events(f.ctx, f.db, "sample_item", "B", casework.ByEntry)
	if err != nil || len(evs) != 2 || evs[0].Action != "issue_document" || evs[0].RefID != n1.ID || evs[0].Note != "示例通知书 "+n1.Number || evs[0].ActorName != "书记员" {
		t.Errorf("events %+v %v", evs, err)
	}
	var n int
	f.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'sample.issue_document' AND object_type = 'sample_document'`).Scan(&n)
	if n != 3 {
		t.Errorf("%d issue audit entries", n)
	}
	// Another room's id is not found here.
	if _, err := f.room.Get(f.ctx, f.db, "nope", false); web.Status(err) != 404 {
		t.Errorf("unknown id: %v", err)
	}
}

// A draft forgotten for more than a day is listed for those who may issue it, in their scope only.
func TestStaleDrafts(t *testing.T) {
	f := newFixture(t)
	f.draft(&item{ID: "A", OrganID: f.gov.ID}, "notice")
	clerk := &auth.Principal{UserID: "clerk", OrganID: f.gov.ID, OrganPath: f.gov.Path, Roles: []auth.Role{auth.RoleReconsider}, Scope: auth.ScopeBelow}
	edit := permTestEdit
	if !clerk.Can(edit) {
		t.Fatal("fixture: the clerk cannot edit")
	}
	if docs, err := f.room.StaleDrafts(f.ctx, clerk, edit, time.Now()); err != nil || len(docs) != 0 {
		t.Fatalf("a fresh draft is not stale: %v %v", docs, err)
	}
	later := time.Now().Add(officialdoc.StaleAfter + time.Minute)
	docs, err := f.room.StaleDrafts(f.ctx, clerk, edit, later)
	if err != nil || len(docs) != 1 || docs[0].Title != "示例通知书" {
		t.Fatalf("a day later: %v %v", docs, err)
	}
	other := *clerk
	other.OrganID, other.OrganPath = "elsewhere", "/elsewhere/"
	reader := *clerk
	reader.Roles = []auth.Role{auth.RoleLeader}
	for name, p := range map[string]*auth.Principal{"another organ": &other, "no edit permission": &reader} {
		if docs, err := f.room.StaleDrafts(f.ctx, p, edit, later); err != nil || len(docs) != 0 {
			t.Errorf("%s sees %d drafts (%v)", name, len(docs), err)
		}
	}
	issued, err := f.room.Issue(f.ctx, &auth.Principal{UserID: "clerk"}, docs[0].ID, memBlobs{})
	if err != nil || !issued.Issued() {
		t.Fatal(err)
	}
	if docs, _ := f.room.StaleDrafts(f.ctx, clerk, edit, later); len(docs) != 0 {
		t.Errorf("an issued document is still listed")
	}
}

var permTestEdit = auth.Declare(auth.PermDef{Perm: "officialdoc_test.edit", Label: "测试：制作文书", Roles: []auth.Role{auth.RoleReconsider}})
