package reconsider

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
)

// Lawsuit is a court case over the act or the decision of a reconsideration case (行政诉讼法第二十六条
// 第二款: 复议维持 makes the acting agency and the 复议机关 co-defendants; 复议改变, the 复议机关
// alone). The lawsuits are kept by 行政应诉, which imports this module; it lends the case page a
// LawsuitSource through SetLawsuits when it is built.
type Lawsuit struct {
	Docket   string // 案号
	Court    string
	Instance string // 一审, 二审, 再审
	State    string // the lawsuit's state, in Chinese
	URL      string // the lawsuit's page
}

// LawsuitSource lists the lawsuits linked to reconsideration case caseID that p may open (every
// instance of the matter); none when p may open none.
type LawsuitSource func(ctx context.Context, p *auth.Principal, caseID string) ([]Lawsuit, error)

// SetLawsuits wires the lawsuits shown on the case page; nil (the default) shows none.
func (m *Module) SetLawsuits(src LawsuitSource) { m.lawsuits = src }
