package normdoc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
)

// CleanupInput opens a 清理 campaign over a selection of an organ's documents in force.
type CleanupInput struct {
	casework.Step
	OrganID string `json:"organ_id"`
	Below   bool   `json:"below"` // include the departments under the organ
	Title   string `json:"title"`
	Basis   string `json:"basis"` // e.g. 按照市政府关于开展涉及产权保护的规范性文件清理工作的通知
	Topic   string `json:"topic"` // e.g. 产权保护, 营商环境 (matches the documents' topics)
	Query   string `json:"query"` // words in the title or keywords
}

// OpenCleanup creates the campaign and one item per matching document in force.
func (s *Service) OpenCleanup(ctx context.Context, p *auth.Principal, in CleanupInput) (*Cleanup, error) {
	if !p.Can(PermEdit) {
		return nil, fault.Forbiddenf("您没有组织文件清理的权限")
	}
	if err := in.Prepare(s.Today()); err != nil {
		return nil, err
	}
	in.Title, in.Basis, in.Topic, in.Query = strings.TrimSpace(in.Title), strings.TrimSpace(in.Basis), strings.TrimSpace(in.Topic), strings.TrimSpace(in.Query)
	fe := &fault.Fields{}
	o, ok := s.org.Organ(in.OrganID)
	if !ok || !(s.inScope(p, o.ID) || s.underGovernmentOf(p, o)) {
		fe.Add("organ_id", "请选择本级或所属的制定机关")
	}
	if in.Title == "" {
		fe.Add("title", "请填写清理工作名称")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	f := Filter{OrganID: o.ID, Below: in.Below, State: StateInForce, Topic: in.Topic, Query: in.Query}
	where, args := f.where(s.Today(), o.Path)
	var sel []string
	sel = append(sel, o.Name+map[bool]string{true: "及所属部门", false: ""}[in.Below]+"现行有效的规范性文件")
	if in.Topic != "" {
		sel = append(sel, "主题：“"+in.Topic+"”")
	}
	if in.Query != "" {
		sel = append(sel, "关键词：“"+in.Query+"”")
	}
	c := &Cleanup{ID: db.NewID(), OrganID: o.ID, OrganName: o.Name, RegOrganID: p.OrganID, Title: in.Title, Basis: in.Basis, Selection: strings.Join(sel, "，"),
		State: "open", OpenedOn: in.On, CreatedBy: p.Name, Version: 1}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		docs, err := queryDocs(ctx, tx, `SELECT `+docCols+` FROM normdocs d WHERE `+where+` ORDER BY d.published_on, d.number`, args...)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return fault.Field("topic", "没有符合条件的现行有效文件")
		}
		now := db.Now()
		if err := tx.Exec(ctx, `INSERT INTO normdoc_cleanups (id, organ_id, reg_organ_id, title, basis, selection, state, opened_on, created_by, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, 1, ?, ?)`, c.ID, c.OrganID, c.RegOrganID, c.Title, c.Basis, c.Selection, c.OpenedOn.String(), c.CreatedBy, now, now); err != nil {
			return err
		}
		for i, d := range docs {
			if err := tx.Exec(ctx, `INSERT INTO normdoc_cleanup_items (id, cleanup_id, doc_id, sort) VALUES (?, ?, ?, ?)`, db.NewID(), c.ID, d.ID, i); err != nil {
				return err
			}
		}
		c.Items = len(docs)
		return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.cleanup_open", ObjectType: "normdoc_cleanup", ObjectID: c.ID,
			Detail: map[string]any{"title": c.Title, "documents": len(docs), "selection": c.Selection}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) cleanupScope(p *auth.Principal) (string, []any) {
	if p == nil || !p.Can(PermRead) || department(p) {
		return "1 = 0", nil
	}
	a, aa := p.ScopeSQL("c.reg_organ_id", "")
	b, ba := p.ScopeSQL("c.organ_id", "")
	return "(" + a + " OR " + b + ")", append(aa, ba...)
}

// Cleanups lists the campaigns p may see, newest first.
func (s *Service) Cleanups(ctx context.Context, p *auth.Principal) ([]*Cleanup, error) {
	frag, args := s.cleanupScope(p)
	rows, err := s.db.QueryContext(ctx, `SELECT `+cleanupCols+` FROM normdoc_cleanups c WHERE `+frag+` ORDER BY c.opened_on DESC, c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Cleanup
	for rows.Next() {
		c, err := scanCleanup(rows)
		if err != nil {
			return nil, err
		}
		s.fillCleanup(c)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) fillCleanup(c *Cleanup) {
	if o, ok := s.org.Organ(c.OrganID); ok {
		c.OrganName = o.Name
	}
}

// CleanupDetail is a campaign with its documents.
type CleanupDetail struct {
	Cleanup *Cleanup
	Items   []CleanupItem
	Counts  map[string]int // decided, by decision code (string keys: templates index them)
	CanEdit bool
}

// Cleanup loads a campaign p may see.
func (s *Service) Cleanup(ctx context.Context, p *auth.Principal, id string) (*CleanupDetail, error) {
	frag, args := s.cleanupScope(p)
	c, err := scanCleanup(s.db.QueryRowContext(ctx, `SELECT `+cleanupCols+` FROM normdoc_cleanups c WHERE c.id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "清理工作")
	}
	s.fillCleanup(c)
	items, err := listItems(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	out := &CleanupDetail{Cleanup: c, Items: items, Counts: map[string]int{}, CanEdit: p.Can(PermEdit) && s.inScope(p, c.RegOrganID)}
	for _, it := range items {
		if it.Decision != "" {
			out.Counts[string(it.Decision)]++
		}
	}
	return out, nil
}

// cleanupTx locks an open campaign of p's scope and runs fn.
func (s *Service) cleanupTx(ctx context.Context, p *auth.Principal, id, action string, detail map[string]any, fn func(tx *db.Tx, c *Cleanup) error) error {
	if !p.Can(PermEdit) {
		return fault.Forbiddenf("您没有办理文件清理的权限")
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "normdoc_cleanups", id); err != nil {
			return cleanupMissing(err)
		}
		c, err := scanCleanup(tx.QueryRowContext(ctx, `SELECT `+cleanupCols+` FROM normdoc_cleanups c WHERE c.id = ?`, id))
		if err != nil {
			return db.Found(err, "清理工作")
		}
		if !s.inScope(p, c.RegOrganID) {
			return fault.NotFoundf("清理工作不存在或您无权查看")
		}
		if c.Closed() {
			return fault.Conflictf("清理工作已于 %s 结束", c.ClosedOn)
		}
		s.fillCleanup(c)
		if err := fn(tx, c); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `UPDATE normdoc_cleanups SET version = version + 1, updated_at = ? WHERE id = ?`, db.Now(), c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "normdoc." + action, ObjectType: "normdoc_cleanup", ObjectID: c.ID, Detail: detail})
	})
}

// ItemInput is a proposal or decision on one document of a campaign.
type ItemInput struct {
	ItemID   string   `json:"item_id"`
	Decision Decision `json:"decision"`
	Reason   string   `json:"reason"`
	casework.Step
}

func checkItem(in *ItemInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if !in.Decision.Valid() {
		return fault.Field("decision_"+in.ItemID, "请选择继续有效、修改、废止或失效")
	}
	if in.Decision != Keep && in.Reason == "" {
		return fault.Field("reason_"+in.ItemID, "修改、废止或失效的，应写明理由")
	}
	return nil
}

// Propose records the reviewer's proposal on one document.
func (s *Service) Propose(ctx context.Context, p *auth.Principal, cleanupID string, in ItemInput) error {
	if err := checkItem(&in); err != nil {
		return err
	}
	return s.cleanupTx(ctx, p, cleanupID, "cleanup_propose", map[string]any{"item": in.ItemID, "proposal": in.Decision}, func(tx *db.Tx, c *Cleanup) error {
		if err := tx.ExecOne(ctx, `UPDATE normdoc_cleanup_items SET proposal = ?, proposal_reason = ?, proposed_by = ? WHERE id = ? AND cleanup_id = ?`,
			string(in.Decision), in.Reason, p.Name, in.ItemID, c.ID); err != nil {
			return itemMissing(err)
		}
		return nil
	})
}

// Decide records the organ's decision on one document (taken by its meeting, entered by the office).
func (s *Service) Decide(ctx context.Context, p *auth.Principal, cleanupID string, in ItemInput) error {
	if err := checkItem(&in); err != nil {
		return err
	}
	if err := in.Prepare(s.Today()); err != nil {
		return err
	}
	return s.cleanupTx(ctx, p, cleanupID, "cleanup_decide", map[string]any{"item": in.ItemID, "decision": in.Decision}, func(tx *db.Tx, c *Cleanup) error {
		if err := tx.ExecOne(ctx, `UPDATE normdoc_cleanup_items SET decision = ?, decision_reason = ?, decided_on = ? WHERE id = ? AND cleanup_id = ?`,
			string(in.Decision), in.Reason, in.On.String(), in.ItemID, c.ID); err != nil {
			return itemMissing(err)
		}
		return nil
	})
}

// AdoptProposals decides every proposed, undecided document as proposed.
func (s *Service) AdoptProposals(ctx context.Context, p *auth.Principal, cleanupID string, st casework.Step) (int, error) {
	if err := st.Prepare(s.Today()); err != nil {
		return 0, err
	}
	var n int64
	err := s.cleanupTx(ctx, p, cleanupID, "cleanup_adopt", nil, func(tx *db.Tx, c *Cleanup) error {
		res, err := tx.ExecContext(ctx, `UPDATE normdoc_cleanup_items SET decision = proposal, decision_reason = proposal_reason, decided_on = ? WHERE cleanup_id = ? AND proposal <> '' AND decision = ''`,
			st.On.String(), c.ID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// CloseInput closes a campaign.
type CloseInput struct {
	casework.Step
	DecidedBy string `json:"decided_by"` // the meeting that decided, e.g. 县政府第12次常务会议
}

// CloseCleanup applies every decision on the closing date: 废止 and 失效 end the documents, 修改 flags
// them for amendment, 继续有效 is recorded; the result lists can then be published.
func (s *Service) CloseCleanup(ctx context.Context, p *auth.Principal, id string, in CloseInput) (*Cleanup, error) {
	if err := in.Prepare(s.Today()); err != nil {
		return nil, err
	}
	in.DecidedBy = strings.TrimSpace(in.DecidedBy)
	if in.DecidedBy == "" {
		return nil, fault.Field("decided_by", "请写明审议决定的会议或文件（如县政府第12次常务会议）")
	}
	var out *Cleanup
	err := s.cleanupTx(ctx, p, id, "cleanup_close", map[string]any{"decided_by": in.DecidedBy}, func(tx *db.Tx, c *Cleanup) error {
		if in.On.Before(c.OpenedOn) {
			return fault.Field("on", "结束日期不能早于开始日期")
		}
		items, err := listItems(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Decision == "" {
				return fault.Conflictf("尚有文件未作出清理决定（如《%s》）", it.Doc.Title)
			}
		}
		for _, it := range items {
			if err := s.applyDecision(ctx, tx, p, c, it, in.On); err != nil {
				return err
			}
		}
		c.State, c.ClosedOn, c.DecidedBy = "closed", in.On, in.DecidedBy
		out = c
		return tx.Exec(ctx, `UPDATE normdoc_cleanups SET state = 'closed', closed_on = ?, decided_by = ? WHERE id = ?`, in.On.String(), in.DecidedBy, c.ID)
	})
	return out, err
}

// applyDecision is the step of one document that a closing campaign decided, inside the
// campaign's transaction (the campaign's office decides; no check of each document's register).
func (s *Service) applyDecision(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Cleanup, it CleanupItem, on calendar.Date) error {
	action := map[Decision]string{Keep: "cleanup_keep", Amend: "cleanup_amend", Repeal: "repeal", Expire: "expire"}[it.Decision]
	st := &casework.Step{On: on, Note: "清理：" + c.Title}
	if it.DecisionReason != "" {
		st.Note += "；" + it.DecisionReason
	}
	_, err := s.kind.RunTx(ctx, tx, s.Today(), p, it.DocID, casework.Transition[*Doc]{Action: action, Step: st, Apply: func(_ *db.Tx, d *Doc, _ *casework.Event) error {
		if d.State != StateInForce {
			return errNotDue // ended meanwhile: the campaign's list still shows the decision
		}
		switch it.Decision {
		case Amend:
			d.PendingAmend = true
		case Repeal:
			d.State, d.StateOn, d.EndedOn = StateRepealed, on, on
		case Expire:
			d.State, d.StateOn, d.EndedOn = StateExpired, on, on
		}
		return nil
	}})
	if errors.Is(err, errNotDue) {
		return nil
	}
	return err
}

// cleanupMissing keeps a missing campaign a not-found error and passes every other error through.
func cleanupMissing(err error) error {
	if errors.Is(err, fault.NotFound) {
		return fault.NotFoundf("清理工作不存在或您无权查看")
	}
	return err
}

// itemMissing: an update that touched no item names a document not in the campaign.
func itemMissing(err error) error {
	if errors.Is(err, db.ErrConflict) {
		return fault.NotFoundf("清理文件不存在或您无权查看")
	}
	return err
}

// CleanupDocument is the published result notice with its lists (GB/T 9704).
func (s *Service) CleanupDocument(ctx context.Context, p *auth.Principal, id string) (docgen.Document, error) {
	cd, err := s.Cleanup(ctx, p, id)
	if err != nil {
		return docgen.Document{}, err
	}
	c := cd.Cleanup
	if !c.Closed() {
		return docgen.Document{}, fault.Conflictf("清理工作尚未结束，不能生成结果通知")
	}
	intro := fmt.Sprintf("为维护法制统一，%s", c.OrganName)
	if c.Basis != "" {
		intro = "根据" + c.Basis + "，" + c.OrganName
	}
	body := []docgen.Block{{Kind: docgen.Para, Text: fmt.Sprintf("%s对%s（共%d件）进行了清理。经%s审议决定，现将清理结果公布如下：", intro, c.Selection, len(cd.Items), c.DecidedBy)}}
	heads := []string{"一", "二", "三", "四"}
	h := 0
	for _, dec := range Decisions {
		var lines []docgen.Block
		for _, it := range cd.Items {
			if it.Decision == dec {
				lines = append(lines, docgen.Block{Kind: docgen.Para, Text: fmt.Sprintf("%d．%s（%s）", len(lines)+1, it.Doc.Title, it.Doc.Number)})
			}
		}
		if len(lines) == 0 {
			continue
		}
		title := map[Decision]string{Keep: "继续有效的规范性文件", Amend: "需要修改的规范性文件", Repeal: "决定废止的规范性文件", Expire: "宣布失效的规范性文件"}[dec]
		body = append(body, docgen.Block{Kind: docgen.Heading1, Text: fmt.Sprintf("%s、%s（%d件）", heads[h], title, len(lines))})
		body = append(body, lines...)
		h++
	}
	body = append(body, docgen.Block{Kind: docgen.Para, Text: fmt.Sprintf("决定废止和宣布失效的规范性文件，自%s起不再执行；需要修改的规范性文件，由制定机关按程序修改，修改前继续执行。", c.ClosedOn.Chinese())})
	return docgen.Document{Title: "关于公布" + c.OrganName + "\n规范性文件清理结果的通知", Body: body, Signer: c.OrganName, Date: c.ClosedOn}, nil
}

// CleanupSheets are the result lists as XLSX sheets: all documents, then one sheet per decision.
func (s *Service) CleanupSheets(ctx context.Context, p *auth.Principal, id string) ([]docgen.Sheet, string, error) {
	cd, err := s.Cleanup(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	header := []string{"序号", "文件名称", "文号", "制定机关", "公布日期", "施行日期", "清理建议", "清理结论", "理由"}
	row := func(n int, it CleanupItem) []any {
		return []any{n, it.Doc.Title, it.Doc.Number, it.Doc.OrganName, it.Doc.PublishedOn, it.Doc.EffectiveOn, it.Proposal.Label(), it.Decision.Label(), it.DecisionReason}
	}
	all := docgen.Sheet{Name: "全部文件", Title: cd.Cleanup.Title + "（" + cd.Cleanup.Selection + "）", Header: header}
	for i, it := range cd.Items {
		all.Rows = append(all.Rows, row(i+1, it))
	}
	sheets := []docgen.Sheet{all}
	for _, dec := range Decisions {
		sh := docgen.Sheet{Name: dec.Label(), Title: cd.Cleanup.Title + " — " + dec.Label() + "目录", Header: header}
		for _, it := range cd.Items {
			if it.Decision == dec {
				sh.Rows = append(sh.Rows, row(len(sh.Rows)+1, it))
			}
		}
		sheets = append(sheets, sh)
	}
	return sheets, cd.Cleanup.Title, nil
}
