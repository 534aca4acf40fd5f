package normdoc

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/webtest"
)

// apiPost posts a JSON body to /api/v1 as c and decodes the answer.
func apiPost(t *testing.T, c *webtest.Client, path, body string) (int, map[string]any) {
	t.Helper()
	w := c.JSON(http.MethodPost, "/api/v1"+path, json.RawMessage(body))
	var m map[string]any
	w.JSON(t, &m)
	return w.Code, m
}

// The transitions of a document are in /api/v1 with the form's permission and service call.
func TestTransitionsThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	app, _ := f.app()
	staff, leader := f.client(app, "qs_sc"), f.client(app, "qs_ld")
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-08-20", textV1)
	d := must(t)(f.svc.Register(f.ctx, f.login("qs_sc"), RegisterInput{ReviewID: rid, Step: casework.Step{On: date("2025-08-25")}}))
	base := "/normdoc/docs/" + d.ID

	// A field error: 422 with the message beside its field in errors.
	code, p := apiPost(t, staff, base+"/publish", `{"on":"2025-09-01"}`)
	errs, _ := p["errors"].(map[string]any)
	if code != http.StatusUnprocessableEntity || !strings.Contains(str(errs["channel"]), "请填写公布载体") {
		t.Errorf("publish without channel: %d %v", code, p)
	}
	// A step the state does not allow: 409 saying why, nothing written.
	code, p = apiPost(t, staff, base+"/end", `{"on":"2025-09-01","status":"repealed","basis":"青政发〔2025〕9号"}`)
	if code != http.StatusConflict || !strings.Contains(str(p["detail"]), "已登记待公布") {
		t.Errorf("ending an unpublished document: %d %v", code, p)
	}
	// Without normdoc.edit the route refuses before the service.
	if code, _ := apiPost(t, leader, base+"/publish", `{"on":"2025-09-01","channel":"政府网站"}`); code != http.StatusForbidden {
		t.Errorf("a leader publishes: %d", code)
	}
	// Success answers the document after the step.
	code, p = apiPost(t, staff, base+"/publish", `{"on":"2025-09-01","channel":"青山县人民政府门户网站","effective_on":"2025-10-01"}`)
	if code != http.StatusOK || p["status"] != "in_force" || p["published_on"] != "2025-09-01" || p["id"] != d.ID {
		t.Fatalf("publish: %d %v", code, p)
	}
	det, err := f.svc.Detail(f.ctx, f.login("qs_sc"), d.ID)
	if err != nil || len(det.Filings) == 0 {
		t.Fatalf("filings %v %v", det, err)
	}
	code, p = apiPost(t, staff, base+"/filing", `{"filing_id":"`+det.Filings[0].ID+`","stage":"sent","on":"2025-09-05"}`)
	if code != http.StatusOK || p["id"] != d.ID {
		t.Errorf("filing sent: %d %v", code, p)
	}
	det, _ = f.svc.Detail(f.ctx, f.login("qs_sc"), d.ID)
	if got := det.Filings[0].SentOn.String(); got != "2025-09-05" {
		t.Errorf("filing sent on %s", got)
	}
	if code, p = apiPost(t, staff, base+"/filing", `{"filing_id":"`+det.Filings[0].ID+`","stage":"sent","on":"2025-09-06"}`); code != http.StatusConflict {
		t.Errorf("a filing is sent once: %d %v", code, p)
	}
	if code, p = apiPost(t, staff, base+"/evaluate", `{"on":"2025-09-10","evaluation":"maybe"}`); code != http.StatusUnprocessableEntity || p["errors"] == nil {
		t.Errorf("an unknown evaluation: %d %v", code, p)
	}
	if code, _ = apiPost(t, staff, "/normdoc/docs/no-such-document/publish", `{"channel":"x"}`); code != http.StatusNotFound {
		t.Errorf("an unknown document: %d", code)
	}
}

func str(v any) string { s, _ := v.(string); return s }
