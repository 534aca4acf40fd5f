package cli

import (
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/notify"
)

// kit holds the platform's message centre and scheduler.
type kit struct {
	notify *notify.Service
	sched  *jobs.Scheduler
}

// wireNotify creates the message centre (/messages, header badge, outside copies by mail when
// FAZHI_SMTP_ADDR is set, else logged) before the modules, which post to it.
func (e *Env) wireNotify() {
	var sender notify.Sender = notify.LogSender{Log: e.Log}
	if e.Cfg.SMTP.Addr != "" {
		sender = notify.SMTPSender{Cfg: notify.SMTP(e.Cfg.SMTP)}
	}
	e.kit.notify = notify.New(e.DB, e.Log, sender)
	e.kit.notify.Register(e.Web)
}

// wireScheduler creates the scheduler for e.jobs() with its admin page, once the modules are
// built. `serve` starts it; other commands never run jobs.
func (e *Env) wireScheduler() {
	e.kit.sched = jobs.New(e.DB, e.Log, e.jobs()...)
	e.kit.sched.Register(e.Web)
}
