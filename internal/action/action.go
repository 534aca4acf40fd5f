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
	"github.com/fazhi/fazhi/internal/web"
)

// Action is one transition of a record of type R.
type Action[R any] struct {
	Name      string    // URL segment and event name: "accept"
	Title     string    // 中文: "受理"
	Perm      auth.Perm // route permission; the service checks scope, state and who may act
	FileLabel string    // label of files the HTML form may carry ("" = none)
	newInput  func() any
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

// NewInput returns a fresh *T for decoding.
func (a Action[R]) NewInput() any { return a.newInput() }

// Run calls the service with a decoded input.
func (a Action[R]) Run(ctx context.Context, p *auth.Principal, id string, in any) (R, error) {
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

// Mount says where a record's actions live and how the API answers.
type Mount[R any] struct {
	Base     string // record path with its id: "/reconsider/cases/{id}"
	Tag      string // OpenAPI group: "行政复议"
	Response any    // value of the JSON response type, for OpenAPI
	// Respond writes the API answer for the record after a successful step.
	Respond func(w http.ResponseWriter, r *http.Request, rec R) error
}

// RegisterAPI adds POST /api/v1{Base}/{name} for every action, with its OpenAPI entry.
func (l List[R]) RegisterAPI(app *web.App, reg *api.Registry, m Mount[R]) {
	for _, a := range l {
		op := api.Op{Method: http.MethodPost, Path: m.Base + "/" + a.Name, Summary: a.Title, Tag: m.Tag, Perm: a.Perm,
			Request: reflect.ValueOf(a.newInput()).Elem().Interface(), Response: m.Response}
		api.Route(app, reg, op, func(w http.ResponseWriter, r *http.Request) error {
			in := a.newInput()
			if r.ContentLength != 0 { // an action without fields may be posted with an empty body
				if err := web.DecodeJSON(r, in); err != nil {
					return err
				}
			}
			rec, err := a.run(r.Context(), auth.From(r.Context()), r.PathValue("id"), in)
			if err != nil {
				return err
			}
			return m.Respond(w, r, rec)
		})
	}
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
			if fv.Type().Elem().Kind() == reflect.String {
				fv.Set(reflect.ValueOf(append([]string(nil), vals[name]...)))
			}
		}
	}
}
