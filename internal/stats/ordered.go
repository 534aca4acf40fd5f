package stats

import (
	"fmt"
	"strings"
)

// OrderedCounts writes counts as a JSON object with every key of order, zeros included, in that
// order, so readers of an export see the same keys in the same place every year.
func OrderedCounts[K ~string](order []K, counts map[K]int) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range order {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%d", string(k), counts[k])
	}
	b.WriteByte('}')
	return []byte(b.String())
}
