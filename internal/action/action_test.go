package action

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

type kind string

type rec struct{ N int }

type input struct {
	casework.Step
	Kind  kind     `json:"kind"`
	Days  int      `json:"days"`
	Tags  []kind   `json:"tags"`
	Flag  bool     `json:"flag"`
	Rows  []string `json:"-"`
	Other string
}

func TestDecodeAndRun(t *testing.T) {
	var got *input
	a := New("extend", "延长", auth.PermLogin, func(ctx context.Context, p *auth.Principal, id string, in *input) (*rec, error) {
		got = in
		return &rec{N: in.Days}, nil
	})
	a = Form(a, func(vals url.Values, in *input) { in.Rows = vals["row"] })
	l := List[*rec]{a, a.Done("已办").WithFiles("材料")}
	today := calendar.Date{Year: 2025, Month: 3, Day: 3}
	l = l.Before(StepFirst(func() calendar.Date { return today }))

	in, fe := l[0].Decode(url.Values{"kind": {"a"}, "days": {"x"}, "tags": {"p", "q"}, "flag": {"on"}, "row": {"1", "2"}, "on": {"2025-03-01"}})
	if fe.Fields["days"] != "请填写整数" {
		t.Errorf("a bad number is a field error: %v", fe.Fields)
	}
	x := in.(*input)
	if x.Kind != "a" || len(x.Tags) != 2 || x.Tags[1] != "q" || !x.Flag || len(x.Rows) != 2 || x.OnText != "2025-03-01" {
		t.Errorf("decoded %+v", x)
	}
	if _, err := l[0].Run(context.Background(), nil, "1", &input{Step: casework.Step{OnText: "2025-03-04"}}); err == nil {
		t.Error("StepFirst refuses a future date before the service")
	} else if f, ok := err.(*fault.Fields); !ok || f.Fields["on"] == "" {
		t.Errorf("future date: %v", err)
	}
	r, err := l[0].Run(context.Background(), nil, "1", &input{Days: 5})
	if err != nil || r.N != 5 || got.On != today {
		t.Errorf("run %v %v %+v", r, err, got)
	}
	if l[0].Message(r) != "延长已办理" || l[1].Message(r) != "已办" || l[1].FileLabel != "材料" {
		t.Errorf("messages %q %q", l[0].Message(r), l[1].Message(r))
	}
	if f := l[0].Fields(); !f["on"] || !f["kind"] || f["Other"] || len(f) != 7 {
		t.Errorf("fields %v", f)
	}
	eps := l[:1].Endpoints(Mount[*rec]{Base: "/things/{id}", Tag: "示例", Doc: "说明", Response: rec{},
		Respond: func(w http.ResponseWriter, r *http.Request, x *rec) error { return nil }})
	if len(eps) != 1 || eps[0].Op.Path != "/things/{id}/extend" || eps[0].Op.Summary != "延长" || eps[0].Op.Description != "说明" || eps[0].Op.Perm != auth.PermLogin {
		t.Errorf("endpoint %+v", eps[0].Op)
	}
	if _, ok := l.ByName("nope"); ok {
		t.Error("ByName found a missing action")
	}
}
