package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"sort"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// IdempotencyHeader names the key a client sends with a POST so that a retry is answered with the
// first answer instead of writing again (the header's IETF draft name).
const IdempotencyHeader = "Idempotency-Key"

// ReplayedHeader marks a replayed answer.
const ReplayedHeader = "Idempotent-Replayed"

const (
	idemTTL       = 24 * time.Hour // how long a key is remembered
	idemPoll      = 50 * time.Millisecond
	maxHashedBody = 8 << 20 // a JSON body past this fails to decode anyway; the rest is not hashed
)

// idemWait is how long a duplicate waits for the first request with its key before 409.
var idemWait = 5 * time.Second

// Idempotency installs the idempotency keys on every POST under /api/v1 of app (Register calls it).
//
// A POST with Idempotency-Key from a signed-in account reserves (account, key) in
// idempotency_keys before the handler runs; the first 2xx answer (status, Location, Content-Type,
// body) is stored and replayed to a retry with the same method, path and body within 24 hours.
// The same key with another method, path or body is 422. A duplicate arriving while the first
// still runs waits for it (up to idemWait), then gets 409. A failed first request releases the
// key, so a retry runs again (its transaction rolled back: nothing was written). Anonymous calls
// and calls without the header run as before.
func Idempotency(app *web.App) {
	// A reservation older than the longest request deadline belongs to a request that died
	// between its commit and storing its answer; a retry may then run again.
	stale := app.LongestTimeout() + time.Minute
	app.WrapAPIPosts(func(_ web.Route, h web.HandlerFunc) web.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			key := r.Header.Get(IdempotencyHeader)
			p := auth.From(r.Context())
			if key == "" || p == nil {
				return h(w, r)
			}
			if !validKey(key) {
				return web.Errorf(http.StatusUnprocessableEntity, "请求头 Idempotency-Key 须为 1 至 255 个可见 ASCII 字符（建议使用 UUID）")
			}
			fp, err := fingerprint(r)
			if err != nil {
				return err
			}
			k := idemRow{userID: p.UserID, key: key, method: r.Method, path: r.URL.Path, fingerprint: fp}
			return k.serve(app.DB, stale, w, r, h)
		}
	})
}

type idemRow struct {
	userID, key, method, path, fingerprint string
	status                                 int
	location, contentType, body            string
}

func (k idemRow) serve(d *db.DB, stale time.Duration, w http.ResponseWriter, r *http.Request, h web.HandlerFunc) error {
	ctx := r.Context()
	giveUp := time.Now().Add(idemWait)
	for {
		mine, err := k.reserve(ctx, d, stale)
		if err != nil {
			return err
		}
		if mine {
			return k.run(d, w, r, h)
		}
		first, err := k.load(ctx, d)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the first request failed and released the key: this one runs
		}
		if err != nil {
			return err
		}
		if first.method != k.method || first.path != k.path || first.fingerprint != k.fingerprint {
			return web.Errorf(http.StatusUnprocessableEntity, fmt.Sprintf("幂等键 %q 已用于另一请求（%s %s，或请求体不同）；重试时请求须与首次完全相同，新的请求请使用新的幂等键", k.key, first.method, first.path))
		}
		if first.status != 0 {
			return first.replay(w)
		}
		if time.Now().After(giveUp) {
			return web.Errorf(http.StatusConflict, "使用同一幂等键的请求仍在处理中，请稍后重试")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(idemPoll):
		}
	}
}

// reserve prunes expired keys and this key's abandoned reservation, then claims the key; false
// when another request holds it.
func (k idemRow) reserve(ctx context.Context, d *db.DB, stale time.Duration) (bool, error) {
	var mine bool
	err := d.Tx(ctx, func(tx *db.Tx) error {
		now := time.Now()
		if err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, db.Timestamp(now.Add(-idemTTL))); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND status = 0 AND created_at < ?`,
			k.userID, k.key, db.Timestamp(now.Add(-stale))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key, method, path, fingerprint, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, idem_key) DO NOTHING`,
			k.userID, k.key, k.method, k.path, k.fingerprint, db.Timestamp(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		mine = n == 1
		return err
	})
	return mine, err
}

func (k idemRow) load(ctx context.Context, d *db.DB) (idemRow, error) {
	out := idemRow{userID: k.userID, key: k.key}
	err := d.QueryRowContext(ctx, `SELECT method, path, fingerprint, status, location, content_type, body
		FROM idempotency_keys WHERE user_id = ? AND idem_key = ?`, k.userID, k.key).
		Scan(&out.method, &out.path, &out.fingerprint, &out.status, &out.location, &out.contentType, &out.body)
	return out, err
}

// run calls the handler holding the key and stores a 2xx answer; any other outcome releases the key.
func (k idemRow) run(d *db.DB, w http.ResponseWriter, r *http.Request, h web.HandlerFunc) (err error) {
	// The request's deadline may have passed by now; the bookkeeping gets its own.
	bg, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 10*time.Second)
	defer cancel()
	stored := false
	defer func() {
		if !stored {
			if derr := d.Tx(bg, func(tx *db.Tx) error {
				return tx.Exec(bg, `DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND status = 0`, k.userID, k.key)
			}); derr != nil {
				slog.Error("idempotency key not released", "err", derr)
			}
		}
	}()
	rec := &recorder{ResponseWriter: w}
	if err = h(rec, r); err != nil {
		return err
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if status/100 != 2 {
		return nil
	}
	hdr := w.Header()
	serr := d.Tx(bg, func(tx *db.Tx) error {
		return tx.ExecOne(bg, `UPDATE idempotency_keys SET status = ?, location = ?, content_type = ?, body = ?
			WHERE user_id = ? AND idem_key = ? AND status = 0`, status, hdr.Get("Location"), hdr.Get("Content-Type"),
			base64.StdEncoding.EncodeToString(rec.body.Bytes()), k.userID, k.key)
	})
	if serr != nil {
		// The answer went out; leave the reservation, so a retry waits and then 409s until it is stale
		// rather than writing a second time.
		slog.Error("idempotency answer not stored", "err", serr)
	}
	stored = true
	return nil
}

func (k idemRow) replay(w http.ResponseWriter) error {
	body, err := base64.StdEncoding.DecodeString(k.body)
	if err != nil {
		return err
	}
	if k.contentType != "" {
		w.Header().Set("Content-Type", k.contentType)
	}
	if k.location != "" {
		w.Header().Set("Location", k.location)
	}
	w.Header().Set(ReplayedHeader, "true")
	w.WriteHeader(k.status)
	_, err = w.Write(body)
	return err
}

// recorder passes the answer through and keeps a copy.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func validKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return k != ""
}

// fingerprint hashes the request body: a JSON (or other) body as sent, a form by its fields
// (sorted, the CSRF token left out) and uploaded files by name and content, since the shell has
// already parsed a session's form.
func fingerprint(r *http.Request) (string, error) {
	h := sha256.New()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data", "application/x-www-form-urlencoded":
		var err error
		if mt == "multipart/form-data" {
			err = r.ParseMultipartForm(32 << 20) // a no-op when the shell parsed it
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return "", web.Errorf(http.StatusUnprocessableEntity, "提交的表单无法读取")
		}
		keys := make([]string, 0, len(r.PostForm))
		for name := range r.PostForm {
			if name != "csrf" {
				keys = append(keys, name)
			}
		}
		sort.Strings(keys)
		for _, name := range keys {
			hashField(h, "v", name)
			for _, v := range r.PostForm[name] {
				hashField(h, "=", v)
			}
		}
		if r.MultipartForm != nil {
			names := make([]string, 0, len(r.MultipartForm.File))
			for name := range r.MultipartForm.File {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				hashField(h, "f", name)
				for _, fh := range r.MultipartForm.File[name] {
					hashField(h, "=", fh.Filename)
					f, err := fh.Open()
					if err != nil {
						return "", err
					}
					_, err = io.Copy(h, f)
					f.Close()
					if err != nil {
						return "", err
					}
				}
			}
		}
	default:
		b, err := io.ReadAll(io.LimitReader(r.Body, maxHashedBody))
		if err != nil {
			return "", web.Errorf(http.StatusBadRequest, "请求体读取失败")
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashField writes a length-prefixed value, so that fields cannot run into each other.
func hashField(h hash.Hash, tag, s string) { fmt.Fprintf(h, "%s%d:%s", tag, len(s), s) }
