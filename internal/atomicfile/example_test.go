package atomicfile_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/aspmkit/aspm/internal/atomicfile"
)

func ExampleDir_Write() {
	base, err := os.MkdirTemp("", "atomicfile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(base)

	out, err := atomicfile.Open(filepath.Join(base, "aspm-out"), atomicfile.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()

	// Write the report: readers see the old one or the new one, whole.
	err = out.Write("report.md", func(w io.Writer) error {
		_, err := io.WriteString(w, "# Findings\n")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(base, "aspm-out", "report.md"))
	fmt.Print(string(b))

	// A name that leaves the directory is refused.
	err = out.WriteFile(filepath.Join("..", "elsewhere.md"), []byte("x"))
	fmt.Println(errors.Is(err, atomicfile.ErrEscape))
	// Output:
	// # Findings
	// true
}
