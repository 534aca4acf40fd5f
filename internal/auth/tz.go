package auth

import (
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
)

func shanghai() *time.Location { return calendar.Shanghai() }
