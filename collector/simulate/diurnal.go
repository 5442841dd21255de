package simulate

import "time"

// Time-of-day and day-of-week shapes. Chinese users live on China Standard
// Time (UTC+8, no daylight saving), so the shapes are laid on CST while
// every row is stamped in UTC: the 10:00 CST peak is at 02:00 UTC.

// cst is China Standard Time.
var cst = time.FixedZone("CST", 8*60*60)

// hourShape is the relative message rate at the middle of each CST hour:
// a trough around 04:00, a morning peak at 10:00, a lunch dip, and the
// evening peak at 21:00.
var hourShape = [24]float64{
	0.45, 0.28, 0.17, 0.11, 0.09, 0.10, 0.16, 0.32, 0.58, 0.85, 1.00, 0.95,
	0.78, 0.80, 0.88, 0.90, 0.88, 0.80, 0.74, 0.82, 0.95, 1.00, 0.90, 0.68,
}

// diurnalPoint is hourShape normalised to a daily mean of 1.
var diurnalPoint [24]float64

// diurnalHour is the mean of the (interpolated) shape over each CST hour,
// so that an hourly row carries what its sixty minute rows would.
var diurnalHour [24]float64

func init() {
	var sum float64
	for _, v := range hourShape {
		sum += v
	}
	for h, v := range hourShape {
		diurnalPoint[h] = v * 24 / sum
	}
	for h := range diurnalHour {
		var s float64
		for m := range 60 {
			s += diurnalAt(float64(h) + (float64(m)+0.5)/60)
		}
		diurnalHour[h] = s / 60
	}
}

// diurnalAt interpolates the shape at a fractional CST hour of day; the
// table's value for hour h sits at h:30. The mean over a day stays 1.
func diurnalAt(hour float64) float64 {
	x := hour - 0.5
	for x < 0 {
		x += 24
	}
	i := int(x) % 24
	f := x - float64(int(x))
	return diurnalPoint[i]*(1-f) + diurnalPoint[(i+1)%24]*f
}

// diurnal is the mean relative rate over [t, t+d): the hour's mean for an
// hour-aligned hour, the shape at the midpoint otherwise.
func diurnal(t time.Time, d time.Duration) float64 {
	c := t.In(cst)
	if d == time.Hour && c.Minute() == 0 && c.Second() == 0 {
		return diurnalHour[c.Hour()]
	}
	mid := t.Add(d / 2).In(cst)
	return diurnalAt(float64(mid.Hour()) + float64(mid.Minute())/60 + float64(mid.Second())/3600)
}

// cstWeekday is the weekday of t in China.
func cstWeekday(t time.Time) time.Weekday { return t.In(cst).Weekday() }
