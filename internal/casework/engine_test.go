package casework_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/module/sample"
)

// item is a minimal record on the sample module's table, driven by a Kind declared here so
// each engine step can be made to fail.
type item struct {
	ID, OrganID, State, ClosedOn string
	Version                      int
	Due                          calendar.Date
}

type fixture struct {
	ctx  context.Context
	d    *db.DB
	kind casework.Kind[*item]
	p    *auth.Principal // acts for organ o1 and below
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx, sample.Spec.Migrations); err != nil {
		t.Fatal(err)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`INSERT INTO divisions (code, name, level) VALUES ('990121', '青山县', 'county'), ('990122', '绿水县', 'county')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('o1', '990121-GOV', '青山县人民政府', 'government', '990121', 'county', '/o1/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('o2', '990122-GOV', '绿水县人民政府', 'government', '990122', 'county', '/o2/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO organ_tree (ancestor_id, organ_id) VALUES ('o1', 'o1'), ('o2', 'o2')`, // as org.CreateOrgan writes it
			`INSERT INTO sample_items (id, organ_id, title, created_at) VALUES ('i1', 'o1', '青山事项', '2026-01-01T00:00:00.000000Z'), ('i2', 'o2', '绿水事项', '2026-01-01T00:00:00.000000Z')`,
		} {
			if err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, d: d, p: &auth.Principal{UserID: "u1", Name: "王五", OrganID: "o1", OrganPath: "/o1/", Scope: auth.ScopeBelow, Roles: []auth.Role{auth.RoleReviewer}}}
	f.kind = casework.Kind[*item]{
		OwnerType: "sample_item", Table: "sample_items", Noun: "登记事项", Audit: "sample",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*item, error) {
			frag, args := p.ScopeSQL("organ_id", "")
			it := &item{}
			err := tx.QueryRowContext(ctx, `SELECT id, organ_id, state, closed_on, version FROM sample_items WHERE id = ? AND `+frag, append([]any{id}, args...)...).
				Scan(&it.ID, &it.OrganID, &it.State, &it.ClosedOn, &it.Version)
			return it, db.Found(err, "登记事项")
		},
		Save: func(ctx context.Context, tx *db.Tx, it *item) error {
			return tx.ExecOne(ctx, `UPDATE sample_items SET state = ?, closed_on = ?, version = version + 1 WHERE id = ? AND version = ?`, it.State, it.ClosedOn, it.ID, it.Version)
		},
		Facts: func(it *item) casework.Facts {
			return casework.Facts{ID: it.ID, OrganID: it.OrganID, State: it.State, Version: it.Version}
		},
		StateLabel: func(s string) string { return map[string]string{"open": "在办", "closed": "已办结"}[s] },
	}
	return f
}

func (f *fixture) close(st casework.Step, apply func(*item) error) (*item, error) {
	return f.kind.Run(f.ctx, f.d, date("2026-03-10"), f.p, "i1", casework.Transition[*item]{
		Action: "close", Step: &st, From: []string{"open"},
		Apply: func(tx *db.Tx, it *item, ev *casework.Event) error {
			it.State, it.ClosedOn = "closed", st.On.String()
			if apply != nil {
				return apply(it)
			}
			return nil
		},
	})
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// written counts what a transition leaves behind: events, audit entries, closed items.
func (f *fixture) written(t *testing.T) [3]int {
	return [3]int{
		f.count(t, `SELECT COUNT(*) FROM case_events WHERE owner_type = 'sample_item'`),
		f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'sample.%'`),
		f.count(t, `SELECT COUNT(*) FROM sample_items WHERE state = 'closed'`),
	}
}

func TestRunWritesAllOrNothing(t *testing.T) {
	f := newFixture(t)
	boom := errors.New("boom")
	if _, err := f.close(casework.Step{}, func(*item) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Apply error: %v", err)
	}
	if w := f.written(t); w != [3]int{} {
		t.Fatalf("a failed Apply left %v (events, audit, closed)", w)
	}
	f.kind.After = func(context.Context, *db.Tx, *auth.Principal, *item, *casework.Event) error { return boom }
	if _, err := f.close(casework.Step{}, nil); !errors.Is(err, boom) {
		t.Fatalf("After error: %v", err)
	}
	if w := f.written(t); w != [3]int{} {
		t.Fatalf("a failed After hook left %v (events, audit, closed)", w)
	}
	f.kind.After = nil
	it, err := f.close(casework.Step{OnText: "2026-03-09", Note: "办结", Version: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if it.ClosedOn != "2026-03-09" {
		t.Errorf("closed on %s", it.ClosedOn)
	}
	if w := f.written(t); w != [3]int{1, 1, 1} {
		t.Fatalf("a transition wrote %v (events, audit, closed), want one of each", w)
	}
	evs, err := casework.Events(f.ctx, f.d, "sample_item", "i1", casework.ByEntry)
	if err != nil || len(evs) != 1 || evs[0].FromState != "open" || evs[0].ToState != "closed" || evs[0].ActorName != "王五" || evs[0].Note != "办结" || evs[0].On.String() != "2026-03-09" || evs[0].OrganID != "o1" {
		t.Fatalf("event %+v %v", evs, err)
	}
}

func TestRunGuards(t *testing.T) {
	f := newFixture(t)
	// A date after today, or unreadable, is a field error on "on".
	for _, on := range []string{"2026-03-11", "2026/13/01"} {
		_, err := f.close(casework.Step{OnText: on}, nil)
		var fe *fault.Fields
		if !errors.As(err, &fe) || fe.Fields["on"] == "" || !errors.Is(err, fault.Invalid) {
			t.Errorf("date %s: %v", on, err)
		}
	}
	// A stale version is a conflict.
	if _, err := f.close(casework.Step{Version: 7}, nil); !errors.Is(err, fault.Conflict) || fault.Message(err) != "该登记事项已被他人更新，请刷新后重试" {
		t.Errorf("stale version: %v", err)
	}
	// Another county's record is not found (not forbidden: its existence is not revealed).
	_, err := f.kind.Run(f.ctx, f.d, date("2026-03-10"), f.p, "i2", casework.Transition[*item]{Action: "close", Apply: func(*db.Tx, *item, *casework.Event) error { return nil }})
	if !errors.Is(err, fault.NotFound) {
		t.Errorf("other county: %v", err)
	}
	if _, err := f.close(casework.Step{}, nil); err != nil {
		t.Fatal(err)
	}
	// Allow is asked before the state guard: a refused user learns nothing of the state.
	_, err = f.kind.Run(f.ctx, f.d, date("2026-03-10"), f.p, "i1", casework.Transition[*item]{Action: "close", From: []string{"open"},
		Allow: func(*auth.Principal, *item) error { return casework.Forbidden("只有承办人可以办结") },
		Apply: func(*db.Tx, *item, *casework.Event) error { return nil }})
	if !errors.Is(err, fault.Forbidden) || fault.Message(err) != "只有承办人可以办结" {
		t.Errorf("Allow: %v", err)
	}
	_, err = f.close(casework.Step{}, nil)
	if !errors.Is(err, fault.Conflict) || fault.Message(err) != "该登记事项当前为“已办结”，此操作只适用于“在办”状态" {
		t.Errorf("state guard: %v", err)
	}
}

func TestRedateReportsWhatMoved(t *testing.T) {
	f := newFixture(t)
	items := []*item{{ID: "a", Due: date("2026-10-08")}, {ID: "b", Due: date("2026-10-12")}}
	var saved []string
	err := f.d.Tx(f.ctx, func(tx *db.Tx) error {
		moved, err := casework.Redate(f.ctx, tx, nil, casework.Redating[*item]{
			Open:      func(context.Context, *db.Tx) ([]*item, error) { return items, nil },
			Deadlines: func(it *item) []casework.Deadline { return []casework.Deadline{{What: "答复期限", On: it.Due}} },
			Recompute: func(_ context.Context, _ *db.Tx, it *item, _ *calendar.Calendar) error {
				if it.ID == "a" {
					it.Due = date("2026-10-09")
				}
				return nil
			},
			Save: func(_ context.Context, _ *db.Tx, it *item) error { saved = append(saved, it.ID); return nil },
			Name: func(it *item) (string, string) { return "事项 " + it.ID, "/sample/items/" + it.ID },
		})
		if err != nil {
			return err
		}
		if len(moved) != 1 || moved[0].What != "事项 a 答复期限" || moved[0].Old.String() != "2026-10-08" || moved[0].New.String() != "2026-10-09" || moved[0].URL != "/sample/items/a" {
			t.Errorf("moved %+v", moved)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || saved[0] != "a" {
		t.Errorf("saved %v: only records whose deadlines moved are written", saved)
	}
}

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
