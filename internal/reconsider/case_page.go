package reconsider

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// --- the case page ---

type eventView struct {
	casework.Event
	Label string
	From  string
	To    string
}

type pauseView struct {
	Suspension
	Ground string
}

type hearingView struct {
	Hearing
	KindLabel string
	ModeLabel string
}

type partyView struct {
	Party
	RoleLabel string
}

type actionFailure struct {
	action string
	vals   url.Values
	fe     *web.FormError
}

type casePage struct {
	*Detail
	C            *Case
	Organ        org.Organ
	Today        string
	Urgency      web.Urgency
	NextName     string
	Next         *web.NextStep
	Period       Timeliness // Arts. 20–21
	ViewsHeard   bool       // Art. 49: a views session or 听证 held (not written)
	NextEstimate bool       // the next deadline counts from a receipt not yet recorded: never 已逾期
	PeriodFacts  ApplicationFacts
	ReplyText    string
	Events       []eventView
	Suspensions  []pauseView
	Hearings     []hearingView
	PartyViews   []partyView
	OpenOpinions []Opinion
	Handlers     []auth.User
	Recipients   []org.Organ
	Attachments  []files.Attachment
	Lawsuits     []Lawsuit // the lawsuits over this case the viewer may open
	Avail        map[string]bool
	O            *selectOptions
	Files        bool
	Accept       string
	MaxSize      string
	Staff        bool // reads cases as the office or a leader (not only as the respondent's liaison)
	Failed       string
	FailedTitle  string
	fail         *actionFailure
	actions      action.List[*Case]
	csrf         string
}

// formView is one action form of the case page: it keeps the input and shows the messages
// only for the form that was submitted and failed.
type formView struct {
	Name    string
	CSRF    string
	Today   string
	Version int
	Open    bool
	Msg     string
	Stray   []string
	vals    url.Values
	errs    map[string]string
}

// Value is the submitted value of field k.
func (f formView) Value(k string) string {
	if f.Open && f.vals != nil {
		return f.vals.Get(k)
	}
	return ""
}

// Date is the submitted date of field k, today on a fresh form.
func (f formView) Date(k string) string {
	if f.Open && f.vals != nil {
		return f.vals.Get(k)
	}
	return f.Today
}

// Err is the message beside field k.
func (f formView) Err(k string) string {
	if f.Open {
		return f.errs[k]
	}
	return ""
}

// Sel reports whether option v of field k is selected (def on a fresh form).
func (f formView) Sel(k, v, def string) bool {
	if f.Open && f.vals != nil {
		return f.vals.Get(k) == v
	}
	return v == def
}

// Checked reports a ticked checkbox.
func (f formView) Checked(k string) bool {
	v := f.Value(k)
	return v == "1" || v == "on" || v == "true"
}

// F returns the view of the action form name.
func (d *casePage) F(name string) formView {
	f := formView{Name: name, CSRF: d.csrf, Today: d.Today, Version: d.C.Version}
	if d.fail != nil && d.fail.action == name {
		f.Open, f.vals = true, d.fail.vals
		if d.fail.fe != nil {
			f.Msg, f.errs = d.fail.fe.Msg, d.fail.fe.Fields
		}
		known := map[string]bool{"files": true, "label": true}
		if a, ok := d.actions.ByName(name); ok {
			known = a.Fields()
			known["files"] = true
		}
		for k, msg := range f.errs {
			if !known[k] {
				f.Stray = append(f.Stray, msg)
			}
		}
	}
	return f
}

// available lists the actions the case page offers in the case's state; the service still
// checks every rule when the form is posted.
func available(d *Detail) map[string]bool {
	c, a := d.Case, map[string]bool{}
	on := func(names ...string) {
		for _, n := range names {
			a[n] = true
		}
	}
	replyOpen := (c.State == StateInReview || c.State == StateSuspended) && !c.CopySentOn.IsZero() && c.ReplyOn.IsZero()
	if d.CanEdit {
		switch c.State {
		case StateReceived:
			on("request_amendment", "accept", "reject", "close_other", "add_party", "assign")
		case StateAmending:
			on("receive_amendment", "extend_amendment", "amendment_lapsed", "close_other", "add_party", "assign")
		case StateInReview, StateSuspended:
			on("hearing", "add_party", "mediate", "terminate", "opinion", "assign")
			if c.State == StateInReview {
				on("suspend", "decide")
			} else {
				on("resume")
			}
			if c.CopySentOn.IsZero() {
				on("send_copy")
			}
			if c.Procedure == Simplified {
				on("convert")
			} else {
				on("extend")
			}
		case StateConcluded:
			on("opinion")
			if c.Outcome.NeedsPerformance() && c.PerformedOn.IsZero() {
				on("performed")
			}
		}
		for _, o := range d.Opinions {
			if o.ReportedOn.IsZero() {
				on("opinion_report")
			}
			if o.ReceivedOn.IsZero() {
				on("serve")
			}
		}
		if (c.State == StateAmending && c.AmendProvisional()) || (c.State.Open() && !c.CopySentOn.IsZero() && c.ReplyProvisional()) ||
			(c.State == StateConcluded && c.Outcome.Decision() && c.DecisionServedOn.IsZero()) {
			on("serve")
		}
		if c.State.Open() {
			on("application_facts")
		}
		on("upload")
	}
	if replyOpen && d.CanReply && c.ReplyProvisional() {
		on("sign_copy")
	}
	if replyOpen && (d.CanEdit || d.CanReply) {
		on("reply")
	}
	if d.CanReply && !d.CanEdit && c.State.Accepted() && c.State.Open() {
		on("upload")
	}
	return a
}

func (m *Module) renderCase(w http.ResponseWriter, r *http.Request, id string, status int, fail *actionFailure) error {
	ctx, p := r.Context(), auth.From(r.Context())
	d, err := m.svc.Detail(ctx, p, id)
	if err != nil {
		return err
	}
	c := d.Case
	pg := &casePage{Detail: d, C: c, Today: m.svc.Today().String(), NextName: ruleNames[c.Due.NextRule], O: formOptions, fail: fail,
		actions: m.caseActions(), csrf: web.CSRFToken(r)}
	if fail != nil {
		pg.Failed, pg.FailedTitle = fail.action, "上传材料"
		if a, ok := pg.actions.ByName(fail.action); ok {
			pg.FailedTitle = a.Title
		}
	}
	pg.Staff = p.Can(PermRead)
	pg.NextEstimate = provisionalMark(c) != ""
	pg.Organ, _ = m.svc.org.Organ(c.OrganID)
	pg.Next = nextStep(c, d.Documents, pg.Organ.Name+"（行政复议机构）", m.svc.Today())
	if !c.Due.Next.IsZero() {
		pg.Urgency = web.UrgencyOf(m.svc.Calendar(), m.svc.Today(), c.Due.Next)
	}
	if pg.Period, pg.PeriodFacts, err = m.svc.Timeliness(ctx, m.svc.db, c); err != nil {
		return err
	}
	if pg.ReplyText, err = m.svc.ReplyText(ctx, p, id); err != nil {
		return err
	}
	for _, e := range d.Events {
		pg.Events = append(pg.Events, eventView{Event: e, Label: actionLabel(e.Action), From: State(e.FromState).Label(), To: State(e.ToState).Label()})
	}
	for _, s := range d.Pauses {
		pg.Suspensions = append(pg.Suspensions, pauseView{Suspension: s, Ground: groundLabel(SuspendGrounds, s.Ground)})
	}
	for _, s := range d.Hearings {
		if (s.Kind == HearingViews || s.Kind == HearingFormal) && s.Mode != "written" && !s.HeldOn.After(m.svc.Today()) {
			pg.ViewsHeard = true
		}
		pg.Hearings = append(pg.Hearings, hearingView{Hearing: s, KindLabel: HearingKinds[s.Kind], ModeLabel: HearingModes[s.Mode]})
	}
	for _, x := range d.Parties {
		pg.PartyViews = append(pg.PartyViews, partyView{Party: x, RoleLabel: PartyRoles[x.Role]})
	}
	for _, o := range d.Opinions {
		if o.ReportedOn.IsZero() {
			pg.OpenOpinions = append(pg.OpenOpinions, o)
		}
	}
	if d.CanEdit {
		if pg.Handlers, err = m.svc.auth.UsersWithRole(ctx, c.OrganID, auth.RoleReconsider); err != nil {
			return err
		}
		for _, o := range m.svc.org.Children(c.OrganID) {
			if o.Kind != org.KindCourt {
				pg.Recipients = append(pg.Recipients, o)
			}
		}
	}
	if pg.Attachments, err = m.caseAttachments(ctx, id); err != nil {
		return err
	}
	if m.lawsuits != nil {
		if pg.Lawsuits, err = m.lawsuits(ctx, p, id); err != nil {
			return err
		}
	}
	pg.Avail = available(d)
	pg.Files, pg.Accept, pg.MaxSize = m.fileHints()
	return m.app.Render(w, r, m.tmpl, "case", status, caseName(c), pg, nil)
}

func (m *Module) showCase(w http.ResponseWriter, r *http.Request) error {
	return m.renderCase(w, r, r.PathValue("id"), http.StatusOK, nil)
}

// postAction runs one transition from its form on the case page.
func (m *Module) postAction(a action.Action[*Case]) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, p, id := r.Context(), auth.From(r.Context()), r.PathValue("id")
		in, fe := a.Decode(r.PostForm)
		var ups []files.Upload
		if fe.Err() == nil && a.FileLabel != "" {
			var err error
			if ups, err = m.stageUploads(ctx, r, fe); err != nil {
				return err
			}
		}
		err := fe.Err()
		var c *Case
		if err == nil {
			c, err = a.Run(ctx, p, id, in)
		}
		if err != nil {
			return m.actionFailed(w, r, id, a.Name, err)
		}
		label := a.FileLabel
		if s, ok := in.(*HearingInput); ok { // 听证笔录, 委员会咨询笔录 …
			label = HearingKinds[s.Kind] + "笔录"
		}
		if err := m.attachUploads(ctx, c, ups, label, nil); err != nil {
			return err
		}
		msg := a.Message(c)
		if len(ups) > 0 {
			msg += fmt.Sprintf("，附件 %d 个", len(ups))
		}
		http.Redirect(w, r, caseURL(id)+"?flash="+url.QueryEscape(msg), http.StatusSeeOther)
		return nil
	}
}

// actionFailed shows the case page again with the failed form open: field messages (422),
// or the reason a state or version check refused the step (409).
func (m *Module) actionFailed(w http.ResponseWriter, r *http.Request, id, action string, err error) error {
	status := web.Status(err)
	fe := web.FormFrom(err, r.PostForm)
	switch {
	case fe != nil:
	case status == http.StatusConflict || status == http.StatusUnprocessableEntity:
		fe = &web.FormError{Msg: err.Error()}
	default:
		return err
	}
	return m.renderCase(w, r, id, status, &actionFailure{action: action, vals: r.PostForm, fe: fe})
}
