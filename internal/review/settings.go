package review

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

// SettingDef declares one numeric organ setting with its default and legal basis.
type SettingDef struct {
	Key     string
	Name    string
	Unit    string
	Default int
	Min     int
	Max     int
	Basis   string
}

// SettingValue is a setting as it applies to one organ, and where the value comes from.
type SettingValue struct {
	SettingDef
	Value  int
	Source string // 本机关 / the ancestor's name / 全局 / 默认
	Own    bool   // set on the organ itself
}

// Settings reads the table settings(organ_id, key, value): a local rule set on an organ applies to
// it and every organ below, unless one of those sets its own (a province's filing deadline applies to
// its counties); organ_id ” is deployment-wide; otherwise the declared default applies.
type Settings struct {
	db  *db.DB
	org *org.Service
}

// NewSettings returns the settings reader.
func NewSettings(d *db.DB, o *org.Service) *Settings { return &Settings{db: d, org: o} }

// chain lists organID and its ancestors, nearest first, then "" (deployment-wide).
func (s *Settings) chain(organID string) []string {
	var out []string
	seen := map[string]bool{}
	for o, ok := s.org.Organ(organID); ok && !seen[o.ID]; o, ok = s.org.Parent(o) {
		seen[o.ID] = true
		out = append(out, o.ID)
	}
	return append(out, "")
}

// Value returns the setting for organID. q may be a transaction.
func (s *Settings) Value(ctx context.Context, q db.Querier, organID string, def SettingDef) (SettingValue, error) {
	chain := s.chain(organID)
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(chain)), ", ")
	args := []any{def.Key}
	for _, id := range chain {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT organ_id, value FROM settings WHERE key = ? AND organ_id IN (`+ph+`)`, args...)
	if err != nil {
		return SettingValue{}, err
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return SettingValue{}, err
		}
		found[id] = v
	}
	if err := rows.Err(); err != nil {
		return SettingValue{}, err
	}
	for i, id := range chain {
		v, ok := found[id]
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < def.Min || n > def.Max {
			continue // a corrupt value must not break a deadline: fall back to the next level
		}
		sv := SettingValue{SettingDef: def, Value: n, Own: i == 0}
		switch {
		case i == 0:
			sv.Source = "本机关"
		case id == "":
			sv.Source = "全局设置"
		default:
			o, _ := s.org.Organ(id)
			sv.Source = o.Name
		}
		return sv, nil
	}
	return SettingValue{SettingDef: def, Value: def.Default, Source: "默认值"}, nil
}

// Int is Value's number.
func (s *Settings) Int(ctx context.Context, q db.Querier, organID string, def SettingDef) (int, error) {
	v, err := s.Value(ctx, q, organID, def)
	return v.Value, err
}

// All returns every def's value for organID.
func (s *Settings) All(ctx context.Context, organID string, defs []SettingDef) ([]SettingValue, error) {
	out := make([]SettingValue, 0, len(defs))
	for _, d := range defs {
		v, err := s.Value(ctx, s.db, organID, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Save sets (or, with clear, removes) the organ's own value, audited.
func (s *Settings) Save(ctx context.Context, tx *db.Tx, organID string, def SettingDef, value int, clear bool) error {
	if clear {
		if err := tx.Exec(ctx, `DELETE FROM settings WHERE organ_id = ? AND key = ?`, organID, def.Key); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "setting.clear", ObjectType: "setting", ObjectID: organID + ":" + def.Key})
	}
	if value < def.Min || value > def.Max {
		return fmt.Errorf("%s应在 %d 至 %d 之间", def.Name, def.Min, def.Max)
	}
	if err := tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES (?, ?, ?) ON CONFLICT (organ_id, key) DO UPDATE SET value = excluded.value`,
		organID, def.Key, strconv.Itoa(value)); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "setting.save", ObjectType: "setting", ObjectID: organID + ":" + def.Key, Detail: map[string]any{"value": value}})
}

// DefByKey finds a definition.
func DefByKey(defs []SettingDef, key string) (SettingDef, bool) {
	for _, d := range defs {
		if d.Key == key {
			return d, true
		}
	}
	return SettingDef{}, false
}
