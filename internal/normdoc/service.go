package normdoc

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/settings"
)

// IndexDoc is what the full-text index keeps of a published document. It mirrors search.Doc field
// by field; cli adapts one to the other (see Indexer).
type IndexDoc struct {
	Kind      string // always "normdoc"
	RefID     string
	Title     string
	Body      string
	OrganID   string
	Organ     string
	Number    string
	Date      calendar.Date // publication date
	Effective calendar.Date // 施行日期: before it readers see 尚未施行
	State     string        // Chinese label: 有效, 已修改, 废止, 失效
	InForce   bool
	URL       string
	Parts     []IndexPart // one per article (第…条), so a hit links to the article
}

// IndexPart is one article of an indexed document (mirrors search.Part).
type IndexPart struct {
	Anchor string // fragment of the public page, e.g. a3
	Label  string // 第三条
	Text   string
}

// Indexer is the part of internal/search this module uses, called in the same transaction as the
// publication or status change it reflects. A nil Indexer indexes nothing.
type Indexer interface {
	Upsert(ctx context.Context, tx *db.Tx, doc IndexDoc) error
	Delete(ctx context.Context, tx *db.Tx, kind, refID string) error
}

// BulkIndexer is an Indexer that loads many documents faster at once (the generated documents of
// the province demo); see search.Index.UpsertMany and BeginBulk.
type BulkIndexer interface {
	Indexer
	UpsertMany(ctx context.Context, tx *db.Tx, docs []IndexDoc) error
	BeginBulk(ctx context.Context) (BulkLoad, error)
}

// BulkLoad is a bulk load in progress: PrepareTx at the start of each transaction, Finish at the end.
type BulkLoad interface {
	PrepareTx(ctx context.Context, tx *db.Tx) error
	Finish(ctx context.Context) error
}

// Service is the register's business layer.
type Service struct {
	db       *db.DB
	org      *org.Service
	auth     *auth.Service
	review   *review.Service
	cal      func() *calendar.Calendar
	settings *settings.Store
	index    Indexer
	now      func() time.Time
	kind     *casework.Kind[*Doc]
}

// ownerType keys the documents' events, audit entries and attachments.
const ownerType = "normdoc"

// New returns the service; ix may be nil until the search index is wired.
func New(d *db.DB, o *org.Service, a *auth.Service, rv *review.Service, cal func() *calendar.Calendar, ix Indexer) *Service {
	s := &Service{db: d, org: o, auth: a, review: rv, cal: cal, settings: settings.New(d, o), index: ix, now: time.Now}
	s.kind = &casework.Kind[*Doc]{
		OwnerType: ownerType, Table: "normdocs", Noun: "文件", Audit: "normdoc",
		Load: s.load, Save: updateDoc,
		// The register office keeps the document, so its events belong to that organ.
		Facts: func(d *Doc) casework.Facts {
			return casework.Facts{ID: d.ID, OrganID: d.RegOrganID, State: string(d.State), Version: d.Version}
		},
		StateLabel: func(st string) string { return State(st).Label() },
		After: func(ctx context.Context, tx *db.Tx, _ *auth.Principal, d *Doc, _ *casework.Event) error {
			return s.reindex(ctx, tx, d)
		},
	}
	return s
}

// load reads a document inside a transition: within p's visible scope, or any document for the
// system's own steps (p nil: the scheduler's expiry).
func (s *Service) load(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Doc, error) {
	if p == nil {
		return getDoc(ctx, tx, id)
	}
	return s.getVisible(ctx, tx, p, id)
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// SetIndexer replaces the index (tests, late wiring).
func (s *Service) SetIndexer(ix Indexer) { s.index = ix }

// Today is the legal date now.
func (s *Service) Today() calendar.Date { return calendar.InShanghai(s.now()) }

// Review is the legality review service the register draws on.
func (s *Service) Review() *review.Service { return s.review }

// Settings reads the organ settings.
func (s *Service) Settings() *settings.Store { return s.settings }

// department reports a department's view: it reads (normdoc.read) and submits reviews, but does not keep the register.
func department(p *auth.Principal) bool {
	return p.Can(review.PermSubmit) && !p.Can(PermEdit)
}

// scope limits the register to what p keeps or oversees: staff by the organ scope of the register
// office or of the issuing organ; a department its own documents (issued or drafted).
func scope(p *auth.Principal) (string, []any) {
	if p == nil || !p.Can(PermRead) {
		return "1 = 0", nil
	}
	if department(p) {
		return "(d.organ_id = ? OR d.drafter_organ_id = ?)", []any{p.OrganID, p.OrganID}
	}
	a, aa := p.ScopeSQL("d.reg_organ_id", "")
	b, ba := p.ScopeSQL("d.organ_id", "")
	return "(" + a + " OR " + b + ")", append(aa, ba...)
}

// visible adds the published documents, which everyone may read, to p's scope.
func visible(p *auth.Principal) (string, []any) {
	if p == nil || !p.Can(PermRead) {
		return "1 = 0", nil // the public reads through PublicDetail
	}
	f, a := scope(p)
	return "(" + f + " OR d.published_on <> '')", a
}

// Get returns a document p may read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Doc, error) {
	return s.getVisible(ctx, s.db, p, id)
}

func (s *Service) getVisible(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Doc, error) {
	frag, args := visible(p)
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+` FROM normdocs d WHERE d.id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "规范性文件")
	}
	return d, nil
}

// allowEdit is the Allow of every transition: the register office acts on the documents of its organ scope.
func (s *Service) allowEdit(p *auth.Principal, d *Doc) error {
	if !s.editable(p, d) {
		return fault.Forbiddenf("该文件不由本机关登记管理")
	}
	return nil
}

// run performs one transition of document id by its register office.
func (s *Service) run(ctx context.Context, p *auth.Principal, id string, t casework.Transition[*Doc]) (*Doc, error) {
	if !p.Can(PermEdit) {
		return nil, fault.Forbiddenf("您没有管理规范性文件的权限")
	}
	t.Allow = s.allowEdit
	return s.kind.Run(ctx, s.db, s.Today(), p, id, t)
}

// editable: the register office acts on the documents of its organ scope.
func (s *Service) editable(p *auth.Principal, d *Doc) bool {
	if p == nil || !p.Can(PermEdit) {
		return false
	}
	return s.inScope(p, d.RegOrganID)
}

func (s *Service) inScope(p *auth.Principal, organID string) bool {
	o, ok := s.org.Organ(organID)
	if !ok {
		return false
	}
	switch p.Scope {
	case auth.ScopeAll:
		return true
	case auth.ScopeBelow:
		return strings.HasPrefix(o.Path, p.OrganPath)
	case auth.ScopeOrgan:
		return o.ID == p.OrganID
	}
	return false
}

// Detail is everything the document page shows.
type Detail struct {
	Doc       *Doc
	Text      Version // current version with its body
	Versions  []Version
	Events    []Event
	Timeline  []StateEntry
	Filings   []Filing
	AmendedBy *Doc
	Amends    *Doc
	Organ     org.Organ
	CanEdit   bool
	Today     calendar.Date
	StateText string
}

// StateEntry is one status of the timeline with its effective date.
type StateEntry struct {
	State State
	From  calendar.Date
	Note  string
	RefID string // the amending or repealing document
}

// Detail loads the document page (staff or public: the same facts, actions only for staff).
func (s *Service) Detail(ctx context.Context, p *auth.Principal, id string) (*Detail, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, d, s.editable(p, d))
}

// PublicDetail loads a published document for the public database.
func (s *Service) PublicDetail(ctx context.Context, id string) (*Detail, error) {
	d, err := s.publicDoc(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, d, false)
}

// publicDoc reads a published document; an unpublished one does not exist for the public.
func (s *Service) publicDoc(ctx context.Context, id string) (*Doc, error) {
	d, err := getDoc(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !d.Published() {
		return nil, fault.NotFoundf("规范性文件不存在或您无权查看")
	}
	return d, nil
}

func (s *Service) detail(ctx context.Context, d *Doc, canEdit bool) (*Detail, error) {
	out := &Detail{Doc: d, CanEdit: canEdit, Today: s.Today(), StateText: d.StateText(s.Today())}
	out.Organ, _ = s.org.Organ(d.OrganID)
	var err error
	if out.Text, err = getVersion(ctx, s.db, d.ID, d.CurrentVersion); err != nil {
		return nil, err
	}
	if out.Versions, err = listVersions(ctx, s.db, d.ID); err != nil {
		return nil, err
	}
	evs, err := casework.Events(ctx, s.db, ownerType, d.ID, casework.ByLegalDate)
	if err != nil {
		return nil, err
	}
	for _, e := range evs {
		out.Events = append(out.Events, Event{e})
	}
	if out.Filings, err = listFilings(ctx, s.db, d.ID); err != nil {
		return nil, err
	}
	// A linked document that has gone is left out; any other failure is the page's.
	for _, l := range []struct {
		id  string
		out **Doc
	}{{d.AmendedByID, &out.AmendedBy}, {d.AmendsID, &out.Amends}} {
		if l.id == "" {
			continue
		}
		if *l.out, err = getDoc(ctx, s.db, l.id); err != nil && !errors.Is(err, fault.NotFound) {
			return nil, err
		}
	}
	out.Timeline = timeline(out.Events, d)
	return out, nil
}

// timeline extracts the status changes, with the dates they took effect: a document is in force
// from its effective date, not from its publication.
func timeline(evs []Event, d *Doc) []StateEntry {
	var out []StateEntry
	for _, e := range evs {
		to := State(e.ToState)
		if to == "" || e.ToState == e.FromState || to == StateRegistered {
			continue
		}
		en := StateEntry{State: to, From: e.On, Note: e.Note, RefID: e.RefID}
		if e.Action == "publish" {
			en.From, en.Note = d.EffectiveOn, e.On.String()+"公布（"+e.Note+"）"
		}
		out = append(out, en)
	}
	return out
}

// reindex puts a published document's current state into the search index.
func (s *Service) reindex(ctx context.Context, tx *db.Tx, d *Doc) error {
	if s.index == nil || !d.Published() {
		return nil
	}
	v, err := getVersion(ctx, tx, d.ID, d.CurrentVersion)
	if err != nil {
		return err
	}
	return s.index.Upsert(ctx, tx, indexDoc(d, v.Body))
}

func indexDoc(d *Doc, body string) IndexDoc {
	ix := IndexDoc{Kind: "normdoc", RefID: d.ID, Title: d.Title, Body: body, OrganID: d.OrganID, Organ: d.OrganName, Number: d.Number,
		Date: d.PublishedOn, Effective: d.EffectiveOn, State: d.State.Label(), InForce: d.State == StateInForce, URL: "/public/normdocs/" + d.ID}
	if arts := SplitArticles(body); len(arts) > 1 {
		for i, a := range arts {
			label := a.Label
			if label == "序言" {
				label = ""
			}
			ix.Parts = append(ix.Parts, IndexPart{Anchor: ArticleAnchor(i), Label: label, Text: a.Text})
		}
	}
	return ix
}

// ArticleAnchor is the fragment of the i-th unit of SplitArticles on the public document page.
func ArticleAnchor(i int) string { return "a" + strconv.Itoa(i+1) }

// openFiling is a filing whose deadline still runs, with what its deadline depends on.
type openFiling struct {
	id, title, docID string
	days             int
	due, published   calendar.Date
}

// Redate recomputes the deadlines of filings not yet sent under a new calendar (calendar.Redater).
func (s *Service) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return casework.Redate(ctx, tx, cal, casework.Redating[*openFiling]{
		Open: openFilings,
		Deadlines: func(f *openFiling) []casework.Deadline {
			return []casework.Deadline{{What: "报送备案期限", On: f.due}}
		},
		Recompute: func(_ context.Context, _ *db.Tx, f *openFiling, cal *calendar.Calendar) error {
			// A period the new calendar cannot count (no days for that year) keeps its old deadline.
			if due, ok, err := cal.Due(FilingRule(f.days), f.published, nil, 0); err == nil && ok {
				f.due = due
			}
			return nil
		},
		Save: func(ctx context.Context, tx *db.Tx, f *openFiling) error {
			return tx.Exec(ctx, `UPDATE normdoc_filings SET due_on = ? WHERE id = ?`, f.due.String(), f.id)
		},
		Name: func(f *openFiling) (string, string) {
			return "规范性文件《" + f.title + "》", "/normdoc/docs/" + f.docID
		},
	})
}

func openFilings(ctx context.Context, tx *db.Tx) ([]*openFiling, error) {
	// A re-publication's filing counts from that publication (from_on), the first from the document's.
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.days, f.due_on, CASE WHEN f.from_on <> '' THEN f.from_on ELSE d.published_on END, d.title, d.id
		FROM normdoc_filings f JOIN normdocs d ON d.id = f.doc_id WHERE f.sent_on = ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var open []*openFiling
	for rows.Next() {
		f := &openFiling{}
		var due, pub string
		if err := rows.Scan(&f.id, &f.days, &due, &pub, &f.title, &f.docID); err != nil {
			return nil, err
		}
		f.due, _ = calendar.ParseDate(due)
		f.published, _ = calendar.ParseDate(pub)
		open = append(open, f)
	}
	return open, rows.Err()
}
