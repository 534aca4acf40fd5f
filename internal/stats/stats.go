// Package stats holds the statistics types every module reports through. A module's stats.go
// computes its counts in SQL and returns them as Figures: the page, the XLSX export, the CLI and
// the annual report (年度报告, which reads only this seam) all show the same numbers, each with
// its formula, its legal source and a link to the records behind it.
package stats

import (
	"math"
	"strconv"
)

// Percent is a rate in percent rounded to two decimals; JSON keeps both decimals (13.95, 0.00).
type Percent float64

// MarshalJSON writes the number with exactly two decimals.
func (p Percent) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(p), 'f', 2, 64)), nil
}

// JSONSchema describes a Percent in the OpenAPI description (the api.Schemaer seam; api.Schema
// is this map type).
func (Percent) JSONSchema() map[string]any {
	return map[string]any{"type": "number", "description": "百分比，两位小数"}
}

// String is the percentage as shown: 13.95%.
func (p Percent) String() string { return strconv.FormatFloat(float64(p), 'f', 2, 64) + "%" }

// Rate is num ÷ den in percent with two decimals (half away from zero); 0 when the base is 0.
func Rate(num, den int) Percent {
	if den == 0 {
		return 0
	}
	return Percent(math.Round(float64(num)*10000/float64(den)) / 100)
}

// Figure is one reported figure: a count, or a rate with its numerator and denominator (a rate
// is never shown without its counts).
type Figure struct {
	Key         string  `json:"key"`   // stable English key: "comprehensive_correction_rate"
	Label       string  `json:"label"` // 中文: "综合纠错率"
	Value       float64 `json:"value"` // the count, or the rate in percent
	IsRate      bool    `json:"is_rate"`
	Numerator   int     `json:"numerator,omitempty"`
	Denominator int     `json:"denominator,omitempty"`
	Formula     string  `json:"formula"` // "(直接纠错 + 调解 + 和解后撤回且已纠正) ÷ 审结"
	Source      string  `json:"source"`  // legal basis or the reference that fixes the definition
	Link        string  `json:"link,omitempty"`
}

// Count is a counted figure.
func Count(key, label string, n int, formula, source, link string) Figure {
	return Figure{Key: key, Label: label, Value: float64(n), Formula: formula, Source: source, Link: link}
}

// RateOf is a rate figure, num ÷ den.
func RateOf(key, label string, num, den int, formula, source, link string) Figure {
	return Figure{Key: key, Label: label, Value: float64(Rate(num, den)), IsRate: true, Numerator: num, Denominator: den,
		Formula: formula, Source: source, Link: link}
}

// Rate is a rate figure's value as a Percent (13.95%).
func (f Figure) Rate() Percent { return Percent(f.Value) }

// Text is the figure as a person reads it: "12 件" or "13.95%（6/43）".
func (f Figure) Text() string {
	if f.IsRate {
		return Percent(f.Value).String() + "（" + strconv.Itoa(f.Numerator) + "/" + strconv.Itoa(f.Denominator) + "）"
	}
	return strconv.FormatFloat(f.Value, 'f', -1, 64)
}

// Find returns the figure with key.
func Find(fs []Figure, key string) (Figure, bool) {
	for _, f := range fs {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}
