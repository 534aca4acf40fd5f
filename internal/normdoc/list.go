package normdoc

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/web"
)

// List returns one page of the register as p sees it.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) ([]*Doc, int, error) {
	frag, args := scope(p)
	return s.list(ctx, frag, args, f)
}

// PublicList returns one page of the published documents (the public database).
func (s *Service) PublicList(ctx context.Context, f Filter) ([]*Doc, int, error) {
	f.Published = true
	if f.State == StateRegistered {
		f.State = ""
	}
	return s.list(ctx, "1 = 1", nil, f)
}

func (s *Service) list(ctx context.Context, frag string, args []any, f Filter) ([]*Doc, int, error) {
	path := ""
	if o, ok := s.org.Organ(f.OrganID); ok {
		path = o.Path
	}
	where, wargs := f.where(s.Today(), path)
	args = append(args, wargs...)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs d WHERE `+frag+` AND `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	order := `CASE WHEN d.published_on = '' THEN 0 ELSE 1 END, d.published_on DESC, d.number_year DESC, d.number_seq DESC`
	if f.Expiring {
		order = `d.expires_on`
	}
	docs, err := queryDocs(ctx, s.db, `SELECT `+docCols+` FROM normdocs d WHERE `+frag+` AND `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	return docs, total, err
}

// PublicOrgans lists the organs that have published documents, in tree order (public filter).
func (s *Service) PublicOrgans(ctx context.Context) ([]org.Organ, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT organ_id FROM normdocs WHERE published_on <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	has := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		has[id] = true
	}
	var out []org.Organ
	for _, o := range s.org.All() {
		if has[o.ID] {
			out = append(out, o)
		}
	}
	return out, rows.Err()
}

// DiffView compares two versions of a document.
type DiffView struct {
	Doc      *Doc
	From, To Version
	Changes  []ArticleChange
	Summary  DiffSummary
}

// Diff compares versions from and to of a document p may read (p nil: published documents only).
func (s *Service) Diff(ctx context.Context, p *auth.Principal, id string, from, to int) (*DiffView, error) {
	var d *Doc
	var err error
	if p == nil {
		d, err = s.publicDoc(ctx, id)
	} else {
		d, err = s.Get(ctx, p, id)
	}
	if err != nil {
		return nil, err
	}
	if from == 0 && to == 0 {
		from, to = max(d.CurrentVersion-1, 1), d.CurrentVersion
	}
	v := &DiffView{Doc: d}
	if v.From, err = getVersion(ctx, s.db, d.ID, from); err != nil {
		return nil, err
	}
	if v.To, err = getVersion(ctx, s.db, d.ID, to); err != nil {
		return nil, err
	}
	v.Changes, v.Summary = DiffArticles(v.From.Body, v.To.Body)
	return v, nil
}

// Version returns one text of a document p may read (p nil: published documents only).
func (s *Service) Version(ctx context.Context, p *auth.Principal, id string, seq int) (*Doc, Version, error) {
	var d *Doc
	var err error
	if p == nil {
		d, err = s.publicDoc(ctx, id)
	} else {
		d, err = s.Get(ctx, p, id)
	}
	if err != nil {
		return nil, Version{}, err
	}
	if seq == 0 {
		seq = d.CurrentVersion
	}
	v, err := getVersion(ctx, s.db, d.ID, seq)
	return d, v, err
}

// Unregistered lists the approved normative-document reviews p may see whose document is not yet
// registered (the register form and the workbench), newest first; two queries however many.
func (s *Service) Unregistered(ctx context.Context, p *auth.Principal) ([]*review.Request, error) {
	all, err := s.review.ApprovedNormdocs(ctx, p, 200)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	ids := make([]any, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT review_id FROM normdocs WHERE review_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		taken[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*review.Request
	for _, r := range all {
		if !taken[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

// Todos lists the register office's workbench: approved reviews to register, registered documents
// to publish, filings due, validity evaluations due, open cleanup campaigns.
func (s *Service) Todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	if !p.Can(PermEdit) {
		return nil, nil
	}
	var out []web.Todo
	today := s.Today()
	reviews, err := s.Unregistered(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, r := range reviews {
		out = append(out, web.Todo{Module: "规范性文件", Title: "登记编号：" + r.Title, Detail: "审核意见书 " + r.OpinionNumber, URL: "/normdoc/docs/new?review=" + r.ID})
	}
	a, aa := p.ScopeSQL("d.reg_organ_id", "")
	docs, err := queryDocs(ctx, s.db, `SELECT `+docCols+` FROM normdocs d WHERE `+a+` AND d.status = 'registered' ORDER BY d.created_at LIMIT 100`, aa...)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out = append(out, web.Todo{Module: "规范性文件", Title: "统一印发、公布：" + d.Title, Detail: d.Number, URL: "/normdoc/docs/" + d.ID})
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.due_on, f.body_name, d.id, d.title, d.number FROM normdoc_filings f JOIN normdocs d ON d.id = f.doc_id
		WHERE `+a+` AND f.sent_on = '' ORDER BY f.due_on LIMIT 300`, aa...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var due, body, id, title, number string
		if err := rows.Scan(&due, &body, &id, &title, &number); err != nil {
			return nil, err
		}
		dd, _ := calendar.ParseDate(due)
		out = append(out, web.Todo{Module: "规范性文件", Title: "报送备案：" + title, Detail: number + " → " + body, URL: "/normdoc/docs/" + id, Due: dd, Basis: basisFiling})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	docs, err = queryDocs(ctx, s.db, `SELECT `+docCols+` FROM normdocs d WHERE `+a+` AND d.status = 'in_force' AND d.warn_on <> '' AND d.warn_on <= ? AND d.evaluation = '' ORDER BY d.expires_on LIMIT 200`,
		append(aa, today.String())...)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out = append(out, web.Todo{Module: "规范性文件", Title: "有效期届满前评估：" + d.Title, Detail: fmt.Sprintf("%s，有效期至%s", d.Number, d.ExpiresOn.Chinese()),
			URL: "/normdoc/docs/" + d.ID, Due: d.ExpiresOn, Basis: basisValidity})
	}
	docs, err = queryDocs(ctx, s.db, `SELECT `+docCols+` FROM normdocs d WHERE `+a+` AND d.status = 'in_force' AND d.renewal_seq > 0 ORDER BY d.expires_on LIMIT 200`, aa...)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		out = append(out, web.Todo{Module: "规范性文件", Title: "继续有效后重新公布：" + d.Title, Detail: fmt.Sprintf("%s，有效期至%s", d.Number, d.ExpiresOn.Chinese()),
			URL: "/normdoc/docs/" + d.ID, Due: d.ExpiresOn, Basis: basisValidity})
	}
	cs, err := s.Cleanups(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if !c.Closed() && s.inScope(p, c.RegOrganID) {
			out = append(out, web.Todo{Module: "规范性文件", Title: "文件清理：" + c.Title, Detail: fmt.Sprintf("共%d件，已决定%d件", c.Items, c.Decided), URL: "/normdoc/cleanups/" + c.ID})
		}
	}
	return out, nil
}
