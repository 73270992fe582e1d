package decide

import (
	"math"
	"strings"
	"time"

	"github.com/aspmkit/aspm/access"
)

// earthRadiusKm is the mean radius of the Earth (IUGG).
const earthRadiusKm = 6371.0088

// distanceKm returns the great-circle distance between a and b with the
// haversine formula.
func distanceKm(a, b Location) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	h = min(max(h, 0), 1)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(h))
}

// derived holds the facts Go computes for the policy, published as
// input.derived (see the package documentation, # Derived fields).
type derived struct {
	Sensitive        bool    `json:"sensitive"`
	SensitivePattern string  `json:"sensitive_pattern,omitempty"`
	TimeZone         string  `json:"time_zone"`
	Hour             int     `json:"hour"`
	History          int     `json:"history"`
	HoursSeen        []int   `json:"hours_seen"`
	NetworkSeen      *bool   `json:"network_seen,omitempty"`
	DeviceSeen       *bool   `json:"device_seen,omitempty"`
	CountrySeen      *bool   `json:"country_seen,omitempty"`
	Travel           *travel `json:"travel,omitempty"`
}

// travel describes the move from the last familiar located event to the
// request.
type travel struct {
	DistanceKm  float64   `json:"distance_km"`
	Hours       float64   `json:"hours"`
	SpeedKmh    float64   `json:"speed_kmh"`
	FromCountry string    `json:"from_country,omitempty"`
	FromCity    string    `json:"from_city,omitempty"`
	FromTime    time.Time `json:"from_time"`
}

// derive computes the derived fields of r, with hours read in loc.
func derive(r *Request, loc *time.Location, sensitive []string) derived {
	d := derived{TimeZone: loc.String(), Hour: r.Context.Time.In(loc).Hour(), HoursSeen: []int{}}
	if r.Sensitive {
		d.Sensitive = true
	} else {
		for _, p := range sensitive {
			if access.MatchFold(p, r.Action) {
				d.Sensitive, d.SensitivePattern = true, p
				break
			}
		}
	}
	var seen [24]bool
	var network, device, country bool
	var last *Event
	ctx := &r.Context
	for i := range r.History {
		e := &r.History[i]
		if !e.familiar() {
			continue
		}
		d.History++
		seen[e.Time.In(loc).Hour()] = true
		network = network || (ctx.Network != "" && e.Network == ctx.Network)
		device = device || (ctx.Device.ID != "" && e.DeviceID == ctx.Device.ID)
		country = country || (ctx.Location.Country != "" && strings.EqualFold(e.Location.Country, ctx.Location.Country))
		// The newest located event; among equal times, the later in the list.
		if e.Location.HasCoordinates() && (last == nil || !e.Time.Before(last.Time)) {
			last = e
		}
	}
	for h, ok := range seen {
		if ok {
			d.HoursSeen = append(d.HoursSeen, h)
		}
	}
	if ctx.Network != "" {
		d.NetworkSeen = &network
	}
	if ctx.Device.ID != "" {
		d.DeviceSeen = &device
	}
	if ctx.Location.Country != "" {
		d.CountrySeen = &country
	}
	if last != nil && ctx.Location.HasCoordinates() {
		km := distanceKm(last.Location, ctx.Location)
		secs := math.Abs(ctx.Time.Sub(last.Time).Seconds())
		secs = max(secs, 1) // same instant: one second, not a division by zero
		hours := secs / 3600
		d.Travel = &travel{
			DistanceKm:  round(km, 1),
			Hours:       round(hours, 2),
			SpeedKmh:    math.Round(km / hours),
			FromCountry: last.Location.Country,
			FromCity:    last.Location.City,
			FromTime:    last.Time,
		}
	}
	return d
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
