package search

import (
	"context"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
)

func TestStatusOn(t *testing.T) {
	today := calendar.MustDate("2026-12-05")
	for _, c := range []struct{ stored, effective, want string }{
		{"有效", "2027-01-01", "尚未施行"},
		{"有效", "2026-12-06", "尚未施行"},
		{"有效", "2026-12-05", "有效"}, // effective today
		{"有效", "2020-05-01", "有效"},
		{"有效", "", "有效"},
		{"废止", "2027-01-01", "废止"},
		{"有效", "not a date", "有效"},
	} {
		if got := StatusOn(c.stored, c.effective, today); got != c.want {
			t.Errorf("StatusOn(%q, %q) = %q, want %q", c.stored, c.effective, got, c.want)
		}
	}
}

// 法规检索 shows the same status as the document's own page: 尚未施行 before its effective date.
func TestHitStatusBeforeEffective(t *testing.T) {
	d := dbtest.Open(t)
	ix := NewIndex(d)
	upsert(t, ix,
		Doc{Kind: KindNormdoc, RefID: "future", Title: "关于加强城市供水管理的通知", Body: "城市供水设施的维护。", Status: "有效", InForce: true, Effective: "2999-01-01"},
		Doc{Kind: KindNormdoc, RefID: "past", Title: "关于规范城市供水收费的通知", Body: "城市供水价格。", Status: "有效", InForce: true, Effective: "2020-01-01"})
	res, err := ix.Find(context.Background(), "城市供水", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range res.Hits {
		got[h.RefID] = h.Status
	}
	if got["future"] != "尚未施行" || got["past"] != "有效" {
		t.Errorf("statuses %v", got)
	}
}
