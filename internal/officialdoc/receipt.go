package officialdoc

import (
	"context"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
)

// 送达回证. 民事诉讼法第八十七条: “送达诉讼文书必须有送达回证，由受送达人在送达回证上记明收到日期，签名
// 或者盖章。受送达人在送达回证上的签收日期为送达日期。” Paper service by hand needs one: 直接送达 (第八十八条,
// including signature by a family member, the person in charge of receipt, an agent or a designated
// 代收人), 留置送达 (第八十九条: refusal and date recorded on the 回证, signed by the server and a witness),
// 委托送达 (第九十一条) and 转交 (第九十四条: “以在送达回证上的签收日期，为送达日期”). 邮寄送达 has the postal
// 回执 (第九十一条), 电子送达 the arrival in the recipient's system (第九十条) and 公告送达 the 30 days
// (第九十五条): none of them needs a 回证. Modules whose law sends service to the 民事诉讼法 (行政复议法
// 第八十八条第一款) declare the parties of each issued document (Room.Parties) and get one 回证 per party.

// Party is one recipient of a document served on paper.
type Party struct {
	Role    string // 申请人, 被申请人, 第三人 …
	Name    string // 受送达人
	Address string // 送达地点 as far as the record knows it ("" leaves a line to fill in)
}

// Receipt is what a 送达回证 prints.
type Receipt struct {
	Organ     string        // the issuing organ (heads the form and signs it)
	Seal      string        // the seal line
	Document  string        // 送达文书名称
	Number    string        // its 文号
	Recipient string        // 受送达人
	Address   string        // 送达地点
	Date      calendar.Date // 填发日期
}

const (
	blankShort = "　　　　　　"
	blankDate  = "　　年　　月　　日"
)

// ReceiptDocument lays a 送达回证 out in the GB/T 9704 style of the other documents: the organ over the
// title, one flush-left line per field with room to write, the 留置 line of 第八十九条.
func ReceiptDocument(r Receipt) docgen.Document {
	doc := r.Document
	if r.Number != "" {
		doc += "（" + r.Number + "）"
	}
	addr := r.Address
	if strings.TrimSpace(addr) == "" {
		addr = blankShort + blankShort
	}
	line := func(s string) docgen.Block { return docgen.Block{Kind: docgen.Plain, Text: s} }
	return docgen.Document{
		Title: strings.TrimSpace(r.Organ + "\n送达回证"),
		Body: []docgen.Block{
			line("送达文书名称及文号：" + doc),
			line("受送达人：" + r.Recipient),
			line("送达地点：" + addr),
			line("送达方式：□直接送达　□留置送达　□委托送达　□转交送达"),
			line("送达人（签名）：" + blankShort + "　送达日期：" + blankDate),
			line("受送达人（签名或者盖章）：" + blankShort + "　收到日期：" + blankDate),
			line("代收人（签名或者盖章）：" + blankShort + "　代收理由（与受送达人的关系）：" + blankShort + "　收到日期：" + blankDate),
			line("留置送达（受送达人拒绝签收）：拒收事由" + blankShort + "，拒收日期" + blankDate + "；见证人（签名或者盖章、单位）：" + blankShort + "；送达人（签名）：" + blankShort + "；拍照、录像记录：□有　□无"),
			line("备注："),
			{Kind: docgen.Para, Text: "受送达人在本回证上记明收到日期，签名或者盖章；受送达人在送达回证上的签收日期为送达日期。受送达人是公民的，本人不在时交其同住成年家属签收；是法人或者其他组织的，由法定代表人、主要负责人或者负责收件的人签收；有代理人或者指定代收人的，可以由其签收。受送达人或者其同住成年家属拒绝接收的，送达人可以邀请有关基层组织或者所在单位的代表到场，说明情况，记明拒收事由和日期，由送达人、见证人签名或者盖章，把文书留在受送达人的住所，也可以把文书留在受送达人的住所并采用拍照、录像等方式记录送达过程，即视为送达（《中华人民共和国民事诉讼法》第八十七条至第八十九条）。"},
		},
		Signer: r.Seal,
		Date:   r.Date,
	}
}

// PartiesOf lists who an issued document is served on; nil when the module declares none.
func (r *Room[R]) PartiesOf(ctx context.Context, rec R, d *Document) ([]Party, error) {
	if r.Parties == nil || !d.Issued() {
		return nil, nil
	}
	return r.Parties(ctx, r.DB, rec, d)
}

// Label is the party as the page lists it: 申请人张三.
func (p Party) Label() string { return p.Role + p.Name }

// ServiceReceipt is the 送达回证 of an issued document for its party number i (from 0, in the order
// of Room.Parties). Who may see the document may print its 回证.
func (r *Room[R]) ServiceReceipt(ctx context.Context, p *auth.Principal, id string, i int) (string, []byte, error) {
	d, rec, err := r.visible(ctx, r.DB, p, id, false)
	if err != nil {
		return "", nil, err
	}
	if !d.Issued() {
		return "", nil, fault.Conflictf("文书尚未印发，印发后才能制作送达回证")
	}
	parties, err := r.PartiesOf(ctx, rec, d)
	if err != nil {
		return "", nil, err
	}
	if i < 0 || i >= len(parties) {
		return "", nil, fault.NotFoundf("该文书没有第 %d 个受送达人", i+1)
	}
	o := r.organ(r.Owner(rec).OrganID)
	name := d.Title
	if strings.TrimSpace(name) == "" {
		name = d.KindName()
	}
	data, err := ReceiptDocument(Receipt{Organ: o.Name, Seal: o.Seal(), Document: name, Number: d.Number,
		Recipient: recipientText(parties[i]), Address: parties[i].Address, Date: r.Today()}).DOCX()
	if err != nil {
		return "", nil, err
	}
	file := strings.NewReplacer("/", "／", "\\", "＼", "\n", "").Replace("送达回证-" + name + "-" + d.Number + "-" + parties[i].Name)
	return file + ".docx", data, nil
}

func recipientText(p Party) string {
	if p.Role == "" {
		return p.Name
	}
	return p.Name + "（" + p.Role + "）"
}

// ReceiptURL is the download path of party i's 回证 under base.
func ReceiptURL(base, docID string, i int) string {
	return base + "/" + docID + "/receipt.docx?to=" + strconv.Itoa(i)
}
