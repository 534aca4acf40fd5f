package web

import (
	"errors"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/secure"
)

// FormError collects the messages of a rejected form, by field, with the submitted values
// so the page can show each message beside its field and keep what the user typed.
type FormError struct {
	Msg    string
	Fields map[string]string
	Values url.Values
}

func (e *FormError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	var keys []string
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var msgs []string
	for _, k := range keys {
		msgs = append(msgs, e.Fields[k])
	}
	return strings.Join(msgs, "；")
}

// Add records a message for field (the first one wins).
func (e *FormError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Err returns e when it holds messages, else nil.
func (e *FormError) Err() error {
	if e == nil || (len(e.Fields) == 0 && e.Msg == "") {
		return nil
	}
	return e
}

// FormFrom turns a rejected input into the form's messages, keeping the user's values: the
// platform's field errors (fault.Fields), the account errors of auth and a FormError itself.
// Any other error gives nil.
func FormFrom(err error, values url.Values) *FormError {
	var fe *FormError
	var ff *fault.Fields
	var afe *auth.FieldError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
	case errors.As(err, &ff):
		fe = &FormError{Msg: ff.Msg, Fields: maps.Clone(ff.Fields)}
	case errors.As(err, &afe):
		fe = &FormError{Fields: map[string]string{afe.Field: afe.Msg}}
	default:
		return nil
	}
	if values != nil {
		fe.Values = values
	}
	return fe
}

// secretFields are never rewritten: a password is compared byte for byte with what was set.
var secretFields = map[string]bool{"password": true, "confirm": true, "old": true, csrfField: true}

// readForm parses the body of an unsafe request once, before the CSRF check reads it, so a body
// that cannot be parsed is answered as such (422) rather than as a missing CSRF token (403):
// Go refuses a multipart part whose header holds a NUL (e.g. in a file name) and then drops the
// whole form, the token included.
func readForm(r *http.Request) error {
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(32 << 20) // what FormValue would use
	} else {
		err = r.ParseForm()
	}
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return Errorf(http.StatusRequestEntityTooLarge, "提交的内容过大")
	}
	return Errorf(http.StatusUnprocessableEntity, "提交的表单无法读取：字段或上传文件名中含有不允许的字符（如 NUL 控制字符），请重命名文件或修改输入后重试")
}

// cleanForm runs every posted text value and uploaded file name through secure.CleanText, once
// per request, before the handler reads them (see secure.CleanText for what changes).
func cleanForm(r *http.Request) error {
	fe := &FormError{}
	clean := func(vs url.Values) {
		for k, list := range vs {
			if secretFields[k] {
				continue
			}
			for i, v := range list {
				c, err := secure.CleanText(k, v)
				if err != nil {
					fe.Add(k, err.Error())
					continue
				}
				list[i] = c
			}
		}
	}
	clean(r.Form)
	clean(r.PostForm)
	if r.MultipartForm != nil {
		clean(r.MultipartForm.Value)
		for k, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				c, err := secure.CleanText(k+" 文件名", fh.Filename)
				if err != nil {
					fe.Add(k, err.Error())
					continue
				}
				fh.Filename = c
			}
		}
	}
	if fe.Err() != nil {
		fe.Msg = "输入中含有不允许的字符：" + fe.Error()
		fe.Values = r.PostForm
		return fe
	}
	return nil
}

// cleanJSON runs every string reached from v (struct fields, maps, slices, pointers) through
// secure.CleanText; the error names the JSON field.
func cleanJSON(v any) error {
	return cleanValue(reflect.ValueOf(v), "")
}

func cleanValue(v reflect.Value, name string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if v.Kind() == reflect.Interface {
			// Values held in an interface (map[string]any) are not addressable: clean a copy.
			inner := reflect.New(v.Elem().Type()).Elem()
			inner.Set(v.Elem())
			if err := cleanValue(inner, name); err != nil {
				return err
			}
			if v.CanSet() {
				v.Set(inner)
			}
			return nil
		}
		return cleanValue(v.Elem(), name)
	case reflect.String:
		if secretFields[name] {
			return nil
		}
		c, err := secure.CleanText(name, v.String())
		if err != nil {
			return fault.Field(name, err.Error())
		}
		if v.CanSet() && c != v.String() {
			v.SetString(c)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			n := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
				n = tag
			}
			if err := cleanValue(v.Field(i), n); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := cleanValue(v.Index(i), name); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			if err := cleanValue(e, k.String()); err != nil {
				return err
			}
			v.SetMapIndex(k, e)
		}
	}
	return nil
}

// SeeOther answers a successful form with 303 to the page to show next, carrying a one-line
// flash message ("" = none) that the page prints once.
func SeeOther(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
