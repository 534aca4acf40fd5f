// Package action declares the transitions of a record once, so that one declaration yields the
// form route of the record page, the /api/v1 route and its OpenAPI entry. Both decode into the
// same input struct (form fields are named by its json tags) and call the same service method.
package action

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/web"
)

// Action is one transition of a record of type R.
type Action[R any] struct {
	Name      string    // URL segment and event name: "accept"
	Title     string    // 中文: "受理"
	Perm      auth.Perm // route permission; the service checks scope, state and who may act
	Doc       string    // OpenAPI description ("" = the Mount's)
	FileLabel string    // label of files the HTML form may carry ("" = none)
	newInput  func() any
	form      func(vals url.Values, in any) // form fields the json names do not cover
	done      func(rec R) string
	before    func(in any) error
	run       func(ctx context.Context, p *auth.Principal, id string, in any) (R, error)
}

// New declares an action whose input is a *T.
func New[T any, R any](name, title string, perm auth.Perm, run func(ctx context.Context, p *auth.Principal, id string, in *T) (R, error)) Action[R] {
	return Action[R]{Name: name, Title: title, Perm: perm,
		newInput: func() any { return new(T) },
		run: func(ctx context.Context, p *auth.Principal, id string, in any) (R, error) {
			return run(ctx, p, id, in.(*T))
		}}
}

// WithFiles lets the HTML form carry files under label (e.g. 答复及证据).
func (a Action[R]) WithFiles(label string) Action[R] {
	a.FileLabel = label
	return a
}

// Describe sets the OpenAPI description of the action.
func (a Action[R]) Describe(doc string) Action[R] {
	a.Doc = doc
	return a
}

// Done sets the message the record page shows after the step.
func (a Action[R]) Done(msg string) Action[R] {
	a.done = func(R) string { return msg }
	return a
}

// DoneWith computes that message from the record after the step (案号, 退回的材料 …).
func (a Action[R]) DoneWith(f func(rec R) string) Action[R] {
	a.done = f
	return a
}

// Message is the page's message after a successful step: by default "<Title>已办理".
func (a Action[R]) Message(rec R) string {
	if a.done != nil {
		return a.done(rec)
	}
	return a.Title + "已办理"
}

// Form adds form decoding the json names cannot express (one row per opinion, a textarea for a
// list); it runs after the fields named by json tags are filled.
func Form[T any, R any](a Action[R], f func(vals url.Values, in *T)) Action[R] {
	a.form = func(vals url.Values, in any) { f(vals, in.(*T)) }
	return a
}

// NewInput returns a fresh *T for decoding.
func (a Action[R]) NewInput() any { return a.newInput() }

// Decode reads the input of the action from a posted form.
func (a Action[R]) Decode(vals url.Values) (any, *web.FormError) {
	in := a.newInput()
	fe := DecodeForm(vals, in)
	if a.form != nil {
		a.form(vals, in)
	}
	return in, fe
}

// Run calls the service with a decoded input.
func (a Action[R]) Run(ctx context.Context, p *auth.Principal, id string, in any) (R, error) {
	if a.before != nil {
		if err := a.before(in); err != nil {
			var zero R
			return zero, err
		}
	}
	return a.run(ctx, p, id, in)
}

// Fields lists the form field names of the action's input.
func (a Action[R]) Fields() map[string]bool {
	out := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type)
				continue
			}
			if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name != "" && name != "-" {
				out[name] = true
			}
		}
	}
	walk(reflect.TypeOf(a.newInput()).Elem())
	return out
}

// StepFirst is a Before hook that checks the date of an input's embedded casework.Step before
// the service looks at the other fields, so a bad date is the message the user sees first.
func StepFirst(today func() calendar.Date) func(in any) error {
	return func(in any) error {
		if st, ok := in.(interface{ StepRef() *casework.Step }); ok {
			return st.StepRef().Prepare(today())
		}
		return nil
	}
}

// List is a record's actions in the order of its page.
type List[R any] []Action[R]

// ByName finds an action.
func (l List[R]) ByName(name string) (Action[R], bool) {
	for _, a := range l {
		if a.Name == name {
			return a, true
		}
	}
	return Action[R]{}, false
}

// Before runs f on every decoded input before the service call (e.g. StepFirst).
func (l List[R]) Before(f func(in any) error) List[R] {
	out := make(List[R], len(l))
	for i, a := range l {
		a.before = f
		out[i] = a
	}
	return out
}

// FormRoutes adds POST {base}/{name} for every action, with the action's permission.
func (l List[R]) FormRoutes(app *web.App, base string, h func(a Action[R]) web.HandlerFunc) {
	for _, a := range l {
		app.POST(base+"/"+a.Name, a.Perm, h(a))
	}
}

// Mount says where a record's actions live and how the API answers.
type Mount[R any] struct {
	Base       string            // record path with its id: "/reconsider/cases/{id}"
	Tag        string            // OpenAPI group: "行政复议"
	Doc        string            // description of the actions without their own
	PathParams map[string]string // {name} → 中文说明
	Response   any               // value of the JSON response type, for OpenAPI
	// Respond writes the API answer for the record after a successful step.
	Respond func(w http.ResponseWriter, r *http.Request, rec R) error
}

// Endpoint is one API operation of an action with its handler.
type Endpoint = api.Endpoint

// Endpoints lists POST /api/v1{Base}/{name} for every action, described for OpenAPI.
func (l List[R]) Endpoints(m Mount[R]) []Endpoint {
	out := make([]Endpoint, 0, len(l))
	for _, a := range l {
		doc := a.Doc
		if doc == "" {
			doc = m.Doc
		}
		op := api.Op{Method: http.MethodPost, Path: m.Base + "/" + a.Name, Summary: a.Title, Description: doc, Tag: m.Tag, Perm: a.Perm,
			PathParams: m.PathParams, Request: reflect.ValueOf(a.newInput()).Elem().Interface(), Response: m.Response}
		out = append(out, Endpoint{Op: op, Handler: func(w http.ResponseWriter, r *http.Request) error {
			in := a.newInput()
			if r.ContentLength != 0 { // an action without fields may be posted with an empty body
				if err := web.DecodeJSON(r, in); err != nil {
					return err
				}
			}
			rec, err := a.Run(r.Context(), auth.From(r.Context()), r.PathValue("id"), in)
			if err != nil {
				return err
			}
			return m.Respond(w, r, rec)
		}})
	}
	return out
}

// RegisterAPI adds the Endpoints to app and their description to reg.
func (l List[R]) RegisterAPI(app *web.App, reg *api.Registry, m Mount[R]) {
	api.Mount(app, reg, l.Endpoints(m))
}

// DecodeForm fills the exported fields of the struct dst points to from form values named by
// their json tags (embedded structs such as casework.Step included). Numbers that do not parse
// become field errors; absent fields keep their zero value.
func DecodeForm(vals url.Values, dst any) *web.FormError {
	fe := &web.FormError{Values: vals}
	decodeStruct(vals, reflect.ValueOf(dst).Elem(), fe)
	return fe
}

func decodeStruct(vals url.Values, v reflect.Value, fe *web.FormError) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf, fv := t.Field(i), v.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			decodeStruct(vals, fv, fe)
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		raw := strings.TrimSpace(vals.Get(name))
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(vals.Get(name))
		case reflect.Int:
			if raw == "" {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				fe.Add(name, "请填写整数")
				continue
			}
			fv.SetInt(int64(n))
		case reflect.Float64:
			if raw == "" {
				continue
			}
			x, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", ""), 64)
			if err != nil {
				fe.Add(name, "请填写数字")
				continue
			}
			fv.SetFloat(x)
		case reflect.Bool:
			fv.SetBool(raw == "1" || raw == "on" || raw == "true")
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.String && vals[name] != nil {
				out := reflect.MakeSlice(fv.Type(), len(vals[name]), len(vals[name]))
				for j, x := range vals[name] {
					out.Index(j).SetString(x)
				}
				fv.Set(out)
			}
		}
	}
}
