package review

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
)

// conclusionWords is the standard sentence of each conclusion in the 审核意见书.
var conclusionWords = map[Conclusion]string{
	Agree:        "经审核，该事项主体适格，内容和程序符合法律、法规、规章和国家政策的规定，同意按程序办理。",
	AgreeAmended: "经审核，该事项总体可行，但存在下列需要修改的问题，请按本意见书所列意见修改完善后按程序办理。",
	Disagree:     "经审核，该事项存在合法性问题，不同意按现稿办理。",
	Defer:        "经审核，该事项暂不具备办理条件，建议暂缓办理。",
}

// OpinionDocument builds the 审核意见书 of a concluded request (GB/T 9704 via docgen).
func (s *Service) OpinionDocument(ctx context.Context, p *auth.Principal, id string) (docgen.Document, error) {
	r, err := s.Get(ctx, p, id)
	if err != nil {
		return docgen.Document{}, err
	}
	if r.State != StateConcluded {
		return docgen.Document{}, fault.Conflictf("尚未出具审核意见书")
	}
	ops, err := listOpinions(ctx, s.db, r.ID, p.UserID, true)
	if err != nil {
		return docgen.Document{}, err
	}
	o, _ := s.org.Organ(r.OrganID)
	body := []docgen.Block{
		{Kind: docgen.Para, Text: fmt.Sprintf("你单位报送的《%s》（收件号：%s）及相关材料于%s收悉，材料齐全后于%s受理。根据%s等规定，我局对该%s进行了合法性审核%s，现提出审核意见如下：",
			r.Title, r.ReceiptNo, r.SubmittedOn.Chinese(), r.AcceptedOn.Chinese(), r.Kind.Basis(), r.Kind.Label(), dualWords(r))},
		{Kind: docgen.Heading1, Text: "一、审核结论"},
		{Kind: docgen.Para, Text: conclusionWords[r.Conclusion]},
	}
	if r.ConclusionText != "" {
		body = append(body, docgen.Block{Kind: docgen.Para, Text: r.ConclusionText})
	}
	if len(ops) > 0 {
		body = append(body, docgen.Block{Kind: docgen.Heading1, Text: "二、具体意见"})
		for _, op := range ops {
			t := fmt.Sprintf("（%d）%s", op.FinalNo, op.Content)
			if op.Basis != "" {
				t += "（依据：" + op.Basis + "）"
			}
			body = append(body, docgen.Block{Kind: docgen.Para, Text: t})
		}
		body = append(body, docgen.Block{Kind: docgen.Heading1, Text: "三、有关要求"},
			docgen.Block{Kind: docgen.Para, Text: fmt.Sprintf("请你单位对上述意见逐条研究，自收到本意见书之日起%d个工作日内，将采纳情况（采纳、部分采纳或不采纳及理由）书面反馈我局。", r.FeedbackRule().Length)})
	}
	body = append(body, docgen.Block{Kind: docgen.Para, Text: "本意见书系合法性审核意见，不代替集体讨论决定等法定程序。"})
	return docgen.Document{
		Number:    r.OpinionNumber,
		Title:     "关于《" + r.Title + "》的\n合法性审核意见书",
		Recipient: r.SubmitterOrgan + "：",
		Body:      body,
		Signer:    o.Name,
		Date:      r.ConcludedOn,
	}, nil
}

func dualWords(r *Request) string {
	if r.Dual && r.AdvisorID != "" {
		return "（审查员与法律顾问分别独立审核）"
	}
	return ""
}
