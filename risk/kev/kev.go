package kev

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aspmkit/aspm/risk/internal/cveid"
	"github.com/aspmkit/aspm/risk/internal/lineguard"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	bom       = []byte{0xEF, 0xBB, 0xBF}
)

// bufSize is the read buffer size, and how much of the input [Read]
// inspects to tell JSON from CSV.
const bufSize = 64 << 10

// maxCatalogBytes bounds a (decompressed) catalog, JSON or CSV, and
// maxCSVLines the lines of a CSV one, blank ones included, so that a gzip
// stream inflating to gigabytes stops early. CISA's catalog of 2025 has
// about 1,400 entries in 1.5 MB of JSON. They are variables so that tests
// can lower them.
var (
	maxCatalogBytes int64 = 32 << 20
	maxCSVLines           = 200_000
)

// Options configures the readers. The zero value is ready to use. The
// readers only read it, so one Options may serve concurrent calls.
type Options struct {
	// Name names the input in errors, typically its file name; may be
	// empty.
	Name string
}

// Ransomware is the value of knownRansomwareCampaignUse, as CISA writes
// it. Like any string, it is safe for concurrent use.
type Ransomware string

// The values CISA uses. An entry of a catalog that predates the field has
// the empty Ransomware.
const (
	// RansomwareKnown: the vulnerability is known to have been used in a
	// ransomware campaign.
	RansomwareKnown Ransomware = "Known"
	// RansomwareUnknown: CISA has no confirmation of ransomware use.
	RansomwareUnknown Ransomware = "Unknown"
)

// Entry is one known exploited vulnerability of the catalog. Field names
// follow CISA's schema; Name is vulnerabilityName. Dates are midnight UTC.
//
// An Entry is a plain value, safe to copy and to read from several
// goroutines but not to modify concurrently. The Entries handed out by a
// [Catalog] are copies (CWEs included): changing one does not change the
// catalog.
type Entry struct {
	// CVE is the CVE ID, upper case ("CVE-2021-44228").
	CVE string
	// VendorProject is the vendor or project ("Apache").
	VendorProject string
	// Product is the affected product ("Log4j2").
	Product string
	// Name is CISA's name of the vulnerability.
	Name string
	// DateAdded is the day CISA added the vulnerability to the catalog.
	DateAdded time.Time
	// ShortDescription describes the vulnerability.
	ShortDescription string
	// RequiredAction is what federal agencies must do.
	RequiredAction string
	// DueDate is the day by which federal agencies must have acted.
	DueDate time.Time
	// KnownRansomwareCampaignUse says whether the vulnerability is known to
	// be used by ransomware.
	KnownRansomwareCampaignUse Ransomware
	// Notes holds CISA's notes, typically reference URLs separated by
	// " ; "; may be empty.
	Notes string
	// CWEs lists the weaknesses ("CWE-502"); nil when there are none.
	CWEs []string
}

// Ransomware reports whether the vulnerability is known to have been used
// in a ransomware campaign.
func (e Entry) Ransomware() bool { return e.KnownRansomwareCampaignUse == RansomwareKnown }

// Catalog is a parsed CISA Known Exploited Vulnerabilities catalog. Build
// one with [Read], [ReadJSON] or [ReadCSV]. A Catalog is immutable (its
// methods return copies) and safe for concurrent use by multiple
// goroutines.
type Catalog struct {
	title    string
	version  string
	released time.Time
	entries  []Entry        // sorted by CVE year, then number
	index    map[string]int // CVE ID → position in entries
}

// Read parses a catalog in either of the formats CISA publishes, JSON or
// CSV, told apart by content: a first non-blank byte '{' means JSON. The
// input may be gzip-compressed (recognized by the gzip magic bytes) and
// may start with a UTF-8 byte order mark.
func Read(r io.Reader, opts Options) (*Catalog, error) {
	p := &parser{name: opts.Name}
	br, bomLen, err := p.open(r)
	if err != nil {
		return nil, err
	}
	head, _ := br.Peek(bufSize)
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return p.readJSON(br, bomLen)
	}
	return p.readCSV(br)
}

// ReadJSON parses a catalog in CISA's JSON format
// (known_exploited_vulnerabilities.json), plain or gzip-compressed.
// Members and entry fields CISA might add later are ignored.
func ReadJSON(r io.Reader, opts Options) (*Catalog, error) {
	p := &parser{name: opts.Name}
	br, bomLen, err := p.open(r)
	if err != nil {
		return nil, err
	}
	return p.readJSON(br, bomLen)
}

// ReadCSV parses a catalog in CISA's CSV format
// (known_exploited_vulnerabilities.csv), plain or gzip-compressed. Columns
// are found by their header names, in any order; columns CISA might add
// later are ignored.
func ReadCSV(r io.Reader, opts Options) (*Catalog, error) {
	p := &parser{name: opts.Name}
	br, _, err := p.open(r)
	if err != nil {
		return nil, err
	}
	return p.readCSV(br)
}

// Title is the catalog's title ("CISA Catalog of Known Exploited
// Vulnerabilities"); "" for a CSV catalog, which has none.
func (c *Catalog) Title() string { return c.title }

// Version identifies the catalog: the catalogVersion of a JSON catalog
// ("2025.08.25"). A CSV catalog does not state one, so Version derives one
// in the same form from the latest dateAdded of its entries ("2006.01.02"
// layout); it equals CISA's catalogVersion when CISA's last change added
// entries, and not after a release that only edited some. It is "" for an
// empty CSV catalog.
func (c *Catalog) Version() string { return c.version }

// Released is the dateReleased of a JSON catalog, in UTC; for a CSV
// catalog, the latest dateAdded of its entries (the zero time when it has
// none).
func (c *Catalog) Released() time.Time { return c.released }

// Len is the number of entries.
func (c *Catalog) Len() int { return len(c.entries) }

// Lookup returns the entry of the CVE id, matched without regard to case
// or surrounding white space.
func (c *Catalog) Lookup(id string) (Entry, bool) {
	i, ok := c.index[strings.ToUpper(strings.TrimSpace(id))]
	if !ok {
		return Entry{}, false
	}
	return c.entries[i].clone(), true
}

// LookupAny returns the entry of the first of ids, in argument order, that
// the catalog holds: the aliases of one vulnerability are checked in the
// caller's order of preference.
func (c *Catalog) LookupAny(ids ...string) (Entry, bool) {
	for _, id := range ids {
		if e, ok := c.Lookup(id); ok {
			return e, true
		}
	}
	return Entry{}, false
}

// Entries returns a copy of all entries, sorted by CVE ID in numeric order
// (year, then sequence number: CVE-2021-9999 before CVE-2021-10000).
func (c *Catalog) Entries() []Entry {
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

func (e Entry) clone() Entry {
	e.CWEs = slices.Clone(e.CWEs)
	return e
}

// newCatalog sorts entries, which hold distinct valid CVE IDs, and indexes
// them.
func newCatalog(title, version string, released time.Time, entries []Entry) *Catalog {
	slices.SortFunc(entries, func(a, b Entry) int {
		ka, _ := cveid.Parse(a.CVE)
		kb, _ := cveid.Parse(b.CVE)
		return cveid.Compare(ka, kb)
	})
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.CVE] = i
	}
	return &Catalog{title: title, version: version, released: released, entries: entries, index: index}
}

// parser holds the state of one read.
type parser struct {
	name string
}

// errAt returns a *ParseError at a JSON offset and path.
func (p *parser) errAt(offset int64, path string, sentinel error, format string, args ...any) error {
	return &ParseError{File: p.name, Offset: offset, Path: path,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// errLine returns a *ParseError at a CSV line and column.
func (p *parser) errLine(line int, column string, sentinel error, format string, args ...any) error {
	return &ParseError{File: p.name, Line: line, Offset: -1, Path: column,
		Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}

// open undoes gzip compression and drops a byte order mark, whose length
// it returns.
func (p *parser) open(r io.Reader) (*bufio.Reader, int64, error) {
	br := bufio.NewReaderSize(r, bufSize)
	if head, _ := br.Peek(len(gzipMagic)); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, p.readErr(0, err)
		}
		br = bufio.NewReaderSize(zr, bufSize)
	}
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		_, _ = br.Discard(len(bom))
		return br, int64(len(bom)), nil
	}
	return br, 0, nil
}

// readErr classifies an error met while reading at a CSV line (0 for
// JSON): an overlong line or a corrupt gzip stream is ErrSyntax, anything
// else is the reader's own error, kept as the cause.
func (p *parser) readErr(line int, err error) error {
	var long *lineguard.TooLongError
	var lim *lineguard.LimitError
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &long):
		return p.errLine(long.Line, "", ErrSyntax, "line longer than %d bytes", maxLineBytes)
	case errors.As(err, &lim):
		return p.errLine(lim.Line, "", ErrLimit, "catalog longer than %d %s", lim.Max, lim.What)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt):
		return p.errLine(line, "", ErrSyntax, "corrupt gzip stream: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return p.errLine(line, "", ErrSyntax, "truncated input")
	}
	return &ParseError{File: p.name, Line: line, Offset: -1, Err: err}
}

// validCWE reports whether s matches the schema's ^CWE-[0-9]+$, or is one
// of NVD's two placeholders.
func validCWE(s string) bool {
	if s == "NVD-CWE-noinfo" || s == "NVD-CWE-Other" {
		// NVD's placeholders for "no information" and "a weakness outside
		// the CWE view": weakness fields copied from NVD carry them.
		return true
	}
	rest, ok := strings.CutPrefix(s, "CWE-")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return false
		}
	}
	return true
}

// setField checks v and stores it in the field of e that CISA names
// field; it returns what is wrong with v, or "". Fields it does not know
// are ignored.
func setField(e *Entry, field, v string) string {
	switch field {
	case fieldCVE:
		if _, ok := cveid.Parse(v); !ok {
			return fmt.Sprintf("%s is not a CVE ID", quote(v))
		}
		e.CVE = strings.ToUpper(v)
	case fieldVendorProject:
		e.VendorProject = v
	case fieldProduct:
		e.Product = v
	case fieldName:
		e.Name = v
	case fieldDateAdded, fieldDueDate:
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return fmt.Sprintf("%s is not a date (YYYY-MM-DD)", quote(v))
		}
		if field == fieldDateAdded {
			e.DateAdded = t
		} else {
			e.DueDate = t
		}
	case fieldShortDescription:
		e.ShortDescription = v
	case fieldRequiredAction:
		e.RequiredAction = v
	case fieldRansomware:
		switch r := Ransomware(v); r {
		case RansomwareKnown, RansomwareUnknown, "":
			e.KnownRansomwareCampaignUse = r
		default:
			return fmt.Sprintf("%s is neither %q nor %q", quote(v), RansomwareKnown, RansomwareUnknown)
		}
	case fieldNotes:
		e.Notes = v
	}
	return ""
}

// CISA's field names, in the JSON entries and the CSV header.
const (
	fieldCVE              = "cveID"
	fieldVendorProject    = "vendorProject"
	fieldProduct          = "product"
	fieldName             = "vulnerabilityName"
	fieldDateAdded        = "dateAdded"
	fieldShortDescription = "shortDescription"
	fieldRequiredAction   = "requiredAction"
	fieldDueDate          = "dueDate"
	fieldRansomware       = "knownRansomwareCampaignUse"
	fieldNotes            = "notes"
	fieldCWEs             = "cwes"
)

// allFields are the entry fields the readers know, the ones CISA's schema
// requires first; an index into it stands for a field.
var allFields = [...]string{fieldCVE, fieldVendorProject, fieldProduct, fieldName,
	fieldDateAdded, fieldShortDescription, fieldRequiredAction, fieldDueDate,
	fieldRansomware, fieldNotes, fieldCWEs}

// requiredFields are the fields CISA's schema requires of every entry.
var requiredFields = allFields[:8]

func fieldIndex(name string) int { return slices.Index(allFields[:], name) }

// maxQuoted bounds how much of a bad value an error message repeats: a
// value may be as long as the catalog allows.
const maxQuoted = 64

// quote quotes at most maxQuoted bytes of s for an error message, marking
// a cut with "...". The result is valid UTF-8 whatever s holds.
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
