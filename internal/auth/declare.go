package auth

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// PermDef is a permission a module declares: which roles get it and whether it reaches case
// content (then no administrator role may ever hold it — 三员分立).
type PermDef struct {
	Perm        Perm
	Label       string // 中文说明
	CaseContent bool
	Roles       []Role
}

var (
	declaredMu sync.RWMutex
	declared   = map[Perm]PermDef{}
)

// Declare adds a module's permission to the role table and returns it, so a module writes
//
//	var PermSampleEdit = auth.Declare(auth.PermDef{Perm: "sample.edit", Label: "办理", CaseContent: true, Roles: []auth.Role{auth.RoleReviewer}})
//
// at package level. It panics on a duplicate, an unknown role, or case content granted to an
// administrator: programming errors that must stop the binary at start-up.
func Declare(d PermDef) Perm {
	declaredMu.Lock()
	defer declaredMu.Unlock()
	if d.Perm == "" || d.Label == "" {
		panic("auth: a declared permission needs a name and a label")
	}
	if _, dup := declared[d.Perm]; dup || slices.Contains(platformPerms(), d.Perm) {
		panic(fmt.Sprintf("auth: permission %s declared twice", d.Perm))
	}
	for _, r := range d.Roles {
		if !r.Valid() {
			panic(fmt.Sprintf("auth: permission %s granted to unknown role %q", d.Perm, r))
		}
		if d.CaseContent && r.IsAdmin() {
			panic(fmt.Sprintf("auth: 三员分立 — case-content permission %s granted to %s", d.Perm, r.Label()))
		}
	}
	d.Roles = slices.Clone(d.Roles)
	declared[d.Perm] = d
	return d.Perm
}

// Declared lists the permissions modules declared, by name.
func Declared() []PermDef {
	declaredMu.RLock()
	defer declaredMu.RUnlock()
	out := make([]PermDef, 0, len(declared))
	for _, d := range declared {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Perm < out[j].Perm })
	return out
}

func declaredGrants(role Role, perm Perm) bool {
	declaredMu.RLock()
	defer declaredMu.RUnlock()
	d, ok := declared[perm]
	return ok && slices.Contains(d.Roles, role)
}

func platformPerms() []Perm {
	var out []Perm
	for _, ps := range grants {
		out = append(out, ps...)
	}
	return out
}

// DeclaredBy lists the declared permissions whose names start with prefix ("reconsider.").
func DeclaredBy(prefix string) []PermDef {
	var out []PermDef
	for _, d := range Declared() {
		if strings.HasPrefix(string(d.Perm), prefix) {
			out = append(out, d)
		}
	}
	return out
}
