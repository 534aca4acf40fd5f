// Package org holds the administrative divisions, the organs (governments, their offices,
// 司法局, departments) in a tree, and the internal departments of each organ.
package org

import "strings"

// Level of a division or organ.
type Level string

const (
	Province Level = "province"
	City     Level = "city"
	County   Level = "county"
	Township Level = "township"
)

// Label is the Chinese name of the level.
func (l Level) Label() string {
	return map[Level]string{Province: "省级", City: "市级", County: "县级", Township: "乡镇级"}[l]
}

// Valid reports a known level.
func (l Level) Valid() bool { return l.Label() != "" }

// Kind of organ.
type Kind string

const (
	KindGovernment Kind = "government" // 人民政府
	KindOffice     Kind = "office"     // 政府办公室
	KindJustice    Kind = "justice"    // 司法局 / 司法厅
	KindDepartment Kind = "department" // 政府工作部门
	KindCourt      Kind = "court"      // 人民法院 (for 应诉 liaison)
	KindOther      Kind = "other"
)

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	return map[Kind]string{KindGovernment: "人民政府", KindOffice: "政府办公室", KindJustice: "司法行政机关", KindDepartment: "工作部门", KindCourt: "人民法院", KindOther: "其他"}[k]
}

// Valid reports a known kind.
func (k Kind) Valid() bool { return k.Label() != "" }

// Division is an administrative division coded per GB/T 2260.
type Division struct {
	Code       string
	Name       string
	Level      Level
	ParentCode string
}

// Organ is an administrative organ. Path lists the ids from the root, so "own organ and
// everything below" is one indexed prefix match.
type Organ struct {
	ID           string
	Code         string
	Name         string
	ShortName    string
	Kind         Kind
	DivisionCode string
	Level        Level
	ParentID     string
	Path         string
	DocPrefix    string
	Sort         int
	Profile
}

// Seal is the name on the organ's seal: its own, else the organ's full name.
func (o Organ) Seal() string {
	if o.SealName != "" {
		return o.SealName
	}
	return o.Name
}

// Department is a unit inside an organ (科室).
type Department struct {
	ID      string
	OrganID string
	Name    string
}

// WithinSQL is the WHERE fragment "col names the organ at organPath or an organ below it", read from
// organ_tree by its primary key on every engine (a LIKE on organs.path is estimated badly by
// PostgreSQL and cannot use an index under its collations). The path "/" is the whole tree.
func WithinSQL(col, organPath string) (string, []any) {
	if organPath == "/" {
		return "1 = 1", nil
	}
	trimmed := strings.TrimSuffix(organPath, "/")
	return col + " IN (SELECT organ_id FROM organ_tree WHERE ancestor_id = ?)", []any{trimmed[strings.LastIndex(trimmed, "/")+1:]}
}
