package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errBoom = errors.New("boom")

// layout makes a directory "out" to write into and a directory "outside"
// beside it holding the file "secret", and returns both.
func layout(t *testing.T) (out, outside string) {
	t.Helper()
	base := t.TempDir()
	out, outside = filepath.Join(base, "out"), filepath.Join(base, "outside")
	require.NoError(t, os.Mkdir(out, 0o755))
	require.NoError(t, os.Mkdir(outside, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("outside"), 0o644))
	return out, outside
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links unavailable here: %v", err) // Windows without the privilege
	}
}

// leftovers lists the temporary files under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			out = append(out, path)
		}
		return nil
	}))
	return out
}

// outsideUntouched checks that the directory outside holds only its
// original file, unchanged.
func outsideUntouched(t *testing.T, outside string) {
	t.Helper()
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	require.Len(t, entries, 1, "nothing was written outside")
	b, err := os.ReadFile(filepath.Join(outside, "secret"))
	require.NoError(t, err)
	assert.Equal(t, "outside", string(b))
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestDirWrite(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares out and outside before the write.
		setup func(t *testing.T, out, outside string)
		file  string
		write func(io.Writer) error
		opts  Options
		// wantErr is the sentinel the error wraps; nil for success.
		wantErr error
		// cause is another error the error must wrap.
		cause error
		// want maps files under out to their expected content after the
		// write.
		want map[string]string
		// regular names files under out that must be regular files.
		regular []string
		mode    fs.FileMode
	}{
		{
			name:    "new file",
			file:    "report.html",
			write:   writeString("<!doctype html>"),
			want:    map[string]string{"report.html": "<!doctype html>"},
			regular: []string{"report.html"},
			mode:    DefaultMode,
		},
		{
			name:  "empty file",
			file:  "empty.json",
			write: func(io.Writer) error { return nil },
			want:  map[string]string{"empty.json": ""},
			mode:  DefaultMode,
		},
		{
			name: "replace existing",
			setup: func(t *testing.T, out, _ string) {
				require.NoError(t, os.WriteFile(filepath.Join(out, "report.md"), []byte("old and longer"), 0o644))
			},
			file:  "report.md",
			write: writeString("new"),
			want:  map[string]string{"report.md": "new"},
			mode:  DefaultMode,
		},
		{
			name:  "mode",
			file:  "private.json",
			write: writeString("{}"),
			opts:  Options{Mode: 0o600},
			want:  map[string]string{"private.json": "{}"},
			mode:  0o600,
		},
		{
			name:    "subdirectories are created",
			file:    filepath.Join("a", "b", "c.txt"),
			write:   writeString("deep"),
			want:    map[string]string{filepath.Join("a", "b", "c.txt"): "deep"},
			regular: []string{filepath.Join("a", "b", "c.txt")},
			mode:    DefaultMode,
		},
		{
			name:  "dot-dot that stays inside is cleaned",
			file:  filepath.Join("a", "..", "b.txt"),
			write: writeString("b"),
			want:  map[string]string{"b.txt": "b"},
			mode:  DefaultMode,
		},
		{
			name: "large file",
			file: "big.bin",
			write: func(w io.Writer) error {
				_, err := w.Write(bytes.Repeat([]byte("0123456789abcdef"), 1<<16)) // 1 MiB
				return err
			},
			want: map[string]string{"big.bin": strings.Repeat("0123456789abcdef", 1<<16)},
			mode: DefaultMode,
		},
		{
			name: "writer error leaves the old file",
			setup: func(t *testing.T, out, _ string) {
				require.NoError(t, os.WriteFile(filepath.Join(out, "report.json"), []byte("old"), 0o644))
			},
			file: "report.json",
			write: func(w io.Writer) error {
				io.WriteString(w, "partial")
				return errBoom
			},
			wantErr: ErrWrite,
			cause:   errBoom,
			want:    map[string]string{"report.json": "old"},
		},
		{
			name: "writer error after a flush leaves the old file",
			setup: func(t *testing.T, out, _ string) {
				require.NoError(t, os.WriteFile(filepath.Join(out, "report.json"), []byte("old"), 0o644))
			},
			file: "report.json",
			write: func(w io.Writer) error {
				w.Write(make([]byte, 200<<10)) // past the buffer: reaches the temporary file
				return errBoom
			},
			wantErr: ErrWrite,
			cause:   errBoom,
			want:    map[string]string{"report.json": "old"},
		},
		{
			name:    "writer error with no old file leaves nothing",
			file:    "report.json",
			write:   func(io.Writer) error { return errBoom },
			wantErr: ErrWrite,
			cause:   errBoom,
		},
		{
			name: "symlink at the final name is replaced, not followed",
			setup: func(t *testing.T, out, outside string) {
				symlink(t, filepath.Join(outside, "secret"), filepath.Join(out, "report.html"))
			},
			file:    "report.html",
			write:   writeString("report"),
			want:    map[string]string{"report.html": "report"},
			regular: []string{"report.html"},
			mode:    DefaultMode,
		},
		{
			name: "relative symlink at the final name pointing outside is replaced",
			setup: func(t *testing.T, out, _ string) {
				symlink(t, filepath.Join("..", "outside", "secret"), filepath.Join(out, "report.html"))
			},
			file:    "report.html",
			write:   writeString("report"),
			want:    map[string]string{"report.html": "report"},
			regular: []string{"report.html"},
			mode:    DefaultMode,
		},
		{
			name: "dangling symlink at the final name is replaced",
			setup: func(t *testing.T, out, _ string) {
				symlink(t, "nowhere", filepath.Join(out, "report.html"))
			},
			file:    "report.html",
			write:   writeString("report"),
			want:    map[string]string{"report.html": "report"},
			regular: []string{"report.html"},
			mode:    DefaultMode,
		},
		{
			name: "symlinked subdirectory pointing outside",
			setup: func(t *testing.T, out, outside string) {
				symlink(t, filepath.Join("..", "outside"), filepath.Join(out, "sub"))
			},
			file:    filepath.Join("sub", "report.html"),
			write:   writeString("report"),
			wantErr: ErrEscape,
		},
		{
			name: "symlinked subdirectory pointing outside, deeper",
			setup: func(t *testing.T, out, outside string) {
				symlink(t, filepath.Join("..", "outside"), filepath.Join(out, "sub"))
			},
			file:    filepath.Join("sub", "new", "report.html"),
			write:   writeString("report"),
			wantErr: ErrEscape,
		},
		{
			name: "absolute symlinked subdirectory is refused",
			setup: func(t *testing.T, out, outside string) {
				symlink(t, outside, filepath.Join(out, "sub"))
			},
			file:    filepath.Join("sub", "report.html"),
			write:   writeString("report"),
			wantErr: ErrEscape,
		},
		{
			name: "relative symlinked subdirectory inside is followed",
			setup: func(t *testing.T, out, _ string) {
				require.NoError(t, os.Mkdir(filepath.Join(out, "real"), 0o755))
				symlink(t, "real", filepath.Join(out, "sub"))
			},
			file:  filepath.Join("sub", "x.txt"),
			write: writeString("x"),
			want:  map[string]string{filepath.Join("real", "x.txt"): "x"},
			mode:  DefaultMode,
		},
		{
			name: "final name is a directory",
			setup: func(t *testing.T, out, _ string) {
				require.NoError(t, os.MkdirAll(filepath.Join(out, "report.html", "inner"), 0o755))
			},
			file:    "report.html",
			write:   writeString("report"),
			wantErr: ErrWrite,
		},
		{name: "dot-dot", file: filepath.Join("..", "outside", "secret"), write: writeString("x"), wantErr: ErrEscape},
		{name: "dot-dot alone", file: "..", write: writeString("x"), wantErr: ErrEscape},
		{name: "dot-dot after a directory", file: filepath.Join("a", "..", "..", "x"), write: writeString("x"), wantErr: ErrEscape},
		{name: "absolute", file: string(filepath.Separator) + "abs", write: writeString("x"), wantErr: ErrEscape},
		{name: "empty", file: "", write: writeString("x"), wantErr: ErrName},
		{name: "dot", file: ".", write: writeString("x"), wantErr: ErrName},
		{name: "trailing separator", file: "sub" + string(filepath.Separator), write: writeString("x"), wantErr: ErrName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, outside := layout(t)
			if tt.setup != nil {
				tt.setup(t, out, outside)
			}
			d, err := Open(out, tt.opts)
			require.NoError(t, err)
			defer d.Close()

			err = d.Write(tt.file, tt.write)
			if tt.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.wantErr)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.file, e.Name)
				assert.Equal(t, out, e.Dir)
				assert.Contains(t, err.Error(), tt.file, "the error names the file")
				assert.True(t, strings.HasPrefix(err.Error(), "atomicfile: "), err.Error())
			}
			if tt.cause != nil {
				assert.ErrorIs(t, err, tt.cause)
			}
			for name, content := range tt.want {
				b, err := os.ReadFile(filepath.Join(out, name))
				require.NoError(t, err, name)
				assert.Equal(t, content, string(b), name)
				if tt.mode != 0 {
					fi, err := os.Lstat(filepath.Join(out, name))
					require.NoError(t, err)
					if runtime.GOOS != "windows" {
						assert.Equal(t, tt.mode&0o700, fi.Mode().Perm()&0o700, "owner bits")
						assert.Zero(t, fi.Mode().Perm()&^tt.mode, "no bits beyond the mode (the umask may clear some)")
					}
				}
			}
			for _, name := range tt.regular {
				fi, err := os.Lstat(filepath.Join(out, name))
				require.NoError(t, err)
				assert.True(t, fi.Mode().IsRegular(), "%s is a regular file, not %v", name, fi.Mode())
			}
			if tt.wantErr != nil && tt.want == nil && tt.file != "" {
				_, err := os.Lstat(filepath.Join(out, tt.file))
				if !strings.Contains(tt.name, "directory") && !strings.Contains(tt.name, "dot") {
					assert.ErrorIs(t, err, fs.ErrNotExist, "nothing at the final name")
				}
			}
			assert.Empty(t, leftovers(t, out), "no temporary file left behind")
			outsideUntouched(t, outside)
		})
	}
}

// TestWriterPanic: a panicking writer leaves no temporary file and the old
// file untouched.
func TestWriterPanic(t *testing.T) {
	out, _ := layout(t)
	require.NoError(t, os.WriteFile(filepath.Join(out, "f"), []byte("old"), 0o644))
	d, err := Open(out, Options{})
	require.NoError(t, err)
	defer d.Close()
	assert.PanicsWithValue(t, "writer bug", func() {
		d.Write("f", func(w io.Writer) error {
			io.WriteString(w, "partial")
			panic("writer bug")
		})
	})
	b, err := os.ReadFile(filepath.Join(out, "f"))
	require.NoError(t, err)
	assert.Equal(t, "old", string(b))
	assert.Empty(t, leftovers(t, out))
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		dir     func(t *testing.T) string
		wantErr error
	}{
		{"existing", func(t *testing.T) string { return t.TempDir() }, nil},
		{"missing, with parents", func(t *testing.T) string { return filepath.Join(t.TempDir(), "a", "b") }, nil},
		{"a symlink to a directory", func(t *testing.T) string {
			base := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(base, "real"), 0o755))
			symlink(t, "real", filepath.Join(base, "link"))
			return filepath.Join(base, "link")
		}, nil},
		{"a file", func(t *testing.T) string {
			name := filepath.Join(t.TempDir(), "file")
			require.NoError(t, os.WriteFile(name, nil, 0o644))
			return name
		}, ErrDir},
		{"under a file", func(t *testing.T) string {
			name := filepath.Join(t.TempDir(), "file")
			require.NoError(t, os.WriteFile(name, nil, 0o644))
			return filepath.Join(name, "sub")
		}, ErrDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.dir(t)
			d, err := Open(dir, Options{})
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, dir, e.Dir)
				assert.Contains(t, err.Error(), dir)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, dir, d.Name())
			require.NoError(t, d.WriteFile("x", []byte("x")))
			b, err := os.ReadFile(filepath.Join(dir, "x"))
			require.NoError(t, err)
			assert.Equal(t, "x", string(b))
			require.NoError(t, d.Close())
			assert.ErrorIs(t, d.WriteFile("y", nil), ErrWrite, "a closed Dir writes nothing")
		})
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name    string
		path    func(t *testing.T, out, outside string) string
		wantErr error
		want    string
	}{
		{"new file", func(t *testing.T, out, _ string) string { return filepath.Join(out, "out.sarif") }, nil, "data"},
		{"replace", func(t *testing.T, out, _ string) string {
			require.NoError(t, os.WriteFile(filepath.Join(out, "out.sarif"), []byte("old"), 0o644))
			return filepath.Join(out, "out.sarif")
		}, nil, "data"},
		{"symlink to outside is replaced", func(t *testing.T, out, outside string) string {
			symlink(t, filepath.Join(outside, "secret"), filepath.Join(out, "out.sarif"))
			return filepath.Join(out, "out.sarif")
		}, nil, "data"},
		{"relative to the working directory", func(t *testing.T, out, _ string) string {
			t.Chdir(out)
			return "out.sarif"
		}, nil, "data"},
		{"missing directory is not created", func(t *testing.T, out, _ string) string {
			return filepath.Join(out, "missing", "out.sarif")
		}, ErrDir, ""},
		{"a directory", func(t *testing.T, out, _ string) string { return out + string(filepath.Separator) }, ErrName, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, outside := layout(t)
			path := tt.path(t, out, outside)
			err := Write(path, writeString("data"), Options{})
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), filepath.Base(path))
				_, serr := os.Stat(filepath.Join(out, "missing"))
				assert.ErrorIs(t, serr, fs.ErrNotExist)
			} else {
				require.NoError(t, err)
				fi, err := os.Lstat(path)
				require.NoError(t, err)
				assert.True(t, fi.Mode().IsRegular())
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(b))
			}
			assert.Empty(t, leftovers(t, out))
			outsideUntouched(t, outside)
		})
	}
}

// TestConcurrentWriters: goroutines writing the same name, while others
// read it, only ever see a complete file, and end with one.
func TestConcurrentWriters(t *testing.T) {
	const (
		writers = 8
		rounds  = 10
		size    = 96 << 10 // more than the buffer: several write calls each
	)
	out := t.TempDir()
	d, err := Open(out, Options{})
	require.NoError(t, err)
	defer d.Close()
	content := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, size) }
	require.NoError(t, d.WriteFile(filepath.Join("sub", "shared.bin"), content(0)))

	// complete reports whether b is one writer's whole output.
	complete := func(b []byte) error {
		if len(b) != size {
			return fmt.Errorf("%d bytes, want %d", len(b), size)
		}
		if n := bytes.Count(b, b[:1]); n != size {
			return fmt.Errorf("mixed content: %d of %d bytes are %q", n, size, b[0])
		}
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := os.ReadFile(filepath.Join(out, "sub", "shared.bin"))
				if err == nil {
					err = complete(b)
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("reader: %w", err))
					mu.Unlock()
					return
				}
			}
		})
	}
	for i := range writers {
		wg.Go(func() {
			for range rounds {
				if err := d.WriteFile(filepath.Join("sub", "shared.bin"), content(i)); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	require.Empty(t, errs)
	b, err := os.ReadFile(filepath.Join(out, "sub", "shared.bin"))
	require.NoError(t, err)
	assert.NoError(t, complete(b))
	assert.Empty(t, leftovers(t, out))
	entries, err := os.ReadDir(filepath.Join(out, "sub"))
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Dir: "out", Name: "report.html", Err: ErrWrite}, "atomicfile: out" + string(filepath.Separator) + "report.html: write failed"},
		{&Error{Dir: "out" + string(filepath.Separator), Name: filepath.Join("..", "x"), Err: ErrEscape},
			"atomicfile: out" + string(filepath.Separator) + filepath.Join("..", "x") + ": name escapes the directory"},
		{&Error{Dir: "out", Err: fmt.Errorf("%w: %w", ErrDir, fs.ErrPermission)}, "atomicfile: out: cannot open the directory: permission denied"},
		{&Error{Name: "x"}, "atomicfile: x: unknown error"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestLongNames(t *testing.T) {
	d, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	defer d.Close()
	for _, name := range []string{strings.Repeat("r", 246), strings.Repeat("é", 127)} { // 246 and 254 bytes
		require.NoError(t, d.WriteFile(name, []byte("x")), "a %d-byte name", len(name))
		got, err := os.ReadFile(filepath.Join(d.Name(), name))
		require.NoError(t, err)
		assert.Equal(t, "x", string(got))
	}
	for _, tt := range []struct{ base, suffix string }{
		{"report.html", "0123456789abcdef"},
		{strings.Repeat("a", 300), "0123456789abcdef"},
		{strings.Repeat("é", 200), "0123456789abcdef"},
	} {
		got := tempName(tt.base, tt.suffix)
		assert.LessOrEqual(t, len(got), maxNameBytes)
		assert.True(t, utf8.ValidString(got))
		assert.True(t, strings.HasSuffix(got, ".tmp-"+tt.suffix))
	}
}
