package enforce

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// ---- 监督事项 (legal-rules-2 §c.3): 立项 → 调查 → 监督意见书 → 整改 → 整改报告 → 复查 → 办结 ----

// Matter states.
const (
	MatterOpen     = "open"
	MatterRectify  = "rectifying"
	MatterReported = "reported"
	MatterClosed   = "closed"
)

// MatterStates labels the states.
var MatterStates = []Choice{{MatterOpen, "调查中"}, {MatterRectify, "整改中"}, {MatterReported, "已报告整改"}, {MatterClosed, "已办结"}}

// MatterSources are where a matter comes from.
var MatterSources = []Choice{{"complaint", "投诉举报"}, {"warning", "执法预警"}, {"evaluation", "案卷评查"}, {"campaign", "专项监督"}, {"routine", "日常监督"}}

// Matter is a supervision matter about a body.
type Matter struct {
	ID         string        `json:"id"`
	OrganID    string        `json:"organ_id"`
	BodyID     string        `json:"body_id"`
	Source     string        `json:"source"`
	Title      string        `json:"title"`
	State      string        `json:"state"`
	OpenedOn   calendar.Date `json:"opened_on"`
	Notes      string        `json:"notes"`
	OpinionOn  calendar.Date `json:"opinion_on"`
	RectifyDue calendar.Date `json:"rectify_due"`
	ReportOn   calendar.Date `json:"report_on"`
	ClosedOn   calendar.Date `json:"closed_on"`
	DecisionOn calendar.Date `json:"decision_on"`
	Version    int           `json:"version"`

	stepNote    string // the note of the step being run, for the document it drafts
	rectifyDays int    // the rectification period in force at that step
}

const matterCols = `id, organ_id, body_id, source, title, state, opened_on, notes, opinion_on, rectify_due, report_on, closed_on, decision_on, version`

func scanMatter(s db.Scanner) (*Matter, error) {
	x := &Matter{}
	var opened, opinion, due, report, closed, decision string
	err := s.Scan(&x.ID, &x.OrganID, &x.BodyID, &x.Source, &x.Title, &x.State, &opened, &x.Notes, &opinion, &due, &report, &closed, &decision, &x.Version)
	x.OpenedOn, x.OpinionOn, x.RectifyDue, x.ReportOn, x.ClosedOn = dateOf(opened), dateOf(opinion), dateOf(due), dateOf(report), dateOf(closed)
	x.DecisionOn = dateOf(decision)
	return x, err
}

func (m *Module) loadMatterTx(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Matter, error) {
	return m.Matter(ctx, tx, p, id)
}

// Matter returns a matter p may see.
func (m *Module) Matter(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Matter, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	x, err := scanMatter(q.QueryRowContext(ctx, `SELECT `+matterCols+` FROM enforce_matters WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	return x, db.Found(err, "监督事项")
}

// Matters lists the matters p sees.
func (m *Module) Matters(ctx context.Context, p *auth.Principal) ([]*Matter, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	return db.List(ctx, m.d.DB, scanMatter, `SELECT `+matterCols+` FROM enforce_matters WHERE `+frag+` ORDER BY opened_on DESC, id DESC`, args...)
}

func (m *Module) saveMatter(ctx context.Context, tx *db.Tx, x *Matter) error {
	return tx.ExecOne(ctx, `UPDATE enforce_matters SET state = ?, notes = ?, opinion_on = ?, rectify_due = ?, report_on = ?, closed_on = ?, decision_on = ?,
		version = version + 1 WHERE id = ? AND version = ?`, x.State, x.Notes, x.OpinionOn.String(), x.RectifyDue.String(), x.ReportOn.String(), x.ClosedOn.String(),
		x.DecisionOn.String(), x.ID, x.Version)
}

// MatterInput opens a matter.
type MatterInput struct {
	casework.Step
	BodyID string `json:"body_id" required:"true"`
	Source string `json:"source" required:"true" doc:"complaint 投诉举报、warning 执法预警、evaluation 案卷评查、campaign 专项监督、routine 日常监督"`
	Title  string `json:"title" required:"true"`
}

// OpenMatter is 立项.
func (m *Module) OpenMatter(ctx context.Context, p *auth.Principal, in MatterInput) (*Matter, error) {
	if err := in.Prepare(m.today()); err != nil {
		return nil, err
	}
	var fs fault.Fields
	if in.Title = strings.TrimSpace(in.Title); in.Title == "" {
		fs.Add("title", "请填写监督事项名称")
	}
	if LabelOf(MatterSources, in.Source) == "" {
		fs.Add("source", "来源只能是投诉举报、执法预警、案卷评查、专项监督或日常监督")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	b, err := m.Body(ctx, p, in.BodyID)
	if err != nil {
		return nil, fault.Field("body_id", "执法主体不存在或不在您的管理范围内")
	}
	x := &Matter{ID: db.NewID(), OrganID: b.OrganID, BodyID: b.ID, Source: in.Source, Title: in.Title, State: MatterOpen, OpenedOn: in.On, Version: 1}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `INSERT INTO enforce_matters (`+matterCols+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '', '', '', '', 1, ?)`,
			x.ID, x.OrganID, x.BodyID, x.Source, x.Title, x.State, x.OpenedOn.String(), db.Now()); err != nil {
			return err
		}
		if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: m.matterKind.OwnerType, OwnerID: x.ID, OrganID: x.OrganID, On: in.On,
			Action: "open", ToState: MatterOpen, Note: in.Note, ActorID: p.UserID, ActorName: p.Name}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.matter_open", ObjectType: "enforce_matter", ObjectID: x.ID,
			Detail: map[string]any{"title": x.Title, "body_id": x.BodyID, "source": x.Source}})
	})
	return x, err
}

// MatterStep is one step of a matter: the note carries the investigation notes, the opinion's
// problems, the body's report or the re-check's conclusion.
type MatterStep struct {
	casework.Step
}

// MatterActions are the steps of a matter after 立项, with the states they apply to: note (调查记录,
// stays open), opinion (监督意见书 with the rectification period), decision (监督决定书, at once or
// when a re-check finds the rectification missing or not done; the period runs anew), report
// (整改报告), close (复查办结).
var MatterActions = []struct {
	Action, Label string
	From          []string
}{
	{"note", "记录调查情况", []string{MatterOpen}},
	{"opinion", "制发行政执法监督意见书", []string{MatterOpen}},
	{"decision", "制发行政执法监督决定书", []string{MatterOpen, MatterRectify, MatterReported}},
	{"report", "报送整改报告", []string{MatterRectify}},
	{"close", "复查办结", []string{MatterOpen, MatterReported}},
}

// Advance moves a matter by one of MatterActions.
func (m *Module) Advance(ctx context.Context, p *auth.Principal, id, action string, in MatterStep) (*Matter, error) {
	var from []string
	for _, a := range MatterActions {
		if a.Action == action {
			from = a.From
		}
	}
	if from == nil {
		return nil, fault.Invalidf("未知的办理动作")
	}
	return m.matterKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Matter]{
		Action: action, Step: &in.Step, From: from,
		Apply: func(tx *db.Tx, x *Matter, ev *casework.Event) error {
			if in.Note == "" {
				return fault.Field("note", "请填写内容")
			}
			if in.On.Before(x.OpenedOn) {
				return fault.Field("on", "日期不能早于立项日期")
			}
			switch action {
			case "note":
				x.Notes = strings.TrimSpace(x.Notes + "\n" + in.On.String() + " " + in.Note)
			case "opinion", "decision":
				days, err := m.set.Int(ctx, tx, x.OrganID, SettingRectifyDays)
				if err != nil {
					return err
				}
				x.State = MatterRectify
				if action == "opinion" {
					x.OpinionOn = in.On
				} else {
					x.DecisionOn, x.ReportOn = in.On, calendar.Date{}
				}
				// Days counted from receipt of the document (the day of issue here), rolled off rest days.
				x.RectifyDue = m.d.Calendar.Current().AddCalendarDays(in.On, days)
				x.stepNote, x.rectifyDays = in.Note, days
				ev.Detail = fmt.Sprintf("整改期限 %d 日，至 %s", days, x.RectifyDue)
				if err := m.rectificationOrdered(ctx, tx, x, action); err != nil {
					return err
				}
			case "report":
				x.State, x.ReportOn = MatterReported, in.On
			case "close":
				x.State, x.ClosedOn = MatterClosed, in.On
			}
			return nil
		},
	})
}
