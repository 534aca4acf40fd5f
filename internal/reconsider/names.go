package reconsider

import (
	"context"
	"strings"
	"unicode"

	"github.com/fazhi/fazhi/internal/db"
)

// namesSQL fills reconsider_names for the cases whose ids follow (migration 0065 runs it for all):
// one row per distinct character of the applicant's name, at most the first 64.
const namesSQL = `WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 64)
INSERT INTO reconsider_names (gram, case_id, organ_id, received_on, receipt_no)
SELECT DISTINCT lower(substr(c.applicant_name, k.n, 1)), c.id, c.organ_id, c.received_on, c.receipt_no
FROM reconsider_cases c JOIN k ON k.n <= length(c.applicant_name)
WHERE substr(c.applicant_name, k.n, 1) <> ' ' AND c.id IN `

// indexNames indexes the applicants' names of the cases just inserted in tx.
func indexNames(ctx context.Context, tx *db.Tx, ids []string) error {
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		if err := tx.Exec(ctx, namesSQL+`(`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// nameChars are the distinct characters a name search looks up, each as the grams that may hold it,
// or nil when q is not a name (a digit means a receipt or case number: those are matched with LIKE).
// SQL lower() folds only ASCII on SQLite but every letter on PostgreSQL, so a character is looked up
// both as typed and lower-cased: the index then never misses a row the LIKE after it would keep.
func nameChars(q string) [][]string {
	seen := map[rune]bool{}
	var out [][]string
	for _, r := range q {
		if unicode.IsDigit(r) {
			return nil
		}
		lower := unicode.ToLower(r)
		if unicode.IsSpace(r) || seen[r] || seen[lower] {
			continue
		}
		seen[r], seen[lower] = true, true
		grams := []string{string(lower)}
		if lower != r {
			grams = append(grams, string(r))
		}
		out = append(out, grams)
	}
	return out
}
