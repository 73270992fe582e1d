package decide

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/internal/docguard"
)

// Limits on requests. A request over a limit is an error wrapping
// [ErrLimit], never truncated.
const (
	// MaxRequestBytes bounds the JSON document [DecodeRequest] reads.
	MaxRequestBytes = 4 << 20
	// MaxHistory bounds the number of events in [Request.History]. The
	// baseline looks at recent behaviour: callers keep the newest events
	// (for example the last 30 days, at most MaxHistory).
	MaxHistory = 10000
)

// Request is one access attempt to judge: who ([Principal]) wants to do
// what ([Request.Action]) to what ([Request.Resource]), in which
// [Context], with the principal's recent [Event] history. It is a plain
// value: safe for concurrent reads.
type Request struct {
	// Principal is who acts. Principal.ID is required.
	Principal Principal `json:"principal"`
	// Action is what the principal wants to do, in the spelling of its
	// system ("iam:CreateUser", "get", "repo:admin"). Required.
	Action string `json:"action"`
	// Resource is what the action applies to (an ARN, "<org>/<repo>",
	// "/secrets"); may be empty.
	Resource string `json:"resource,omitempty"`
	// Sensitive marks the action as sensitive whatever the configured
	// patterns say (see the package documentation, # Configuration).
	Sensitive bool `json:"sensitive,omitempty"`
	// Context is where, when and how the request is made. Context.Time is
	// required: it is the decision's clock.
	Context Context `json:"context"`
	// History is the principal's recent events, newest last (order is not
	// required: the newest is found by time). At most [MaxHistory].
	History []Event `json:"history,omitempty"`
}

// Principal is the identity making a [Request]. A plain value: safe for
// concurrent reads.
type Principal struct {
	// ID identifies the principal, like "aws:user:alice". Required.
	ID string `json:"id"`
	// Kind is the principal's kind: "user", "service_account", "role"...
	Kind string `json:"kind,omitempty"`
	// MFA says whether the principal has a second factor enrolled;
	// [access.Unknown] when not known. Whether one was presented in this
	// session is [Context.MFA].
	MFA access.Tri `json:"mfa,omitempty"`
	// Roles lists the principal's roles or groups.
	Roles []string `json:"roles,omitempty"`
	// Attributes holds other facts, as strings. The baseline denies a
	// principal whose "disabled" attribute is "true".
	Attributes map[string]string `json:"attributes,omitempty"`
	// TimeZone is the principal's IANA time zone, like "Europe/Paris";
	// the unusual-hour rule reads hours in it. Empty means UTC.
	TimeZone string `json:"time_zone,omitempty"`
}

// Context describes the circumstances of a [Request]. A plain value: safe
// for concurrent reads.
type Context struct {
	// Time is when the request is made. Required: policies have no clock
	// and read the time from here.
	Time time.Time `json:"time"`
	// IP is the client's address (IPv4 or IPv6); may be empty.
	IP string `json:"ip,omitempty"`
	// Location is where the client is, as geolocated by the caller.
	Location Location `json:"location,omitzero"`
	// Device is the client device.
	Device Device `json:"device,omitzero"`
	// Network names the client's network: an ASN ("AS3215"), a named
	// CIDR range ("office-paris"), a VPN name.
	Network string `json:"network,omitempty"`
	// MFA is true when a second factor was presented in this session.
	MFA bool `json:"mfa,omitempty"`
}

// Location is a place. Coordinates (0, 0) mean "unknown": a location with
// only a country is valid, but impossible travel needs coordinates.
// A plain value: safe for concurrent reads.
type Location struct {
	// Country is an ISO 3166-1 alpha-2 code, like "FR"; compared without
	// regard to case.
	Country string `json:"country,omitempty"`
	// City is the city's name.
	City string `json:"city,omitempty"`
	// Lat and Lon are WGS 84 degrees: -90..90 and -180..180.
	Lat float64 `json:"lat,omitempty"`
	Lon float64 `json:"lon,omitempty"`
}

// HasCoordinates reports whether l has coordinates other than (0, 0).
func (l Location) HasCoordinates() bool { return l.Lat != 0 || l.Lon != 0 }

// Device is the client device of a [Request]. A plain value: safe for
// concurrent reads.
type Device struct {
	// ID identifies the device (a certificate fingerprint, an MDM id).
	ID string `json:"id,omitempty"`
	// Managed is true for a device the organization manages.
	Managed bool `json:"managed,omitempty"`
}

// Outcomes of events in a [Request.History]. Only events with an empty
// outcome, [EventAllow] or [EventSuccess] are familiar: they establish
// the usual hours, networks, devices and countries, and the last place
// for impossible travel. Denied, failed or challenged attempts do not,
// so an attacker's failed attempts never make their network familiar.
const (
	EventAllow   = "allow"
	EventSuccess = "success"
)

// Event is one past access of the principal. A plain value: safe for
// concurrent reads.
type Event struct {
	// Time is when the event happened. Required.
	Time time.Time `json:"time"`
	// IP is the client's address; may be empty.
	IP string `json:"ip,omitempty"`
	// Location is where the client was.
	Location Location `json:"location,omitzero"`
	// DeviceID identifies the client device.
	DeviceID string `json:"device_id,omitempty"`
	// Network names the client's network, as in [Context.Network].
	Network string `json:"network,omitempty"`
	// Action and Resource are what was done.
	Action   string `json:"action,omitempty"`
	Resource string `json:"resource,omitempty"`
	// Outcome is what happened: "allow", "success", "deny", "failure",
	// "step_up"... See [EventAllow] for which outcomes count as familiar.
	Outcome string `json:"outcome,omitempty"`
}

// familiar reports whether e establishes familiarity (see [EventAllow]).
func (e Event) familiar() bool {
	return e.Outcome == "" || e.Outcome == EventAllow || e.Outcome == EventSuccess
}

// DecodeRequest reads one JSON request document (see the package
// documentation for its schema, also shipped as [Schema]) and validates
// it like [Request.Validate]. Unknown fields are errors, so that a
// misspelt field is never silently ignored. Errors are [*RequestError]
// values wrapping [ErrSyntax], [ErrInvalid] or [ErrLimit], naming the
// input when r has a Name method (an *os.File does); a read error is
// returned wrapped as is.
//
// The request is read whole, at most [MaxRequestBytes], with its strings
// and nesting held to limits.MaxStringBytes and limits.MaxDepth as it is
// read. A key given twice keeps its last value, as with encoding/json;
// invalid UTF-8 in a string becomes U+FFFD.
func DecodeRequest(r io.Reader) (Request, error) {
	name := ""
	if n, ok := r.(interface{ Name() string }); ok {
		name = n.Name()
	}
	req, err := decodeRequest(r)
	var re *RequestError
	if errors.As(err, &re) && name != "" {
		named := *re
		named.File = name
		err = &named
	}
	return req, err
}

func decodeRequest(r io.Reader) (Request, error) {
	data, err := docguard.ReadAll(r, docguard.Options{MaxBytes: MaxRequestBytes})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le) && le.Limit == docguard.LimitSize:
		return Request{}, &RequestError{Offset: MaxRequestBytes, Err: ErrLimit,
			Message: "request larger than " + strconv.Itoa(MaxRequestBytes) + " bytes (MaxRequestBytes)"}
	case errors.As(err, &le):
		return Request{}, &RequestError{Offset: le.Offset, Err: ErrLimit, Message: le.Error()}
	case err != nil:
		return Request{}, fmt.Errorf("decide: reading request: %w", err)
	}
	var req Request
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return Request{}, decodeError(err, dec.InputOffset(), len(data))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, &RequestError{Offset: dec.InputOffset(), Err: ErrSyntax, Message: "data after the request"}
	}
	if err := req.validate(time.LoadLocation); err != nil {
		return Request{}, err
	}
	return req, nil
}

// decodeError turns an encoding/json error into a [*RequestError].
func decodeError(err error, offset int64, size int) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// encoding/json counts the offending byte as read.
		return &RequestError{Offset: max(se.Offset-1, 0), Err: ErrSyntax, Message: strings.TrimPrefix(se.Error(), "json: ")}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &RequestError{Offset: int64(size), Err: ErrSyntax, Message: "unexpected end of input"}
	case errors.As(err, &te):
		return &RequestError{Offset: te.Offset, Field: te.Field, Err: ErrInvalid,
			Message: "cannot hold a JSON " + te.Value + " (want " + te.Type.String() + ")"}
	}
	msg := err.Error()
	field := ""
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		field, _ = strconv.Unquote(rest)
		msg = "unknown field"
	}
	return &RequestError{Offset: offset, Field: field, Err: ErrInvalid, Message: strings.TrimPrefix(msg, "json: ")}
}

// Validate checks r against the request schema: required fields, ranges
// of coordinates, IP syntax, the principal's time zone, Tri values and the
// [MaxHistory] limit. Errors are [*RequestError] values (Offset -1)
// naming the field.
func (r *Request) Validate() error { return r.validate(time.LoadLocation) }

func (r *Request) validate(loadLocation func(string) (*time.Location, error)) error {
	bad := func(field, msg string) error {
		return &RequestError{Offset: -1, Field: field, Err: ErrInvalid, Message: msg}
	}
	if r.Principal.ID == "" {
		return bad("principal.id", "required")
	}
	switch r.Principal.MFA {
	case access.Unknown, access.Yes, access.No:
	default:
		return bad("principal.mfa", fmt.Sprintf("%q is not \"yes\", \"no\" or empty", r.Principal.MFA))
	}
	if tz := r.Principal.TimeZone; tz != "" {
		if _, err := loadLocation(tz); err != nil || strings.EqualFold(tz, "local") {
			return bad("principal.time_zone", fmt.Sprintf("unknown time zone %q", tz))
		}
	}
	if r.Action == "" {
		return bad("action", "required")
	}
	if r.Context.Time.IsZero() {
		return bad("context.time", "required")
	}
	if err := checkTime(r.Context.Time); err != nil {
		return bad("context.time", err.Error())
	}
	if err := checkIP(r.Context.IP); err != nil {
		return bad("context.ip", err.Error())
	}
	if err := checkLocation(r.Context.Location); err != nil {
		return bad("context.location."+err.Error(), "out of range")
	}
	if len(r.History) > MaxHistory {
		return &RequestError{Offset: -1, Field: "history", Err: ErrLimit,
			Message: fmt.Sprintf("%d events, more than %d (MaxHistory)", len(r.History), MaxHistory)}
	}
	for i, e := range r.History {
		p := "history[" + strconv.Itoa(i) + "]."
		if e.Time.IsZero() {
			return bad(p+"time", "required")
		}
		if err := checkTime(e.Time); err != nil {
			return bad(p+"time", err.Error())
		}
		if err := checkIP(e.IP); err != nil {
			return bad(p+"ip", err.Error())
		}
		if err := checkLocation(e.Location); err != nil {
			return bad(p+"location."+err.Error(), "out of range")
		}
	}
	return nil
}

func checkIP(ip string) error {
	if ip == "" {
		return nil
	}
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Zone() != "" {
		return fmt.Errorf("%q is not an IP address (without zone)", ip)
	}
	return nil
}

// checkLocation returns an error naming the bad coordinate.
func checkLocation(l Location) error {
	if !(l.Lat >= -90 && l.Lat <= 90) {
		return errors.New("lat")
	}
	if !(l.Lon >= -180 && l.Lon <= 180) {
		return errors.New("lon")
	}
	return nil
}

// checkTime rejects times JSON cannot carry.
func checkTime(t time.Time) error {
	if y, u := t.Year(), t.UTC().Year(); min(y, u) < 1 || max(y, u) > 9999 {
		return fmt.Errorf("year %d outside 1..9999", y)
	}
	return nil
}
