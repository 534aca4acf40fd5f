package db

import "context"

// Scanner is what a row scanner reads from: *sql.Row or *sql.Rows.
type Scanner = interface{ Scan(dest ...any) error }

// List runs query and scans every row with scan: the one loop every store's list functions
// would otherwise repeat (close, scan errors, rows.Err).
func List[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
