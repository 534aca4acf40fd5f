// Package config is the typed configuration: flags, each with a FAZHI_* environment equivalent.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is read once in cli and passed down; nothing reads flags or the environment elsewhere.
type Config struct {
	Addr        string        // --addr / FAZHI_ADDR
	Data        string        // --data / FAZHI_DATA: SQLite file, attachments, keys
	DB          string        // --db / FAZHI_DB: "" = SQLite under Data, postgres://… = PostgreSQL
	IdleTimeout time.Duration // --idle-timeout / FAZHI_IDLE_TIMEOUT
	// --request-timeout / FAZHI_REQUEST_TIMEOUT: every page's and API call's deadline (routes for long
	// exports and imports declare their own).
	RequestTimeout time.Duration
	MaxUpload      int64  // --max-upload / FAZHI_MAX_UPLOAD (bytes)
	LogLevel       string // --log-level / FAZHI_LOG_LEVEL: debug, info, warn, error
	Demo           string // --demo / FAZHI_DEMO: auto (load the demo county into an empty database), yes, no
	// --trusted-proxies / FAZHI_TRUSTED_PROXIES: reverse proxies (IPs or CIDRs, comma-separated)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies string

	MessageDays int  // --message-days / FAZHI_MESSAGE_DAYS: prune in-app messages older than this (0 = keep)
	SMTP        SMTP // --smtp-* / FAZHI_SMTP_*: mail gateway for copies of in-app messages ("" Addr = none)
	// --sms-url / FAZHI_SMS_URL: intranet SMS gateway for notices to applicants (JSON POST, "" = none);
	// --sms-token / FAZHI_SMS_TOKEN: its bearer token.
	SMSURL, SMSToken string

	LoginHashes int64         // --login-hashes / FAZHI_LOGIN_HASHES: password hashes at once (64 MiB each); 0 = from memory
	GrantWindow time.Duration // --grant-window / FAZHI_GRANT_WINDOW: one admin may not both reset a password and grant case access

	errs []error // values the environment gave that do not parse; Validate reports them
}

// SMTP is the mail gateway that receives a copy of each in-app message.
type SMTP struct {
	Addr     string // --smtp-addr / FAZHI_SMTP_ADDR: host:port; "" = no mail, messages are only logged
	From     string // --smtp-from / FAZHI_SMTP_FROM
	Username string // --smtp-username / FAZHI_SMTP_USERNAME: AUTH PLAIN ("" = none)
	Password string // --smtp-password / FAZHI_SMTP_PASSWORD (prefer the variable: flags show in ps)
	Domain   string // --smtp-domain / FAZHI_SMTP_DOMAIN: a user's mailbox is username@domain
	AppURL   string // --smtp-app-url / FAZHI_SMTP_APP_URL: base URL for links in mails
}

// Default values.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", Data: "./fazhi-data", IdleTimeout: 30 * time.Minute, MaxUpload: 20 << 20, LogLevel: "info", Demo: "auto", RequestTimeout: 10 * time.Second, MessageDays: 180, GrantWindow: 24 * time.Hour}
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
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.envDuration("FAZHI_IDLE_TIMEOUT", c.IdleTimeout), "会话空闲超时")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.envDuration("FAZHI_REQUEST_TIMEOUT", c.RequestTimeout), "每个页面和 API 请求的处理时限（超时即停止查询并提示缩小范围）")
	c.MaxUpload = c.envSize("FAZHI_MAX_UPLOAD", c.MaxUpload)
	fs.Var((*sizeFlag)(&c.MaxUpload), "max-upload", "单个附件大小上限（如 20M、512K、1G 或字节数）")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("FAZHI_TRUSTED_PROXIES", c.TrustedProxies), "可信反向代理（IP 或 CIDR，逗号分隔）：只采信它们转发的 X-Forwarded-For 与 X-Forwarded-Proto")
	fs.StringVar(&c.LogLevel, "log-level", env("FAZHI_LOG_LEVEL", c.LogLevel), "日志级别：debug、info、warn、error")
	fs.StringVar(&c.Demo, "demo", env("FAZHI_DEMO", c.Demo), "演示数据：auto（空库时载入）、yes、no")
	fs.IntVar(&c.MessageDays, "message-days", c.envInt("FAZHI_MESSAGE_DAYS", c.MessageDays), "站内消息保留天数（0 为不清理）")
	fs.StringVar(&c.SMTP.Addr, "smtp-addr", env("FAZHI_SMTP_ADDR", c.SMTP.Addr), "邮件网关 主机:端口（留空则不发邮件）")
	fs.StringVar(&c.SMTP.From, "smtp-from", env("FAZHI_SMTP_FROM", c.SMTP.From), "发件人地址")
	fs.StringVar(&c.SMTP.Username, "smtp-username", env("FAZHI_SMTP_USERNAME", c.SMTP.Username), "邮件网关认证用户名（留空不认证）")
	fs.StringVar(&c.SMTP.Password, "smtp-password", env("FAZHI_SMTP_PASSWORD", c.SMTP.Password), "邮件网关认证口令（建议用环境变量）")
	fs.StringVar(&c.SMTP.Domain, "smtp-domain", env("FAZHI_SMTP_DOMAIN", c.SMTP.Domain), "邮箱域：用户邮箱为 用户名@域")
	fs.StringVar(&c.SMSURL, "sms-url", env("FAZHI_SMS_URL", c.SMSURL), "短信网关地址（留空则短信只记录不发送）")
	fs.StringVar(&c.SMSToken, "sms-token", env("FAZHI_SMS_TOKEN", c.SMSToken), "短信网关令牌（建议用环境变量）")
	fs.StringVar(&c.SMTP.AppURL, "smtp-app-url", env("FAZHI_SMTP_APP_URL", c.SMTP.AppURL), "邮件中链接的前缀，如 https://fazhi.example.gov.cn")
	fs.Int64Var(&c.LoginHashes, "login-hashes", int64(c.envInt("FAZHI_LOGIN_HASHES", int(c.LoginHashes))), "同时进行的密码哈希数（每个约 64 MiB 内存）；0 为按可用内存和 CPU 自动确定")
	fs.DurationVar(&c.GrantWindow, "grant-window", c.envDuration("FAZHI_GRANT_WINDOW", c.GrantWindow), "同一管理员重置某账户密码与为其授予业务角色之间须间隔的时间")
}

// Validate checks the values after parsing.
func (c *Config) Validate() error {
	if len(c.errs) > 0 {
		return c.errs[0]
	}
	if _, err := ParseProxies(c.TrustedProxies); err != nil {
		return err
	}
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
	if c.MessageDays < 0 {
		return fmt.Errorf("--message-days 不能为负数")
	}
	if c.SMTP.Addr != "" {
		if _, _, err := net.SplitHostPort(c.SMTP.Addr); err != nil {
			return fmt.Errorf("--smtp-addr 应为 主机:端口：%q", c.SMTP.Addr)
		}
		if c.SMTP.From == "" || c.SMTP.Domain == "" {
			return fmt.Errorf("使用邮件网关时 --smtp-from 和 --smtp-domain 不能为空")
		}
	}
	if c.SMSURL != "" {
		if u, err := url.Parse(c.SMSURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--sms-url 应为 http(s):// 开头的网关地址：%q", c.SMSURL)
		}
	}
	if c.IdleTimeout < time.Minute {
		return fmt.Errorf("--idle-timeout 不能小于1分钟")
	}
	if c.LoginHashes < 0 || c.GrantWindow < 0 {
		return fmt.Errorf("--login-hashes 和 --grant-window 不能为负数")
	}
	if c.RequestTimeout < time.Second || c.RequestTimeout > 5*time.Minute {
		return fmt.Errorf("--request-timeout 应在 1s 到 5m 之间：%v", c.RequestTimeout)
	}
	return nil
}

// FilesDir is where attachments are stored.
func (c *Config) FilesDir() string { return filepath.Join(c.Data, "files") }

// KeyFile holds the SM4 key for personal data at rest.
func (c *Config) KeyFile() string { return filepath.Join(c.Data, "keys", "field.key") }

// AuditKeyFile holds the HMAC-SM3 key of the audit chain.
func (c *Config) AuditKeyFile() string { return filepath.Join(c.Data, "keys", "audit.key") }

// AuditSignKeyFile holds the SM2 private key that signs audit checkpoints; AuditPubKeyFile its public key.
func (c *Config) AuditSignKeyFile() string { return filepath.Join(c.Data, "keys", "audit-sign.key") }
func (c *Config) AuditPubKeyFile() string  { return filepath.Join(c.Data, "keys", "audit-sign.pub") }

// CheckpointFile is the append-only file of signed audit checkpoints.
func (c *Config) CheckpointFile() string { return filepath.Join(c.Data, "audit", "checkpoints.log") }

func env(k, def string) string {
	if v, ok := os.LookupEnv(k); ok {
		return v
	}
	return def
}

// envDuration reads a duration variable; garbage is remembered for Validate rather than silently ignored.
func (c *Config) envDuration(k string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("环境变量 %s 的值 %q 不是时长（如 10s、1m）", k, v))
		return def
	}
	return d
}

// envSize reads a size variable; garbage is remembered for Validate rather than silently ignored.
func (c *Config) envSize(k string, def int64) int64 {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def
	}
	n, err := ParseSize(v)
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("环境变量 %s 的值 %q 无效：%v", k, v, err))
		return def
	}
	return n
}

// envInt reads a whole-number variable; garbage is remembered for Validate rather than silently ignored.
func (c *Config) envInt(k string, def int) int {
	v, ok := os.LookupEnv(k)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		c.errs = append(c.errs, fmt.Errorf("环境变量 %s 的值 %q 不是整数", k, v))
		return def
	}
	return n
}
