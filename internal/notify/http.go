package notify

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

const pageSize = 30

// Register adds the message centre (/messages, every signed-in user, own messages only) and the
// header badge.
func (s *Service) Register(app *web.App) {
	app.GET("/messages", auth.PermLogin, func(w http.ResponseWriter, r *http.Request) error {
		p := auth.From(r.Context())
		unreadOnly := r.URL.Query().Get("unread") == "1"
		page, limit, offset := web.Paging(r.URL.Query(), pageSize)
		list, total, err := s.List(r.Context(), p.UserID, unreadOnly, limit, offset)
		if err != nil {
			return err
		}
		unread, err := s.Unread(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		filter := ""
		if unreadOnly {
			filter = "&unread=1"
		}
		d := map[string]any{"Messages": list, "Total": total, "Unread": unread, "UnreadOnly": unreadOnly, "Page": page}
		if page > 1 {
			d["PrevURL"] = fmt.Sprintf("/messages?page=%d%s", page-1, filter)
		}
		if offset+len(list) < total {
			d["NextURL"] = fmt.Sprintf("/messages?page=%d%s", page+1, filter)
		}
		return app.Render(w, r, pages, "messages", http.StatusOK, "消息", d, nil)
	})
	// Mark one read; with open=1 go on to what the message is about.
	app.POST("/messages/{id}/read", auth.PermLogin, func(w http.ResponseWriter, r *http.Request) error {
		m, err := s.MarkRead(r.Context(), auth.From(r.Context()).UserID, r.PathValue("id"))
		if err != nil {
			return err
		}
		to := "/messages"
		if r.FormValue("open") == "1" && safeURL(m.URL) {
			to = m.URL
		} else if r.FormValue("unread") == "1" {
			to += "?unread=1"
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	})
	app.POST("/messages/read-all", auth.PermLogin, func(w http.ResponseWriter, r *http.Request) error {
		n, err := s.MarkAllRead(r.Context(), auth.From(r.Context()).UserID)
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/messages?flash="+url.QueryEscape(fmt.Sprintf("已将 %d 条消息标为已读", n)), http.StatusSeeOther)
		return nil
	})
	app.Inbox("/messages", s.UnreadFor)
	// The outbox, for the system administrator: addresses masked, texts as sent (they carry no
	// query code or ID number, only receipt numbers and case numbers).
	app.GET("/admin/outbox", auth.PermUserAdmin, s.outboxPage(app))
	app.Menu(web.MenuItem{Group: "管理", Title: "短信、邮件通知", URL: "/admin/outbox", Perm: auth.PermUserAdmin, Order: 961})
}

type outboxFilter struct {
	Label, URL string
	On         bool
}

func (s *Service) outboxPage(app *web.App) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		status := r.URL.Query().Get("status")
		if (Notice{Status: status}).StatusLabel() == "" {
			status = ""
		}
		page, limit, offset := web.Paging(r.URL.Query(), pageSize)
		list, total, err := s.Outbox(r.Context(), status, limit, offset)
		if err != nil {
			return err
		}
		filters := []outboxFilter{{Label: "全部", URL: "/admin/outbox", On: status == ""}}
		for _, st := range []string{OutPending, OutSent, OutHeld, OutFailed} {
			filters = append(filters, outboxFilter{Label: Notice{Status: st}.StatusLabel(), URL: "/admin/outbox?status=" + st, On: status == st})
		}
		q := ""
		if status != "" {
			q = "&status=" + status
		}
		d := map[string]any{"Notices": list, "Total": total, "Page": page, "Filters": filters, "Max": MaxAttempts,
			"SMS": s.gateways[ChannelSMS] != nil, "Mail": s.gateways[ChannelEmail] != nil}
		if page > 1 {
			d["PrevURL"] = fmt.Sprintf("/admin/outbox?page=%d%s", page-1, q)
		}
		if offset+len(list) < total {
			d["NextURL"] = fmt.Sprintf("/admin/outbox?page=%d%s", page+1, q)
		}
		return app.Render(w, r, pages, "outbox", http.StatusOK, "短信、邮件通知", d, nil)
	}
}

// When is the posting time in Beijing time, for the list.
func (m Message) When() string { return web.LocalTime(db.Timestamp(m.CreatedAt)) }
