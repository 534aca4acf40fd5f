package admin

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// tokenView is an API token with its account's name.
type tokenView struct {
	auth.Token
	Username string
}

// systemAccount is a system account with its tokens.
type systemAccount struct {
	userView
	Tokens []tokenView
	// NoHomeRole: a bearer token acts for the account's own organ, so roles held elsewhere give it nothing.
	NoHomeRole bool
}

func (m *Module) tokenPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderTokens(w, r, http.StatusOK, "", nil)
}

func (m *Module) renderTokens(w http.ResponseWriter, r *http.Request, status int, issued string, fe *web.FormError) error {
	p := auth.From(r.Context())
	users, err := m.users(r, p, nil)
	if err != nil {
		return err
	}
	tokens, err := m.Auth.Tokens(r.Context(), rootPath(p))
	if err != nil {
		return err
	}
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return err
	}
	byUser := map[string][]tokenView{}
	for _, t := range tokens {
		byUser[t.UserID] = append(byUser[t.UserID], tokenView{Token: t})
	}
	var accounts []systemAccount
	now := time.Now()
	for _, u := range users {
		if !u.SystemAccount {
			continue
		}
		a := systemAccount{userView: m.view(u, depts, now), Tokens: byUser[u.ID], NoHomeRole: true}
		for _, ms := range u.Memberships {
			if ms.OrganID == u.OrganID {
				a.NoHomeRole = false
			}
		}
		for i := range a.Tokens {
			a.Tokens[i].Username = u.Username
		}
		accounts = append(accounts, a)
	}
	return m.render(w, r, "tokens", status, "API 令牌", map[string]any{"Accounts": accounts, "Issued": issued}, fe)
}

func (m *Module) tokenIssue(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.ParseForm()
	fe := &web.FormError{Values: r.PostForm}
	userID := r.PostForm.Get("user")
	name := strings.TrimSpace(r.PostForm.Get("name"))
	u, err := m.Auth.User(r.Context(), userID)
	switch {
	case errors.Is(err, db.ErrNotFound) || userID == "" || (err == nil && !m.manages(p, u.OrganID)):
		fe.Add("user", "请选择您管理范围内的系统账户")
	case err != nil:
		return err
	case !u.SystemAccount:
		fe.Add("user", "只能为系统账户签发令牌；工作人员请使用账号密码登录")
	case u.Disabled:
		fe.Add("user", "该系统账户已停用")
	}
	if name == "" {
		fe.Add("name", "请填写令牌用途，如“省政务服务平台对接”")
	} else if tooLong(name, 60) {
		fe.Add("name", "用途不能超过60个字")
	}
	if fe.Err() != nil {
		return m.renderTokens(w, r, http.StatusUnprocessableEntity, "", fe)
	}
	tok, err := m.Auth.IssueToken(r.Context(), u.ID, name)
	if err != nil {
		return err
	}
	// Rendered, not redirected: the token must never appear in a URL or a log line.
	return m.renderTokens(w, r, http.StatusOK, tok, nil)
}

func (m *Module) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	t, err := m.Auth.TokenByID(r.Context(), r.PathValue("id"))
	if errors.Is(err, db.ErrNotFound) {
		return web.NotFound("API 令牌")
	} else if err != nil {
		return err
	}
	u, err := m.Auth.User(r.Context(), t.UserID)
	if err != nil || !m.manages(p, u.OrganID) {
		return web.NotFound("API 令牌")
	}
	if ok, err := m.confirmed(w, r, "吊销令牌“"+t.Name+"”（"+u.Username+"）后，使用该令牌的系统将立即无法调用接口，令牌不能恢复。确定吊销？", "吊销令牌", "/admin/tokens"); !ok {
		return err
	}
	if err := m.Auth.RevokeToken(r.Context(), t.ID); err != nil {
		return err
	}
	return redirect(w, r, "/admin/tokens", "已吊销令牌“"+t.Name+"”（"+u.Username+"）")
}
