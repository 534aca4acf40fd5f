package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/db"
)

// Ranking happens here, in Go, the same on both engines: the engine returns the candidate passages
// and the index scores their text with a BM25-style formula.
//
// Why not FTS5's bm25(): on every call it computes each query phrase's IDF by running the phrase
// over the whole index (xQueryPhrase). With 50,000 documents a common word or phrase ("监督",
// "二十个工作日") costs tens of milliseconds before the first row is scored, whatever the window;
// profiles put 40–60% of search time there. ts_rank on PostgreSQL re-reads every candidate vector.
// Scoring the passage text we read anyway for the page costs a few milliseconds for the window.
//
// The formula, per positive term t of the query, for a passage with title T and text B:
//
//	titleWeight·sat(tf(t,T), |T|) + sat(tf(t,B), |B|),  sat(f, n) = f·(k1+1) / (f + k1·(1−b+b·n/avg))
//
// with fixed average lengths. Without IDF every term weighs the same: all of them occur
// in every candidate anyway (AND semantics). A title match is worth ten body matches, so documents
// whose title carries the query come first.
const (
	titleWeight = 10.0
	bm25K1      = 1.2
	bm25B       = 0.75
	// Average lengths in bytes (titles without 中华人民共和国; a law article; a normative document's
	// body is longer). Constants, not the candidates' averages, so a document scores the same
	// whichever window it is ranked in and pages of one query agree.
	avgTitleBytes = 45
	avgTextBytes  = 900
)

// cand is a candidate passage with its scores: score for the document's rank, body (the text part
// alone) to choose the passage that shows the snippet.
type cand struct {
	id          int64
	score, body float64
}

// scoreTerms are the query's positive terms, folded for counting (see fold), longest first so
// a term contained in another is not preferred.
func scoreTerms(q Query) []string {
	var out []string
	for _, t := range q.Terms {
		if t.Negate {
			continue
		}
		s := strings.Join(strings.Fields(foldText(t.Text)), "") // "行政 复议" is found as 行政复议
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// foldText lowercases ASCII and folds full-width letters and digits, so counting matches indexing for
// the common cases; full-width punctuation, in every Chinese text, is left alone (it is never part of
// a term's letters). It returns s itself when there is nothing to fold.
func foldText(s string) string {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			break
		}
		if c == 0xEF && i+2 < len(s) && isFullWidthAlnum(s[i+1], s[i+2]) {
			break
		}
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case 0xFF10 <= r && r <= 0xFF19, 0xFF21 <= r && r <= 0xFF3A, 0xFF41 <= r && r <= 0xFF5A:
			r = fold(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFullWidthAlnum reports the UTF-8 continuation bytes of ０-９, Ａ-Ｚ, ａ-ｚ (after the lead byte 0xEF).
func isFullWidthAlnum(b1, b2 byte) bool {
	return (b1 == 0xBC && (0x90 <= b2 && b2 <= 0x99 || 0xA1 <= b2 && b2 <= 0xBA)) || (b1 == 0xBD && 0x81 <= b2 && b2 <= 0x9A)
}

// rank reads the candidates' texts and scores them; verify drops the candidates that do not match q
// (an engine's loose candidates).
func (ix *Index) rank(ctx context.Context, r db.Querier, q Query, ids []int64, verify bool) ([]cand, error) {
	terms := scoreTerms(q)
	type row struct {
		id, doc     int64
		title, text string
	}
	rows := make([]row, 0, len(ids))
	// Texts, then the titles of their documents: joining search_docs row by row cost SQLite twice
	// the two reads (4 ms for 300 passages against 1.7 ms), and a law's articles share one title.
	titles := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rs, err := r.QueryContext(ctx, `SELECT id, doc_id, text FROM search_parts WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("读取检索候选失败：%w", err)
		}
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.id, &r.doc, &r.text); err != nil {
				rs.Close()
				return nil, err
			}
			rows = append(rows, r)
			titles[r.doc] = ""
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	docs := make([]any, 0, len(titles))
	for d := range titles {
		docs = append(docs, d)
	}
	for start := 0; start < len(docs); start += 500 {
		chunk := docs[start:min(start+500, len(docs))]
		rs, err := r.QueryContext(ctx, `SELECT id, title FROM search_docs WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return nil, fmt.Errorf("读取检索候选失败：%w", err)
		}
		for rs.Next() {
			var id int64
			var t string
			if err := rs.Scan(&id, &t); err != nil {
				rs.Close()
				return nil, err
			}
			titles[id] = t
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	for i := range rows {
		rows[i].title = titles[rows[i].doc]
	}
	if len(rows) == 0 {
		return nil, nil
	}
	sat := func(f, n, avg float64) float64 {
		if f == 0 {
			return 0
		}
		return f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*n/avg))
	}
	out := make([]cand, 0, len(rows))
	for _, r := range rows {
		if verify && !q.Matches(r.title, r.text) {
			continue
		}
		title, text := foldText(r.title), foldText(r.text)
		lt, lb := float64(titleLen(title)), float64(len(text))
		c := cand{id: r.id}
		for _, t := range terms {
			ft, fb := float64(strings.Count(title, t)), float64(strings.Count(text, t))
			if ft == 0 && fb == 0 {
				fb = 1 // matched in the index across a separator the plain count does not skip
			}
			b := sat(fb, lb, avgTextBytes)
			c.body += b
			c.score += titleWeight*sat(ft, lt, avgTitleBytes) + b
		}
		out = append(out, c)
	}
	return out, nil
}

// titleLen is the length a title is normalised by: the 中华人民共和国 of national laws is boilerplate,
// and counting it would rank every national law below regulations with shorter names.
func titleLen(title string) int {
	return len(strings.TrimPrefix(title, "中华人民共和国"))
}
