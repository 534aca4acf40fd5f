package api

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
)

type inner struct {
	A string `json:"a"`
}

type Base struct {
	CreatedAt string `json:"created_at"`
	Title     string `json:"title"` // shadowed by the outer title
}

type node struct {
	Name     string `json:"name"`
	Children []node `json:"children"`
}

type state string

type textual struct{ v int }

func (textual) MarshalText() ([]byte, error) { return []byte("x"), nil }

type custom struct{}

func (custom) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

type sample struct {
	Base
	*inner
	Title   string         `json:"title" doc:"标题"`
	Count   int            `json:"count,omitempty"`
	Ratio   float64        `json:"ratio"`
	OK      bool           `json:"ok"`
	Tags    []string       `json:"tags"`
	Meta    map[string]int `json:"meta"`
	ByYear  map[int]string `json:"by_year"`
	Ptr     *inner         `json:"ptr"`
	Opt     *string        `json:"opt,omitempty"`
	MaybeN  *int           `json:"maybe_n"`
	On      calendar.Date  `json:"on"`
	At      time.Time      `json:"at"`
	Skip    string         `json:"-"`
	hidden  string         // unexported: not in JSON
	Seq     int64          `json:"seq,string"`
	State   state          `json:"state" enum:"open,closed"`
	Raw     []byte         `json:"raw"`
	Any     any            `json:"any"`
	Pair    [2]int         `json:"pair"`
	Small   uint8          `json:"small"`
	Big     int32          `json:"big"`
	Text    textual        `json:"text"`
	Custom  custom         `json:"custom"`
	Email   string         `json:"email" format:"email"`
	Ref     inner          `json:"ref" doc:"引用"`
	Tree    node           `json:"tree"`
	NoTag   string
	Nested  struct{ X int }   `json:"nested"`
	Dynamic json.RawMessage   `json:"dynamic"`
	Lists   map[string][]bool `json:"lists"`
}

func TestSchemaFields(t *testing.T) {
	g := newGenerator()
	ref := g.schema(reflect.TypeFor[sample]())
	if js(ref) != `{"$ref":"#/components/schemas/sample"}` {
		t.Fatalf("ref %s", js(ref))
	}
	obj := g.defs["sample"]
	props := obj["properties"].(Schema)
	tests := []struct{ field, want string }{
		{"title", `{"description":"标题","type":"string"}`},
		{"created_at", `{"type":"string"}`},
		{"a", `{"type":"string"}`},
		{"count", `{"format":"int64","type":"integer"}`},
		{"ratio", `{"type":"number"}`},
		{"ok", `{"type":"boolean"}`},
		{"tags", `{"items":{"type":"string"},"type":"array"}`},
		{"meta", `{"additionalProperties":{"format":"int64","type":"integer"},"type":"object"}`},
		{"by_year", `{"additionalProperties":{"type":"string"},"type":"object"}`},
		{"ptr", `{"anyOf":[{"$ref":"#/components/schemas/inner"},{"type":"null"}]}`},
		{"opt", `{"type":"string"}`},
		{"maybe_n", `{"format":"int64","type":["integer","null"]}`},
		{"on", `{"description":"日期 YYYY-MM-DD","format":"date","type":"string"}`},
		{"at", `{"format":"date-time","type":"string"}`},
		{"seq", `{"type":"string"}`},
		{"state", `{"enum":["open","closed"],"type":"string"}`},
		{"raw", `{"contentEncoding":"base64","type":"string"}`},
		{"any", `{}`},
		{"pair", `{"items":{"format":"int64","type":"integer"},"maxItems":2,"minItems":2,"type":"array"}`},
		{"small", `{"minimum":0,"type":"integer"}`},
		{"big", `{"format":"int32","type":"integer"}`},
		{"text", `{"type":"string"}`},
		{"custom", `{}`},
		{"email", `{"format":"email","type":"string"}`},
		{"ref", `{"allOf":[{"$ref":"#/components/schemas/inner"}],"description":"引用"}`},
		{"tree", `{"$ref":"#/components/schemas/node"}`},
		{"NoTag", `{"type":"string"}`},
		{"nested", `{"properties":{"X":{"format":"int64","type":"integer"}},"required":["X"],"type":"object"}`},
		{"dynamic", `{}`},
		{"lists", `{"additionalProperties":{"items":{"type":"boolean"},"type":"array"},"type":"object"}`},
	}
	for _, tt := range tests {
		if got := js(props[tt.field]); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.field, got, tt.want)
		}
	}
	if len(props) != len(tests) {
		var names []string
		for k := range props {
			names = append(names, k)
		}
		t.Errorf("%d properties, want %d: %v", len(props), len(tests), names)
	}
	req := js(obj["required"])
	want := `["title","ratio","ok","tags","meta","by_year","ptr","maybe_n","on","at","seq","state","raw","any","pair","small","big","text","custom","email","ref","tree","NoTag","nested","dynamic","lists","created_at","a"]`
	if req != want {
		t.Errorf("required %s\nwant %s", req, want)
	}
	if got := js(g.defs["node"]); got != `{"properties":{"children":{"items":{"$ref":"#/components/schemas/node"},"type":"array"},"name":{"type":"string"}},"required":["name","children"],"type":"object"}` {
		t.Errorf("recursive node: %s", got)
	}
}

// Case clashes with the package-level Case below; the second gets its package prefix.
type Case struct {
	N int `json:"n"`
}

func TestSchemaNames(t *testing.T) {
	type Case struct { // same name and package as the package-level Case
		M int `json:"m"`
	}
	type Other struct {
		M int `json:"m"`
	}
	g := newGenerator()
	tests := []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[List[thing]](), `{"$ref":"#/components/schemas/List_thing"}`},
		{reflect.TypeFor[List[*thing]](), `{"$ref":"#/components/schemas/api.List_thing"}`},
		{reflect.TypeFor[Case](), `{"$ref":"#/components/schemas/Case"}`},
		{reflect.TypeFor[Other](), `{"$ref":"#/components/schemas/Other"}`},
		{reflect.TypeFor[List[thing]](), `{"$ref":"#/components/schemas/List_thing"}`}, // stable on reuse
		{reflect.TypeFor[map[string]List[thing]](), `{"additionalProperties":{"$ref":"#/components/schemas/List_thing"},"type":"object"}`},
	}
	for _, tt := range tests {
		if got := js(g.schema(tt.t)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.t, got, tt.want)
		}
	}
	// Declared after the local Case: the package-level one gets the qualified name.
	if got := js(g.schema(reflect.TypeFor[Case]())); got != `{"$ref":"#/components/schemas/Case"}` {
		t.Errorf("local Case again: %s", got)
	}
	if got := js(g.schema(reflect.TypeFor[caseAlias]())); got != `{"$ref":"#/components/schemas/api.Case"}` {
		t.Errorf("package Case after local Case: %s", got)
	}
	if got := js(g.defs["api.Case"]); got != `{"properties":{"n":{"format":"int64","type":"integer"}},"required":["n"],"type":"object"}` {
		t.Errorf("api.Case definition %s", got)
	}
	for _, tt := range []struct{ in, want string }{
		{"List[github.com/fazhi/fazhi/internal/reconsider.caseJSON]", "List_caseJSON"},
		{"Pair[string,github.com/x/y.Z]", "Pair_string_Z"},
		{"Plain", "Plain"},
	} {
		if got := componentName(tt.in); got != tt.want {
			t.Errorf("componentName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

type caseAlias = Case

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A request requires only the fields tagged required:"true"; the same type as a response still
// lists every field it always writes, under another component name.
type applyInput struct {
	Title  string     `json:"title" required:"true"`
	Note   string     `json:"note"`
	Count  int        `json:"count,omitempty"`
	Items  []lineItem `json:"items"`
	Nested lineItem   `json:"nested" required:"true"`
}

type lineItem struct {
	Code   string `json:"code" required:"true"`
	Amount int    `json:"amount"`
}

func TestRequestOptionalFields(t *testing.T) {
	g := newGenerator()
	resp := g.describe(lineItem{})
	req := g.describeRequest(applyInput{})
	if js(resp) != `{"$ref":"#/components/schemas/lineItem"}` || js(req) != `{"$ref":"#/components/schemas/applyInput"}` {
		t.Fatalf("refs %s %s", js(resp), js(req))
	}
	if got := js(g.defs["applyInput"]["required"]); got != `["title","nested"]` {
		t.Errorf("request required %s", got)
	}
	props := g.defs["applyInput"]["properties"].(Schema)
	if got := js(props["nested"]); got != `{"$ref":"#/components/schemas/lineItemInput"}` {
		t.Errorf("a type used both ways is a second component: %s", got)
	}
	if got := js(g.defs["lineItemInput"]["required"]); got != `["code"]` {
		t.Errorf("nested request required %s", got)
	}
	if got := js(g.defs["lineItem"]["required"]); got != `["code","amount"]` {
		t.Errorf("response required %s", got)
	}
	if _, ok := g.defs["applyInput"]["required"]; !ok || g.req {
		t.Error("request mode must end with the request")
	}
	// Without required tags a request body has no required list at all.
	if s := g.describeRequest(struct {
		B string `json:"b"`
	}{}); s["required"] != nil {
		t.Errorf("anonymous request %s", js(s))
	}
}
