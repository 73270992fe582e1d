package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aspmkit/aspm/correlate"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/detect"
	"github.com/aspmkit/aspm/internal/limits"
	"github.com/aspmkit/aspm/inventory"
	"github.com/aspmkit/aspm/inventory/load"
	"github.com/aspmkit/aspm/report"
)

// maxJustification bounds a triage justification.
const maxJustification = 2000

// triage records an analyst's decision: false positive, accepted risk
// until a date, or reopen (clear the decision). A justification is
// required for each.
func (s *server) triage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	action := r.PostFormValue("action")
	just := strings.TrimSpace(r.PostFormValue("justification"))
	now := s.cfg.Now().UTC()
	bad := func(msg string) { s.fail(w, r, http.StatusBadRequest, "Bad request", msg) }
	switch {
	case just == "":
		bad("A justification is required.")
		return
	case utf8.RuneCountInString(just) > maxJustification || !utf8.ValidString(just):
		bad(fmt.Sprintf("The justification must be valid text of at most %d characters.", maxJustification))
		return
	}
	var t *correlate.Triage
	switch action {
	case string(correlate.FalsePositive):
		t = &correlate.Triage{Status: correlate.FalsePositive}
	case string(correlate.AcceptedRisk):
		exp, err := time.Parse(time.DateOnly, r.PostFormValue("expires"))
		if err != nil {
			bad("Accepting a risk needs an expiry date (YYYY-MM-DD).")
			return
		}
		if !exp.After(now) {
			bad("The expiry date must be in the future.")
			return
		}
		t = &correlate.Triage{Status: correlate.AcceptedRisk, Expires: exp}
	case "reopen":
	default:
		bad("Choose false positive, accept risk or reopen.")
		return
	}
	p := principalOf(r)
	if t != nil {
		t.Justification, t.Author, t.At = just, p.user.Name, now
	}
	sc := scopeOf(r)
	a := sc.app
	a.tracking.Lock()
	err := s.cfg.Store.SetTriage(r.Context(), "", a.name, id, t)
	if err == nil {
		a.triaged(id, t)
		s.refresh(a)
	}
	a.tracking.Unlock()
	switch {
	case errors.Is(err, correlate.ErrNotFound):
		s.notFound(w, r)
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	s.cfg.Log.Info("triage", "user", p.user.Name, "app", a.name, "finding", id, "action", action, "justification", just)
	if !wantsHTML(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, sc.base+"/findings/"+url.PathEscape(id), http.StatusSeeOther)
}

// Upload errors.
var (
	// errUpload: an uploaded file could not be read as scanner output or
	// inventory.
	errUpload = errors.New("portal: bad upload")
	// errTooLarge: a file or the whole request exceeds its limit.
	errTooLarge = errors.New("portal: upload too large")
)

// uploadError is a problem with one uploaded file.
type uploadError struct {
	File   string // the file's name as the browser sent it, cleaned
	Status int    // the HTTP status it gives
	Err    error  // wraps errUpload or errTooLarge
}

func (e *uploadError) Error() string {
	return "portal: upload: " + e.File + ": " + strings.TrimPrefix(e.Err.Error(), "portal: ")
}

func (e *uploadError) Unwrap() error { return e.Err }

// uploaded is one file of an upload, read and decoded.
type uploaded struct {
	Name     string
	Format   string // the findings decoder's, or the inventory format
	findings []findings.Finding
	graph    *inventory.Graph
	Assets   int
	// What tracking it did.
	New, Reopened, Updated, Unchanged, Fixed int
}

// upload reads a multipart upload of scanner outputs and inventories.
// Every file is read and decoded first; when any fails, nothing is
// applied and the error page names the file. Then each file of findings
// is applied as one scan, and the last inventory replaces the current
// one.
func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	files, err := s.readUpload(r)
	if err != nil {
		var ue *uploadError
		if errors.As(err, &ue) {
			s.failFile(w, r, ue.Status, "Upload refused", strings.TrimPrefix(ue.Err.Error(), "portal: "), ue.File)
			return
		}
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "Upload refused", "The upload exceeds "+bytesText(mb.Limit)+".")
			return
		}
		if errors.Is(err, errCSRF) {
			s.fail(w, r, http.StatusForbidden, "Forbidden", "The form's security token is missing or wrong. Reload the page and try again.")
			return
		}
		s.fail(w, r, http.StatusBadRequest, "Bad request", strings.TrimPrefix(err.Error(), "portal: "))
		return
	}
	now := s.cfg.Now().UTC()
	a := scopeOf(r).app
	a.tracking.Lock()
	defer a.tracking.Unlock()
	var last []correlate.Record // the whole baseline after the last scan
	defer func() {
		// Whatever was applied, the index is stale now.
		version, err := s.version(context.WithoutCancel(r.Context()), a.name)
		if err != nil {
			last = nil
		}
		a.wrote(last, version)
		s.refresh(a)
	}()
	for i := range files {
		f := &files[i]
		if f.graph != nil {
			a.setInventory(f.graph, f.Name)
		}
		if f.graph != nil && len(f.findings) == 0 {
			continue
		}
		scan := correlate.Scan{ID: "upload " + now.Format(time.RFC3339Nano) + " " + f.Name, At: now, Application: a.name, Findings: f.findings}
		res, err := correlate.Track(r.Context(), s.cfg.Store, scan, correlate.Options{})
		if err != nil {
			last = nil
			s.internal(w, r, fmt.Errorf("applying %s: %w", f.Name, err))
			return
		}
		last = res.Records
		for _, c := range res.Changes {
			switch c.State {
			case correlate.StateNew:
				f.New++
			case correlate.StateReopened:
				f.Reopened++
			case correlate.StateUpdated:
				f.Updated++
			case correlate.StateUnchanged:
				f.Unchanged++
			case correlate.StateFixed:
				f.Fixed++
			}
		}
	}
	s.cfg.Log.Info("upload", "user", principalOf(r).user.Name, "app", a.name, "files", len(files))
	s.render(w, r, http.StatusOK, "uploaded", "Upload applied", nil, files)
}

var errCSRF = errors.New("portal: bad CSRF token")

// readUpload reads every part of the upload: the CSRF token first (for
// a session without the token header), then files.
func (s *server) readUpload(r *http.Request) ([]uploaded, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, fmt.Errorf("%w: not a multipart form upload", errUpload)
	}
	p := principalOf(r)
	needToken := p.session != nil && r.Header.Get(csrfHeader) == ""
	var files []uploaded
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if needToken {
			// The token comes before any file: a forged form is refused
			// before a byte of it is decoded.
			tok, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return nil, err
			}
			if part.FormName() != csrfField || !csrfEqual(p.session, string(tok)) {
				return nil, errCSRF
			}
			needToken = false
			continue
		}
		if part.FormName() != "files" || part.FileName() == "" {
			if _, err := io.Copy(io.Discard, io.LimitReader(part, maxFormBytes)); err != nil {
				return nil, err
			}
			continue
		}
		f, err := s.readFile(part)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if needToken {
		return nil, errCSRF
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no file", errUpload)
	}
	return files, nil
}

// cleanName keeps the base name of an uploaded file, as text.
func cleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	return report.Plain(name, 200)
}

// readFile reads one file (up to the per-file limit) and decodes it.
func (s *server) readFile(part *multipart.Part) (uploaded, error) {
	name := cleanName(part.FileName())
	data, err := io.ReadAll(io.LimitReader(part, s.cfg.MaxFileBytes+1))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return uploaded{}, &uploadError{File: name, Status: http.StatusRequestEntityTooLarge,
				Err: fmt.Errorf("%w: the upload exceeds %s", errTooLarge, bytesText(mb.Limit))}
		}
		return uploaded{}, err
	}
	if int64(len(data)) > s.cfg.MaxFileBytes {
		return uploaded{}, &uploadError{File: name, Status: http.StatusRequestEntityTooLarge,
			Err: fmt.Errorf("%w: the file exceeds %s", errTooLarge, bytesText(s.cfg.MaxFileBytes))}
	}
	return decodeFile(name, data)
}

// decodeFile reads a file as an inventory (CycloneDX, SPDX, catalog,
// graph) and as scanner output: a CycloneDX file may be both.
func decodeFile(name string, data []byte) (uploaded, error) {
	f := uploaded{Name: name}
	bad := func(err error) (uploaded, error) {
		return uploaded{}, &uploadError{File: name, Status: http.StatusUnprocessableEntity, Err: fmt.Errorf("%w: %w", errUpload, err)}
	}
	format := load.Detect(data[:min(len(data), limits.SniffBytes)])
	if format != "" && format != load.FormatKubernetes {
		g := inventory.New()
		res, err := load.Read(bytes.NewReader(data), g, load.Options{Name: name, Format: format})
		if err != nil {
			return bad(err)
		}
		f.graph, f.Format, f.Assets = g, string(format), res.Assets
		if format != load.FormatCycloneDX {
			return f, nil
		}
	}
	decoder, err := detect.Decode(bytes.NewReader(data), detect.Options{DecodeOptions: findings.DecodeOptions{Name: name}}, findings.Handler{
		Finding: func(x findings.Finding) error { f.findings = append(f.findings, x); return nil },
	})
	switch {
	case err != nil && f.graph != nil && errors.Is(err, findings.ErrUnsupportedFormat):
		return f, nil // an SBOM without vulnerabilities
	case err != nil:
		return bad(err)
	}
	if f.Format == "" {
		f.Format = decoder
	}
	return f, nil
}

// Count is the number of findings the file held.
func (f uploaded) Count() int { return len(f.findings) }
