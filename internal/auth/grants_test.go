package auth_test

import (
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
)

func TestTouchesCaseContent(t *testing.T) {
	m := func(organ string, r auth.Role, s auth.Scope) auth.Membership {
		return auth.Membership{OrganID: organ, Role: r, Scope: s}
	}
	before := []auth.Membership{m("a", auth.RoleReconsider, auth.ScopeOrgan)}
	for _, c := range []struct {
		name  string
		after []auth.Membership
		want  bool
	}{
		{"unchanged", before, false},
		{"removed", nil, false},
		{"narrowed", []auth.Membership{m("a", auth.RoleReconsider, auth.ScopeSelf)}, false},
		{"widened to 全部", []auth.Membership{m("a", auth.RoleReconsider, auth.ScopeAll)}, true},
		{"another organ", []auth.Membership{m("b", auth.RoleReconsider, auth.ScopeOrgan)}, true},
		{"another business role", append(before, m("a", auth.RoleCourtLiaison, auth.ScopeOrgan)), true},
		{"default scope wider", []auth.Membership{m("a", auth.RoleReconsider, "")}, true},
		{"administrator role", []auth.Membership{m("a", auth.RoleSecAdmin, auth.ScopeAll)}, false},
	} {
		if got := auth.TouchesCaseContent(before, c.after); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
