// Package sample is the smallest complete module: one record type (登记事项) with one transition
// (办结), two permissions, a page, an API operation and a job. It exists to prove the module kit
// (docs/architecture.md "如何新增一个模块" walks through it) and is listed only by tests.
package sample

import (
	"context"
	"embed"
	"net/http"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Permissions, declared once; the role table and the route × role test read them.
var (
	PermView  = auth.Declare(auth.PermDef{Perm: "sample.view", Label: "查看示例登记事项", CaseContent: true, Roles: []auth.Role{auth.RoleReviewer, auth.RoleLeader}})
	PermClose = auth.Declare(auth.PermDef{Perm: "sample.close", Label: "办结示例登记事项", CaseContent: true, Roles: []auth.Role{auth.RoleReviewer}})
)

// Spec lists the module: cli (or a test) adds this one line.
var Spec = module.Spec{Name: "sample", Migrations: module.MigrationsIn(migrationFS), New: New}

// Item is the record.
type Item struct {
	ID, OrganID, Title, State string
	ClosedOn                  string
	Version                   int
}

// Module is the sample line of work.
type Module struct {
	d    module.Deps
	kind casework.Kind[*Item]
}

// New builds the module.
func New(d module.Deps, _ func(string) module.Module) module.Module {
	m := &Module{d: d}
	m.kind = casework.Kind[*Item]{
		OwnerType: "sample_item", Table: "sample_items", Noun: "登记事项", Audit: "sample",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Item, error) {
			return m.get(ctx, tx, p, id)
		},
		Save: func(ctx context.Context, tx *db.Tx, it *Item) error {
			return tx.ExecOne(ctx, `UPDATE sample_items SET state = ?, closed_on = ?, version = version + 1 WHERE id = ? AND version = ?`, it.State, it.ClosedOn, it.ID, it.Version)
		},
		Facts: func(it *Item) casework.Facts {
			return casework.Facts{ID: it.ID, OrganID: it.OrganID, State: it.State, Version: it.Version}
		},
		StateLabel: func(s string) string { return map[string]string{"open": "在办", "closed": "已办结"}[s] },
	}
	return m
}

func (m *Module) Name() string                { return "sample" }
func (m *Module) Permissions() []auth.PermDef { return permDefs() }
func (m *Module) Jobs() []module.Job {
	return []module.Job{{Name: "sample.count_open", Label: "统计在办示例事项", Every: time.Hour, Run: m.countOpen}}
}
func (m *Module) Register(app *web.App, reg *api.Registry) {
	app.GET("/sample/items/{id}", PermView, m.page)
	app.POST("/sample/items/{id}/close", PermClose, m.closeForm)
	api.Route(app, reg, api.Op{Method: http.MethodPost, Path: "/sample/items/{id}/close", Summary: "办结示例登记事项", Perm: PermClose,
		Request: casework.Step{}, Response: Item{}}, m.closeAPI)
}

func permDefs() []auth.PermDef {
	var out []auth.PermDef
	for _, d := range auth.Declared() {
		if d.Perm == PermView || d.Perm == PermClose {
			out = append(out, d)
		}
	}
	return out
}

// Create adds an open item (tests and the demo use it).
func (m *Module) Create(ctx context.Context, organID, title string) (string, error) {
	id := db.NewID()
	return id, m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `INSERT INTO sample_items (id, organ_id, title, created_at) VALUES (?, ?, ?, ?)`, id, organID, title, db.Now())
	})
}

func (m *Module) get(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Item, error) {
	frag, args := p.ScopeSQL("organ_id", "")
	it := &Item{}
	err := q.QueryRowContext(ctx, `SELECT id, organ_id, title, state, closed_on, version FROM sample_items WHERE id = ? AND `+frag, append([]any{id}, args...)...).
		Scan(&it.ID, &it.OrganID, &it.Title, &it.State, &it.ClosedOn, &it.Version)
	return it, db.Found(err, "登记事项")
}

// Close is the transition: only an open item, dated no earlier than today's step rules allow.
func (m *Module) Close(ctx context.Context, p *auth.Principal, id string, st casework.Step) (*Item, error) {
	return m.kind.Run(ctx, m.d.DB, m.d.Today(), p, id, casework.Transition[*Item]{
		Action: "close", Step: &st, From: []string{"open"},
		Apply: func(tx *db.Tx, it *Item, ev *casework.Event) error {
			it.State, it.ClosedOn = "closed", st.On.String()
			return nil
		},
	})
}

func (m *Module) countOpen(ctx context.Context) (int, error) {
	var n int
	err := m.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM sample_items WHERE state = 'open'`).Scan(&n)
	return n, err
}

func (m *Module) page(w http.ResponseWriter, r *http.Request) error {
	it, err := m.get(r.Context(), m.d.DB, auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, it)
}

func (m *Module) closeForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := m.Close(r.Context(), auth.From(r.Context()), id, casework.Step{OnText: r.PostFormValue("on"), Note: r.PostFormValue("note")}); err != nil {
		return err
	}
	http.Redirect(w, r, "/sample/items/"+id, http.StatusSeeOther)
	return nil
}

func (m *Module) closeAPI(w http.ResponseWriter, r *http.Request) error {
	var st casework.Step
	if err := web.DecodeJSON(r, &st); err != nil {
		return err
	}
	it, err := m.Close(r.Context(), auth.From(r.Context()), r.PathValue("id"), st)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, it)
}
