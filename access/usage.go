package access

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/aspmkit/aspm/internal/docguard"
	"io"
	"strings"
	"time"
)

// MaxUsageBytes bounds a usage document.
const MaxUsageBytes = 256 << 20

// UsageDocument is the JSON form of usage data [ReadUsage] reads: when
// recording began, and the last use of each action by each principal
// (summarized from an audit log, CloudTrail, an access advisor):
//
//	{
//	  "since": "2026-01-01T00:00:00Z",
//	  "usage": [
//	    {"principal": "aws:user:alice", "action": "s3:GetObject",
//	     "resource": "arn:aws:s3:::reports/*", "last_used": "2026-05-30T12:00:00Z"},
//	    {"principal": "kubernetes:service_account:shop/api", "action": "get",
//	     "resource": "/configmaps", "last_used": "2026-05-31T08:00:00Z"}
//	  ]
//	}
//
// Principals are named by their model IDs; actions and resources are
// written the way [Permission] writes them for the principal's system, and
// an action may be a pattern ("s3:*": some action of the service was
// used). Without "since", the oldest last_used stands for it.
type UsageDocument struct {
	Since time.Time `json:"since"`
	Usage []Usage   `json:"usage"`
}

// ReadUsage reads a [UsageDocument] and adds its usage to m, moving
// m.UsageSince to the document's start when that is later (usage before it
// was not recorded). name is used in errors.
func ReadUsage(r io.Reader, name string, m *Model) error {
	data, err := docguard.ReadAll(r, docguard.Options{MaxBytes: MaxUsageBytes})
	var le *docguard.LimitError
	switch {
	case errors.As(err, &le) && le.Limit == docguard.LimitSize:
		return &ParseError{File: name, Message: fmt.Sprintf("larger than %d bytes", MaxUsageBytes), Err: ErrLimit}
	case errors.As(err, &le):
		return &ParseError{File: name, Line: le.Line, Message: fmt.Sprintf("usage document: %s (column %d, byte %d)", le, le.Column, le.Offset), Err: ErrLimit}
	case err != nil:
		return fmt.Errorf("access: %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc UsageDocument
	if err := dec.Decode(&doc); err != nil {
		return &ParseError{File: name, Line: lineAt(data, dec.InputOffset()), Message: "usage document: " + err.Error()}
	}
	if dec.More() {
		return &ParseError{File: name, Line: lineAt(data, dec.InputOffset()), Message: "usage document: data after the document"}
	}
	since := doc.Since
	for i, u := range doc.Usage {
		path := fmt.Sprintf("/usage/%d", i)
		switch {
		case strings.TrimSpace(u.Principal) == "":
			return &ParseError{File: name, Path: path + "/principal", Message: "missing"}
		case strings.TrimSpace(u.Action) == "":
			return &ParseError{File: name, Path: path + "/action", Message: "missing"}
		case u.LastUsed.IsZero():
			return &ParseError{File: name, Path: path + "/last_used", Message: "missing"}
		case !doc.Since.IsZero() && u.LastUsed.Before(doc.Since):
			return &ParseError{File: name, Path: path + "/last_used", Message: fmt.Sprintf("%s is before since %s", u.LastUsed.Format(time.RFC3339), doc.Since.Format(time.RFC3339))}
		}
		if since.IsZero() || u.LastUsed.Before(since) {
			since = u.LastUsed
		}
	}
	m.Usage = append(m.Usage, doc.Usage...)
	if since.After(m.UsageSince) {
		m.UsageSince = since
	}
	return nil
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
