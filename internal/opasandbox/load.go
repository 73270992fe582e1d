package opasandbox

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

// LoadFS reads every *.rego file of fsys, except Rego unit tests
// (*_test.rego), into sources, each named prefix/path (path alone when
// prefix is empty). A file it cannot read, or a name sources already
// holds, gives the error problem(file, message); every problem is joined,
// and the files that could be read are still added.
func LoadFS(fsys fs.FS, prefix string, sources map[string]string, problem func(file, message string) error) error {
	var errs []error
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		name := p
		if prefix != "" {
			name = path.Join(prefix, p)
		}
		if err != nil {
			errs = append(errs, problem(name, err.Error()))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, problem(name, err.Error()))
			return nil
		}
		if _, dup := sources[name]; dup {
			errs = append(errs, problem(name, "loaded twice"))
			return nil
		}
		sources[name] = string(b)
		return nil
	})
	if err != nil {
		errs = append(errs, problem(prefix, err.Error()))
	}
	return errors.Join(errs...)
}
