// Package cli is the composition root: it reads the configuration, opens the database and
// wires every service and module explicitly. Nothing else constructs services.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
)

// Version is set at build time with -ldflags "-X github.com/fazhi/fazhi/internal/cli.Version=…".
var Version = "dev"

// Env is the wired application for one process.
type Env struct {
	Cfg      config.Config
	DB       *db.DB
	Org      *org.Service
	Auth     *auth.Service
	Calendar *calendar.Store
	Cipher   *secure.FieldCipher
	Log      *slog.Logger
	Web      *web.App
	Files    *files.Service
	API      *api.Registry
	AuditKey []byte              // HMAC-SM3 key of the audit chain (keys/audit.key)
	Anchor   *audit.Checkpointer // signed checkpoints of the audit chain (audit/checkpoints.log)
	mods     modules
	specs    []module.Spec   // the module list (cli/modules.go) plus any a test adds
	modules  []module.Module // built from specs, in order
	kit      kit
}

// Open connects, migrates an empty or older database and loads the caches.
func Open(ctx context.Context, cfg config.Config, logOut io.Writer) (*Env, error) {
	return OpenWith(ctx, cfg, logOut)
}

// OpenWith is Open with extra modules after those of the module list (tests add the sample module).
func OpenWith(ctx context.Context, cfg config.Config, logOut io.Writer, extra ...module.Spec) (*Env, error) {
	specs := append(moduleList(), extra...)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	level := slog.LevelInfo
	level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	d, err := db.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx, moduleMigrations(specs)...); err != nil {
		d.Close()
		return nil, err
	}
	key, err := secure.LoadOrCreateKey(cfg.KeyFile())
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("读取数据加密密钥失败：%w", err)
	}
	cipher, err := secure.NewFieldCipher(key)
	if err != nil {
		d.Close()
		return nil, err
	}
	e := &Env{Cfg: cfg, DB: d, Log: log, Cipher: cipher, specs: specs}
	if err := e.anchorAudit(ctx); err != nil {
		d.Close()
		return nil, err
	}
	e.Org = org.New(d)
	if err := e.Org.Load(ctx); err != nil {
		d.Close()
		return nil, err
	}
	set := auth.DefaultSettings()
	set.IdleTimeout = cfg.IdleTimeout
	if cfg.GrantWindow > 0 {
		set.GrantWindow = cfg.GrantWindow
	}
	auth.SetHashLimit(int(cfg.LoginHashes), 0)
	e.Auth = auth.New(d, e.Org, set)
	e.Calendar = calendar.NewStore(d)
	if err := e.Calendar.Load(ctx); err != nil {
		d.Close()
		return nil, err
	}
	proxies, _ := config.ParseProxies(cfg.TrustedProxies) // Validate has checked it
	e.Web = web.New(web.Deps{DB: d, Auth: e.Auth, Org: e.Org, Calendar: e.Calendar.Current, Log: log, Version: Version, TrustedProxies: proxies, RequestTimeout: cfg.RequestTimeout})
	registerModules(e)
	return e, nil
}

// anchorAudit loads the audit chain key and the checkpoint signing key (created on first start)
// and keys the chain from the next entry on, anchoring that moment with a checkpoint.
func (e *Env) anchorAudit(ctx context.Context) error {
	_, statErr := os.Stat(e.Cfg.AuditKeyFile())
	key, err := secure.LoadOrCreateKey(e.Cfg.AuditKeyFile())
	if err != nil {
		return fmt.Errorf("读取审计密钥失败：%w", err)
	}
	signer, err := audit.LoadOrCreateSigner(e.Cfg.AuditSignKeyFile(), e.Cfg.AuditPubKeyFile())
	if err != nil {
		return err
	}
	e.AuditKey = key
	e.Anchor = &audit.Checkpointer{DB: e.DB, Signer: signer, Path: e.Cfg.CheckpointFile(), Log: e.Log}
	audit.UseKey(key)
	var seq, keyedFrom int64
	if err := e.DB.QueryRowContext(ctx, `SELECT seq, keyed_from FROM audit_head WHERE id = 1`).Scan(&seq, &keyedFrom); err != nil {
		return err
	}
	if cps, _ := os.Stat(e.Cfg.CheckpointFile()); keyedFrom == 0 && statErr == nil && (seq > 0 || (cps != nil && cps.Size() > 0)) {
		// The key predates this unkeyed chain (or checkpoints exist for an emptied one): it was
		// recomputed or its head rewritten. Keying it now would bless that; `fazhi audit verify` reports it.
		e.Log.Error("审计链未带密钥，但审计密钥早已存在：审计日志可能被重算，请运行 fazhi audit verify", "key", e.Cfg.AuditKeyFile())
		return nil
	}
	from, err := audit.Enable(ctx, e.DB, key)
	if err != nil {
		return err
	}
	if keyedFrom == 0 {
		e.Log.Info("审计链自此起使用带密钥哈希（HMAC-SM3）", "keyed_from", from)
		if _, err := e.Anchor.Take(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the database.
func (e *Env) Close() error { return e.DB.Close() }
