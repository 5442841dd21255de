package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Directory writes a message's attachments into Root/Folder. Reports always
// go to their own report directory this way, and may be copied to more
// (a shared drive, a web server's folder).
type Directory struct {
	name string
	root string
}

// NewDirectory returns a directory destination; root is created on first use.
func NewDirectory(name, root string) *Directory { return &Directory{name: name, root: root} }

func (d *Directory) Name() string   { return d.name }
func (d *Directory) Kind() string   { return "directory" }
func (d *Directory) String() string { return "directory " + d.name + " " + d.root }

// Send writes the attachments (see Write).
func (d *Directory) Send(ctx context.Context, m *Message) error {
	_, err := d.Write(ctx, m)
	return err
}

// Write writes each attachment to Root/m.Folder/name and returns the paths.
// The folder is made under a temporary name and renamed into place once
// every file is in it, so a run's folder is either complete or absent (an
// interrupted write leaves nothing behind); a folder written before is
// replaced whole. Without a folder (Root itself) each file is written to a
// temporary name and renamed, so a reader never sees half a file. A folder
// that would leave Root is refused.
func (d *Directory) Write(ctx context.Context, m *Message) ([]string, error) {
	dir, err := d.folder(m.Folder)
	if err != nil {
		return nil, Permanent(err)
	}
	names := make([]string, len(m.Attachments))
	for i, a := range m.Attachments {
		if names[i] = cleanFileName(a.Name); names[i] == "" {
			return nil, Permanent(fmt.Errorf("directory %s: attachment %q has no usable file name", d.name, a.Name))
		}
	}
	if dir == filepath.Clean(d.root) {
		return d.writeFiles(ctx, dir, names, m.Attachments, writeFileAtomic)
	}
	parent, base := filepath.Split(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	removeStale(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+".partial-")
	if err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	defer os.RemoveAll(tmp) // nothing left once renamed
	if _, err := d.writeFiles(ctx, tmp, names, m.Attachments, writeFile); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	if err := replaceDir(tmp, dir); err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.Join(dir, n)
	}
	return paths, nil
}

// writeFiles writes the attachments into dir under names with write,
// stopping when ctx ends.
func (d *Directory) writeFiles(ctx context.Context, dir string, names []string, atts []Attachment, write func(string, []byte) error) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	var paths []string
	for i, a := range atts {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		p := filepath.Join(dir, names[i])
		if err := write(p, a.Data); err != nil {
			return paths, fmt.Errorf("directory %s: %w", d.name, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// replaceDir renames tmp to dir; a dir already there (the same run written
// again) is moved aside first and removed after.
func replaceDir(tmp, dir string) error {
	err := os.Rename(tmp, dir)
	if err == nil || !(errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)) {
		return err
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}

// removeStale removes the temporary folders of base that a process killed
// mid-write left in parent.
func removeStale(parent, base string) {
	stale, _ := filepath.Glob(filepath.Join(parent, "."+base+".partial-*"))
	for _, s := range stale {
		_ = os.RemoveAll(s)
	}
}

func (d *Directory) folder(folder string) (string, error) {
	if d.root == "" {
		return "", fmt.Errorf("directory %s: no directory is configured", d.name)
	}
	clean := filepath.Clean(filepath.FromSlash(folder))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("directory %s: folder %q is outside %s", d.name, folder, d.root)
	}
	return filepath.Join(d.root, clean), nil
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }
