package disclosure

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/ledger"
)

// The 依申请公开台账 (issue 14 item 7): headers in any order; a ledger with a single bad cell imports nothing.
const (
	colReceived   = "收到日期"
	colApplicant  = "申请人"
	colType       = "申请人类型"
	colContent    = "申请内容"
	colAmendOn    = "补正通知日期"
	colAmendRecv  = "补正收到日期"
	colExtended   = "延期"
	colConsult    = "征求意见天数"
	colRepliedOn  = "答复日期"
	colReplyType  = "答复类型"
	colReconsider = "复议"
	colLitigation = "诉讼"
)

// ChannelLedger marks requests imported from a ledger (the channel was not recorded).
const ChannelLedger Channel = "ledger"

// LedgerSpec is the ledger as the platform's ledger package reads it.
func (s *Service) LedgerSpec() *ledger.Spec {
	typeChoices := []ledger.Choice{
		{Value: string(NaturalPerson), Label: "自然人", Aliases: []string{"公民", "个人"}},
		{Value: string(Business), Label: "商业企业", Aliases: []string{"法人或其他组织-商业企业", "企业"}},
		{Value: string(Research), Label: "科研机构", Aliases: []string{"法人或其他组织-科研机构"}},
		{Value: string(PublicInterest), Label: "社会公益组织", Aliases: []string{"法人或其他组织-社会公益组织"}},
		{Value: string(LegalService), Label: "法律服务机构", Aliases: []string{"法人或其他组织-法律服务机构"}},
		{Value: string(OtherOrg), Label: "其他", Aliases: []string{"其他组织", "法人或其他组织-其他"}},
	}
	resultChoices := []ledger.Choice{
		{Value: "none", Label: "无", Aliases: []string{"否"}},
		{Value: DisputeUpheld, Label: "维持", Aliases: []string{"结果维持"}},
		{Value: DisputeCorrected, Label: "纠正", Aliases: []string{"结果纠正"}},
		{Value: DisputeOther, Label: "其他", Aliases: []string{"其他结果"}},
		{Value: DisputePending, Label: "未审结", Aliases: []string{"尚未审结"}},
	}
	typeMsg := "应为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他 之一"
	return &ledger.Spec{Module: "disclosure", Title: "依申请公开台账",
		Columns: []ledger.Column{
			{Key: colReceived, Header: colReceived, Synonyms: []string{"收到申请日期", "申请日期"}, Required: true, Kind: ledger.Date, Example: "2025-03-03",
				Help: "条例第三十一条的收到日期（邮寄为签收之日，平常信函为确认之日）"},
			{Key: colApplicant, Header: colApplicant, Required: true, Kind: ledger.Text, MaxLen: 100, Example: "张三"},
			{Key: colType, Header: colType, Required: true, Kind: ledger.Enum, Choices: typeChoices, Invalid: typeMsg, Empty: typeMsg, Example: "自然人"},
			{Key: colContent, Header: colContent, Synonyms: []string{"申请公开内容"}, Required: true, Kind: ledger.Text, MaxLen: 5000, Example: "2024年某项目环评批复"},
			{Key: colAmendOn, Header: colAmendOn, Kind: ledger.Date},
			{Key: colAmendRecv, Header: colAmendRecv, Kind: ledger.Date},
			{Key: colExtended, Header: colExtended, Kind: ledger.Bool, Invalid: "应为 是 或 否", Help: "是、否（空为否）；延期的按最长20个工作日计"},
			{Key: colConsult, Header: colConsult, Kind: ledger.Int, Invalid: "应为不小于0的整数（不计入答复期限的工作日数）", Help: "征求第三方或其他机关意见所用的工作日数"},
			{Key: colRepliedOn, Header: colRepliedOn, Kind: ledger.Date, Help: "尚未答复的留空"},
			{Key: colReplyType, Header: colReplyType, Kind: ledger.Text, Help: "年报表三的大项与小项以“-”连接，如 不予公开-属于国家秘密；予以公开、部分公开单独填写"},
			{Key: colReconsider, Header: colReconsider, Kind: ledger.Enum, Choices: resultChoices, Invalid: "应为 无、维持、纠正、其他、未审结 之一"},
			{Key: colLitigation, Header: colLitigation, Kind: ledger.Text, Help: "无，或 直接起诉-维持/纠正/其他/未审结，或 复议后起诉-维持/纠正/其他/未审结"},
		},
		CheckRow: func(r *ledger.Row) { checkRow(r, s.Today()) },
		CheckAll: s.checkLedger,
		Commit:   s.commitLedger,
	}
}

// ledgerRow is a checked row.
type ledgerRow struct {
	req *Request
}

func checkRow(r *ledger.Row, today calendar.Date) {
	req := &Request{Channel: ChannelLedger, State: StateRegistered, Imported: true, Form: "paper", Delivery: "pickup"}
	r.Data = &ledgerRow{req: req}
	date := func(key string) calendar.Date {
		d := r.Date(key)
		if !d.IsZero() && d.After(today) {
			r.Fail(key, fmt.Sprintf("日期不能晚于今天（%s）", today))
			return calendar.Date{}
		}
		return d
	}
	req.ReceivedOn = date(colReceived)
	req.ApplicantName = r.Text(colApplicant)
	req.ApplicantType = ApplicantType(r.Enum(colType))
	req.Description = r.Text(colContent)
	req.AmendNoticeOn, req.AmendReceivedOn = date(colAmendOn), date(colAmendRecv)
	req.RepliedOn = date(colRepliedOn)
	recv := req.ReceivedOn
	if !req.AmendNoticeOn.IsZero() && !recv.IsZero() && req.AmendNoticeOn.Before(recv) {
		r.Fail(colAmendOn, fmt.Sprintf("补正通知日期不能早于收到日期（%s）", recv))
	}
	if !req.AmendReceivedOn.IsZero() {
		switch {
		case req.AmendNoticeOn.IsZero() && r.Cells[colAmendOn] == "":
			r.Fail(colAmendRecv, "填写了补正收到日期的，须填写补正通知日期")
		case !req.AmendNoticeOn.IsZero() && req.AmendReceivedOn.Before(req.AmendNoticeOn):
			r.Fail(colAmendRecv, fmt.Sprintf("补正收到日期不能早于补正通知日期（%s）", req.AmendNoticeOn))
		}
	}
	if r.Bool(colExtended) {
		req.ExtensionDays = RuleReply.MaxExtension
	}
	if n := r.Int(colConsult); n < 0 || n > 250 {
		r.Fail(colConsult, "应为0至250之间的整数（不计入答复期限的工作日数）")
	} else {
		req.ExcludedDays = int(n)
	}

	// 答复日期 and 答复类型 go together.
	typeText := r.Cells[colReplyType]
	var def ReplyDef
	if typeText != "" {
		var ok bool
		if def, ok = ParseReply(typeText); !ok {
			r.Fail(colReplyType, "「"+typeText+"」不是年报表三的办理结果；应为大项与小项以“-”连接，如 不予公开-属于国家秘密、无法提供-没有现成信息需要另行制作、其他处理-逾期不补正；予以公开、部分公开单独填写")
		}
	}
	switch {
	case r.Cells[colRepliedOn] != "" && typeText == "":
		r.Fail(colReplyType, "填写了答复日期的，须填写答复类型")
	case r.Cells[colRepliedOn] == "" && typeText != "":
		r.Fail(colRepliedOn, "填写了答复类型的，须填写答复日期")
	}
	if !req.RepliedOn.IsZero() {
		start := req.ClockStart()
		if !start.IsZero() && req.RepliedOn.Before(start) {
			what := "收到日期"
			if !req.AmendReceivedOn.IsZero() {
				what = "补正收到日期"
			}
			r.Fail(colRepliedOn, fmt.Sprintf("答复日期不能早于%s（%s）", what, start))
		}
	}
	amendedOrNot := r.Cells[colAmendOn] != ""
	switch def.Type {
	case "other_no_amendment":
		if !amendedOrNot || r.Cells[colAmendRecv] != "" {
			r.Fail(colReplyType, "逾期不补正的，须有补正通知日期且没有补正收到日期")
		}
	case "unable_unclear":
		if r.Cells[colAmendRecv] == "" {
			r.Fail(colReplyType, "“补正后申请内容仍不明确”须填写补正通知日期和补正收到日期")
		}
	case "", "other":
	default:
		if amendedOrNot && r.Cells[colAmendRecv] == "" {
			r.Fail(colAmendRecv, "已通知补正的申请答复前须收到补正；未补正的，答复类型应为 其他处理-逾期不补正")
		}
	}
	if def.Type != "" {
		req.ReplyType, req.State = def.Type, StateReplied
		req.ReplyBasis = def.Bases[0]
	} else if amendedOrNot && r.Cells[colAmendRecv] == "" {
		req.State = StateAmending
	}

	// 复议 and 诉讼 (table 四).
	if v := r.Enum(colReconsider); v != "none" {
		req.Reconsideration = v
	}
	if lt := strings.TrimSpace(r.Cells[colLitigation]); lt != "" && lt != "无" && lt != "否" {
		lit, ok := parseLitigationCell(lt)
		if !ok {
			r.Fail(colLitigation, "「"+lt+"」应为 无，或 直接起诉-维持/纠正/其他/未审结，或 复议后起诉-维持/纠正/其他/未审结")
		} else if msg := disputeConsistent(req.Reconsideration, lit); msg != "" && (r.Has(colReconsider) || r.Cells[colReconsider] == "") {
			r.Fail(colLitigation, msg)
		} else {
			req.Litigation = lit
		}
	}
	if (req.Reconsideration != "" || req.Litigation.Result != "") && req.RepliedOn.IsZero() && r.Cells[colRepliedOn] == "" {
		r.Fail(colReconsider, "尚未答复的申请不应填写复议或诉讼结果（表四按答复年度统计）")
	}
}

func parseLitigationCell(s string) (Litigation, bool) {
	s = strings.NewReplacer(" ", "", "—", "-", "－", "-").Replace(s)
	kind, res, ok := strings.Cut(s, "-")
	if !ok {
		return Litigation{}, false
	}
	var l Litigation
	switch kind {
	case "直接起诉", "未经复议直接起诉":
	case "复议后起诉":
		l.AfterReconsideration = true
	default:
		return Litigation{}, false
	}
	for _, v := range []string{DisputeUpheld, DisputeCorrected, DisputeOther, DisputePending} {
		if res == DisputeLabel(v) || res == "结果"+DisputeLabel(v) || (v == DisputeOther && res == "其他结果") || (v == DisputePending && res == "尚未审结") {
			l.Result = v
			return l, true
		}
	}
	return Litigation{}, false
}

// checkLedger refuses rows already imported for the organ: one ledger imported twice would count twice.
func (s *Service) checkLedger(ctx context.Context, q db.Querier, organID string, rows []*ledger.Row) error {
	rs, err := q.QueryContext(ctx, `SELECT received_on, applicant_name, description, receipt_no FROM disclosure_requests WHERE organ_id = ? AND imported = 1`, organID)
	if err != nil {
		return err
	}
	defer rs.Close()
	seen := map[string]string{}
	for rs.Next() {
		var on, name, desc, no string
		if err := rs.Scan(&on, &name, &desc, &no); err != nil {
			return err
		}
		seen[on+"\x00"+name+"\x00"+desc] = no
	}
	if err := rs.Err(); err != nil {
		return err
	}
	for _, r := range rows {
		req := r.Data.(*ledgerRow).req
		if no, ok := seen[ds(req.ReceivedOn)+"\x00"+req.ApplicantName+"\x00"+req.Description]; ok {
			r.Fail("", "与已导入的申请（"+no+"）重复，同一台账不能重复导入")
		}
	}
	return nil
}

// commitLedger writes the checked rows in the import's one transaction.
func (s *Service) commitLedger(ctx context.Context, tx *db.Tx, j *ledger.Job, rows []*ledger.Row, progress func(int)) (string, error) {
	o, ok := s.org.Organ(j.OrganID)
	if !ok {
		return "", errors.New("机关不存在")
	}
	cal := s.cal()
	answered := 0
	for i, row := range rows {
		req := row.Data.(*ledgerRow).req
		req.ID, req.OrganID = db.NewID(), o.ID
		no, err := s.receiptNo(ctx, tx, o.ID, req.ReceivedOn.Year)
		if err != nil {
			return "", err
		}
		req.ReceiptNo = no
		if req.State == StateAmending {
			req.AmendDue = cal.AddWorkingDays(req.AmendNoticeOn, SettingAmendDays.Default) // the period given is not in the ledger
		}
		if req.Closed() {
			def := req.Reply()
			due, _ := req.ReplyDue(cal)
			req.OnTime = def.Closing() || !req.RepliedOn.After(due)
			answered++
		}
		req.Due = ComputeDeadlines(req, cal)
		if err := insertRequest(ctx, tx, req, sensitive{}); err != nil {
			return "", err
		}
		if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: "disclosure_request", OwnerID: req.ID, OrganID: o.ID, Action: "import",
			ToState: string(req.State), On: req.ReceivedOn, ActorName: audit.ActorFrom(ctx).Username, Note: "台账导入（" + j.Filename + " 第" + fmt.Sprint(row.Line) + "行）"}); err != nil {
			return "", err
		}
		progress(i + 1)
	}
	if err := audit.Record(ctx, tx, audit.Entry{Action: "disclosure.import", ObjectType: "organ", ObjectID: o.ID,
		Detail: map[string]any{"file": j.Filename, "rows": len(rows), "answered": answered}}); err != nil {
		return "", err
	}
	return fmt.Sprintf("已为%s导入 %d 件申请（已办结 %d 件，办理中 %d 件）", o.Name, len(rows), answered, len(rows)-answered), nil
}

// ImportArgs are the options of `fazhi import disclosure FILE --organ CODE`.
type ImportArgs struct{ Organ string }

// CLIImport imports a ledger for the organ; on a bad ledger it prints every bad cell, imports
// nothing and returns an error (non-zero exit).
func CLIImport(ctx context.Context, s *Service, a ImportArgs, files []string, out io.Writer) error {
	if len(files) != 1 {
		return errors.New("用法：fazhi import disclosure FILE --organ CODE")
	}
	if a.Organ == "" {
		return errors.New("请用 --organ 指定机关代码（可用 fazhi org list 查看）")
	}
	o, ok := s.org.ByCode(a.Organ)
	if !ok {
		return fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", a.Organ)
	}
	if audit.ActorFrom(ctx) == (audit.Actor{}) {
		ctx = audit.WithActor(ctx, audit.Actor{Username: "cli"})
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("无法打开台账文件：%w", err)
	}
	defer f.Close()
	j, err := ledger.Import(ctx, s.db, s.LedgerSpec(), o.ID, "", filepath.Base(files[0]), f)
	if j != nil && j.ErrorCount > 0 {
		for _, e := range j.Errors {
			fmt.Fprintln(out, e.String())
		}
		return fmt.Errorf("台账有 %d 处错误，未导入任何记录", j.ErrorCount)
	}
	if err != nil {
		return err
	}
	if j.State != ledger.StateDone {
		return fmt.Errorf("导入未完成：%s", j.Message)
	}
	fmt.Fprintln(out, j.Message)
	if len(j.Ignored) > 0 {
		fmt.Fprintf(out, "以下列不是台账列，未导入：%s\n", strings.Join(j.Ignored, "、"))
	}
	return nil
}

func (a *ImportArgs) flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Organ, "organ", "", "受理申请的行政机关的机关代码，见 fazhi org list")
}
