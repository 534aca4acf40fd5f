package lawlib

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

//go:generate go run ./gen

// bundleData is the law library shipped in the binary (gen/main.go builds it from the corpus): a
// newcomer's 法规检索 works without a separate import.
//
//go:embed embedded/laws.tar.gz
var bundleData []byte

// BundleSource names the shipped library in the audit log and on the pages.
const BundleSource = "内置法规库"

// bundleFolders are shipped whole: the laws and regulations a government's legal staff cite daily.
var bundleFolders = []string{"行政法", "行政法规", "诉讼与非诉讼程序法"}

// bundleInterpretations picks the judicial interpretations on procedure by title: those naming
// 行政诉讼, 行政复议 or 民事诉讼 (incl. 《行政诉讼法》《民事诉讼法》); the other 400 stay importable by command.
var bundleInterpretations = []string{"行政诉讼", "行政复议", "民事诉讼"}

// InBundle reports whether the corpus file rel (slash-separated, relative to the library root)
// ships in the binary.
func InBundle(rel string) bool {
	dir, name := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	if !strings.HasSuffix(name, ".md") || name == "_index.md" {
		return false
	}
	for _, f := range bundleFolders {
		if dir == f {
			return true
		}
	}
	if dir == "司法解释" {
		title := strings.ReplaceAll(strings.ReplaceAll(name, "《", ""), "》", "")
		for _, w := range bundleInterpretations {
			if strings.Contains(title, w) {
				return true
			}
		}
	}
	return false
}

// BundleHash identifies the shipped archive: a new binary with a changed library imports it again.
func BundleHash() string {
	sum := sha256.Sum256(bundleData)
	return hex.EncodeToString(sum[:8])
}

// BundleFiles reads the shipped archive: path → Markdown text.
func BundleFiles() (map[string][]byte, []string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(bundleData))
	if err != nil {
		return nil, nil, fmt.Errorf("内置法规库已损坏：%w", err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("内置法规库已损坏：%w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, nil, fmt.Errorf("内置法规库已损坏：%w", err)
		}
		files[h.Name] = b
		names = append(names, h.Name)
	}
	return files, names, nil
}

// Bundle parses the shipped library.
func Bundle() ([]Law, error) {
	files, names, err := BundleFiles()
	if err != nil {
		return nil, err
	}
	return parseAll(names, func(rel string) (Law, error) { return Parse(rel, files[rel]) })
}

// Load states of the shipped library.
const (
	LoadRunning = "running"
	LoadDone    = "done"
	LoadFailed  = "failed"
)

// Progress is the state of loading the shipped library, kept in the settings table so every
// instance on the database shows the same bar.
type Progress struct {
	Bundle  string `json:"bundle"`
	State   string `json:"state"` // "" never started (or the library was filled by command)
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Started string `json:"started"`
	Updated string `json:"updated"`
	Error   string `json:"error,omitempty"`
}

// Running reports a load under way (or interrupted: the next instance's job resumes it).
func (p Progress) Running() bool { return p.State == LoadRunning }

// Percent is the share done, 0–100.
func (p Progress) Percent() int {
	if p.Total <= 0 {
		return 0
	}
	return min(100, p.Done*100/p.Total)
}

// Stale reports a running load whose last batch is older than d: its instance probably stopped.
func (p Progress) Stale(now time.Time, d time.Duration) bool {
	t, err := db.ParseTimestamp(p.Updated)
	return p.Running() && err == nil && now.Sub(t) > d
}

const progressKey = "lawlib.bundle"

// LoadProgress reads the stored progress (zero when none).
func (l *Library) LoadProgress(ctx context.Context) (Progress, error) {
	var raw string
	err := l.d.QueryRowContext(ctx, `SELECT value FROM settings WHERE organ_id = '' AND key = ?`, progressKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Progress{}, nil
	}
	if err != nil {
		return Progress{}, err
	}
	var p Progress
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Progress{}, nil // an unreadable row is as good as none: the next load rewrites it
	}
	return p, nil
}

func (l *Library) saveProgress(ctx context.Context, p Progress) error {
	p.Updated = db.Now()
	b, _ := json.Marshal(p)
	return l.d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES ('', ?, ?) ON CONFLICT (organ_id, key) DO UPDATE SET value = excluded.value`,
			progressKey, string(b))
	})
}

// LoadBundle imports the shipped library when it is needed: on an empty library, to finish a load
// that stopped half-way, or when the binary ships a changed archive. A library first filled by
// `fazhi import laws` is left alone. The import is the ordinary one (by content hash), so a
// resumed load skips what is already stored. It reports the files written.
func (l *Library) LoadBundle(ctx context.Context) (int, error) {
	prev, err := l.LoadProgress(ctx)
	if err != nil {
		return 0, err
	}
	hash := BundleHash()
	if prev.State == LoadDone && prev.Bundle == hash {
		return 0, nil
	}
	if prev.State == "" {
		var n int
		if err := l.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM laws`).Scan(&n); err != nil {
			return 0, err
		}
		if n > 0 {
			return 0, nil
		}
	}
	start := time.Now()
	p := Progress{Bundle: hash, State: LoadRunning, Started: db.Now()}
	laws, perr := Bundle()
	if laws == nil && perr != nil {
		p.State, p.Error = LoadFailed, perr.Error()
		return 0, errors.Join(perr, l.saveProgress(ctx, p))
	}
	p.Total = len(laws)
	if err := l.saveProgress(ctx, p); err != nil {
		return 0, err
	}
	st, err := l.importLaws(ctx, start, BundleSource, laws, perr, func(done, total int) error {
		p.Done, p.Total = done, total
		return l.saveProgress(ctx, p)
	})
	p.Done = st.Files
	p.State = LoadDone
	if err != nil {
		p.State, p.Error = LoadFailed, err.Error()
		p.Done = st.Unchanged + st.Added + st.Updated
	}
	if serr := l.saveProgress(context.WithoutCancel(ctx), p); err == nil {
		err = serr
	}
	return st.Added + st.Updated, err
}
