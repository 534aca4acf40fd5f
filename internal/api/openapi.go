package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// Document is an OpenAPI 3.1 document (the parts fazhi uses).
type Document struct {
	OpenAPI    string                           `json:"openapi"`
	Info       Info                             `json:"info"`
	Servers    []Server                         `json:"servers"`
	Security   []map[string][]string            `json:"security"`
	Tags       []Tag                            `json:"tags,omitempty"`
	Paths      map[string]map[string]*Operation `json:"paths"` // path → lower-case method → operation
	Components Components                       `json:"components"`
}

// Info is the document's title and version.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// Server is the base URL the paths are relative to.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Tag groups operations.
type Tag struct {
	Name string `json:"name"`
}

// Operation is one method on one path.
type Operation struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description,omitempty"`
	Tags        []string               `json:"tags,omitempty"`
	Parameters  []Parameter            `json:"parameters,omitempty"`
	RequestBody *RequestBody           `json:"requestBody,omitempty"`
	Responses   map[string]any         `json:"responses"` // status → *Response or {"$ref": …}
	Security    *[]map[string][]string `json:"security,omitempty"`
	Perm        string                 `json:"x-fazhi-perm"`
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required"`
	Schema      Schema `json:"schema"`
}

// RequestBody is the body of a request.
type RequestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]MediaType `json:"content"`
}

// MediaType carries a body schema (absent for opaque binary bodies).
type MediaType struct {
	Schema Schema `json:"schema,omitempty"`
}

// Response is one response of an operation.
type Response struct {
	Description string               `json:"description"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// Components holds what operations refer to.
type Components struct {
	Schemas         map[string]Schema    `json:"schemas"`
	Responses       map[string]*Response `json:"responses"`
	SecuritySchemes map[string]Schema    `json:"securitySchemes"`
}

const problemType = "application/problem+json"

// problemSchema is what web.renderError writes for an API request.
var problemSchema = Schema{
	"type":        "object",
	"description": "错误（RFC 9457 problem details）",
	"required":    []string{"type", "title", "status", "detail"},
	"properties": Schema{
		"type":   Schema{"type": "string", "description": "问题类型，目前均为 about:blank"},
		"title":  Schema{"type": "string", "description": "HTTP 状态说明"},
		"status": Schema{"type": "integer", "description": "HTTP 状态码"},
		"detail": Schema{"type": "string", "description": "中文错误说明"},
		"errors": Schema{"type": "object", "additionalProperties": Schema{"type": "string"}, "description": "字段名 → 该字段的错误说明（输入校验失败时）"},
	},
}

// errorResponses are shared by reference; the key is the component name.
var errorResponses = []struct {
	status, name, desc string
}{
	{"401", "Unauthorized", "未登录或令牌无效"},
	{"403", "Forbidden", "无权进行此操作，或 CSRF 校验失败"},
	{"404", "NotFound", "记录不存在或无权查看"},
	{"409", "Conflict", "记录已存在或已被他人修改"},
	{"422", "Unprocessable", "输入有误，errors 列出各字段的问题"},
	{"default", "Error", "其他错误，如服务器内部错误"},
}

var pathParam = regexp.MustCompile(`\{([^}/]+)\}`)

// Document builds the description of routes (the API routes of a web.App), using the declared
// operations where there are some.
func (r *Registry) Document(routes []web.Route, version string) *Document {
	if version == "" {
		version = "dev"
	}
	bearer := []map[string][]string{{"bearer": {}}, {"session": {}}}
	doc := &Document{
		OpenAPI: "3.1.0",
		Info: Info{Title: "法治政府建设工作平台接口", Version: version,
			Description: "fazhi /api/v1。每个接口所需权限见 x-fazhi-perm；错误均为 application/problem+json。"},
		Servers:  []Server{{URL: Prefix, Description: "本系统"}},
		Security: bearer,
		Paths:    map[string]map[string]*Operation{},
		Components: Components{
			Schemas:   map[string]Schema{"Problem": problemSchema},
			Responses: map[string]*Response{},
			SecuritySchemes: map[string]Schema{
				"bearer":  {"type": "http", "scheme": "bearer", "description": "API 令牌：系统管理员为系统账户签发，放在 Authorization: Bearer 头"},
				"session": {"type": "apiKey", "in": "cookie", "name": "fazhi_session", "description": "浏览器登录会话；POST 等写操作另需 X-CSRF-Token 头"},
			},
		},
	}
	for _, e := range errorResponses {
		doc.Components.Responses[e.name] = &Response{Description: e.desc,
			Content: map[string]MediaType{problemType: {Schema: Schema{"$ref": refPrefix + "Problem"}}}}
	}
	g := newGenerator()
	g.defs["Problem"] = problemSchema
	g.taken["Problem"] = typeKey{t: reflect.TypeFor[struct{ problem int }]()}
	for _, rt := range routes { // responses first: a type that is also a request body gets <Name>Input, whatever the route order
		if p, ok := apiPath(rt.Path); ok && rt.API {
			if op, described := r.lookup(strings.ToUpper(rt.Method), p); described {
				g.describe(op.Response)
			}
		}
	}
	ids := map[string]bool{}
	tags := map[string]bool{}
	for _, rt := range routes {
		p, ok := apiPath(rt.Path)
		if !rt.API || !ok || rt.Method == "" {
			continue
		}
		method := strings.ToUpper(rt.Method)
		op, described := r.lookup(method, p)
		if !described {
			op = Op{Method: method, Path: p, Summary: "（未描述）"}
		}
		op.Perm = rt.Perm // the route is what is enforced
		o := buildOperation(g, op, p, described)
		for base, i := o.OperationID, 2; ids[o.OperationID]; i++ {
			o.OperationID = base + "_" + strconv.Itoa(i)
		}
		ids[o.OperationID] = true
		for _, t := range o.Tags {
			tags[t] = true
		}
		if doc.Paths[p] == nil {
			doc.Paths[p] = map[string]*Operation{}
		}
		doc.Paths[p][strings.ToLower(method)] = o
	}
	for name, s := range g.defs {
		doc.Components.Schemas[name] = s
	}
	for t := range tags {
		doc.Tags = append(doc.Tags, Tag{Name: t})
	}
	sort.Slice(doc.Tags, func(i, j int) bool { return doc.Tags[i].Name < doc.Tags[j].Name })
	return doc
}

func buildOperation(g *generator, op Op, p string, described bool) *Operation {
	o := &Operation{OperationID: op.ID, Summary: op.Summary, Description: op.Description, Perm: string(op.Perm),
		Responses: map[string]any{}}
	if o.OperationID == "" {
		o.OperationID = operationID(op.Method, p)
	}
	tag := op.Tag
	if tag == "" {
		tag, _, _ = strings.Cut(strings.TrimPrefix(p, "/"), "/")
	}
	if tag != "" {
		o.Tags = []string{tag}
	}
	if op.Perm == auth.PermPublic {
		o.Security = &[]map[string][]string{} // no credentials needed
	}
	names := pathParam.FindAllStringSubmatch(p, -1)
	for _, m := range names {
		desc := op.PathParams[m[1]]
		if desc == "" {
			desc = "路径参数 " + m[1]
		}
		o.Parameters = append(o.Parameters, Parameter{Name: m[1], In: "path", Required: true, Description: desc, Schema: Schema{"type": "string"}})
	}
	o.Parameters = append(o.Parameters, queryParams(g, op.Query)...)
	if op.Method == http.MethodPost && op.Perm != auth.PermPublic {
		o.Parameters = append(o.Parameters, idempotencyParam)
	}

	if op.Request != nil {
		ct := op.RequestType
		if ct == "" {
			ct = "application/json"
		}
		o.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{ct: {Schema: g.describeRequest(op.Request)}}}
	}

	status := op.Status
	hasBody := op.Response != nil || op.ResponseType != ""
	if status == 0 {
		status = http.StatusOK
		if !hasBody && described {
			status = http.StatusNoContent
		}
	}
	ok := &Response{Description: statusText(status)}
	if hasBody {
		ct := op.ResponseType
		if ct == "" {
			ct = "application/json"
		}
		ok.Content = map[string]MediaType{ct: {Schema: g.describe(op.Response)}}
	}
	o.Responses[strconv.Itoa(status)] = ok

	ref := func(name string) any { return map[string]string{"$ref": "#/components/responses/" + name} }
	if op.Perm != auth.PermPublic {
		o.Responses["401"] = ref("Unauthorized")
		o.Responses["403"] = ref("Forbidden")
	}
	if len(names) > 0 {
		o.Responses["404"] = ref("NotFound")
	}
	unsafe := op.Method != http.MethodGet
	if unsafe {
		o.Responses["409"] = ref("Conflict")
		if op.Perm == auth.PermPublic {
			o.Responses["403"] = ref("Forbidden") // CSRF
		}
	}
	if unsafe || op.Query != nil {
		o.Responses["422"] = ref("Unprocessable")
	}
	o.Responses["default"] = ref("Error")
	return o
}

// idempotencyParam documents Idempotency (idempotency.go) on every POST.
var idempotencyParam = Parameter{Name: IdempotencyHeader, In: "header", Schema: Schema{"type": "string", "minLength": 1, "maxLength": 255},
	Description: "幂等键（可选，建议用 UUID）：同一账户 24 小时内以同一键重试同一请求（方法、路径、请求体相同）时，返回首次的应答" +
		"（状态、Location、正文，带 Idempotent-Replayed: true 头），不会重复写入；同一键用于不同请求返回 422；首次请求仍在处理时，重复请求等待其完成，超过 5 秒返回 409。"}

func statusText(code int) string {
	switch code {
	case http.StatusOK:
		return "成功"
	case http.StatusCreated:
		return "已创建"
	case http.StatusAccepted:
		return "已接受，稍后处理"
	case http.StatusNoContent:
		return "成功，无返回内容"
	}
	return http.StatusText(code)
}

// queryParams describes the fields of a Query struct: name from `query:"name[,required]"`,
// else the json name; embedded structs (such as PageQuery) are flattened.
func queryParams(g *generator, q any) []Parameter {
	if q == nil {
		return nil
	}
	t := reflect.TypeOf(q)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		panic("api: Query must be a struct, not " + t.String())
	}
	var out []Parameter
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Tag.Get("query") == "" {
			out = append(out, queryParams(g, reflect.Zero(sf.Type).Interface())...)
			continue
		}
		if !sf.IsExported() || sf.Tag.Get("query") == "-" {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("query"), ",")
		if name == "" {
			name, _, _ = strings.Cut(sf.Tag.Get("json"), ",")
		}
		if name == "" {
			name = sf.Name
		}
		s := annotate(g.schema(sf.Type), sf.Tag)
		desc, _ := s["description"].(string)
		delete(s, "description")
		out = append(out, Parameter{Name: name, In: "query", Required: hasOpt(opts, "required"), Description: desc, Schema: s})
	}
	return out
}

// operationID: get /reconsider/cases/{id} → get_reconsider_cases_id.
func operationID(method, p string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(p, "/") {
		seg = strings.Trim(seg, "{}")
		if seg == "" {
			continue
		}
		b.WriteByte('_')
		for _, r := range seg {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

func encodeDocument(d *Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
