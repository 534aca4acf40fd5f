package search

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/db"
)

// Kinds of indexed documents.
const (
	KindLaw     = "law"     // a version of a law in the reference library (internal/lawlib)
	KindNormdoc = "normdoc" // a published normative document (internal/normdoc)
)

// Doc is what a module hands to the index. Body is split into passages of at most MaxPartRunes
// characters at line breaks; Parts, when set, replaces Body (lawlib passes one part per article so a
// hit links to the article).
type Doc struct {
	Kind    string // KindLaw or KindNormdoc
	RefID   string // the module's id; (Kind, RefID) is the key
	Title   string
	Body    string
	OrganID string
	Organ   string
	Number  string // 文号
	Date    string // YYYY-MM-DD: publication date, or the version date of a law
	Status  string // 有效 / 已修订 / 已修改 / 废止 / 失效
	// Effective is the day the document takes effect (YYYY-MM-DD, "" unknown): before it, readers
	// see 尚未施行 (StatusOn).
	Effective string
	InForce   bool
	URL       string
	Parts     []Part
}

// Part is one passage found and shown on its own: an article of a law, a chunk of a long document.
type Part struct {
	Anchor string // fragment of the hit URL without '#', e.g. a30; "" links to the document
	Label  string // shown before the snippet, e.g. 第三十条
	Text   string
}

// MaxPartRunes bounds a passage. PostgreSQL keeps token positions only up to 16383, and a passage
// produces at most ~1.3 tokens per character, so phrases stay exact in every passage.
const MaxPartRunes = 10000

// maxParts is the passage number space of one document (16 bits of the passage id).
const maxParts = 1 << 16

// Index is the full-text index of laws and normative documents, kept in the application database
// (SQLite FTS5 or PostgreSQL tsvector/GIN; see doc.go).
type Index struct {
	d   *db.DB
	eng engine

	windowRows, countRows, titleRows, maxWindowRows int // see the constants of the same names; tests shrink them

	facetMu sync.Mutex
	facets  *facets
}

// NewIndex returns the index over d (its tables come with migration 0005).
func NewIndex(d *db.DB) *Index {
	ix := &Index{d: d, windowRows: windowRows, countRows: countRows, titleRows: titleRows, maxWindowRows: maxWindowRows}
	if d.Dialect == db.Postgres {
		ix.eng = &pgEngine{}
	} else {
		ix.eng = sqliteEngine{}
	}
	return ix
}

// DB is the database the index lives in.
func (ix *Index) DB() *db.DB { return ix.d }

// Passage ids carry the in-force tier, the kind and the document, so the engines can order and
// split candidates (SQLite: a rowid range per kind and tier, newest document first inside it) and
// count documents without reading any table:
//
//	id = inForce<<51 | kind<<49 | docSerial<<16 | passage
const (
	tierBit   = int64(1) << 51
	kindShift = 49
	docShift  = 16
	docMask   = int64(1)<<33 - 1
)

// kinds lists the kinds in their id order (code = position + 1); Upsert refuses others.
var kinds = []string{KindLaw, KindNormdoc}

func kindCode(kind string) int64 { return int64(slices.Index(kinds, kind) + 1) }

func partID(doc int64, inForce bool, kind string, seq int) int64 {
	id := kindCode(kind)<<kindShift | doc<<docShift | int64(seq)
	if inForce {
		id |= tierBit
	}
	return id
}

// idRange is the half-open range of passage ids of a kind and tier.
func idRange(kind string, inForce bool) (lo, hi int64) {
	lo = kindCode(kind) << kindShift
	hi = lo + 1<<kindShift
	if inForce {
		lo, hi = lo|tierBit, hi|tierBit
	}
	return lo, hi
}

func docOf(partID int64) int64    { return partID >> docShift & docMask }
func inForceOf(partID int64) bool { return partID&tierBit != 0 }

// Upsert adds or replaces the document (Kind, RefID) inside tx. An unchanged document is left alone.
func (ix *Index) Upsert(ctx context.Context, tx *db.Tx, doc Doc) error {
	return ix.UpsertMany(ctx, tx, []Doc{doc})
}

// UpsertMany is Upsert for several documents, for bulk loads: all full-text rows are written last,
// together and in ascending id order. SQLite's FTS5 flushes its pending tokens into a new index
// segment when a multi-row write statement opens a savepoint in the transaction, or when a rowid is
// not above the previous one; interleaving documents with the other tables would create one small
// segment per document, and merging them took a third of the law import.
func (ix *Index) UpsertMany(ctx context.Context, tx *db.Tx, docs []Doc) error {
	// The last of several entries for one document wins, as if they were upserted in turn.
	last := map[[2]string]int{}
	for i, doc := range docs {
		last[[2]string{doc.Kind, doc.RefID}] = i
	}
	var rows []ftsRow
	for i, doc := range docs {
		if last[[2]string{doc.Kind, doc.RefID}] != i {
			continue
		}
		r, err := ix.prepare(ctx, tx, doc)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	if len(rows) == 0 {
		return nil
	}
	tokenize(rows)
	// Ascending ids: FTS5 also flushes whenever a rowid is not above the previous one.
	slices.SortFunc(rows, func(a, b ftsRow) int { return cmp.Compare(a.id, b.id) })
	if err := insertParts(ctx, tx, rows); err != nil {
		return err
	}
	if err := ix.eng.insert(ctx, tx, rows); err != nil {
		return fmt.Errorf("写入全文索引失败：%w", err)
	}
	tx.AfterCommit(ix.dropFacets)
	return nil
}

// tokenize fills in the body tokens, on every core for a bulk load.
func tokenize(rows []ftsRow) {
	workers := min(runtime.GOMAXPROCS(0), len(rows)/500+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(rows); i += workers {
				rows[i].body = TokenString(rows[i].part.Text)
			}
		}()
	}
	wg.Wait()
}

// prepare writes the document row (removing the passages of a changed document) and returns the
// passages to insert; none when the document has not changed.
func (ix *Index) prepare(ctx context.Context, tx *db.Tx, doc Doc) ([]ftsRow, error) {
	if err := doc.validate(); err != nil {
		return nil, err
	}
	parts, err := doc.passages()
	if err != nil {
		return nil, err
	}
	sum := doc.hash(parts)
	year := doc.year()
	now := db.Now()

	var id int64
	var old string
	err = tx.QueryRowContext(ctx, `SELECT id, hash FROM search_docs WHERE kind = ? AND ref_id = ?`, doc.Kind, doc.RefID).Scan(&id, &old)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO search_docs (kind, ref_id, title, organ_id, organ, number, date, year, status, in_force, url, hash, parts, updated_at, effective)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			doc.Kind, doc.RefID, doc.Title, doc.OrganID, doc.Organ, doc.Number, doc.Date, year, doc.Status, db.BoolInt(doc.InForce), doc.URL, sum, len(parts), now, doc.Effective).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("写入检索索引失败：%w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("读取检索索引失败：%w", err)
	case old == sum:
		return nil, nil
	default:
		if err := ix.deleteParts(ctx, tx, id); err != nil {
			return nil, err
		}
		if err := tx.Exec(ctx, `UPDATE search_docs SET title = ?, organ_id = ?, organ = ?, number = ?, date = ?, year = ?, status = ?, in_force = ?, url = ?, hash = ?, parts = ?, updated_at = ?, effective = ? WHERE id = ?`,
			doc.Title, doc.OrganID, doc.Organ, doc.Number, doc.Date, year, doc.Status, db.BoolInt(doc.InForce), doc.URL, sum, len(parts), now, doc.Effective, id); err != nil {
			return nil, fmt.Errorf("更新检索索引失败：%w", err)
		}
	}
	if id <= 0 || id > docMask {
		return nil, fmt.Errorf("检索索引文档编号超出范围：%d", id)
	}
	rows := make([]ftsRow, len(parts))
	title := TokenString(doc.Title)
	meta := doc.meta()
	for i, p := range parts {
		rows[i] = ftsRow{id: partID(id, doc.InForce, doc.Kind, i), doc: id, seq: i, part: p, title: title, meta: meta}
	}
	return rows, nil
}

// Delete removes the document (Kind, RefID) from the index; a missing one is not an error.
func (ix *Index) Delete(ctx context.Context, tx *db.Tx, kind, refID string) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM search_docs WHERE kind = ? AND ref_id = ?`, kind, refID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("读取检索索引失败：%w", err)
	}
	if err := ix.deleteParts(ctx, tx, id); err != nil {
		return err
	}
	if err := tx.Exec(ctx, `DELETE FROM search_docs WHERE id = ?`, id); err != nil {
		return fmt.Errorf("删除检索索引失败：%w", err)
	}
	tx.AfterCommit(ix.dropFacets)
	return nil
}

func (ix *Index) deleteParts(ctx context.Context, tx *db.Tx, doc int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM search_parts WHERE doc_id = ?`, doc)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := ix.eng.delete(ctx, tx, ids); err != nil {
		return fmt.Errorf("删除全文索引失败：%w", err)
	}
	return tx.Exec(ctx, `DELETE FROM search_parts WHERE doc_id = ?`, doc)
}

// ftsRow is one passage on its way into the tables.
type ftsRow struct {
	id, doc           int64
	seq               int
	part              Part
	title, body, meta string // token strings
}

// insertBatch is the number of rows per multi-row INSERT: one round trip and one statement
// preparation per batch instead of per row (the import writes ~65,000 passages).
const insertBatch = 100

func insertParts(ctx context.Context, tx *db.Tx, rows []ftsRow) error {
	return batched(rows, func(b []ftsRow) error {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO search_parts (id, doc_id, seq, anchor, label, text) VALUES `)
		args := make([]any, 0, 6*len(b))
		for i, r := range b {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, r.id, r.doc, r.seq, r.part.Anchor, r.part.Label, r.part.Text)
		}
		if err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("写入检索段落失败：%w", err)
		}
		return nil
	})
}

func batched(rows []ftsRow, f func([]ftsRow) error) error {
	for len(rows) > 0 {
		n := min(len(rows), insertBatch)
		if err := f(rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (doc Doc) validate() error {
	if !slices.Contains(kinds, doc.Kind) {
		return fmt.Errorf("检索索引：文档类型 %q 无效", doc.Kind)
	}
	if doc.RefID == "" {
		return errors.New("检索索引：缺少文档编号")
	}
	if doc.Date != "" {
		if _, err := time.Parse(time.DateOnly, doc.Date); err != nil {
			return fmt.Errorf("检索索引：日期 %q 应为 YYYY-MM-DD", doc.Date)
		}
	}
	return nil
}

func (doc Doc) year() int {
	if len(doc.Date) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(doc.Date[:4])
	return y
}

// passages returns the parts to index: Parts as given (long ones split), or Body split; always at
// least one, so a document without text is still found by its title.
func (doc Doc) passages() ([]Part, error) {
	src := doc.Parts
	if len(src) == 0 {
		src = []Part{{Text: doc.Body}}
	}
	var out []Part
	for _, p := range src {
		if utf8.RuneCountInString(p.Text) <= MaxPartRunes {
			out = append(out, p)
			continue
		}
		for i, chunk := range splitText(p.Text, MaxPartRunes) {
			q := p
			q.Text = chunk
			if i > 0 {
				q.Label = ""
			}
			out = append(out, q)
		}
	}
	if len(out) > maxParts {
		return nil, fmt.Errorf("检索索引：文档 %s 的段落超过 %d 个", doc.RefID, maxParts)
	}
	return out, nil
}

// splitText cuts text into chunks of at most max runes, at line breaks where possible, else after a
// full stop, else anywhere. Neither a line break nor 。 can be inside a matched term (both end a
// token run), so only the hard cut of a very long unpunctuated line can split a phrase.
func splitText(text string, max int) []string {
	var out []string
	for text != "" {
		if utf8.RuneCountInString(text) <= max {
			out = append(out, text)
			break
		}
		limit := byteOffset(text, max)
		cut := strings.LastIndexByte(text[:limit], '\n')
		if cut <= 0 {
			if i := strings.LastIndex(text[:limit], "。"); i > 0 {
				cut = i + len("。")
			}
		} else {
			cut++
		}
		if cut <= 0 {
			cut = limit
		}
		out = append(out, text[:cut])
		text = text[cut:]
	}
	return out
}

func byteOffset(s string, runes int) int {
	n := 0
	for i := range s {
		if n == runes {
			return i
		}
		n++
	}
	return len(s)
}

func (doc Doc) hash(parts []Part) string {
	h := sha256.New()
	var n [8]byte
	put := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, s := range []string{doc.Title, doc.OrganID, doc.Organ, doc.Number, doc.Date, doc.Status, strconv.FormatBool(doc.InForce), doc.URL, doc.Effective} {
		put(s)
	}
	for _, p := range parts {
		put(p.Anchor)
		put(p.Label)
		put(p.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Filters travel as tokens of a third column (FTS5) or weight-D lexemes (PostgreSQL), so the
// engine intersects them with the query inside the index. Values are hex-encoded: one token of
// letters and digits on both engines whatever the value.
func metaKind(kind string) string     { return "xk" + kind }
func metaStatus(status string) string { return "xs" + hex.EncodeToString([]byte(status)) }
func metaOrgan(organID string) string { return "xo" + hex.EncodeToString([]byte(organID)) }
func metaYear(year int) string        { return "xy" + strconv.Itoa(year) }
func metaInForce(in bool) string {
	if in {
		return "xf1"
	}
	return "xf0"
}

func (doc Doc) meta() string {
	m := []string{metaKind(doc.Kind), metaStatus(doc.Status), metaInForce(doc.InForce), metaYear(doc.year())}
	if doc.OrganID != "" {
		m = append(m, metaOrgan(doc.OrganID))
	}
	return strings.Join(m, " ")
}

// ftsTables are the engine-specific full-text tables (FTS5 tables, or tables with a GIN index named
// TABLE_tsv).
var ftsTables = []string{"search_fts", "search_title_fts"}

// Bulk is a large load in progress (see BeginBulk).
type Bulk struct {
	ix *Index
}

// BeginBulk prepares the index for a large load such as the law import. Call PrepareTx at the start
// of each of the load's transactions and Finish after the last one, also after a failure.
//
// On SQLite the load runs without automatic merging, which would rewrite the growing index several
// times, and Finish merges it once into a single segment. On PostgreSQL Finish moves the GIN pending
// list into the index and refreshes the planner statistics. (A larger pending list during the load
// was measured: no faster, the entries are then written twice.)
func (ix *Index) BeginBulk(ctx context.Context) (*Bulk, error) {
	if ix.d.Dialect == db.SQLite {
		err := ix.d.Tx(ctx, func(tx *db.Tx) error {
			for _, t := range ftsTables {
				if err := tx.Exec(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('automerge', 0)`); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("准备全文索引失败：%w", err)
		}
	}
	return &Bulk{ix: ix}, nil
}

// PrepareTx sets up one transaction of the load. The load can be re-run, so on PostgreSQL its
// commits need not wait for the WAL flush.
func (b *Bulk) PrepareTx(ctx context.Context, tx *db.Tx) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	return tx.Exec(ctx, `SET LOCAL synchronous_commit = off`)
}

// Finish ends the load and reorganises the index.
func (b *Bulk) Finish(ctx context.Context) error {
	d := b.ix.d
	var err error
	if d.Dialect == db.Postgres {
		err = d.Tx(ctx, func(tx *db.Tx) error {
			for _, t := range ftsTables {
				if err := tx.Exec(ctx, `SELECT gin_clean_pending_list('`+t+`_tsv'::regclass)`); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = d.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `ANALYZE search_fts, search_title_fts`) })
		}
	} else {
		err = d.Tx(ctx, func(tx *db.Tx) error {
			for _, t := range ftsTables {
				if err := tx.Exec(ctx, `INSERT INTO `+t+` (`+t+`, rank) VALUES ('automerge', 4)`); err != nil {
					return err
				}
				if err := tx.Exec(ctx, `INSERT INTO `+t+` (`+t+`) VALUES ('optimize')`); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("整理全文索引失败：%w", err)
	}
	return nil
}
