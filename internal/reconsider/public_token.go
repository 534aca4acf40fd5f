package reconsider

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/fault"
)

// The public pages after a POST are reached by a signed link (Post/Redirect/Get): a refresh
// shows the page again instead of sending the form again. A link names the case, its expiry and
// is bound to the query code's hash, so a code staff re-issue ends every link of the old one.
const (
	receiptLinkTTL  = 30 * time.Minute // the receipt with the query code: long enough to copy it
	progressLinkTTL = 2 * time.Hour
)

func (s *Service) linkMAC(purpose, caseID, exp, bind string) string {
	return s.cipher.BlindIndex("reconsider-link|" + purpose + "|" + caseID + "|" + exp + "|" + bind)[:32]
}

// publicLink signs a link to the public page purpose for the case.
func (s *Service) publicLink(ctx context.Context, purpose, caseID string, ttl time.Duration) (string, error) {
	bind, err := s.codeHash(ctx, caseID)
	if err != nil {
		return "", err
	}
	exp := strconv.FormatInt(time.Now().Add(ttl).Unix(), 36)
	return caseID + "." + exp + "." + s.linkMAC(purpose, caseID, exp, bind), nil
}

// errLinkExpired: the link was genuine once but has run out or its code was re-issued.
var errLinkExpired = fault.NotFoundf("该页面链接已失效，请凭收件编号和查询码重新查询")

// openLink checks a signed link and returns its case ID.
func (s *Service) openLink(ctx context.Context, purpose, t string) (string, error) {
	parts := strings.Split(t, ".")
	if len(parts) != 3 {
		return "", errLinkExpired
	}
	id, exp, mac := parts[0], parts[1], parts[2]
	n, err := strconv.ParseInt(exp, 36, 64)
	if err != nil || time.Now().Unix() > n {
		return "", errLinkExpired
	}
	bind, err := s.codeHash(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errLinkExpired
	} else if err != nil {
		return "", err
	}
	if !hmac.Equal([]byte(mac), []byte(s.linkMAC(purpose, id, exp, bind))) {
		return "", errLinkExpired
	}
	return id, nil
}

func (s *Service) codeHash(ctx context.Context, caseID string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT query_code_hash FROM reconsider_cases WHERE id = ?`, caseID).Scan(&h)
	return h, err
}
