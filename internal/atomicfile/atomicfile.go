package atomicfile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Errors of this package. Every error the package returns is an [*Error]
// whose Err wraps one of them.
var (
	// ErrEscape means a name would leave the directory: "..", an absolute
	// name, or a subdirectory that is a symbolic link pointing outside.
	ErrEscape = errors.New("atomicfile: name escapes the directory")
	// ErrName means a name that cannot be a file: empty, ".", or ending in
	// a path separator.
	ErrName = errors.New("atomicfile: invalid file name")
	// ErrDir means the directory could not be created or opened.
	ErrDir = errors.New("atomicfile: cannot open the directory")
	// ErrWrite means the file could not be written: creating, writing,
	// flushing or renaming the temporary file failed, or the caller's
	// writer returned an error (wrapped too, so errors.Is finds it).
	ErrWrite = errors.New("atomicfile: write failed")
)

// Error is a failure to open a directory or to write a file in it.
type Error struct {
	// Op is the step that failed: "open", "name", "mkdir", "create",
	// "write", "sync", "close", "rename" or "syncdir".
	Op string
	// Dir is the directory, as given to [Open] (or the directory of the
	// path given to [Write]).
	Dir string
	// Name is the file's name inside Dir, as given; empty when opening Dir
	// failed before any file was named.
	Name string
	// Err is the cause. It wraps one of the sentinels of this package and,
	// when there is one, the underlying error.
	Err error
}

// Error returns "atomicfile: DIR/NAME: cause", the name as given (not
// cleaned, so "../x" shows as such).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("atomicfile: ")
	switch {
	case e.Name == "":
		b.WriteString(e.Dir)
	case e.Dir == "":
		b.WriteString(e.Name)
	default: // not filepath.Join, which would clean ".." away
		b.WriteString(e.Dir)
		if !os.IsPathSeparator(e.Dir[len(e.Dir)-1]) {
			b.WriteByte(filepath.Separator)
		}
		b.WriteString(e.Name)
	}
	b.WriteString(": ")
	msg := "unknown error"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "atomicfile: ")
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Default permissions, before the umask.
const (
	// DefaultMode is the permission of written files when [Options.Mode]
	// is zero.
	DefaultMode fs.FileMode = 0o644
	// DefaultDirMode is the permission of created directories when
	// [Options.DirMode] is zero.
	DefaultDirMode fs.FileMode = 0o755
)

// Options tune how files are written. The zero value is ready to use.
type Options struct {
	// Mode is the permission of each written file, before the umask, as
	// with [os.WriteFile]; 0 means [DefaultMode]. The file has it from its
	// creation, so a 0o600 file is never readable by others, even briefly.
	Mode fs.FileMode
	// DirMode is the permission of the directories created, before the
	// umask; 0 means [DefaultDirMode].
	DirMode fs.FileMode
}

func (o Options) mode() fs.FileMode {
	if o.Mode == 0 {
		return DefaultMode
	}
	return o.Mode.Perm()
}

func (o Options) dirMode() fs.FileMode {
	if o.DirMode == 0 {
		return DefaultDirMode
	}
	return o.DirMode.Perm()
}

// Dir is an output directory, open as an [os.Root]. It is safe for
// concurrent use by multiple goroutines.
type Dir struct {
	root *os.Root
	name string
	opts Options
	// escape is the error the root returns for a name that leaves it (the
	// os package does not export it).
	escape error
}

// Open opens the directory dir for writing files into, creating it (and its
// parents) when it is missing. The directory itself may be reached through
// symbolic links; nothing written through the returned [Dir] leaves it.
// Close the Dir when done.
func Open(dir string, opts Options) (*Dir, error) {
	if err := os.MkdirAll(dir, opts.dirMode()); err != nil {
		return nil, &Error{Op: "mkdir", Dir: dir, Err: fmt.Errorf("%w: %w", ErrDir, err)}
	}
	return open(dir, "", opts)
}

func open(dir, name string, opts Options) (*Dir, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, &Error{Op: "open", Dir: dir, Name: name, Err: fmt.Errorf("%w: %w", ErrDir, err)}
	}
	return &Dir{root: root, name: dir, opts: opts, escape: escapeError(root)}, nil
}

// escapeError returns the error r gives for a name outside it, found by
// asking for an absolute name: the root refuses it before any system call.
func escapeError(r *os.Root) error {
	_, err := r.Lstat(string(filepath.Separator))
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Name returns the directory's name as given to [Open].
func (d *Dir) Name() string { return d.name }

// Close closes the directory. Writes after Close fail.
func (d *Dir) Close() error { return d.root.Close() }

// WriteFile writes data to the file name in the directory, atomically, as
// [Dir.Write] does.
func (d *Dir) WriteFile(name string, data []byte) error {
	return d.Write(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write writes the file name in the directory, atomically: write fills a
// temporary file beside it (through a buffer, flushed when write returns),
// which then replaces name in one rename. name is relative to the
// directory, with the OS's separators, and may hold subdirectories, which
// are created as needed; names leaving the directory fail with
// [ErrEscape]. A symbolic link at name is replaced, not followed.
//
// The new file has [Options.Mode], whatever the old one had.
//
// On error, write's included (and on a panic in write), nothing is left
// behind and the old file, if any, is untouched. The error is an [*Error]
// naming the file. The one exception is a failure to flush the directory
// after the rename (Op "syncdir"): the new file is then in place, but may
// not survive a crash.
func (d *Dir) Write(name string, write func(io.Writer) error) error {
	clean, err := checkName(name)
	if err != nil {
		return &Error{Op: "name", Dir: d.name, Name: name, Err: err}
	}
	fail := func(op string, err error) error {
		if d.escape != nil && errors.Is(err, d.escape) {
			err = fmt.Errorf("%w: %w", ErrEscape, err)
		} else {
			err = fmt.Errorf("%w: %w", ErrWrite, err)
		}
		return &Error{Op: op, Dir: d.name, Name: name, Err: err}
	}
	parent, base := filepath.Split(clean)
	parent = filepath.Clean(parent) // "." for a name without directory
	if parent != "." {
		if err := d.root.MkdirAll(parent, d.opts.dirMode()); err != nil {
			return fail("mkdir", err)
		}
	}
	f, tmp, err := d.createTemp(parent, base)
	if err != nil {
		return fail("create", err)
	}
	done := false
	defer func() {
		if !done { // an error, or a panic in write
			f.Close()
			d.root.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return fail("write", err)
	}
	if err := bw.Flush(); err != nil {
		return fail("write", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	if err := f.Close(); err != nil {
		d.root.Remove(tmp)
		done = true
		return fail("close", err)
	}
	if err := d.root.Rename(tmp, clean); err != nil {
		d.root.Remove(tmp)
		done = true
		return fail("rename", err)
	}
	done = true
	if err := d.syncDir(parent); err != nil {
		return fail("syncdir", err)
	}
	return nil
}

// tempAttempts bounds the retries when a random temporary name is taken.
const tempAttempts = 16

// createTemp creates a new file in the directory parent, named after base
// with a random suffix, exclusively.
func (d *Dir) createTemp(parent, base string) (*os.File, string, error) {
	var err error
	for range tempAttempts {
		var r [8]byte
		rand.Read(r[:]) // never fails (crypto/rand panics rather than fail)
		tmp := filepath.Join(parent, tempName(base, hex.EncodeToString(r[:])))
		var f *os.File
		f, err = d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, d.opts.mode())
		if err == nil {
			return f, tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	return nil, "", err
}

// maxNameBytes is the longest file name most file systems accept.
const maxNameBytes = 255

// tempName is ".NAME.tmp-SUFFIX", with NAME cut (at a character
// boundary) so that the whole stays within maxNameBytes: any name legal
// for the final file gets a legal temporary one.
func tempName(base, suffix string) string {
	const extra = len(".") + len(".tmp-")
	if room := maxNameBytes - extra - len(suffix); len(base) > room {
		for room > 0 && !utf8.RuneStart(base[room]) {
			room--
		}
		base = base[:room]
	}
	return "." + base + ".tmp-" + suffix
}

// syncDir flushes the directory parent, so that a rename into it survives
// a crash. Platforms and file systems that cannot sync a directory
// (Windows, some network file systems) are not an error.
func (d *Dir) syncDir(parent string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	f, err := d.root.Open(parent)
	if err != nil {
		return err
	}
	err = f.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported) {
		err = nil
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkName cleans name, or says why it cannot be written.
func checkName(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: empty", ErrName)
	case filepath.IsAbs(name) || filepath.VolumeName(name) != "" || os.IsPathSeparator(name[0]):
		return "", fmt.Errorf("%w: absolute name", ErrEscape)
	case os.IsPathSeparator(name[len(name)-1]):
		return "", fmt.Errorf("%w: ends in a path separator", ErrName)
	}
	clean := filepath.Clean(name)
	switch {
	case clean == ".":
		return "", fmt.Errorf("%w: names the directory itself", ErrName)
	case clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)):
		return "", fmt.Errorf("%w: leads out through ..", ErrEscape)
	case !filepath.IsLocal(clean):
		return "", fmt.Errorf("%w: not a local name", ErrName) // a reserved name on Windows
	}
	return clean, nil
}

// Write writes the file at path atomically, as [Dir.Write] does, with path's
// directory as the directory it may not leave: the directory must exist,
// as with [os.Create], and a symbolic link at path is replaced, not
// followed.
func Write(path string, write func(io.Writer) error, opts Options) error {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if name == "" {
		return &Error{Op: "name", Dir: dir, Err: fmt.Errorf("%w: ends in a path separator", ErrName)}
	}
	d, err := open(dir, name, opts)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Write(name, write)
}
