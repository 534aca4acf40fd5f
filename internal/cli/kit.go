package cli

import (
	"os"
	"time"

	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/notify"
)

// kit holds the platform's message centre and scheduler.
type kit struct {
	notify *notify.Service
	sched  *jobs.Scheduler
	laws   *jobs.Scheduler // loads the shipped law library; nil when FAZHI_LAWS=no
}

// wireNotify creates the message centre (/messages, header badge, outside copies by mail when
// FAZHI_SMTP_ADDR is set, else logged) before the modules, which post to it.
func (e *Env) wireNotify() {
	var sender notify.Sender = notify.LogSender{Log: e.Log}
	if e.Cfg.SMTP.Addr != "" {
		sender = notify.SMTPSender{Cfg: notify.SMTP(e.Cfg.SMTP)}
	}
	e.kit.notify = notify.New(e.DB, e.Log, sender)
	// Notices to applicants: recorded in the outbox always, sent only through a configured gateway.
	gw := map[string]notify.Gateway{}
	if e.Cfg.SMTP.Addr != "" {
		gw[notify.ChannelEmail] = notify.MailGateway{Cfg: notify.SMTP(e.Cfg.SMTP)}
	}
	if e.Cfg.SMSURL != "" {
		gw[notify.ChannelSMS] = notify.SMSGateway{URL: e.Cfg.SMSURL, Token: e.Cfg.SMSToken}
	}
	e.kit.notify.SetGateways(gw, e.Cipher)
	e.kit.notify.BaseURL = e.Cfg.SMTP.AppURL
	e.kit.notify.Register(e.Web)
}

// wireScheduler creates the scheduler for e.jobs() with its admin page, once the modules are
// built. `serve` starts it; other commands never run jobs.
func (e *Env) wireScheduler() {
	e.kit.sched = jobs.New(e.DB, e.Log, e.jobs()...)
	e.kit.sched.Register(e.Web)
}

// wireLawLoad schedules the load of the law library shipped in the binary (lawlib.LoadBundle) on
// a scheduler of its own, so the minute it takes on first start delays no other job. The lease
// keeps a second instance from loading at the same time; a load cut short resumes by content hash.
// FAZHI_LAWS=no leaves the library to `fazhi import laws` (tests that start many servers).
func (e *Env) wireLawLoad() {
	if os.Getenv("FAZHI_LAWS") == "no" {
		return
	}
	e.kit.laws = jobs.New(e.DB, e.Log, jobs.Job{Name: "lawlib.bundle", Label: "载入内置法规库", Every: time.Hour, Lease: 20 * time.Minute,
		Run: e.mods.laws.LoadBundle})
}
