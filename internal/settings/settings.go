// Package settings keeps the local rules an organ may set for the modules (review periods, filing
// deadlines, a 复议机构's phone number …) in the table settings(organ_id, key, value). A value set
// on an organ applies to it and every organ below, unless one of those sets its own (a county
// government's period applies to its departments); an empty organ_id is deployment-wide; otherwise the
// module's declared default applies.
package settings

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// Kind is how a setting's value is read.
type Kind string

const (
	Int  Kind = ""     // a whole number in [Min, Max]
	Bool Kind = "bool" // 1 是, 0 否
	Text Kind = "text" // free text (a phone number, an address); at most Max characters when Max > 0
)

// Def declares one setting with its default and legal basis.
type Def struct {
	Key         string
	Name        string // the label on the settings page
	Unit        string
	Kind        Kind
	Default     int    // Int and Bool
	DefaultText string // Text
	Min         int
	Max         int
	Basis       string
}

// bounds are the accepted numbers of an Int or Bool setting.
func (d Def) bounds() (int, int) {
	if d.Kind == Bool {
		return 0, 1
	}
	return d.Min, d.Max
}

// parse checks a stored or submitted value.
func (d Def) parse(raw string) (n int, text string, err error) {
	raw = strings.TrimSpace(raw)
	if d.Kind == Text {
		if d.Max > 0 && utf8.RuneCountInString(raw) > d.Max {
			return 0, "", fault.Field(d.Key, fmt.Sprintf("不能超过%d字", d.Max))
		}
		return 0, raw, nil
	}
	lo, hi := d.bounds()
	n, err = strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, "", fault.Field(d.Key, fmt.Sprintf("应为 %d 至 %d 的整数", lo, hi))
	}
	return n, strconv.Itoa(n), nil
}

// Find returns the definition of key among defs.
func Find(defs []Def, key string) (Def, bool) {
	for _, d := range defs {
		if d.Key == key {
			return d, true
		}
	}
	return Def{}, false
}

// Value is a setting as it applies to one organ, and where the value comes from.
type Value struct {
	Def
	Value  int    // Int and Bool
	Text   string // the value as text (every kind)
	Source string // 本机关 / the ancestor's name / 全局设置 / 默认值
	Own    bool   // set on the organ itself
}

// Store reads and writes the settings.
type Store struct {
	db  *db.DB
	org *org.Service
}

// New returns the store.
func New(d *db.DB, o *org.Service) *Store { return &Store{db: d, org: o} }

// chain lists organID and its ancestors, nearest first, then "" (deployment-wide).
func (s *Store) chain(organID string) []string {
	var out []string
	seen := map[string]bool{}
	for o, ok := s.org.Organ(organID); ok && !seen[o.ID]; o, ok = s.org.Parent(o) {
		seen[o.ID] = true
		out = append(out, o.ID)
	}
	return append(out, "")
}

// Value returns the setting for organID: its own value, else its nearest ancestor's, else the
// deployment-wide one, else the default. q may be a transaction.
func (s *Store) Value(ctx context.Context, q db.Querier, organID string, def Def) (Value, error) {
	chain := s.chain(organID)
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(chain)), ", ")
	args := []any{def.Key}
	for _, id := range chain {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT organ_id, value FROM settings WHERE key = ? AND organ_id IN (`+ph+`)`, args...)
	if err != nil {
		return Value{}, err
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return Value{}, err
		}
		found[id] = v
	}
	if err := rows.Err(); err != nil {
		return Value{}, err
	}
	for i, id := range chain {
		raw, ok := found[id]
		if !ok {
			continue
		}
		n, text, err := def.parse(raw)
		if err != nil {
			continue // a corrupt value must not break a deadline: fall back to the next level
		}
		v := Value{Def: def, Value: n, Text: text, Own: i == 0}
		switch {
		case i == 0:
			v.Source = "本机关"
		case id == "":
			v.Source = "全局设置"
		default:
			o, _ := s.org.Organ(id)
			v.Source = o.Name
		}
		return v, nil
	}
	v := Value{Def: def, Value: def.Default, Text: def.DefaultText, Source: "默认值"}
	if def.Kind != Text {
		v.Text = strconv.Itoa(def.Default)
	}
	return v, nil
}

// Int is Value's number.
func (s *Store) Int(ctx context.Context, q db.Querier, organID string, def Def) (int, error) {
	v, err := s.Value(ctx, q, organID, def)
	return v.Value, err
}

// Text is Value's text.
func (s *Store) Text(ctx context.Context, q db.Querier, organID string, def Def) (string, error) {
	v, err := s.Value(ctx, q, organID, def)
	return v.Text, err
}

// All returns every def's value for organID.
func (s *Store) All(ctx context.Context, organID string, defs []Def) ([]Value, error) {
	out := make([]Value, 0, len(defs))
	for _, d := range defs {
		v, err := s.Value(ctx, s.db, organID, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Set stores the organ's own value (raw, checked against def) or, when raw is empty, removes
// it so the inherited value applies again; audited. organID ” is the deployment-wide value.
func (s *Store) Set(ctx context.Context, tx *db.Tx, organID string, def Def, raw string) error {
	obj := organID + ":" + def.Key
	if strings.TrimSpace(raw) == "" {
		if err := tx.Exec(ctx, `DELETE FROM settings WHERE organ_id = ? AND key = ?`, organID, def.Key); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "setting.clear", ObjectType: "setting", ObjectID: obj})
	}
	n, text, err := def.parse(raw)
	if err != nil {
		return err
	}
	if err := tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES (?, ?, ?) ON CONFLICT (organ_id, key) DO UPDATE SET value = excluded.value`,
		organID, def.Key, text); err != nil {
		return err
	}
	var logged any = text
	if def.Kind != Text {
		logged = n
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "setting.save", ObjectType: "setting", ObjectID: obj, Detail: map[string]any{"value": logged}})
}

// Save sets a number (or, with clear, removes the organ's own value).
func (s *Store) Save(ctx context.Context, tx *db.Tx, organID string, def Def, value int, clear bool) error {
	if clear {
		return s.Set(ctx, tx, organID, def, "")
	}
	return s.Set(ctx, tx, organID, def, strconv.Itoa(value))
}

// Page is the data of a module's settings page: the government whose local rules the user keeps,
// and each setting as it applies there.
type Page struct {
	Organ  org.Organ
	Values []Value
}

// OrganOf is the government whose settings p maintains: the 人民政府 of p's organ. Its values
// apply to the government's departments and everything below unless they set their own.
func (s *Store) OrganOf(p *auth.Principal) (org.Organ, error) {
	if p != nil {
		if o, ok := s.org.Organ(p.OrganID); ok {
			if gov, ok := s.org.GovernmentOf(o); ok {
				return gov, nil
			}
		}
	}
	return org.Organ{}, fault.NotFoundf("所属人民政府不存在或您无权查看")
}

// Page loads the settings page of defs for p.
func (s *Store) Page(ctx context.Context, p *auth.Principal, defs []Def) (*Page, error) {
	o, err := s.OrganOf(p)
	if err != nil {
		return nil, err
	}
	vals, err := s.All(ctx, o.ID, defs)
	if err != nil {
		return nil, err
	}
	return &Page{Organ: o, Values: vals}, nil
}

// SaveForm applies a settings form of defs (field name = key) for p's government in one
// transaction: an empty field removes the own value, a changed one is stored. When any field is
// invalid nothing is saved and the answer is a *fault.Fields naming each.
func (s *Store) SaveForm(ctx context.Context, p *auth.Principal, defs []Def, form url.Values) error {
	o, err := s.OrganOf(p)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		fe := &fault.Fields{}
		for _, d := range defs {
			raw := strings.TrimSpace(form.Get(d.Key))
			cur, err := s.Value(ctx, tx, o.ID, d)
			if err != nil {
				return err
			}
			if raw == "" {
				if cur.Own {
					if err := s.Set(ctx, tx, o.ID, d, ""); err != nil {
						return err
					}
				}
				continue
			}
			_, text, err := d.parse(raw)
			if err != nil {
				fe.Add(d.Key, fault.Message(err))
				continue
			}
			if cur.Own && cur.Text == text {
				continue
			}
			if err := s.Set(ctx, tx, o.ID, d, raw); err != nil {
				return err
			}
		}
		return fe.Err()
	})
}
