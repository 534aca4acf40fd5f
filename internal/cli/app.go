// Package cli is the composition root: it reads the configuration, opens the database and
// wires every service and module explicitly. Nothing else constructs services.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/fazhi/fazhi/internal/api"
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
	mods     modules
	specs    []module.Spec   // the module list (cli/modules.go) plus any a test adds
	modules  []module.Module // built from specs, in order
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
	e.Web = web.New(web.Deps{DB: d, Auth: e.Auth, Org: e.Org, Calendar: e.Calendar.Current, Log: log, Version: Version})
	registerModules(e)
	return e, nil
}

// Close releases the database.
func (e *Env) Close() error { return e.DB.Close() }
