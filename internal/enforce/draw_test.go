package enforce

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/fazhi/fazhi/internal/fault"
)

// independentDraw recomputes a draw from the public page's JSON alone, written from docs/draw.md
// without the package's functions.
func independentDraw(t *testing.T, page []byte) (ok bool, why string) {
	var d struct {
		Seed   string `json:"seed"`
		Result []struct {
			Target     string   `json:"target"`
			Inspectors []string `json:"inspectors"`
		} `json:"result"`
		Plan struct {
			Commitment        string `json:"commitment"`
			TargetPoolHash    string `json:"target_pool_hash"`
			InspectorPoolHash string `json:"inspector_pool_hash"`
			Rule              struct {
				Targets   int  `json:"targets"`
				PerTarget int  `json:"inspectors_per_target"`
				Exclude   bool `json:"exclude_same_body"`
			} `json:"rule"`
			TargetPool    []map[string]any `json:"target_pool"`
			InspectorPool []map[string]any `json:"inspector_pool"`
		} `json:"plan"`
	}
	if err := json.Unmarshal(page, &d); err != nil {
		t.Fatal(err)
	}
	h := func(s string) string { x := sm3.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	list := func(m map[string]any, k string) []string {
		var out []string
		l, _ := m[k].([]any)
		for _, v := range l {
			out = append(out, v.(string))
		}
		return out
	}
	poolHash := func(pool []map[string]any) string {
		var lines []string
		for _, m := range pool {
			av := list(m, "avoid")
			sort.Strings(av)
			lines = append(lines, str(m, "id")+"\t"+str(m, "group")+"\t"+strings.Join(av, ","))
		}
		sort.Strings(lines) // ids are unique and free of tabs: sorting lines sorts by id
		if len(lines) == 0 {
			return h("")
		}
		return h(strings.Join(lines, "\n") + "\n")
	}
	if h(d.Seed) != d.Plan.Commitment {
		return false, "commitment"
	}
	if poolHash(d.Plan.TargetPool) != d.Plan.TargetPoolHash || poolHash(d.Plan.InspectorPool) != d.Plan.InspectorPoolHash {
		return false, "pool"
	}
	rank := func(pool []map[string]any) []map[string]any {
		out := append([]map[string]any(nil), pool...)
		sort.SliceStable(out, func(i, j int) bool { return h(d.Seed+":"+str(out[i], "id")) < h(d.Seed+":"+str(out[j], "id")) })
		return out
	}
	ts, is := rank(d.Plan.TargetPool), rank(d.Plan.InspectorPool)
	pos := 0
	var got []string
	for _, tg := range ts[:d.Plan.Rule.Targets] {
		var chosen []string
		k := 0
		for ; k < len(is) && len(chosen) < d.Plan.Rule.PerTarget; k++ {
			in := is[(pos+k)%len(is)]
			if d.Plan.Rule.Exclude && str(in, "group") != "" && str(in, "group") == str(tg, "group") {
				continue
			}
			skip := false
			for _, a := range list(in, "avoid") {
				skip = skip || a == str(tg, "id")
			}
			if !skip {
				chosen = append(chosen, str(in, "id"))
			}
		}
		pos = (pos + k) % len(is)
		got = append(got, str(tg, "id")+"="+strings.Join(chosen, ","))
	}
	var pub []string
	for _, r := range d.Result {
		pub = append(pub, r.Target+"="+strings.Join(r.Inspectors, ","))
	}
	if strings.Join(got, ";") != strings.Join(pub, ";") {
		return false, "result"
	}
	return true, ""
}

func TestVerifiableDraw(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	var targets []Member
	for i := range 40 {
		group := ""
		if i%5 == 0 {
			group = gaj.ID // some targets belong to a body whose officers must not inspect them
		}
		targets = append(targets, Member{ID: fmt.Sprintf("T%03d", i), Name: fmt.Sprintf("商户%d", i), Group: group})
	}
	var inspectors []Member
	for i := range 12 {
		g := sjj.ID
		if i%3 == 0 {
			g = gaj.ID
		}
		m := Member{ID: fmt.Sprintf("I%02d", i), Name: fmt.Sprintf("执法员%d", i), Group: g}
		if i == 4 {
			m.Avoid = []string{"T001", "T002", "T003"} // 回避
		}
		inspectors = append(inspectors, m)
	}
	pl, err := f.m.CreatePlan(f.ctx, p, PlanInput{BodyID: sjj.ID, Title: "2025年第四季度双随机抽查", Targets: targets, Inspectors: inspectors,
		TargetCount: 10, PerTarget: 2, ExcludeSameGroup: true})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Commitment == "" || strings.Contains(mustJSON(t, pl), pl.seed) {
		t.Fatal("the plan's public form leaks the seed")
	}
	dr, err := f.m.DrawPlan(f.ctx, p, pl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(dr.Result) != 10 || SM3Hex(dr.Seed) != pl.Commitment || len(dr.Seed) != 64 || strings.ToLower(dr.Seed) != dr.Seed {
		t.Fatalf("draw %+v", dr)
	}
	for _, a := range dr.Result {
		for _, in := range a.Inspectors {
			var im, tm Member
			for _, x := range inspectors {
				if x.ID == in {
					im = x
				}
			}
			for _, x := range targets {
				if x.ID == a.Target {
					tm = x
				}
			}
			if im.Group == tm.Group && tm.Group != "" {
				t.Fatalf("inspector %s of the target's own body", in)
			}
			for _, av := range im.Avoid {
				if av == a.Target {
					t.Fatalf("回避 broken for %s", in)
				}
			}
		}
	}
	// No re-draw without a new plan.
	if _, err := f.m.DrawPlan(f.ctx, p, pl.ID); !errors.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "新的抽查计划") {
		t.Fatalf("re-draw: %v", err)
	}
	// The public page's data, recomputed independently, and by the CLI.
	pub, err := f.m.PublicDrawByID(f.ctx, dr.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := []byte(mustJSON(t, pub))
	if ok, why := independentDraw(t, page); !ok {
		t.Fatalf("independent recomputation failed: %s", why)
	}
	var out bytes.Buffer
	if err := CLIVerifyDraw(f.ctx, f.m, dr.ID, &out); err != nil || !strings.Contains(out.String(), "复核通过") {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	// A result changed in the page is caught by the independent check.
	var tweaked map[string]any
	json.Unmarshal(page, &tweaked)
	res := tweaked["result"].([]any)
	res[0], res[1] = res[1], res[0]
	b, _ := json.Marshal(tweaked)
	if ok, why := independentDraw(t, b); ok || why != "result" {
		t.Fatalf("swapped result accepted (%s)", why)
	}
	// Tampering with the pool after commitment: drop a target that was not drawn.
	var tp []Member
	drawn := map[string]bool{}
	for _, a := range dr.Result {
		drawn[a.Target] = true
	}
	for _, x := range targets {
		if !drawn[x.ID] || len(tp) == 0 {
			tp = append(tp, x)
		}
	}
	tp = tp[1:]
	raw, _ := json.Marshal(tp)
	f.exec(`UPDATE enforce_plans SET target_pool = ? WHERE id = ?`, string(raw), pl.ID)
	out.Reset()
	if err := CLIVerifyDraw(f.ctx, f.m, dr.ID, &out); err == nil || !strings.Contains(out.String(), "检查对象库与公布时的摘要不符") {
		t.Fatalf("tampered pool passed: %v\n%s", err, out.String())
	}
	pub, _ = f.m.PublicDrawByID(f.ctx, dr.ID)
	if ok, why := independentDraw(t, []byte(mustJSON(t, pub))); ok || why != "pool" {
		t.Fatalf("independent check missed the tampering (%s)", why)
	}
	// A second plan tampered before its draw cannot be drawn.
	pl2, err := f.m.CreatePlan(f.ctx, p, PlanInput{BodyID: sjj.ID, Title: "重抽计划", Targets: targets, Inspectors: inspectors, TargetCount: 3})
	if err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE enforce_plans SET inspector_pool = ? WHERE id = ?`, `[{"id":"I01","name":"x"},{"id":"I02","name":"y"}]`, pl2.ID)
	if _, err := f.m.DrawPlan(f.ctx, p, pl2.ID); !errors.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "人员库") {
		t.Fatalf("draw over a tampered pool: %v", err)
	}
	st, _ := f.m.StatsFor(f.ctx, f.organ("990121-GOV"), 2025)
	if st.RandomInspections != 1 || st.RandomTargets != 10 { // the one draw (2025-12-31), 10 targets
		t.Fatalf("random figures %d %d", st.RandomInspections, st.RandomTargets)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSelectIsStableAndSeedDependent(t *testing.T) {
	pool := []Member{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}
	ins := []Member{{ID: "x"}, {ID: "y"}, {ID: "z"}}
	s1 := strings.Repeat("ab", 32)
	r1, err := Select(s1, pool, ins, Rule{Targets: 2, PerTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Select(s1, []Member{pool[3], pool[1], pool[0], pool[2]}, ins, Rule{Targets: 2, PerTarget: 2})
	if mustJSON(t, r1) != mustJSON(t, r2) {
		t.Fatal("order of the pool changed the result")
	}
	if _, err := Select(s1, pool, ins[:1], Rule{Targets: 1, PerTarget: 2}); err == nil {
		t.Fatal("too few inspectors accepted")
	}
	if PoolHash(pool) != PoolHash([]Member{pool[2], pool[0], pool[3], pool[1]}) || PoolHash(pool) == PoolHash(pool[:3]) {
		t.Fatal("pool hash")
	}
}
