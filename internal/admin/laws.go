package admin

import (
	"net/http"
	"time"

	"github.com/fazhi/fazhi/internal/lawlib"
)

// lawStale is how long a running load may go without a batch before the page calls it stopped
// (its instance ended; the next one resumes it within the job's lease).
const lawStale = 5 * time.Minute

type lawView struct {
	lawlib.Progress
	Stale bool
}

// lawLoad reads the shipped library's progress for the pages; ok is false when nothing is wired.
func (m *Module) lawLoad(r *http.Request) (*lawView, error) {
	if m.LawLoad == nil {
		return nil, nil
	}
	p, err := m.LawLoad(r.Context())
	if err != nil {
		return nil, err
	}
	return &lawView{Progress: p, Stale: p.Stale(time.Now(), lawStale)}, nil
}

// lawPage shows the load of the law library shipped in the binary (system administrator): a
// progress bar read from the database, so every instance shows the same.
func (m *Module) lawPage(w http.ResponseWriter, r *http.Request) error {
	v, err := m.lawLoad(r)
	if err != nil {
		return err
	}
	return m.render(w, r, "laws", http.StatusOK, "法规库", map[string]any{"Load": v, "Source": lawlib.BundleSource}, nil)
}
