package lawlib

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/search"
)

// Statuses of a law version in the library.
const (
	StatusInForce    = "有效"
	StatusSuperseded = "已修订" // a later version of the same law exists
	StatusRepealed   = "废止"  // a later law in the library says so (…同时废止)
)

// parserVersion enters every content hash: a parser change re-imports every file once.
const parserVersion = "lawlib-2"

// Library is the stored reference library: laws, their articles and their search index entries.
type Library struct {
	d  *db.DB
	ix *search.Index
}

// New returns the library over d, indexing into ix.
func New(d *db.DB, ix *search.Index) *Library { return &Library{d: d, ix: ix} }

// Index is the search index the library writes to.
func (l *Library) Index() *search.Index { return l.ix }

// Record is a stored law version.
type Record struct {
	ID, Path, Title, Subtitle, GroupKey, Category, Version, Status string
	RepealedBy                                                     string // id of the repealing law
	Repeals                                                        []string
	Info, Preamble, Text                                           string
	Articles                                                       int
}

// DisplayTitle is the title with the part of a code (中华人民共和国民法典 合同编).
func (r Record) DisplayTitle() string {
	if r.Subtitle != "" {
		return r.Title + " " + r.Subtitle
	}
	return r.Title
}

// InForce reports the version in force.
func (r Record) InForce() bool { return r.Status == StatusInForce }

// URL is the public page of the law version.
func (r Record) URL() string { return "/public/laws/" + r.ID }

// LawID derives the id of a library file from its path: the same on every import and deployment,
// so citations stored elsewhere keep working after a re-import.
func LawID(relPath string) string {
	sum := sha256.Sum256([]byte(relPath))
	return "L" + hex.EncodeToString(sum[:8])
}

// ArticleURL is the link other modules use to cite an article: /public/laws/{id}#a{seq}.
func ArticleURL(lawID string, seq int) string {
	return "/public/laws/" + lawID + "#" + anchor(seq, 0)
}

// anchor is the fragment of an article: a30, a120-1 for 第一百二十条之一.
func anchor(seq, sub int) string {
	if sub > 0 {
		return "a" + strconv.Itoa(seq) + "-" + strconv.Itoa(sub)
	}
	return "a" + strconv.Itoa(seq)
}

// Anchor is the article's fragment in its law page.
func (a Article) Anchor() string { return anchor(a.Seq, a.Sub) }

func contentHash(law Law) string {
	h := sha256.New()
	h.Write([]byte(parserVersion))
	h.Write([]byte{0})
	h.Write([]byte(law.Text))
	return hex.EncodeToString(h.Sum(nil))
}

// ---- repeal markers ----

var (
	bookTitleRe = regexp.MustCompile(`《([^》]+)》`)
	repealRe    = regexp.MustCompile(`(同时|予以|一并)废止`)
)

// Repeals lists the titles a law's own text declares repealed: the closing clause of a new law or
// interpretation names the instruments it replaces ("《中华人民共和国契税暂行条例》同时废止").
// Titles are taken from the part of each sentence before the repeal verb; the corpus has no other
// status marker (no front matter, no 失效 notes).
func Repeals(law Law) []string {
	body := law.Text
	if i := strings.Index(body, infoEnd); i >= 0 {
		body = body[i+len(infoEnd):]
	}
	var out []string
	for _, s := range strings.FieldsFunc(body, func(r rune) bool { return r == '。' || r == '；' || r == '\n' }) {
		if !strings.Contains(s, "废止") {
			continue
		}
		loc := repealRe.FindStringIndex(s)
		if loc == nil {
			continue
		}
		for _, m := range bookTitleRe.FindAllStringSubmatch(s[:loc[0]], -1) {
			t := strings.TrimSpace(m[1])
			if t != "" && t != law.Title && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// ---- status ----

// entry is one law version during status computation.
type entry struct {
	id, path, title, key, version string
	repeals                       []string
	status, repealedBy            string
}

// computeStatus sets status and repealedBy of every entry: within a group of versions the latest
// (and any copy with the same date) is in force and the earlier ones are superseded, unless a
// later-dated law in the library repeals the title, then the latest is 废止. Undated repealers or
// targets are left alone: without dates the order is unknown.
func computeStatus(all []*entry) {
	groups := map[string][]*entry{}
	byTitle := map[string][]string{} // title → group keys
	for _, e := range all {
		if len(groups[e.key]) == 0 {
			byTitle[e.title] = append(byTitle[e.title], e.key)
		}
		groups[e.key] = append(groups[e.key], e)
	}
	latest := map[string]string{}
	for key, vs := range groups {
		slices.SortStableFunc(vs, func(a, b *entry) int {
			if c := strings.Compare(a.version, b.version); c != 0 {
				return c
			}
			return strings.Compare(a.path, b.path)
		})
		last := vs[len(vs)-1].version
		latest[key] = last
		for _, e := range vs {
			e.repealedBy = ""
			e.status = StatusSuperseded
			if e.version == last {
				e.status = StatusInForce
			}
		}
	}
	// Repealers in date order, so the earliest repeal wins when two laws name the same title.
	repealers := slices.Clone(all)
	slices.SortStableFunc(repealers, func(a, b *entry) int { return strings.Compare(a.version, b.version) })
	for _, r := range repealers {
		if r.version == "" {
			continue
		}
		for _, t := range r.repeals {
			for _, title := range []string{t, "中华人民共和国" + t} {
				for _, key := range byTitle[title] {
					last := latest[key]
					if key == r.key || last == "" || last >= r.version {
						continue
					}
					for _, e := range groups[key] {
						if e.version == last && e.repealedBy == "" {
							e.status, e.repealedBy = StatusRepealed, r.id
						}
					}
				}
			}
		}
	}
}

// ---- import ----

// ImportStats reports what an import did.
type ImportStats struct {
	Files     int // law files read (folder pages excluded)
	Added     int
	Updated   int // text or status changed
	Unchanged int
	Failed    int // files that could not be parsed
	Articles  int // articles written
	Elapsed   time.Duration
}

// importBatch bounds a transaction: about this many articles, so SQLite's full-text index flushes
// large segments and a failure loses little.
const importBatch = 8000

// backgroundBatch bounds a transaction of the load that runs while the server serves (the shipped
// library on first start): SQLite has one writer, and a login or a case step waits for the batch
// in progress, so batches stay well under a request's deadline even on a loaded machine.
const backgroundBatch = 500

// stored is a law row as the import needs it.
type stored struct {
	entry
	hash string
}

// Import reads every Markdown file under dir and brings the library in line with it: new files are
// added, changed files replaced, statuses recomputed over the whole library, and a file that has not
// changed is not written at all — a second run reports everything unchanged. Files that fail to parse
// are reported in the error; the others are imported.
func (l *Library) Import(ctx context.Context, dir string) (ImportStats, error) {
	start := time.Now()
	parsed, walkErr := Walk(dir)
	if parsed == nil && walkErr != nil {
		return ImportStats{}, walkErr
	}
	return l.importLaws(ctx, start, dir, parsed, walkErr, nil)
}

// progressFunc is called after each written batch with the files done (written or unchanged) of all.
type progressFunc func(done, total int) error

// importLaws is Import over laws already parsed; source names them in the audit log.
func (l *Library) importLaws(ctx context.Context, start time.Time, source string, parsed []Law, walkErr error, progress progressFunc) (ImportStats, error) {
	var st ImportStats
	if walkErr != nil {
		st.Failed = len(strings.Split(walkErr.Error(), "\n"))
	}
	laws := parsed[:0:0]
	for _, law := range parsed {
		if !law.IsIndex() {
			laws = append(laws, law)
		}
	}
	st.Files = len(laws)

	old, err := l.loadEntries(ctx)
	if err != nil {
		return st, err
	}
	byPath := map[string]*stored{}
	for _, s := range old {
		byPath[s.path] = s
	}
	var all []*entry
	cur := map[string]*entry{}
	hashes := map[string]string{}
	for i := range laws {
		law := &laws[i]
		e := &entry{id: LawID(law.Path), path: law.Path, title: law.Title, key: law.Key(), version: law.Version, repeals: Repeals(*law)}
		all = append(all, e)
		cur[law.Path] = e
		hashes[law.Path] = contentHash(*law)
	}
	for _, s := range old {
		if cur[s.path] == nil {
			e := s.entry
			all = append(all, &e)
		}
	}
	oldStatus := map[string][2]string{}
	for _, s := range old {
		oldStatus[s.id] = [2]string{s.status, s.repealedBy}
	}
	computeStatus(all)

	var changes []change
	for i := range laws {
		law := &laws[i]
		e := cur[law.Path]
		s := byPath[law.Path]
		switch {
		case s == nil:
			changes = append(changes, change{law: law, cur: e, hash: hashes[law.Path], added: true, content: true})
		case s.hash != hashes[law.Path]:
			changes = append(changes, change{law: law, cur: e, hash: hashes[law.Path], content: true})
		case oldStatus[e.id] != [2]string{e.status, e.repealedBy}:
			changes = append(changes, change{law: law, cur: e, hash: s.hash})
		default:
			st.Unchanged++
		}
	}
	for _, e := range all {
		if _, inDir := cur[e.path]; !inDir && oldStatus[e.id] != [2]string{e.status, e.repealedBy} {
			changes = append(changes, change{cur: e})
		}
	}

	if len(changes) > 0 {
		bulk, err := l.ix.BeginBulk(ctx)
		if err != nil {
			return st, err
		}
		err = l.writeChanges(ctx, bulk, source, changes, &st, progress)
		if ferr := bulk.Finish(context.WithoutCancel(ctx)); err == nil {
			err = ferr
		}
		if err != nil {
			return st, err
		}
	}
	st.Elapsed = time.Since(start)
	return st, walkErr
}

// change is one law version to write.
type change struct {
	law     *Law // nil: a stored law not in the folder whose status changed
	cur     *entry
	hash    string
	added   bool
	content bool // new or changed text: the articles are rewritten
}

// writeChanges writes in transactions of about importBatch articles, each with its audit entry.
func (l *Library) writeChanges(ctx context.Context, bulk *search.Bulk, dir string, changes []change, st *ImportStats, progress progressFunc) error {
	done := st.Unchanged
	limit := importBatch
	if progress != nil {
		limit = backgroundBatch
	}
	for len(changes) > 0 {
		n, size := 0, 0
		for n < len(changes) && (n == 0 || size < limit) {
			if changes[n].law != nil {
				size += len(changes[n].law.Articles) + 1
			}
			n++
		}
		batch := changes[:n]
		changes = changes[n:]
		var added, updated, articles int
		err := l.d.Tx(ctx, func(tx *db.Tx) error {
			if err := bulk.PrepareTx(ctx, tx); err != nil {
				return err
			}
			added, updated, articles = 0, 0, 0
			docs := make([]search.Doc, 0, len(batch))
			for _, c := range batch {
				var doc search.Doc
				var err error
				if c.law == nil {
					doc, err = l.restatus(ctx, tx, c.cur)
				} else {
					doc, err = l.write(ctx, tx, c.law, c.cur, c.hash, c.added, c.content)
				}
				if err != nil {
					return err
				}
				docs = append(docs, doc)
				if c.added {
					added++
				} else {
					updated++
				}
				if c.content {
					articles += len(c.law.Articles)
				}
			}
			// The index last and in one call: see search.Index.UpsertMany.
			if err := l.ix.UpsertMany(ctx, tx, docs); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "import", ObjectType: "law",
				Detail: map[string]any{"dir": dir, "added": added, "updated": updated, "articles": articles}})
		})
		if err != nil {
			return err
		}
		st.Added += added
		st.Updated += updated
		st.Articles += articles
		for _, c := range batch {
			if c.law != nil {
				done++
			}
		}
		if progress != nil {
			if err := progress(done, st.Files); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *Library) loadEntries(ctx context.Context) ([]*stored, error) {
	rows, err := l.d.QueryContext(ctx, `SELECT id, path, title, group_key, version, status, repealed_by, repeals, hash FROM laws`)
	if err != nil {
		return nil, fmt.Errorf("读取法规库失败：%w", err)
	}
	defer rows.Close()
	var out []*stored
	for rows.Next() {
		s := &stored{}
		var repeals string
		if err := rows.Scan(&s.id, &s.path, &s.title, &s.key, &s.version, &s.status, &s.repealedBy, &repeals, &s.hash); err != nil {
			return nil, err
		}
		s.repeals = splitLines(repeals)
		out = append(out, s)
	}
	return out, rows.Err()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// write stores one parsed law version (row, articles when the text changed) and returns its
// search entry.
func (l *Library) write(ctx context.Context, tx *db.Tx, law *Law, e *entry, hash string, added, content bool) (search.Doc, error) {
	now := db.Now()
	repeals := strings.Join(e.repeals, "\n")
	var err error
	switch {
	case added:
		err = tx.Exec(ctx, `INSERT INTO laws (id, path, title, subtitle, group_key, category, version, status, repealed_by, repeals, info, preamble, text, articles, hash, imported_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.id, law.Path, law.Title, law.Subtitle, e.key, law.Category, law.Version, e.status, e.repealedBy, repeals,
			law.Info, law.Preamble, law.Text, len(law.Articles), hash, now, now)
	case content:
		err = tx.ExecOne(ctx, `UPDATE laws SET title = ?, subtitle = ?, group_key = ?, category = ?, version = ?, status = ?, repealed_by = ?, repeals = ?,
			info = ?, preamble = ?, text = ?, articles = ?, hash = ?, updated_at = ? WHERE id = ?`,
			law.Title, law.Subtitle, e.key, law.Category, law.Version, e.status, e.repealedBy, repeals,
			law.Info, law.Preamble, law.Text, len(law.Articles), hash, now, e.id)
	default:
		err = tx.ExecOne(ctx, `UPDATE laws SET status = ?, repealed_by = ?, updated_at = ? WHERE id = ?`, e.status, e.repealedBy, now, e.id)
	}
	if err != nil {
		return search.Doc{}, fmt.Errorf("写入法规 %s 失败：%w", law.Path, err)
	}
	if content {
		if !added {
			if err := tx.Exec(ctx, `DELETE FROM law_articles WHERE law_id = ?`, e.id); err != nil {
				return search.Doc{}, err
			}
		}
		if err := insertArticles(ctx, tx, e.id, law.Articles); err != nil {
			return search.Doc{}, fmt.Errorf("写入法规 %s 的条文失败：%w", law.Path, err)
		}
	}
	rec := Record{ID: e.id, Title: law.Title, Subtitle: law.Subtitle, Version: law.Version, Status: e.status, Preamble: law.Preamble}
	return searchDoc(rec, law.Articles), nil
}

// restatus updates a stored law that is not in the imported folder but whose status changed, and
// returns its search entry.
func (l *Library) restatus(ctx context.Context, tx *db.Tx, e *entry) (search.Doc, error) {
	if err := tx.ExecOne(ctx, `UPDATE laws SET status = ?, repealed_by = ?, updated_at = ? WHERE id = ?`, e.status, e.repealedBy, db.Now(), e.id); err != nil {
		return search.Doc{}, err
	}
	rec, arts, err := lawByID(ctx, tx, e.id)
	if err != nil {
		return search.Doc{}, err
	}
	return searchDoc(rec, arts), nil
}

func insertArticles(ctx context.Context, tx *db.Tx, lawID string, arts []Article) error {
	const per = 100
	for start := 0; start < len(arts); start += per {
		b := arts[start:min(start+per, len(arts))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO law_articles (law_id, ord, number, seq, sub, part, chapter, section, text) VALUES `)
		args := make([]any, 0, 9*len(b))
		for i, a := range b {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, lawID, start+i, a.Number, a.Seq, a.Sub, a.Part, a.Chapter, a.Section, a.Text)
		}
		if err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// searchDoc is a law version as the index sees it: one passage per article (PostgreSQL keeps
// positions only up to 16383, and a hit should link to its article), the lead text as the first.
func searchDoc(r Record, arts []Article) search.Doc {
	doc := search.Doc{Kind: search.KindLaw, RefID: r.ID, Title: r.DisplayTitle(), Date: r.Version,
		Status: r.Status, Effective: Effective(r.Version, arts), InForce: r.InForce(), URL: r.URL()}
	if r.Preamble != "" || len(arts) == 0 {
		doc.Parts = append(doc.Parts, search.Part{Text: r.Preamble})
	}
	for _, a := range arts {
		doc.Parts = append(doc.Parts, search.Part{Anchor: a.Anchor(), Label: a.Number, Text: a.Text})
	}
	return doc
}

// ---- reads ----

const recordCols = `id, path, title, subtitle, group_key, category, version, status, repealed_by, repeals, info, preamble, text, articles`

func scanRecord(s interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var repeals string
	err := s.Scan(&r.ID, &r.Path, &r.Title, &r.Subtitle, &r.GroupKey, &r.Category, &r.Version, &r.Status, &r.RepealedBy, &repeals,
		&r.Info, &r.Preamble, &r.Text, &r.Articles)
	r.Repeals = splitLines(repeals)
	return r, err
}

func lawByID(ctx context.Context, q db.Querier, id string) (Record, []Article, error) {
	r, err := scanRecord(q.QueryRowContext(ctx, `SELECT `+recordCols+` FROM laws WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, nil, fmt.Errorf("法规 %s：%w", id, db.ErrNotFound)
	}
	if err != nil {
		return Record{}, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT number, seq, sub, part, chapter, section, text FROM law_articles WHERE law_id = ? ORDER BY ord`, id)
	if err != nil {
		return Record{}, nil, err
	}
	defer rows.Close()
	var arts []Article
	for rows.Next() {
		var a Article
		if err := rows.Scan(&a.Number, &a.Seq, &a.Sub, &a.Part, &a.Chapter, &a.Section, &a.Text); err != nil {
			return Record{}, nil, err
		}
		arts = append(arts, a)
	}
	return r, arts, rows.Err()
}

// Law returns a stored law version with its articles; db.ErrNotFound when there is none.
func (l *Library) Law(ctx context.Context, id string) (Record, []Article, error) {
	return lawByID(ctx, l.d, id)
}

// Version is one entry of a law's version list.
type Version struct {
	ID, Version, Status, Category, Path string
}

// Versions lists the versions of a law (its group), oldest first.
func (l *Library) Versions(ctx context.Context, groupKey string) ([]Version, error) {
	rows, err := l.d.QueryContext(ctx, `SELECT id, version, status, category, path FROM laws WHERE group_key = ? ORDER BY version, path`, groupKey)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.ID, &v.Version, &v.Status, &v.Category, &v.Path); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Category is a folder of the library with its counts.
type Category struct {
	Name          string
	Laws, InForce int
}

// Categories lists the folders of the library.
func (l *Library) Categories(ctx context.Context) ([]Category, error) {
	rows, err := l.d.QueryContext(ctx, `SELECT category, COUNT(*), SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) FROM laws GROUP BY category ORDER BY category`, StatusInForce)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Name, &c.Laws, &c.InForce); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListOptions filter the browse list.
type ListOptions struct {
	Category string // exact folder, or "" for all
	Status   string
	Title    string // part of the title
	Limit    int
	Offset   int
}

// Summary is a law version in a list.
type Summary struct {
	ID, Title, Subtitle, Category, Version, Status string
	Articles                                       int
}

// DisplayTitle is the title with the part of a code.
func (s Summary) DisplayTitle() string {
	if s.Subtitle != "" {
		return s.Title + " " + s.Subtitle
	}
	return s.Title
}

// List returns a page of law versions ordered by title and version (newest first) and the total.
func (l *Library) List(ctx context.Context, o ListOptions) ([]Summary, int, error) {
	where := []string{"1 = 1"}
	var args []any
	if o.Category != "" {
		where = append(where, `(category = ? OR category LIKE ? ESCAPE '\')`)
		args = append(args, o.Category, db.EscapeLike(o.Category)+"/%")
	}
	if o.Status != "" {
		where = append(where, "status = ?")
		args = append(args, o.Status)
	}
	if o.Title != "" {
		where = append(where, `title LIKE ? ESCAPE '\'`)
		args = append(args, "%"+db.EscapeLike(o.Title)+"%")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := l.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM laws WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if o.Limit <= 0 {
		o.Limit = 50
	}
	rows, err := l.d.QueryContext(ctx, `SELECT id, title, subtitle, category, version, status, articles FROM laws WHERE `+w+
		` ORDER BY title, subtitle, version DESC, path LIMIT ? OFFSET ?`, append(args, o.Limit, o.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.ID, &s.Title, &s.Subtitle, &s.Category, &s.Version, &s.Status, &s.Articles); err != nil {
			return nil, 0, err
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

// ArticleRef is a resolved citation.
type ArticleRef struct {
	LawID, Title, Version, Status string
	Number                        string // 第三十条
	Seq                           int
	Text                          string
	URL                           string // /public/laws/{id}#a30
}

// FindArticle resolves a citation such as (《行政复议法》, 30): the title may omit 中华人民共和国 and
// the book-title marks; the version in force is used (else the latest). For a code split into parts
// (民法典) the part holding the article is found. db.ErrNotFound when the law or the article is not in
// the library.
func (l *Library) FindArticle(ctx context.Context, title string, seq int) (ArticleRef, error) {
	t := strings.TrimSpace(title)
	t = strings.TrimSuffix(strings.TrimPrefix(t, "《"), "》")
	var ref ArticleRef
	var subtitle string
	err := l.d.QueryRowContext(ctx, `SELECT l.id, l.title, l.subtitle, l.version, l.status, a.number, a.text
		FROM laws l JOIN law_articles a ON a.law_id = l.id
		WHERE l.title IN (?, ?) AND a.seq = ? AND a.sub = 0
		ORDER BY CASE WHEN l.status = ? THEN 0 ELSE 1 END, l.version DESC, l.path LIMIT 1`,
		t, "中华人民共和国"+t, seq, StatusInForce).Scan(&ref.LawID, &ref.Title, &subtitle, &ref.Version, &ref.Status, &ref.Number, &ref.Text)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := l.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM laws WHERE title IN (?, ?)`, t, "中华人民共和国"+t).Scan(&n); err != nil {
			return ArticleRef{}, err
		}
		if n == 0 {
			return ArticleRef{}, fmt.Errorf("法规库中没有《%s》：%w", t, db.ErrNotFound)
		}
		return ArticleRef{}, fmt.Errorf("《%s》没有第%d条：%w", t, seq, db.ErrNotFound)
	}
	if err != nil {
		return ArticleRef{}, err
	}
	if subtitle != "" {
		ref.Title += " " + subtitle
	}
	ref.Seq = seq
	ref.URL = ArticleURL(ref.LawID, seq)
	return ref, nil
}
