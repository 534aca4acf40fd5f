package disclosure

import (
	"context"
	"fmt"
	"html/template"
	"strings"
)

// Charts of the statistics page: inline SVG drawn on the server (no script; prints as shown).

type bar struct {
	Label  string
	Value  int
	Accent bool
}

// barChart draws horizontal bars with their values; every text is escaped.
func barChart(title string, bars []bar) template.HTML {
	const width, labelW, rowH, top = 720, 200, 24, 8
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	if len(bars) == 0 || maxV == 0 {
		return template.HTML(`<p class="empty">` + template.HTMLEscapeString(title) + `：本年无数据</p>`)
	}
	barW := width - labelW - 60
	var sb strings.Builder
	fmt.Fprintf(&sb, `<figure><figcaption>%s</figcaption><svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(title), template.HTMLEscapeString(title), width, top*2+rowH*len(bars), width)
	for i, b := range bars {
		y := top + i*rowH
		w := b.Value * barW / maxV
		if b.Value > 0 && w < 2 {
			w = 2
		}
		color := "#5b7db8"
		if b.Accent {
			color = "#b71c1c"
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1f2329">%s</text>`, labelW-8, y+16, template.HTMLEscapeString(trim(b.Label, 14)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s：%d</title></rect>`, labelW, y+4, w, rowH-8, color, template.HTMLEscapeString(b.Label), b.Value)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="#646a73">%d</text>`, labelW+w+6, y+16, b.Value)
	}
	sb.WriteString(`</svg></figure>`)
	return template.HTML(sb.String())
}

// resultBars are the results of table 三 by group (（一）…（六）); refusals in the accent colour.
func resultBars(t *Table3) []bar {
	var out []bar
	for _, g := range []Group{GroupDisclose, GroupPartial, GroupWithhold, GroupUnable, GroupNoAction, GroupOther} {
		out = append(out, bar{Label: g.Label, Value: groupTotal(t, g), Accent: g == GroupWithhold})
	}
	return out
}

// applicantBars are the new requests by applicant column.
func applicantBars(t *Table3) []bar {
	var out []bar
	for i, a := range ApplicantTypes {
		out = append(out, bar{Label: a.Label(), Value: t.New.Columns()[i]})
	}
	return out
}

// Monthly counts the requests received in each month of the year.
func (s *Service) Monthly(ctx context.Context, sc Scope, year int) ([12]int, error) {
	var out [12]int
	where, args := s.scopeSQL(sc)
	rows, err := s.db.QueryContext(ctx, `SELECT substr(received_on, 6, 2), COUNT(*) FROM disclosure_requests WHERE `+where+
		` AND received_on >= ? AND received_on <= ? GROUP BY substr(received_on, 6, 2)`, append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		var n int
		if err := rows.Scan(&m, &n); err != nil {
			return out, err
		}
		var k int
		if _, err := fmt.Sscanf(m, "%d", &k); err == nil && k >= 1 && k <= 12 {
			out[k-1] = n
		}
	}
	return out, rows.Err()
}

func monthBars(m [12]int) []bar {
	out := make([]bar, 12)
	for i, n := range m {
		out[i] = bar{Label: fmt.Sprintf("%d月", i+1), Value: n}
	}
	return out
}
