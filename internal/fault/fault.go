// Package fault holds the domain errors of the platform. Services return them; only the web
// edge turns them into an HTML page or an application/problem+json answer, so no service
// builds a web type.
package fault

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The sentinels every layer wraps with %w. db re-exports them as db.ErrNotFound etc.
var (
	NotFound  = errors.New("记录不存在")
	Conflict  = errors.New("记录已存在或已被他人修改")
	Forbidden = errors.New("无权进行此操作")
	Invalid   = errors.New("输入有误")
)

// Kinded is an error that carries its own Chinese message and counts as one of the sentinels.
type Kinded struct {
	Kind error
	Msg  string
}

func (e *Kinded) Error() string { return e.Msg }
func (e *Kinded) Unwrap() error { return e.Kind }

// NotFoundf, Conflictf, Forbiddenf and Invalidf build a sentinel error whose message is the
// formatted text alone (the user sees exactly that sentence).
func NotFoundf(format string, a ...any) error  { return &Kinded{NotFound, fmt.Sprintf(format, a...)} }
func Conflictf(format string, a ...any) error  { return &Kinded{Conflict, fmt.Sprintf(format, a...)} }
func Forbiddenf(format string, a ...any) error { return &Kinded{Forbidden, fmt.Sprintf(format, a...)} }
func Invalidf(format string, a ...any) error   { return &Kinded{Invalid, fmt.Sprintf(format, a...)} }

// Fields is an invalid input with a message per field (the form shows each beside its field;
// the API lists them). Msg, when set, is a message for the whole form.
type Fields struct {
	Msg    string
	Fields map[string]string
}

// Field returns an error for one field.
func Field(field, msg string) error {
	f := &Fields{}
	f.Add(field, msg)
	return f
}

// Add records a message for field; the first one wins.
func (e *Fields) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Err returns e when it holds a message, else nil.
func (e *Fields) Err() error {
	if e == nil || (len(e.Fields) == 0 && e.Msg == "") {
		return nil
	}
	return e
}

func (e *Fields) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, 0, len(keys))
	for _, k := range keys {
		msgs = append(msgs, e.Fields[k])
	}
	return strings.Join(msgs, "；")
}

func (e *Fields) Unwrap() error { return Invalid }

// Message returns the text a user should read for err: the message of a Kinded or Fields error,
// or the wrapped text after the sentinel prefix.
func Message(err error) string {
	var k *Kinded
	if errors.As(err, &k) {
		return k.Msg
	}
	var f *Fields
	if errors.As(err, &f) {
		return f.Error()
	}
	return err.Error()
}
