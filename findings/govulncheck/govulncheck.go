package govulncheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/google/osv-scanner/pkg/models"
	"github.com/package-url/packageurl-go"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/internal/jsonstream"
)

// Format is this decoder's name, as used in findings.Source.Format and the
// CLI's --format.
const Format = "govulncheck"

// defaultToolName names the tool when the document does not.
const defaultToolName = "govulncheck"

// config is govulncheck's "config" message.
type config struct {
	ProtocolVersion string `json:"protocol_version"`
	ScannerName     string `json:"scanner_name"`
	ScannerVersion  string `json:"scanner_version"`
	DB              string `json:"db"`
	DBLastModified  string `json:"db_last_modified"`
	GoVersion       string `json:"go_version"`
	ScanLevel       string `json:"scan_level"`
	ScanMode        string `json:"scan_mode"`
}

// osvEntry is an OSV record as govulncheck writes it. It reuses the
// OSV-Scanner model but keeps the dates as written.
type osvEntry struct {
	models.Vulnerability
	Modified  string `json:"modified"`
	Published string `json:"published"`
	Withdrawn string `json:"withdrawn"`
}

// position is a source position of a trace frame.
type position struct {
	Filename string `json:"filename"`
	Offset   int    `json:"offset"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// frame is one entry of a finding's trace: trace[0] is the vulnerable
// symbol (or package, or module), the last entry the entry point.
type frame struct {
	Module   string    `json:"module"`
	Version  string    `json:"version"`
	Package  string    `json:"package"`
	Function string    `json:"function"`
	Receiver string    `json:"receiver"`
	Position *position `json:"position"`
}

// findingMsg is govulncheck's "finding" message.
type findingMsg struct {
	OSV          string  `json:"osv"`
	FixedVersion string  `json:"fixed_version"`
	Trace        []frame `json:"trace"`
}

// advisory is what is kept of an OSV record: enough for the findings that
// refer to it, not the whole record.
type advisory struct {
	summary, details    string
	aliases, references []string
	published, modified string
	withdrawn           string
	fixed               map[string][]string // module path → fixed versions
}

// group gathers the findings of one vulnerability in one module.
type group struct {
	osv, module, version, fixed string
	symbol                      bool // a symbol-level finding (trace[0] has a function)
	loc                         findings.Location
	locSymbol                   bool // loc comes from a symbol-level finding
	symbols, packages           []string
}

// Decode reads one govulncheck JSON document from r and hands each finding
// to h: one per vulnerability (OSV id) and module, in the order of their
// first finding message. It reads the `govulncheck -json` message stream,
// the same messages as a JSON array, and the pre-1.0 result object. See
// the package documentation for the mapping. govulncheck output carries no
// VEX statements.
func Decode(r io.Reader, opts findings.DecodeOptions, h findings.Handler) error {
	max := opts.Limits.WithDefaults().MaxDocumentBytes
	lr := &limitReader{r: r, left: max}
	g := jsonstream.NewReader(lr, opts.Limits)
	d := &decoder{
		opts:     opts,
		em:       findings.NewEmitter(h, opts, Format),
		g:        g,
		dec:      json.NewDecoder(g),
		max:      max,
		start:    -1,
		osvs:     map[string]*advisory{},
		groupIdx: map[[2]string]int{},
	}
	// Numbers stay json.Number: a huge number is not an error of this
	// format, and Token would otherwise fail converting it to float64.
	d.dec.UseNumber()
	if err := d.document(); err != nil {
		var he handlerError
		if errors.As(err, &he) {
			return he.err
		}
		return err
	}
	return nil
}

type decoder struct {
	opts findings.DecodeOptions
	em   *findings.Emitter
	g    *jsonstream.Reader
	dec  *json.Decoder
	max  int64
	// start is the input offset where the current Decode call began, or -1.
	start int64

	cfg      *config
	osvs     map[string]*advisory
	groups   []*group
	groupIdx map[[2]string]int
}

// handlerError marks an error returned by the handler, which Decode returns
// unchanged.
type handlerError struct{ err error }

func (e handlerError) Error() string { return e.err.Error() }

// limitReader fails with a MaxDocumentBytes LimitError when the input is
// longer than the limit: govulncheck output must be read whole before any
// finding can be emitted.
type limitReader struct {
	r    io.Reader
	left int64
	err  error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	if int64(n) > l.left {
		n = int(l.left)
		l.left = 0
		l.err = errDocLimit
		return n, l.err
	}
	l.left -= int64(n)
	return n, err
}

var errDocLimit = errors.New("document limit")

// fail converts a decoding error at path into a *findings.DecodeError.
func (d *decoder) fail(err error, path string) error {
	var he handlerError
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, errDocLimit) {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: d.max, Path: path,
			Err: &findings.LimitError{Limit: "MaxDocumentBytes", Max: d.max},
		}
	}
	out := jsonstream.Error(err, d.g, d.dec, d.opts.Name, Format, path)
	var de *findings.DecodeError
	if errors.As(out, &de) && !errors.As(err, new(*findings.DecodeError)) {
		jsonstream.ExactOffset(err, de, d.dec, d.g.BOMLen(), d.start)
	}
	d.start = -1
	return out
}

// decode decodes the next value into v, remembering where it began.
func (d *decoder) decode(v any) error {
	d.start = jsonstream.ValueStart(d.dec)
	err := d.dec.Decode(v)
	if err == nil {
		d.start = -1
	}
	return err
}

// invalid reports a well-formed document that is not govulncheck output.
func (d *decoder) invalid(path, format string, args ...any) error {
	return &findings.DecodeError{
		File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(), Path: path,
		Err: fmt.Errorf("%w: %s", findings.ErrInvalid, fmt.Sprintf(format, args...)),
	}
}

func (d *decoder) document() error {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: d.g.Offset(),
			Err: fmt.Errorf("%w: empty input (govulncheck -json always writes a config message first)", findings.ErrSyntax),
		}
	}
	if err != nil {
		return d.fail(err, "")
	}
	switch tok {
	case json.Delim('['):
		for i := 0; d.dec.More(); i++ {
			path := "[" + strconv.Itoa(i) + "]"
			tok, err := d.dec.Token()
			if err != nil {
				return d.fail(err, path)
			}
			if tok != json.Delim('{') {
				return d.invalid(path, "expected a govulncheck message object, found %s", jsonstream.Describe(tok))
			}
			first, err := d.firstKey(path)
			if err != nil {
				return err
			}
			if err := d.message(path, first); err != nil {
				return err
			}
		}
		if _, err := d.dec.Token(); err != nil { // ']'
			return d.fail(err, "")
		}
		if err := d.end(); err != nil {
			return err
		}
		return d.emit()
	case json.Delim('{'):
	default:
		return d.invalid("", "expected govulncheck JSON messages, found %s", jsonstream.Describe(tok))
	}
	first, err := d.firstKey("")
	if err != nil {
		return err
	}
	switch first {
	case "Vulns", "Calls", "Imports", "Requires", "Modules":
		return d.legacy(first)
	}
	// The -json stream: a sequence of message objects.
	if err := d.message("message[0]", first); err != nil {
		return err
	}
	for i := 1; ; i++ {
		path := "message[" + strconv.Itoa(i) + "]"
		tok, err := d.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return d.fail(err, path)
		}
		if tok != json.Delim('{') {
			return d.invalid(path, "expected a govulncheck message object, found %s", jsonstream.Describe(tok))
		}
		first, err := d.firstKey(path)
		if err != nil {
			return err
		}
		if err := d.message(path, first); err != nil {
			return err
		}
	}
	return d.emit()
}

// end checks that nothing follows the document.
func (d *decoder) end() error {
	_, err := d.dec.Token()
	if err == io.EOF {
		return nil
	}
	if err == nil {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: d.dec.InputOffset() + d.g.BOMLen(),
			Err: fmt.Errorf("%w: data after the end of the document", findings.ErrSyntax),
		}
	}
	return d.fail(err, "")
}

// key reads an object key; at the object's end it consumes the closing
// brace and reports false.
func (d *decoder) key(path string) (string, bool, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return "", false, d.fail(err, path)
	}
	if tok == json.Delim('}') {
		return "", false, nil
	}
	k, ok := tok.(string)
	if !ok {
		return "", false, d.invalid(path, "expected an object key, found %s", jsonstream.Describe(tok))
	}
	return k, true, nil
}

// firstKey reads the first key of a message object whose brace was read.
func (d *decoder) firstKey(path string) (string, error) {
	k, ok, err := d.key(path)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", d.invalid(path, "an empty object is not a govulncheck message")
	}
	return k, nil
}

// message reads the members of one message object whose opening brace and
// first key have been read. Unknown members are skipped: the protocol adds
// message types over time.
func (d *decoder) message(path, key string) error {
	for {
		mpath := path + "." + key
		switch key {
		case "config":
			var c config
			if err := d.decode(&c); err != nil {
				return d.fail(err, mpath)
			}
			d.cfg = &c
		case "osv":
			var e osvEntry
			if err := d.decode(&e); err != nil {
				return d.fail(err, mpath)
			}
			if e.ID == "" {
				return d.invalid(mpath, `OSV record without an "id"`)
			}
			d.osvs[e.ID] = newAdvisory(&e)
		case "finding":
			var f findingMsg
			if err := d.decode(&f); err != nil {
				return d.fail(err, mpath)
			}
			if err := d.finding(mpath, &f); err != nil {
				return err
			}
		default: // progress, SBOM, and messages of later protocol versions
			if err := jsonstream.SkipValue(d.dec); err != nil {
				return d.fail(err, mpath)
			}
		}
		next, ok, err := d.key(path)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		key = next
	}
}

func newAdvisory(e *osvEntry) *advisory {
	a := &advisory{
		summary:   e.Summary,
		details:   e.Details,
		aliases:   e.Aliases,
		published: e.Published,
		modified:  e.Modified,
		withdrawn: e.Withdrawn,
		fixed:     map[string][]string{},
	}
	for _, r := range e.References {
		a.references = append(a.references, r.URL)
	}
	if u, ok := e.DatabaseSpecific["url"].(string); ok {
		a.references = append(a.references, u)
	}
	for _, af := range e.Affected {
		if u, ok := af.DatabaseSpecific["url"].(string); ok { // pre-1.0 records
			a.references = append(a.references, u)
		}
		name := af.Package.Name
		for _, r := range af.Ranges {
			for _, ev := range r.Events {
				if ev.Fixed != "" {
					a.fixed[name] = append(a.fixed[name], goVersion(ev.Fixed))
				}
			}
		}
	}
	return a
}

// goVersion spells an OSV SEMVER version ("1.20.5") as Go does
// ("v1.20.5"), the form govulncheck uses for found and fixed versions.
func goVersion(v string) string {
	if v == "" || strings.HasPrefix(v, "v") {
		return v
	}
	return "v" + v
}

// finding adds one finding message to its (OSV id, module) group.
func (d *decoder) finding(path string, f *findingMsg) error {
	if f.OSV == "" {
		return d.invalid(path, `finding without an "osv" id`)
	}
	if len(f.Trace) == 0 || f.Trace[0].Module == "" {
		return d.invalid(path, "finding without a trace naming a module")
	}
	top := f.Trace[0]
	gr := d.group(f.OSV, top.Module)
	if gr.version == "" {
		gr.version = top.Version
	}
	if gr.fixed == "" {
		gr.fixed = f.FixedVersion
	}
	switch {
	case top.Function != "":
		gr.symbol = true
		gr.symbols = appendNew(gr.symbols, qualified(top.Package, top.Receiver, top.Function))
	case top.Package != "":
		gr.packages = appendNew(gr.packages, top.Package)
	}
	if !gr.locSymbol {
		if loc, ok := traceLocation(f.Trace); ok {
			gr.loc = loc
			gr.locSymbol = top.Function != ""
		}
	}
	return nil
}

func (d *decoder) group(osv, module string) *group {
	k := [2]string{osv, module}
	if i, ok := d.groupIdx[k]; ok {
		return d.groups[i]
	}
	gr := &group{osv: osv, module: module}
	d.groupIdx[k] = len(d.groups)
	d.groups = append(d.groups, gr)
	return gr
}

// traceLocation picks the frame govulncheck's own text output shows: the
// exit point of the top module (the first frame, counting from the
// vulnerable symbol, that belongs to the module of the entry point), when
// it has a position; otherwise the first frame with a position.
func traceLocation(trace []frame) (findings.Location, bool) {
	topModule := trace[len(trace)-1].Module
	pick := -1
	for i := range trace {
		if trace[i].Module == topModule {
			if hasPosition(trace[i]) {
				pick = i
			}
			break
		}
	}
	if pick < 0 {
		for i := range trace {
			if hasPosition(trace[i]) {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		return findings.Location{}, false
	}
	fr := trace[pick]
	loc := findings.Location{Path: fr.Position.Filename}
	if fr.Position.Line > 0 {
		loc.Region = &findings.Region{StartLine: fr.Position.Line, StartColumn: max(fr.Position.Column, 0)}
	}
	if fr.Function != "" {
		loc.LogicalLocation = qualified(fr.Package, fr.Receiver, fr.Function)
	}
	return loc, true
}

func hasPosition(fr frame) bool {
	return fr.Position != nil && fr.Position.Filename != ""
}

// qualified spells a function the way Go does: "pkg.Func",
// "pkg.Recv.Method", "pkg.(*Recv).Method".
func qualified(pkg, recv, fn string) string {
	var b strings.Builder
	if pkg != "" {
		b.WriteString(pkg)
		b.WriteByte('.')
	}
	if recv != "" {
		if strings.HasPrefix(recv, "*") {
			b.WriteString("(" + recv + ")")
		} else {
			b.WriteString(recv)
		}
		b.WriteByte('.')
	}
	b.WriteString(fn)
	return b.String()
}

func appendNew(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// emit hands over the grouped findings of a message stream or array.
func (d *decoder) emit() error {
	if d.cfg == nil {
		return &findings.DecodeError{
			File: d.opts.Name, Format: Format, Offset: -1,
			Err: fmt.Errorf(`%w: no "config" message: not govulncheck -json output`, findings.ErrInvalid),
		}
	}
	tool := findings.Tool{Name: d.cfg.ScannerName, Version: d.cfg.ScannerVersion}
	if tool.Name == "" {
		tool.Name = defaultToolName
	}
	for _, gr := range d.groups {
		f := d.base(tool, gr.osv, gr.module, gr.version)
		switch {
		case gr.symbol:
			f.Reachability = findings.Reachable
		case d.cfg.ScanLevel == "symbol":
			f.Reachability = findings.Unreachable
		default:
			f.Reachability = findings.ReachabilityUnknown
		}
		if gr.fixed != "" {
			f.Package.FixedVersions = []string{gr.fixed}
		}
		f.Location = gr.loc
		if len(gr.symbols) > 0 {
			f.Properties["symbols"] = gr.symbols
		}
		if len(gr.packages) > 0 {
			f.Properties["packages"] = gr.packages
		}
		for k, v := range map[string]string{
			"db": d.cfg.DB, "db_last_modified": d.cfg.DBLastModified, "go_version": d.cfg.GoVersion,
			"scan_level": d.cfg.ScanLevel, "scan_mode": d.cfg.ScanMode, "protocol_version": d.cfg.ProtocolVersion,
		} {
			if v != "" {
				f.Properties[k] = v
			}
		}
		if err := d.em.Finding(f); err != nil {
			return handlerError{err}
		}
	}
	return nil
}

// base fills what every finding of one vulnerability in one module has.
func (d *decoder) base(tool findings.Tool, osv, module, version string) findings.Finding {
	f := findings.Finding{
		Kind:             findings.KindSCA,
		Tool:             tool,
		RuleID:           osv,
		Title:            osv,
		VulnerabilityIDs: []string{osv},
		Package: &findings.Package{
			Name:      module,
			Version:   version,
			Ecosystem: string(models.EcosystemGo),
			PURL:      purl(module, version),
		},
		Properties: map[string]any{},
	}
	if a := d.osvs[osv]; a != nil {
		if a.summary != "" {
			f.Title = a.summary
		}
		f.Description = a.details
		f.VulnerabilityIDs = append(f.VulnerabilityIDs, a.aliases...)
		f.References = a.references
		f.Published = a.published
		f.Modified = a.modified
		if a.withdrawn != "" {
			f.Properties["withdrawn"] = a.withdrawn
		}
	}
	return f
}

// purl builds pkg:golang/<module>@<version>. Go module paths are
// case-sensitive, so the purl is not normalized (packageurl-go's Normalize
// would lower-case a golang purl).
func purl(module, version string) string {
	ns, name := "", module
	if i := strings.LastIndex(module, "/"); i >= 0 {
		ns, name = module[:i], module[i+1:]
	}
	if name == "" {
		return ""
	}
	return packageurl.NewPackageURL(packageurl.TypeGolang, ns, name, version, nil, "").ToString()
}
