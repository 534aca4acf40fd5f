package enforce

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// dateOf reads a stored YYYY-MM-DD ("" is the zero date).
func dateOf(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	d, _ := calendar.ParseDate(s)
	return d
}

// Area is the organs whose enforcement an organ oversees: a 人民政府, its 司法局 (the
// government's 行政执法监督机构, 行政执法监督条例 Art. 6) and its 政府办 see the government's whole
// tree; a department sees itself and what is below it.
func (m *Module) Area(o org.Organ) org.Organ {
	switch o.Kind {
	case org.KindJustice, org.KindOffice, org.KindGovernment:
		if g, ok := m.d.Org.GovernmentOf(o); ok {
			return g
		}
	}
	return o
}

// areaSQL limits col (an organ id column) to the area of organ o.
func (m *Module) areaSQL(o org.Organ, col string) (string, []any) {
	return org.WithinSQL(col, m.Area(o).Path)
}

// scopeSQL limits col to what p sees: its data scope, widened to the government's tree for the
// 司法局 and the government (supervision reaches every body of the government).
func (m *Module) scopeSQL(p *auth.Principal, col string) (string, []any) {
	if p == nil {
		return "1 = 0", nil
	}
	if p.Scope == auth.ScopeAll {
		return "1 = 1", nil
	}
	if o, ok := m.d.Org.Organ(p.OrganID); ok && p.Scope != auth.ScopeSelf {
		if a := m.Area(o); a.ID != o.ID {
			return m.areaSQL(o, col)
		}
	}
	return p.ScopeSQL(col, "")
}

// ---- bodies ----

const bodyCols = `id, organ_id, name, kind, legal_basis, categories, items, major_catalogue, sector`

func scanBody(s db.Scanner) (*Body, error) {
	b := &Body{}
	var cats, items, major string
	if err := s.Scan(&b.ID, &b.OrganID, &b.Name, &b.Kind, &b.LegalBasis, &cats, &items, &major, &b.Sector); err != nil {
		return nil, err
	}
	b.Categories, b.Items, b.MajorCatalogue = splitList(cats), splitList(items), splitLines(major)
	return b, nil
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// BodyInput creates or updates a body.
type BodyInput struct {
	OrganID        string   `json:"organ_id" required:"true" doc:"所属机关 id（执法主体本身或其主管部门）"`
	Name           string   `json:"name" required:"true"`
	Kind           string   `json:"kind" required:"true" doc:"statutory 法定机关、authorised 授权组织、entrusted 受委托组织"`
	LegalBasis     string   `json:"legal_basis"`
	Categories     []string `json:"categories" doc:"penalty、license、coercion、inspection、levy、benefit、confirmation、ruling"`
	Items          []string `json:"items" doc:"可实施的执法事项"`
	MajorCatalogue []string `json:"major_catalogue" doc:"重大执法决定目录"`
	Sector         string   `json:"sector" doc:"行业标签，如 市场监管"`
}

func (in *BodyInput) check(o *org.Service, p *auth.Principal) error {
	var fs fault.Fields
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		fs.Add("name", "请填写执法主体名称")
	}
	if LabelOf(BodyKinds, in.Kind) == "" {
		fs.Add("kind", "主体类型只能是法定机关、授权组织或受委托组织")
	}
	if organ, ok := o.Organ(in.OrganID); !ok || (p != nil && !p.Covers(organ.ID, organ.Path, "") && p.Scope != auth.ScopeAll && !coversArea(o, p, organ)) {
		fs.Add("organ_id", "所属机关不存在或不在您的管理范围内")
	}
	for _, c := range in.Categories {
		if LabelOf(BodyCategories, c) == "" {
			fs.Add("categories", "执法类别「"+c+"」无效")
		}
	}
	return fs.Err()
}

// coversArea: the 司法局 manages bodies of its government's whole tree.
func coversArea(o *org.Service, p *auth.Principal, organ org.Organ) bool {
	home, ok := o.Organ(p.OrganID)
	if !ok || (home.Kind != org.KindJustice && home.Kind != org.KindGovernment) {
		return false
	}
	g, ok := o.GovernmentOf(home)
	return ok && strings.HasPrefix(organ.Path, g.Path)
}

// CreateBody registers an enforcement body.
func (m *Module) CreateBody(ctx context.Context, p *auth.Principal, in BodyInput) (*Body, error) {
	if err := in.check(m.d.Org, p); err != nil {
		return nil, err
	}
	b := &Body{ID: db.NewID(), OrganID: in.OrganID, Name: in.Name, Kind: in.Kind, LegalBasis: strings.TrimSpace(in.LegalBasis),
		Categories: in.Categories, Items: in.Items, MajorCatalogue: in.MajorCatalogue, Sector: strings.TrimSpace(in.Sector)}
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := insertBody(ctx, tx, b); err != nil {
			if db.IsUnique(err) {
				return fault.Field("name", "该机关下已有同名执法主体")
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.body_create", ObjectType: "enforce_body", ObjectID: b.ID,
			Detail: map[string]any{"name": b.Name, "organ_id": b.OrganID}})
	})
	return b, err
}

func insertBody(ctx context.Context, tx *db.Tx, b *Body) error {
	return tx.Exec(ctx, `INSERT INTO enforce_bodies (`+bodyCols+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.OrganID, b.Name, b.Kind, b.LegalBasis, joinList(b.Categories), joinList(b.Items), strings.Join(b.MajorCatalogue, "\n"), b.Sector, db.Now())
}

// Body returns a body p may see.
func (m *Module) Body(ctx context.Context, p *auth.Principal, id string) (*Body, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	b, err := scanBody(m.d.DB.QueryRowContext(ctx, `SELECT `+bodyCols+` FROM enforce_bodies WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	return b, db.Found(err, "执法主体")
}

// Bodies lists the bodies p sees.
func (m *Module) Bodies(ctx context.Context, p *auth.Principal) ([]*Body, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	return db.List(ctx, m.d.DB, scanBody, `SELECT `+bodyCols+` FROM enforce_bodies WHERE `+frag+` ORDER BY name`, args...)
}

// PublicBodies lists every body of an area for the public site (事前公示).
func (m *Module) PublicBodies(ctx context.Context) ([]*Body, error) {
	return db.List(ctx, m.d.DB, scanBody, `SELECT `+bodyCols+` FROM enforce_bodies ORDER BY name`)
}

// bodiesIn maps the names of the bodies in organ o's area to the bodies.
func (m *Module) bodiesIn(ctx context.Context, q db.Querier, o org.Organ) (map[string]*Body, error) {
	frag, args := m.areaSQL(o, "organ_id")
	list, err := db.List(ctx, q, scanBody, `SELECT `+bodyCols+` FROM enforce_bodies WHERE `+frag, args...)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Body, len(list))
	for _, b := range list {
		out[b.Name] = b
	}
	return out, nil
}

// ---- officers ----

const officerCols = `id, body_id, organ_id, name, post, legal_qualified`

func scanOfficer(s db.Scanner) (*Officer, error) {
	o := &Officer{}
	var q int
	err := s.Scan(&o.ID, &o.BodyID, &o.OrganID, &o.Name, &o.Post, &q)
	o.LegalQualified = q == 1
	return o, err
}

// OfficerInput registers an officer.
type OfficerInput struct {
	BodyID         string `json:"body_id" required:"true"`
	Name           string `json:"name" required:"true"`
	Post           string `json:"post" doc:"岗位"`
	LegalQualified bool   `json:"legal_qualified" doc:"是否取得法律职业资格"`
}

// CreateOfficer registers an officer of a body p may manage.
func (m *Module) CreateOfficer(ctx context.Context, p *auth.Principal, in OfficerInput) (*Officer, error) {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, fault.Field("name", "请填写执法人员姓名")
	}
	b, err := m.Body(ctx, p, in.BodyID)
	if err != nil {
		return nil, fault.Field("body_id", "执法主体不存在或不在您的管理范围内")
	}
	o := &Officer{ID: db.NewID(), BodyID: b.ID, OrganID: b.OrganID, Name: in.Name, Post: strings.TrimSpace(in.Post), LegalQualified: in.LegalQualified}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `INSERT INTO enforce_officers (`+officerCols+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.BodyID, o.OrganID, o.Name, o.Post, db.BoolInt(o.LegalQualified), db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.officer_create", ObjectType: "enforce_officer", ObjectID: o.ID,
			Detail: map[string]any{"name": o.Name, "body_id": o.BodyID}})
	})
	return o, err
}

// Officer returns an officer p may see.
func (m *Module) Officer(ctx context.Context, p *auth.Principal, id string) (*Officer, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	o, err := scanOfficer(m.d.DB.QueryRowContext(ctx, `SELECT `+officerCols+` FROM enforce_officers WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	return o, db.Found(err, "执法人员")
}

// Officers lists the officers of a body (all bodies p sees when bodyID is "").
func (m *Module) Officers(ctx context.Context, p *auth.Principal, bodyID string, limit int) ([]*Officer, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	q := `SELECT ` + officerCols + ` FROM enforce_officers WHERE ` + frag
	if bodyID != "" {
		q += ` AND body_id = ?`
		args = append(args, bodyID)
	}
	q += ` ORDER BY name, id`
	if limit > 0 {
		q += ` LIMIT ` + itoa(int64(limit))
	}
	return db.List(ctx, m.d.DB, scanOfficer, q, args...)
}

// ---- certificates ----

const certCols = `id, officer_id, organ_id, number, state, applied_on, training_hours, exam_score, exam_passed, issued_on, valid_to, ended_on, version`

func scanCert(s db.Scanner) (*Certificate, error) {
	c := &Certificate{}
	var applied, issued, validTo, ended string
	var passed int
	if err := s.Scan(&c.ID, &c.OfficerID, &c.OrganID, &c.Number, &c.State, &applied, &c.TrainingHours, &c.ExamScore, &passed,
		&issued, &validTo, &ended, &c.Version); err != nil {
		return nil, err
	}
	c.AppliedOn, c.IssuedOn, c.ValidTo, c.EndedOn, c.ExamPassed = dateOf(applied), dateOf(issued), dateOf(validTo), dateOf(ended), passed == 1
	return c, nil
}

func (m *Module) loadSpans(ctx context.Context, q db.Querier, certs map[string]*Certificate) error {
	rows, err := q.QueryContext(ctx, `SELECT cert_id, kind, from_on, to_on FROM enforce_cert_spans ORDER BY from_on, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind, from, to string
		if err := rows.Scan(&id, &kind, &from, &to); err != nil {
			return err
		}
		if c := certs[id]; c != nil {
			c.Spans = append(c.Spans, Span{Kind: kind, From: dateOf(from), To: dateOf(to)})
		}
	}
	return rows.Err()
}

func (m *Module) certSpans(ctx context.Context, q db.Querier, c *Certificate) error {
	rows, err := q.QueryContext(ctx, `SELECT kind, from_on, to_on FROM enforce_cert_spans WHERE cert_id = ? ORDER BY from_on, id`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.Spans = nil
	for rows.Next() {
		var kind, from, to string
		if err := rows.Scan(&kind, &from, &to); err != nil {
			return err
		}
		c.Spans = append(c.Spans, Span{Kind: kind, From: dateOf(from), To: dateOf(to)})
	}
	return rows.Err()
}

// certIndex maps every issued certificate number to its certificate (with its periods): the
// officers of a record may come from any body, so numbers are looked up platform-wide.
func (m *Module) certIndex(ctx context.Context, q db.Querier) (map[string]*Certificate, error) {
	list, err := db.List(ctx, q, scanCert, `SELECT `+certCols+` FROM enforce_certificates WHERE number <> ''`)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Certificate, len(list))
	byNo := make(map[string]*Certificate, len(list))
	for _, c := range list {
		byID[c.ID] = c
		// A number re-issued after 注销 names the newest certificate.
		if old := byNo[c.Number]; old == nil || old.AppliedOn.Before(c.AppliedOn) {
			byNo[c.Number] = c
		}
	}
	return byNo, m.loadSpans(ctx, q, byID)
}

func (m *Module) loadCertTx(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Certificate, error) {
	return m.certificate(ctx, tx, p, id)
}

func (m *Module) certificate(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Certificate, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certCols+` FROM enforce_certificates WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "执法证")
	}
	return c, m.certSpans(ctx, q, c)
}

// Certificate returns a certificate p may see.
func (m *Module) Certificate(ctx context.Context, p *auth.Principal, id string) (*Certificate, error) {
	return m.certificate(ctx, m.d.DB, p, id)
}

// CertificatesOf lists an officer's certificates.
func (m *Module) CertificatesOf(ctx context.Context, officerID string) ([]*Certificate, error) {
	return db.List(ctx, m.d.DB, scanCert, `SELECT `+certCols+` FROM enforce_certificates WHERE officer_id = ? ORDER BY applied_on, id`, officerID)
}

func (m *Module) saveCert(ctx context.Context, tx *db.Tx, c *Certificate) error {
	if err := tx.ExecOne(ctx, `UPDATE enforce_certificates SET number = ?, state = ?, issued_on = ?, valid_to = ?, ended_on = ?, version = version + 1
		WHERE id = ? AND version = ?`, c.Number, c.State, c.IssuedOn.String(), c.ValidTo.String(), c.EndedOn.String(), c.ID, c.Version); err != nil {
		return err
	}
	return m.recheckNaming(ctx, tx, c)
}

// recheckNaming re-checks the organ's records that name c's number: a certificate entered after the
// records that name it, or suspended or ended from a past day, changes whether they had two valid
// certificates on their day, and no deadline brings the incremental scan to them.
func (m *Module) recheckNaming(ctx context.Context, tx *db.Tx, c *Certificate) error {
	if c.Number == "" {
		return nil
	}
	// LIKE may also catch a longer number holding this one: those are re-checked for nothing.
	recs, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE organ_id = ? AND officers LIKE ? ESCAPE '\'`,
		c.OrganID, "%"+db.EscapeLike(c.Number)+"%")
	if err != nil || len(recs) == 0 {
		return err
	}
	ch, err := m.newChecker(ctx, tx)
	if err != nil {
		return err
	}
	return m.refreshWarnings(ctx, tx, ch, recs)
}
