package web

import (
	"errors"
	"maps"
	"net/url"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/fault"
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
