// Package config is the typed configuration: flags, each with a FAZHI_* environment equivalent.
package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is read once in cli and passed down; nothing reads flags or the environment elsewhere.
type Config struct {
	Addr        string        // --addr / FAZHI_ADDR
	Data        string        // --data / FAZHI_DATA: SQLite file, attachments, keys
	DB          string        // --db / FAZHI_DB: "" = SQLite under Data, postgres://… = PostgreSQL
	IdleTimeout time.Duration // --idle-timeout / FAZHI_IDLE_TIMEOUT
	MaxUpload   int64         // --max-upload / FAZHI_MAX_UPLOAD (bytes)
	LogLevel    string        // --log-level / FAZHI_LOG_LEVEL: debug, info, warn, error
	Demo        string        // --demo / FAZHI_DEMO: auto (load the demo county into an empty database), yes, no
	LoginHashes int64         // --login-hashes / FAZHI_LOGIN_HASHES: password hashes at once (64 MiB each); 0 = from memory
	GrantWindow time.Duration // --grant-window / FAZHI_GRANT_WINDOW: one admin may not both reset a password and grant case access
}

// Default values.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", Data: "./fazhi-data", IdleTimeout: 30 * time.Minute, MaxUpload: 20 << 20, LogLevel: "info", Demo: "auto", GrantWindow: 24 * time.Hour}
}

// DataFlags registers --data and --db (every subcommand that touches data).
func (c *Config) DataFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", env("FAZHI_DATA", c.Data), "数据目录（SQLite 数据库、附件、密钥）")
	fs.StringVar(&c.DB, "db", env("FAZHI_DB", c.DB), "数据库：留空为 --data 下的 SQLite；postgres://… 为 PostgreSQL")
}

// ServeFlags registers the server's flags.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DataFlags(fs)
	fs.StringVar(&c.Addr, "addr", env("FAZHI_ADDR", c.Addr), "监听地址")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", envDuration("FAZHI_IDLE_TIMEOUT", c.IdleTimeout), "会话空闲超时")
	fs.Int64Var(&c.MaxUpload, "max-upload", envInt("FAZHI_MAX_UPLOAD", c.MaxUpload), "单个附件大小上限（字节）")
	fs.StringVar(&c.LogLevel, "log-level", env("FAZHI_LOG_LEVEL", c.LogLevel), "日志级别：debug、info、warn、error")
	fs.StringVar(&c.Demo, "demo", env("FAZHI_DEMO", c.Demo), "演示数据：auto（空库时载入）、yes、no")
	fs.Int64Var(&c.LoginHashes, "login-hashes", envInt("FAZHI_LOGIN_HASHES", c.LoginHashes), "同时进行的密码哈希数（每个约 64 MiB 内存）；0 为按可用内存和 CPU 自动确定")
	fs.DurationVar(&c.GrantWindow, "grant-window", envDuration("FAZHI_GRANT_WINDOW", c.GrantWindow), "同一管理员重置某账户密码与为其授予业务角色之间须间隔的时间")
}

// Validate checks the values after parsing.
func (c *Config) Validate() error {
	if c.Data == "" {
		return fmt.Errorf("--data 不能为空")
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("--db 只能留空（SQLite）或为 postgres:// 开头的连接串：%q", c.DB)
	}
	switch c.Demo {
	case "auto", "yes", "no":
	default:
		return fmt.Errorf("--demo 只能为 auto、yes 或 no：%q", c.Demo)
	}
	if c.IdleTimeout < time.Minute {
		return fmt.Errorf("--idle-timeout 不能小于1分钟")
	}
	if c.LoginHashes < 0 || c.GrantWindow < 0 {
		return fmt.Errorf("--login-hashes 和 --grant-window 不能为负数")
	}
	return nil
}

// FilesDir is where attachments are stored.
func (c *Config) FilesDir() string { return filepath.Join(c.Data, "files") }

// KeyFile holds the SM4 key for personal data at rest.
func (c *Config) KeyFile() string { return filepath.Join(c.Data, "keys", "field.key") }

func env(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

func envDuration(k string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(k); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envInt(k string, def int64) int64 {
	if v, ok := os.LookupEnv(k); ok {
		var n int64
		if _, err := fmt.Sscan(v, &n); err == nil {
			return n
		}
	}
	return def
}
