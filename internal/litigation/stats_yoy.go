package litigation

import (
	"context"
	"math"
	"strconv"

	"github.com/fazhi/fazhi/internal/stats"
)

// YearChange compares a year with the one before (the seeds' "双下降": fewer cases received and a
// lower 败诉率). Counts stay beside the changes:
//
//	received_change  发案量同比 = (新收 − 上年新收) ÷ 上年新收 (no figure when the year before had none)
//	loss_rate_change 败诉率同比 = 败诉率 − 上年败诉率, in percentage points
type YearChange struct {
	Year, PrevYear             int
	Received, PrevReceived     int
	Lost, Concluded            int
	PrevLost, PrevConcluded    int
	LossRate, PrevLossRate     stats.Percent
	ReceivedChange             stats.Percent // percent of last year's count
	HasReceivedChange          bool          // last year received at least one case
	LossRatePoints             float64       // percentage points
	HasLossRateChange          bool          // both years concluded at least one case
	ReceivedDown, LossRateDown bool
	DoubleDecline              bool // 发案量 and 败诉率 both fell
	ReceivedBars, LossRateBars []bar
}

// bar is one bar of an inline SVG chart: its label, value text and width in pixels.
type bar struct {
	Label, Value string
	Width        int
	Y, TextY     int // the bar's row in the chart
}

func rowBars(bs []bar) []bar {
	for i := range bs {
		bs[i].Y, bs[i].TextY = i*26+4, i*26+15
	}
	return bs
}

// YearOnYear computes the change of 发案量 and 败诉率 of an organ (and those below it) from year-1 to year.
func (m *Module) YearOnYear(ctx context.Context, organID string, year int, instance string) (YearChange, Stats, error) {
	cur, err := m.StatsForYear(ctx, organID, year, instance)
	if err != nil {
		return YearChange{}, Stats{}, err
	}
	prev, err := m.StatsForYear(ctx, organID, year-1, instance)
	if err != nil {
		return YearChange{}, Stats{}, err
	}
	return yearChange(year, cur, prev), cur, nil
}

func yearChange(year int, cur, prev Stats) YearChange {
	y := YearChange{Year: year, PrevYear: year - 1, Received: cur.Received, PrevReceived: prev.Received,
		Lost: cur.Lost, Concluded: cur.Concluded, PrevLost: prev.Lost, PrevConcluded: prev.Concluded,
		LossRate: cur.LossRate, PrevLossRate: prev.LossRate}
	if prev.Received > 0 {
		y.HasReceivedChange = true
		y.ReceivedChange = stats.Rate(cur.Received-prev.Received, prev.Received)
		y.ReceivedDown = cur.Received < prev.Received
	}
	if cur.Concluded > 0 && prev.Concluded > 0 {
		y.HasLossRateChange = true
		y.LossRatePoints = math.Round((float64(cur.LossRate)-float64(prev.LossRate))*100) / 100
		y.LossRateDown = y.LossRatePoints < 0
	}
	y.DoubleDecline = y.ReceivedDown && y.LossRateDown
	const w = 240
	maxN := max(cur.Received, prev.Received, 1)
	y.ReceivedBars = rowBars([]bar{
		{Label: strconv.Itoa(y.PrevYear) + "年", Value: strconv.Itoa(prev.Received) + "件", Width: w * prev.Received / maxN},
		{Label: strconv.Itoa(year) + "年", Value: strconv.Itoa(cur.Received) + "件", Width: w * cur.Received / maxN},
	})
	maxR := math.Max(math.Max(float64(cur.LossRate), float64(prev.LossRate)), 1)
	y.LossRateBars = rowBars([]bar{
		{Label: strconv.Itoa(y.PrevYear) + "年", Value: prev.LossRate.String() + "（" + strconv.Itoa(prev.Lost) + "/" + strconv.Itoa(prev.Concluded) + "）", Width: int(w * float64(prev.LossRate) / maxR)},
		{Label: strconv.Itoa(year) + "年", Value: cur.LossRate.String() + "（" + strconv.Itoa(cur.Lost) + "/" + strconv.Itoa(cur.Concluded) + "）", Width: int(w * float64(cur.LossRate) / maxR)},
	})
	return y
}
