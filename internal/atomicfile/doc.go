// Package atomicfile writes output files atomically inside one directory,
// never following a symbolic link out of it.
//
// # Writing
//
// [Open] opens an output directory once, as an [os.Root], creating it when
// it is missing. [Dir.Write] then writes each file the safe way: a temporary
// file with a random name is created exclusively (O_EXCL) in the same
// directory as the final name, filled by the caller's writer, flushed to
// disk, closed, and renamed over the final name; the directory is then
// flushed too, so the new name survives a crash. A reader of the final name
// sees either the old file or the new one, complete, never a part.
//
// On any error, the writer's own included, the temporary file is removed
// and the old file is left as it was. [Write] does the same for a single
// file given by its path, in a directory that must already exist.
//
// # Containment
//
// A name may hold subdirectories ("sub/report.html"), created as needed
// inside the directory. Names that leave it are refused with an [*Error]
// wrapping [ErrEscape]: "..", absolute names, and subdirectories that are
// symbolic links pointing outside. The [os.Root] follows a symbolic link
// among the subdirectories only when it is relative and stays inside. A
// symbolic link at the final name is never followed: the rename replaces the
// link itself with the new regular file, and whatever it pointed to stays
// untouched.
//
// # Concurrency
//
// A [Dir] is safe for concurrent use by multiple goroutines, and several
// processes may write into the same directory. Every write has its own
// temporary file; writers of the same name race only on the final rename,
// which is atomic, so the file ends as the complete output of one of them
// (the last to rename).
package atomicfile
