package enforce

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/web"
)

// Pages of a supervision matter: its steps as forms, its documents (officialdoc pages under
// /enforce/documents).

func (m *Module) registerMatterPages(app *web.App) {
	app.GET("/enforce/matters/new", PermSupervise, m.newMatterPage)
	app.GET("/enforce/matters/{id}", PermView, m.matterPage)
	app.POST("/enforce/matters", PermSupervise, m.openMatterForm)
	app.POST("/enforce/matters/{id}/{action}", PermSupervise, m.matterStepForm)
	m.docs.Register(app, "/enforce/documents", PermView, PermSupervise, m.blobs())
}

type matterAction struct {
	Action, Label string
}

type matterData struct {
	Matter    *Matter
	Body      *Body
	State     string
	Source    string
	Actions   []matterAction
	Documents []Document
	Events    []matterEvent
	Supervise bool
}

// matterEvent is one line of the 办理记录, in Chinese: the step's name and the change of state.
type matterEvent struct {
	casework.Event
	What string
}

// matterEventName names a step of a matter as the page's buttons do.
func matterEventName(ev casework.Event) string {
	what := ev.Action
	if ev.Action == "open" {
		what = "立项"
	}
	for _, a := range MatterActions {
		if a.Action == ev.Action {
			what = a.Label
		}
	}
	if ev.FromState != "" && ev.FromState != ev.ToState {
		what += "（" + LabelOf(MatterStates, ev.FromState) + " → " + LabelOf(MatterStates, ev.ToState) + "）"
	}
	return what
}

func (m *Module) matterPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderMatter(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderMatter(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	x, err := m.Matter(r.Context(), m.d.DB, p, id)
	if err != nil {
		return err
	}
	d := matterData{Matter: x, State: LabelOf(MatterStates, x.State), Source: LabelOf(MatterSources, x.Source), Supervise: p.Can(PermSupervise)}
	if d.Body, err = m.Body(r.Context(), p, x.BodyID); err != nil {
		return err
	}
	if d.Supervise {
		for _, a := range MatterActions {
			for _, s := range a.From {
				if s == x.State {
					d.Actions = append(d.Actions, matterAction{a.Action, a.Label})
				}
			}
		}
	}
	if d.Documents, err = m.MatterDocuments(r.Context(), p, x); err != nil {
		return err
	}
	evs, err := casework.Events(r.Context(), m.d.DB, m.matterKind.OwnerType, x.ID, casework.ByEntry)
	for _, ev := range evs {
		d.Events = append(d.Events, matterEvent{Event: ev, What: matterEventName(ev)})
	}
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "matter", status, x.Title, d, fe)
}

func (m *Module) matterStepForm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, _ := strconv.Atoi(r.FormValue("version"))
	in := MatterStep{Step: casework.Step{OnText: r.FormValue("on"), Note: r.FormValue("note"), Version: v}}
	x, err := m.Advance(r.Context(), auth.From(r.Context()), id, r.PathValue("action"), in)
	if err != nil {
		if fe := web.FormFrom(err, r.PostForm); fe != nil {
			return m.renderMatter(w, r, id, http.StatusUnprocessableEntity, fe)
		}
		return err
	}
	return web.SeeOther(w, r, "/enforce/matters/"+url.PathEscape(x.ID), "已办理："+LabelOf(MatterStates, x.State))
}

type openMatterData struct {
	Bodies  []*Body
	Sources []Choice
}

func (m *Module) newMatterPage(w http.ResponseWriter, r *http.Request) error {
	bs, err := m.Bodies(r.Context(), auth.From(r.Context()))
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "matter_new", http.StatusOK, "监督事项立项", openMatterData{bs, MatterSources}, nil)
}

func (m *Module) openMatterForm(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	in := MatterInput{Step: casework.Step{OnText: r.FormValue("on"), Note: r.FormValue("note")}, BodyID: r.FormValue("body_id"),
		Source: r.FormValue("source"), Title: r.FormValue("title")}
	x, err := m.OpenMatter(r.Context(), p, in)
	if err != nil {
		fe := web.FormFrom(err, r.PostForm)
		if fe == nil {
			return err
		}
		bs, berr := m.Bodies(r.Context(), p)
		if berr != nil {
			return berr
		}
		return m.app.Render(w, r, tmpl, "matter_new", http.StatusUnprocessableEntity, "监督事项立项", openMatterData{bs, MatterSources}, fe)
	}
	return web.SeeOther(w, r, "/enforce/matters/"+url.PathEscape(x.ID), "已立项")
}
