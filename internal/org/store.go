package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
)

const (
	sqlAllOrgans = `SELECT id, code, name, short_name, kind, division_code, level, COALESCE(parent_id, ''), path, doc_prefix, sort,
		address, postcode, phone, legal_rep, legal_rep_title, seal_name FROM organs`
	sqlAllDivisions = `SELECT code, name, level, COALESCE(parent_code, '') FROM divisions ORDER BY code`
	sqlInsertDiv    = `INSERT INTO divisions (code, name, level, parent_code) VALUES (?, ?, ?, ?)`
	sqlInsertOrgan  = `INSERT INTO organs (id, code, name, short_name, kind, division_code, level, parent_id, path, doc_prefix, sort, created_at,
		address, postcode, phone, legal_rep, legal_rep_title, seal_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlUpdateProfile = `UPDATE organs SET address = ?, postcode = ?, phone = ?, legal_rep = ?, legal_rep_title = ?, seal_name = ? WHERE id = ?`
	sqlInsertDept    = `INSERT INTO departments (id, organ_id, name, created_at) VALUES (?, ?, ?, ?)`
	sqlDepartments   = `SELECT id, organ_id, name FROM departments WHERE organ_id = ? ORDER BY name`
	sqlDivisionByKey = `SELECT code, name, level, COALESCE(parent_code, '') FROM divisions WHERE code = ?`
)

// Service owns the org tables and keeps the organ tree in memory: it is small and read on every request.
type Service struct {
	db *db.DB

	mu       sync.RWMutex
	byID     map[string]Organ
	byCode   map[string]string
	ordered  []Organ
	children map[string][]string
}

// New returns a service; call Load before use.
func New(d *db.DB) *Service { return &Service{db: d} }

// Load (re)reads the organ tree.
func (s *Service) Load(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, sqlAllOrgans)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[string]Organ{}
	byCode := map[string]string{}
	children := map[string][]string{}
	var all []Organ
	for rows.Next() {
		var o Organ
		if err := rows.Scan(&o.ID, &o.Code, &o.Name, &o.ShortName, &o.Kind, &o.DivisionCode, &o.Level, &o.ParentID, &o.Path, &o.DocPrefix, &o.Sort,
			&o.Address, &o.Postcode, &o.Phone, &o.LegalRep, &o.LegalRepTitle, &o.SealName); err != nil {
			return err
		}
		byID[o.ID] = o
		byCode[o.Code] = o.ID
		all = append(all, o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Tree order: a parent before its children, siblings by sort then code.
	sort.Slice(all, func(i, j int) bool { return s.treeKey(byID, all[i]) < s.treeKey(byID, all[j]) })
	for _, o := range all {
		if o.ParentID != "" {
			children[o.ParentID] = append(children[o.ParentID], o.ID)
		}
	}
	s.mu.Lock()
	s.byID, s.byCode, s.ordered, s.children = byID, byCode, all, children
	s.mu.Unlock()
	return nil
}

func (s *Service) treeKey(byID map[string]Organ, o Organ) string {
	var parts []string
	for _, id := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		p := byID[id]
		parts = append(parts, fmt.Sprintf("%06d%s", p.Sort, p.Code))
	}
	return strings.Join(parts, "/")
}

// Organ returns the organ with id.
func (s *Service) Organ(id string) (Organ, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.byID[id]
	return o, ok
}

// ByCode returns the organ with code.
func (s *Service) ByCode(code string) (Organ, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.byID[s.byCode[code]]
	return o, ok
}

// All returns every organ in tree order.
func (s *Service) All() []Organ {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]Organ(nil), s.ordered...)
}

// Subtree returns the organ and every organ below it, in tree order.
func (s *Service) Subtree(id string) []Organ {
	root, ok := s.Organ(id)
	if !ok {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Organ
	for _, o := range s.ordered { // not All(): a province's whole tree copied on every request
		if strings.HasPrefix(o.Path, root.Path) {
			out = append(out, o)
		}
	}
	return out
}

// SubtreeSize is how many organs Subtree(id) holds, without copying them.
func (s *Service) SubtreeSize(id string) int {
	root, ok := s.Organ(id)
	if !ok {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, o := range s.ordered {
		if strings.HasPrefix(o.Path, root.Path) {
			n++
		}
	}
	return n
}

// Children returns the organs directly under id.
func (s *Service) Children(id string) []Organ {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Organ
	for _, c := range s.children[id] {
		out = append(out, s.byID[c])
	}
	return out
}

// Parent returns the organ above o ("" id when o is a root).
func (s *Service) Parent(o Organ) (Organ, bool) { return s.Organ(o.ParentID) }

// GovernmentOf returns the 人民政府 an organ belongs to (itself when it is one).
func (s *Service) GovernmentOf(o Organ) (Organ, bool) {
	for cur, ok := o, true; ok; cur, ok = s.Parent(cur) {
		if cur.Kind == KindGovernment {
			return cur, true
		}
	}
	return Organ{}, false
}

// DocPrefix is the organ's 发文机关代字: its own, or for an organ without one what county
// departments write, the first character of its government's 代字 (else of the place) and the first
// of its own name, short name when set (青山县公安局 → 青公; a government without one → 青政). Two
// organs of one government may derive the same (公安局, 公路局): callers that number documents
// check for that with DocPrefixClash.
func (s *Service) DocPrefix(o Organ) string {
	if o.DocPrefix != "" {
		return o.DocPrefix
	}
	name := o.Name
	if o.ShortName != "" {
		name = o.ShortName
	}
	lead := ""
	if gov, ok := s.GovernmentOf(o); ok {
		place := strings.TrimSuffix(gov.Name, "人民政府")
		name = strings.TrimPrefix(name, place)
		if gov.DocPrefix != "" {
			lead = firstRune(gov.DocPrefix)
		} else {
			lead = firstRune(place)
		}
	}
	if o.Kind == KindGovernment {
		return lead + "政"
	}
	return lead + firstRune(name)
}

// DocPrefixClash is another organ of o's government whose 代字 (own or derived) is o's derived one.
func (s *Service) DocPrefixClash(o Organ) (Organ, bool) {
	if o.DocPrefix != "" {
		return Organ{}, false
	}
	gov, ok := s.GovernmentOf(o)
	if !ok {
		return Organ{}, false
	}
	p := s.DocPrefix(o)
	for _, other := range append(s.Children(gov.ID), gov) {
		if other.ID != o.ID && s.DocPrefix(other) == p {
			return other, true
		}
	}
	return Organ{}, false
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// Divisions lists every division.
func (s *Service) Divisions(ctx context.Context) ([]Division, error) {
	rows, err := s.db.QueryContext(ctx, sqlAllDivisions)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Division
	for rows.Next() {
		var d Division
		if err := rows.Scan(&d.Code, &d.Name, &d.Level, &d.ParentCode); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateDivision adds a division inside tx.
func (s *Service) CreateDivision(ctx context.Context, tx *db.Tx, d Division) error {
	if !d.Level.Valid() {
		return fmt.Errorf("%w：区划级别无效：%q", db.ErrInvalid, d.Level)
	}
	if !validDivisionCode(d.Code) {
		return fmt.Errorf("%w：区划代码应为6位或9位数字：%q", db.ErrInvalid, d.Code)
	}
	var parent any
	if d.ParentCode != "" {
		parent = d.ParentCode
	}
	if err := tx.Exec(ctx, sqlInsertDiv, d.Code, d.Name, string(d.Level), parent); err != nil {
		if db.IsUnique(err) {
			return fmt.Errorf("%w：区划代码 %s 已存在", db.ErrConflict, d.Code)
		}
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "create", ObjectType: "division", ObjectID: d.Code, Detail: d})
}

func validDivisionCode(c string) bool {
	if len(c) != 6 && len(c) != 9 {
		return false
	}
	for _, r := range c {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// CreateOrgan adds an organ inside tx; its level comes from its division and its path from its parent.
// The in-memory tree is reloaded after commit.
func (s *Service) CreateOrgan(ctx context.Context, tx *db.Tx, o *Organ) error {
	if strings.TrimSpace(o.Name) == "" || strings.TrimSpace(o.Code) == "" {
		return fmt.Errorf("%w：机关名称和代码不能为空", db.ErrInvalid)
	}
	if !o.Kind.Valid() {
		return fmt.Errorf("%w：机关类型无效：%q", db.ErrInvalid, o.Kind)
	}
	var div Division
	err := tx.QueryRowContext(ctx, sqlDivisionByKey, o.DivisionCode).Scan(&div.Code, &div.Name, &div.Level, &div.ParentCode)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w：区划 %s 不存在", db.ErrInvalid, o.DivisionCode)
	} else if err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = db.NewID()
	}
	o.Level = div.Level
	o.Path = "/" + o.ID + "/"
	var parent any
	if o.ParentID != "" {
		var parentPath string
		if err := tx.QueryRowContext(ctx, `SELECT path FROM organs WHERE id = ?`, o.ParentID).Scan(&parentPath); err != nil {
			return fmt.Errorf("上级机关不存在：%w", db.ErrNotFound)
		}
		o.Path = parentPath + o.ID + "/"
		parent = o.ParentID
	}
	if err := tx.Exec(ctx, sqlInsertOrgan, o.ID, o.Code, o.Name, o.ShortName, string(o.Kind), o.DivisionCode, string(o.Level), parent, o.Path, o.DocPrefix, o.Sort, db.Now(),
		o.Address, o.Postcode, o.Phone, o.LegalRep, o.LegalRepTitle, o.SealName); err != nil {
		if db.IsUnique(err) {
			return fmt.Errorf("%w：机关代码 %s 已存在", db.ErrConflict, o.Code)
		}
		return err
	}
	for _, ancestor := range strings.Split(strings.Trim(o.Path, "/"), "/") {
		if err := tx.Exec(ctx, `INSERT INTO organ_tree (ancestor_id, organ_id) VALUES (?, ?)`, ancestor, o.ID); err != nil {
			return err
		}
	}
	tx.AfterCommitOnce("org.reload", func() { s.Load(context.Background()) })
	return audit.Record(ctx, tx, audit.Entry{Action: "create", ObjectType: "organ", ObjectID: o.ID, Detail: map[string]any{"code": o.Code, "name": o.Name, "kind": o.Kind}})
}

// UpdateProfile replaces the organ's profile inside tx (checked by Profile.Check first); the
// in-memory tree is reloaded after commit.
func (s *Service) UpdateProfile(ctx context.Context, tx *db.Tx, id string, p Profile) error {
	if err := p.Check(); err != nil {
		return err
	}
	o, ok := s.Organ(id)
	if !ok {
		return fmt.Errorf("机关：%w", db.ErrNotFound)
	}
	if err := tx.Exec(ctx, sqlUpdateProfile, p.Address, p.Postcode, p.Phone, p.LegalRep, p.LegalRepTitle, p.SealName, id); err != nil {
		return err
	}
	tx.AfterCommitOnce("org.reload", func() { s.Load(context.Background()) })
	return audit.Record(ctx, tx, audit.Entry{Action: "update_profile", ObjectType: "organ", ObjectID: id, Detail: map[string]any{
		"code": o.Code, "before": o.Profile, "after": p}})
}

// CreateDepartment adds a unit inside an organ.
func (s *Service) CreateDepartment(ctx context.Context, tx *db.Tx, d *Department) error {
	if strings.TrimSpace(d.Name) == "" {
		return fmt.Errorf("%w：科室名称不能为空", db.ErrInvalid)
	}
	if d.ID == "" {
		d.ID = db.NewID()
	}
	if err := tx.Exec(ctx, sqlInsertDept, d.ID, d.OrganID, d.Name, db.Now()); err != nil {
		if db.IsUnique(err) {
			return fmt.Errorf("%w：科室 %s 已存在", db.ErrConflict, d.Name)
		}
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "create", ObjectType: "department", ObjectID: d.ID, Detail: d})
}

// Departments lists the units of an organ.
func (s *Service) Departments(ctx context.Context, organID string) ([]Department, error) {
	rows, err := s.db.QueryContext(ctx, sqlDepartments, organID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.ID, &d.OrganID, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ListEntry is one organ as `fazhi org list --format json` prints it.
type ListEntry struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Kind   Kind   `json:"kind"`
	Parent string `json:"parent"`
}

// List returns the organ tree for export: parent is the code of the organ reported to.
func (s *Service) List() []ListEntry {
	all := s.All()
	out := make([]ListEntry, 0, len(all))
	for _, o := range all {
		e := ListEntry{Code: o.Code, Name: o.Name, Level: o.Level, Kind: o.Kind}
		if p, ok := s.Organ(o.ParentID); ok {
			e.Parent = p.Code
		}
		out = append(out, e)
	}
	return out
}
