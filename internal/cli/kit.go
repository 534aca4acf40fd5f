package cli

import (
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/notify"
)

// kit holds the platform pieces wired after the modules: the message centre and the scheduler.
type kit struct {
	notify *notify.Service
	sched  *jobs.Scheduler
}

// wireKit creates the message centre (/messages, header badge, outside copies by mail when
// FAZHI_SMTP_ADDR is set, else logged) and the scheduler for e.jobs() with its admin page.
// `serve` starts the scheduler; other commands never run jobs.
func (e *Env) wireKit() {
	var sender notify.Sender = notify.LogSender{Log: e.Log}
	if e.Cfg.SMTP.Addr != "" {
		sender = notify.SMTPSender{Cfg: notify.SMTP(e.Cfg.SMTP)}
	}
	e.kit.notify = notify.New(e.DB, e.Log, sender)
	e.kit.notify.Register(e.Web)
	e.kit.sched = jobs.New(e.DB, e.Log, e.jobs()...)
	e.kit.sched.Register(e.Web)
}
