package reconsider

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/docgen"
)

// LedgerTemplate is the XLSX import template: the columns with an example row, and a sheet of allowed values.
func LedgerTemplate() ([]byte, error) {
	example := [][]any{
		{"2025-03-03", "张三", "自然人", "青山县公安局", "行政处罚", "公安", "受理", "2025-03-05", "普通", "2025-04-21", "维持", "", "否"},
		{"2025-03-10", "某某贸易有限公司", "法人", "青山县市场监督管理局", "行政处罚", "市场监管", "受理", "2025-03-11", "简易", "2025-03-31", "终止", "和解撤回", "否"},
		{"2025-03-17", "李四", "自然人", "青山县人力资源和社会保障局", "工伤认定", "人力资源社会保障", "不予受理", "", "", "2025-03-19", "", "", ""},
	}
	var outcomes []string
	for _, o := range Outcomes {
		outcomes = append(outcomes, o.Label())
	}
	help := [][]any{
		{colReceived, "必填", "年-月-日（邮寄的为签收之日）"},
		{colApplicant, "必填", "申请人姓名或名称"},
		{colKind, "必填", "自然人、法人、其他组织"},
		{colRespondent, "必填", "作出行政行为的行政机关全称；与本系统机关名称一致的自动关联"},
		{colActType, "必填", strings.Join(ActTypes, "、")},
		{colField, "选填（空为其他）", strings.Join(Fields, "、")},
		{colReview, "必填", "受理、不予受理、告知、转送、补正（补正为尚在补正中）"},
		{colAccepted, "受理的必填", "年-月-日，不早于收件日期"},
		{colProcedure, "受理的选填（空为普通）", "普通、简易"},
		{colClosed, "已结案的必填", "受理的为结案日期（不早于受理日期）；不予受理、告知、转送的为作出处理之日；补正中的留空"},
		{colOutcome, "已结案的必填", strings.Join(outcomes, "、")},
		{colTermReason, "终止的必填", terminateLabels()},
		{colExtended, "选填（空为否）", "是、否；只有普通程序可以延期（延长30日）"},
	}
	return docgen.XLSX(
		docgen.Sheet{Name: "复议台账", Header: LedgerHeaders, Rows: example},
		docgen.Sheet{Name: "填写说明", Header: []string{"列", "是否必填", "可填的值"}, Rows: help, Widths: []float64{16, 22, 90}},
	)
}

// ImportArgs are the options of `fazhi import reconsideration FILE --organ CODE`.
type ImportArgs struct {
	Organ string
}

// Flags registers the options on the command's flag set.
func (a *ImportArgs) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Organ, "organ", "", "复议机关的机关代码（司法局按其所属人民政府导入），见 fazhi org list")
}

// FlagsFirst moves positional arguments after the flags, so "FILE --organ CODE" parses with the
// flag package. Every flag of the import command takes a value (--name value or --name=value).
func FlagsFirst(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// CLIImport imports one ledger file for the organ with the given code. On a bad ledger it prints every
// problem, imports nothing and returns an error (the command exits non-zero).
func CLIImport(ctx context.Context, svc *Service, a ImportArgs, files []string, out io.Writer) error {
	if len(files) != 1 {
		return errors.New("用法：fazhi import reconsideration FILE --organ CODE")
	}
	if a.Organ == "" {
		return errors.New("请用 --organ 指定复议机关的机关代码（可用 fazhi org list 查看）")
	}
	o, ok := svc.org.ByCode(a.Organ)
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
	res, err := svc.Import(ctx, nil, o.ID, files[0], f, nil)
	if errs := LedgerErrors(err); errs != nil {
		for _, e := range errs {
			fmt.Fprintln(out, e.String())
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已为%s导入 %d 条记录：%s\n", res.Organ, res.Rows, res.byState())
	if len(res.Ignored) > 0 {
		fmt.Fprintf(out, "以下列不是台账列，未导入：%s\n", strings.Join(res.Ignored, "、"))
	}
	return nil
}
