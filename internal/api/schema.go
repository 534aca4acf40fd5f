package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
)

// Schema is a JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain map.
type Schema = map[string]any

// Schemaer lets a type describe its own JSON form (a type with custom MarshalJSON should).
type Schemaer interface {
	JSONSchema() Schema
}

// File marks a file field of a multipart/form-data request body.
type File struct{}

// JSONSchema describes an uploaded file.
func (File) JSONSchema() Schema {
	return Schema{"type": "string", "contentMediaType": "application/octet-stream", "description": "上传的文件"}
}

var (
	schemaerType   = reflect.TypeFor[Schemaer]()
	textMarshaler  = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler  = reflect.TypeFor[json.Marshaler]()
	timeType       = reflect.TypeFor[time.Time]()
	dateType       = reflect.TypeFor[calendar.Date]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
)

// generator turns Go types into schemas, collecting named structs under components/schemas.
//
// Which properties are required depends on the direction. A response lists every field it always
// writes: all but those tagged omitempty/omitzero. A request requires only the fields tagged
// `required:"true"`; every other field may be left out (the service answers 422 when a missing
// field matters in the record's state). A type described both ways has two components: the
// request one is named <Name>Input.
type generator struct {
	defs  map[string]Schema
	names map[typeKey]string
	taken map[string]typeKey
	req   bool // describing a request body
}

type typeKey struct {
	t   reflect.Type
	req bool
}

func newGenerator() *generator {
	return &generator{defs: map[string]Schema{}, names: map[typeKey]string{}, taken: map[string]typeKey{}}
}

// describeRequest is describe for a request body.
func (g *generator) describeRequest(v any) Schema {
	g.req = true
	defer func() { g.req = false }()
	return g.describe(v)
}

const refPrefix = "#/components/schemas/"

// describe returns the schema of v's type (nil for nil).
func (g *generator) describe(v any) Schema {
	if v == nil {
		return nil
	}
	return g.schema(reflect.TypeOf(v))
}

// schema panics on types JSON cannot carry: a wrong declaration is a programming error found at startup.
func (g *generator) schema(t reflect.Type) Schema {
	if t.Kind() == reflect.Pointer {
		return nullable(g.schema(t.Elem()))
	}
	if t.Implements(schemaerType) {
		return reflect.Zero(t).Interface().(Schemaer).JSONSchema()
	}
	if reflect.PointerTo(t).Implements(schemaerType) {
		return reflect.New(t).Interface().(Schemaer).JSONSchema()
	}
	switch t {
	case timeType:
		return Schema{"type": "string", "format": "date-time"}
	case dateType:
		return Schema{"type": "string", "format": "date", "description": "日期 YYYY-MM-DD"}
	case rawMessageType:
		return Schema{}
	}
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
		return Schema{} // custom encoding: nothing we can promise without a JSONSchema method
	}
	if t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		return Schema{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return Schema{"type": "integer", "format": "int64"}
	case reflect.Int32:
		return Schema{"type": "integer", "format": "int32"}
	case reflect.Int8, reflect.Int16:
		return Schema{"type": "integer"}
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8, reflect.Uintptr:
		return Schema{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.Interface:
		return Schema{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !t.Elem().Implements(textMarshaler) {
			return Schema{"type": "string", "contentEncoding": "base64"}
		}
		return Schema{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Array:
		return Schema{"type": "array", "items": g.schema(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		switch k := t.Key(); {
		case k.Kind() == reflect.String, k.Implements(textMarshaler), k.Kind() >= reflect.Int && k.Kind() <= reflect.Uintptr:
		default:
			panic(fmt.Sprintf("api: map key %s cannot be encoded as JSON", k))
		}
		return Schema{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name := g.nameOf(t)
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = Schema{} // placeholder first: recursive types refer to themselves
			g.defs[name] = g.object(t)
		}
		return Schema{"$ref": refPrefix + name}
	}
	panic(fmt.Sprintf("api: type %s cannot be described as JSON", t))
}

// nullable adds null to a schema (a nil pointer encodes as null).
func nullable(s Schema) Schema {
	if len(s) == 0 {
		return s // already anything
	}
	if typ, ok := s["type"].(string); ok && s["enum"] == nil {
		out := Schema{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []string{typ, "null"}
		return out
	}
	return Schema{"anyOf": []Schema{s, {"type": "null"}}}
}

// nameOf gives a named type its component name: the bare type name, qualified by package only
// on a clash; generic arguments are reduced to their bare names (List[reconsider.Case] → List_Case).
func (g *generator) nameOf(t reflect.Type) string {
	key := typeKey{t, g.req}
	if n, ok := g.names[key]; ok {
		return n
	}
	base := componentName(t.Name())
	if other, ok := g.taken[base]; ok && g.req && other.t == t {
		base += "Input" // the same type as a response: another required list
	}
	name := base
	for i := 1; ; i++ {
		if other, ok := g.taken[name]; !ok || other == key {
			break
		}
		if i == 1 {
			name = componentName(path.Base(t.PkgPath())) + "." + base
		} else {
			name = fmt.Sprintf("%s.%s%d", componentName(path.Base(t.PkgPath())), base, i)
		}
	}
	g.names[key], g.taken[name] = name, key
	return name
}

func componentName(s string) string {
	var b strings.Builder
	word := strings.Builder{}
	flush := func() {
		w := word.String()
		if i := strings.LastIndexByte(w, '/'); i >= 0 {
			w = w[i+1:]
		}
		if i := strings.LastIndexByte(w, '.'); i >= 0 {
			w = w[i+1:]
		}
		b.WriteString(w)
		word.Reset()
	}
	for _, r := range s {
		switch {
		case r == '[' || r == ',' || r == ' ':
			flush()
			if r != ' ' {
				b.WriteByte('_')
			}
		case r == ']' || r == '*':
			flush()
		default:
			word.WriteRune(r)
		}
	}
	flush()
	out := []rune(strings.Trim(strings.ReplaceAll(b.String(), "__", "_"), "_"))
	for i, r := range out {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			out[i] = '_'
		}
	}
	return string(out)
}

// field is one JSON property of a struct, after encoding/json's rules for tags and embedding.
type field struct {
	name     string
	typ      reflect.Type
	tag      reflect.StructTag
	optional bool // omitempty/omitzero: may be absent
	asString bool // ,string option
	depth    int
}

// fields lists the JSON properties of t: embedded structs without a json name are flattened, and a
// shallower field wins over a deeper one of the same name (as encoding/json does).
func fields(t reflect.Type) []field {
	var out []field
	seen := map[string]int{} // name → index in out
	var walk func(t reflect.Type, depth int, visited map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		var embedded []reflect.StructField
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous && name == "" {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					embedded = append(embedded, sf)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			f := field{name: name, typ: ft, tag: sf.Tag, depth: depth,
				optional: hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero"), asString: hasOpt(opts, "string")}
			if i, ok := seen[name]; ok {
				if out[i].depth > depth {
					out[i] = f
				}
				continue
			}
			seen[name] = len(out)
			out = append(out, f)
		}
		for _, sf := range embedded {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			walk(et, depth+1, visited)
		}
	}
	walk(t, 0, map[reflect.Type]bool{})
	return out
}

func hasOpt(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// object describes a struct. Field tags: doc:"中文说明", enum:"a,b,c", format:"email", and for
// request bodies required:"true".
func (g *generator) object(t reflect.Type) Schema {
	props := Schema{}
	var required []string
	for _, f := range fields(t) {
		var s Schema
		switch {
		case f.asString && isScalar(f.typ):
			s = Schema{"type": "string"}
		case f.typ.Kind() == reflect.Pointer && f.optional:
			s = g.schema(f.typ.Elem()) // absent rather than null
		default:
			s = g.schema(f.typ)
		}
		s = annotate(s, f.tag)
		props[f.name] = s
		if g.req && f.tag.Get("required") == "true" || !g.req && !f.optional {
			required = append(required, f.name)
		}
	}
	out := Schema{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func isScalar(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// annotate adds the doc/enum/format tags. A $ref cannot carry siblings safely in every tool, so a
// described reference is wrapped in allOf.
func annotate(s Schema, tag reflect.StructTag) Schema {
	doc, enum, format := tag.Get("doc"), tag.Get("enum"), tag.Get("format")
	if doc == "" && enum == "" && format == "" {
		return s
	}
	out := Schema{}
	if _, ref := s["$ref"]; ref {
		out["allOf"] = []Schema{s}
	} else {
		for k, v := range s {
			out[k] = v
		}
	}
	if doc != "" {
		out["description"] = doc
	}
	if enum != "" {
		out["enum"] = strings.Split(enum, ",")
	}
	if format != "" {
		out["format"] = format
	}
	return out
}
