package litigation

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// registerRecPages: the 司法建议/检察建议 list (with the form to record one) and the page of each
// with its reply clock, its 回复函 and the reply form.
func (m *Module) registerRecPages(app *web.App) {
	app.Menu(web.MenuItem{Group: "业务", Title: "司法建议、检察建议", URL: "/litigation/recommendations", Perm: PermAnswer, Order: 101})
	app.GET("/litigation/recommendations", PermAnswer, m.recList)
	app.POST("/litigation/recommendations", PermEdit, m.recCreate)
	app.GET("/litigation/recommendations/{id}", PermAnswer, m.recShow)
	app.POST("/litigation/recommendations/{id}/reply", PermAnswer, m.recReply)
}

type recRow struct {
	Recommendation
	Organ   string
	Urgency string
	Late    bool
}

type recListPage struct {
	Rows    []recRow
	CanAdd  bool
	Organs  []org.Organ
	Today   string
	Replied int
	OnTime  int
}

func (m *Module) recRows(rs []Recommendation) []recRow {
	today := m.Today()
	out := make([]recRow, 0, len(rs))
	for _, r := range rs {
		o, _ := m.d.Org.Organ(r.OrganID)
		row := recRow{Recommendation: r, Organ: o.Name, Late: r.Overdue(today)}
		if r.RepliedOn.IsZero() {
			row.Urgency = urgency(today, r.ReplyDue)
		}
		out = append(out, row)
	}
	return out
}

func (m *Module) recList(w http.ResponseWriter, r *http.Request) error {
	return m.renderRecList(w, r, http.StatusOK, nil)
}

func (m *Module) renderRecList(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	f := RecFilter{Kind: q.Get("kind"), Replied: q.Get("replied"), Overdue: q.Get("overdue") == "1"}
	if f.Kind != "" && RecKind(f.Kind).Label() == "" {
		f.Kind = "" // an unknown kind lists all, as the 全部 choice does
	}
	rs, err := m.Recommendations(ctx, p, f)
	if err != nil {
		return err
	}
	lp := &recListPage{Rows: m.recRows(rs), CanAdd: p.Can(PermEdit), Today: m.Today().String()}
	for _, x := range lp.Rows {
		if !x.RepliedOn.IsZero() {
			lp.Replied++
			if !x.Late {
				lp.OnTime++
			}
		}
	}
	if lp.CanAdd {
		for _, o := range m.d.Org.Subtree(p.OrganID) {
			if o.Kind != org.KindCourt {
				lp.Organs = append(lp.Organs, o)
			}
		}
	}
	if fe == nil {
		fe = &web.FormError{Values: q}
	}
	return m.app.Render(w, r, pages, "recommendations", status, "司法建议、检察建议", lp, fe)
}

func (m *Module) recCreate(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostForm
	days := 0
	if s := strings.TrimSpace(v.Get("stated_days")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return m.renderRecList(w, r, http.StatusUnprocessableEntity, web.FormFrom(fault.Field("stated_days", "请填写天数（整数）"), v))
		}
		days = n
	}
	in := RecommendationInput{Kind: RecKind(v.Get("kind")), Number: v.Get("number"), OrganID: v.Get("organ_id"), Issuer: v.Get("issuer"),
		Urgent: v.Get("urgent") == "true", StatedDays: days, ReceivedOn: v.Get("received_on")}
	if dk := strings.TrimSpace(v.Get("case_docket")); dk != "" {
		id, err := m.caseIDByDocket(r, p, dk)
		if err != nil {
			return m.renderRecList(w, r, http.StatusUnprocessableEntity, web.FormFrom(err, v))
		}
		in.CaseID = id
	}
	rec, err := m.AddRecommendation(ctx, p, in)
	if fe := web.FormFrom(err, v); fe != nil {
		return m.renderRecList(w, r, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, recURL(rec.ID), "已登记 "+rec.Number+"，回复函草稿已生成")
}

// caseIDByDocket finds a case p may see by its 案号.
func (m *Module) caseIDByDocket(r *http.Request, p *auth.Principal, docket string) (string, error) {
	dk, err := ParseDocket(docket)
	if err != nil {
		return "", fault.Field("case_docket", err.Error())
	}
	where, args := scopeSQL(p, "")
	cs, err := queryCases(r.Context(), m.d.DB, `docket = ? AND `+where, append([]any{dk.String()}, args...), Filter{Limit: 1})
	if err != nil {
		return "", err
	}
	if len(cs) == 0 {
		return "", fault.Field("case_docket", "未找到案号为 "+dk.String()+" 的案件，或您无权查看")
	}
	return cs[0].ID, nil
}

type recPage struct {
	Rec      recRow
	Organ    string
	Case     *Case
	Docs     []officialdoc.Document
	Issued   []officialdoc.Document
	DocsBase string
	Reply    *officialdoc.Document
	CanReply bool
	Basis    string
	Today    string
}

func (m *Module) recShow(w http.ResponseWriter, r *http.Request) error {
	return m.renderRec(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderRec(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	ctx, p := r.Context(), auth.From(r.Context())
	rec, err := getRecommendation(ctx, m.d.DB, p, id)
	if err != nil {
		return err
	}
	rp := &recPage{Rec: m.recRows([]Recommendation{*rec})[0], Basis: rec.Basis(), DocsBase: recDocsBase, Today: m.Today().String()}
	if rec.CaseID != "" {
		if rp.Case, err = getCase(ctx, m.d.DB, p, rec.CaseID); err != nil && !isNotFound(err) {
			return err
		}
	}
	if rp.Docs, err = m.recDocs.List(ctx, m.d.DB, rec.ID); err != nil {
		return err
	}
	var replyDoc string
	if err := m.d.DB.QueryRowContext(ctx, `SELECT reply_document_id FROM litigation_recommendations WHERE id = ?`, rec.ID).Scan(&replyDoc); err != nil {
		return err
	}
	for i, d := range rp.Docs {
		if d.Issued() {
			rp.Issued = append(rp.Issued, d)
		}
		if d.ID == replyDoc {
			rp.Reply = &rp.Docs[i]
		}
	}
	rp.CanReply = rec.RepliedOn.IsZero() && m.allowReply(p, rec) == nil
	return m.app.Render(w, r, pages, "recommendation", status, rec.Number, rp, fe)
}

func (m *Module) recReply(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := ReplyInput{Step: casework.Step{OnText: r.PostForm.Get("on")}, DocumentID: r.PostForm.Get("document_id")}
	err := m.ReplyWith(ctx, p, id, in)
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderRec(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, recURL(id), "已记录回复")
}

func isNotFound(err error) bool { return errors.Is(err, fault.NotFound) }
