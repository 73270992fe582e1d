package decide

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDistanceKm(t *testing.T) {
	tests := []struct {
		name string
		a, b Location
		want float64 // km, within 0.5%
	}{
		{"same place", Location{Lat: 48.8566, Lon: 2.3522}, Location{Lat: 48.8566, Lon: 2.3522}, 0},
		{"Paris to New York", Location{Lat: 48.8566, Lon: 2.3522}, Location{Lat: 40.7128, Lon: -74.006}, 5837},
		{"London to Sydney", Location{Lat: 51.5074, Lon: -0.1278}, Location{Lat: -33.8688, Lon: 151.2093}, 16994},
		{"across the antimeridian", Location{Lat: 0, Lon: 179.5}, Location{Lat: 0, Lon: -179.5}, 111.2},
		{"antipodes", Location{Lat: 90, Lon: 0}, Location{Lat: -90, Lon: 0}, 20015},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := distanceKm(tt.a, tt.b)
			assert.InDelta(t, tt.want, got, tt.want*0.005+0.01)
			assert.InDelta(t, got, distanceKm(tt.b, tt.a), 1e-9, "symmetric")
		})
	}
}

func TestDeriveTravel(t *testing.T) {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	r := &Request{
		Context: Context{Time: now, Location: Location{Country: "FR", Lat: 48.8566, Lon: 2.3522}},
		History: []Event{
			{Time: now.Add(-2 * time.Hour), Location: Location{Country: "US", City: "New York", Lat: 40.7128, Lon: -74.006}},
			{Time: now.Add(-time.Hour), Location: Location{Country: "BR", Lat: -23.55, Lon: -46.63}, Outcome: "failure"},
			{Time: now.Add(-3 * time.Hour), Location: Location{Country: "FR", Lat: 48.8566, Lon: 2.3522}},
		},
	}
	d := derive(r, time.UTC, nil)
	if assert.NotNil(t, d.Travel) {
		assert.Equal(t, "New York", d.Travel.FromCity)
		assert.Equal(t, 2.0, d.Travel.Hours)
		assert.InDelta(t, 2919, d.Travel.SpeedKmh, 2)
	}
	assert.Equal(t, 2, d.History)
	assert.Equal(t, []int{7, 8}, d.HoursSeen)
	if assert.NotNil(t, d.CountrySeen) {
		assert.True(t, *d.CountrySeen)
	}
	assert.Nil(t, d.NetworkSeen)
	assert.Nil(t, d.DeviceSeen)
}
