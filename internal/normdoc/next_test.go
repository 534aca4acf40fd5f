package normdoc

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

// The document page says what comes next in every state: publish, file with each body, await the
// filing review, evaluate before the validity ends — or nothing.
func TestNextStepEveryState(t *testing.T) {
	d := calendar.MustDate
	today := d("2025-06-30")
	pub := func() *Doc {
		return &Doc{State: StateInForce, PublishedOn: d("2025-06-10"), EffectiveOn: d("2025-07-10"), ExpiresOn: d("2030-07-09"), WarnOn: d("2030-01-09")}
	}
	gov := Filing{BodyName: "示范市人民政府", Days: 30, DueOn: d("2025-07-10")}
	npc := Filing{BodyName: "青山县人大常委会", Days: 30, DueOn: d("2025-07-10")}
	sent := func(f Filing) Filing { f.SentOn = d("2025-06-20"); return f }
	cases := []struct {
		name    string
		doc     *Doc
		filings []Filing
		what    string
		who     string
		due     string
		late    bool
	}{
		{"registered", &Doc{State: StateRegistered}, nil, "公布文件", "青山县人民政府", "", false},
		{"to file", pub(), []Filing{gov, npc}, "向示范市人民政府报送备案", "青山县人民政府", "2025-07-10", false},
		{"one filed, one to file", pub(), []Filing{sent(gov), npc}, "向青山县人大常委会报送备案", "青山县人民政府", "2025-07-10", false},
		{"filing late", pub(), []Filing{func() Filing { f := gov; f.DueOn = d("2025-06-27"); return f }()}, "报送备案", "青山县人民政府", "2025-06-27", true},
		{"awaiting review", pub(), []Filing{sent(gov)}, "等待示范市人民政府备案审查", "示范市人民政府", "", false},
		{"reviewed", pub(), []Filing{func() Filing { f := sent(gov); f.Result = "ok"; return f }()}, "", "", "", false},
		{"evaluation due", func() *Doc { x := pub(); x.WarnOn, x.ExpiresOn = d("2025-06-01"), d("2025-12-31"); return x }(), nil, "有效期届满前评估", "青山县人民政府", "2025-12-31", false},
		{"evaluated", func() *Doc {
			x := pub()
			x.WarnOn, x.ExpiresOn, x.Evaluation = d("2025-06-01"), d("2025-12-31"), EvalExpire
			return x
		}(), nil, "", "", "", false},
		{"repealed", &Doc{State: StateRepealed, PublishedOn: d("2020-01-01")}, []Filing{gov}, "", "", "", false},
		{"expired", &Doc{State: StateExpired, PublishedOn: d("2020-01-01")}, nil, "", "", "", false},
		{"amended", &Doc{State: StateAmended, PublishedOn: d("2020-01-01")}, nil, "", "", "", false},
	}
	for _, tc := range cases {
		n := nextStep(tc.doc, tc.filings, "青山县人民政府", today)
		if tc.what == "" {
			if n != nil {
				t.Errorf("%s: want nothing, got %+v", tc.name, n)
			}
			continue
		}
		if n == nil || !strings.Contains(n.What, tc.what) || n.Who != tc.who || n.Late != tc.late || (tc.due == "") != n.Due.IsZero() || tc.due != "" && n.Due.String() != tc.due {
			t.Errorf("%s: got %+v, want %q by %q due %q late %v", tc.name, n, tc.what, tc.who, tc.due, tc.late)
		}
	}
}
