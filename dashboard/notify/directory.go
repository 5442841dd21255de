package notify

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// Each file is written to a temporary name and renamed, so a reader never
// sees half a report. A folder that would leave Root is refused.
func (d *Directory) Write(ctx context.Context, m *Message) ([]string, error) {
	dir, err := d.folder(m.Folder)
	if err != nil {
		return nil, Permanent(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("directory %s: %w", d.name, err)
	}
	var paths []string
	for _, a := range m.Attachments {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		name := cleanFileName(a.Name)
		if name == "" {
			return paths, Permanent(fmt.Errorf("directory %s: attachment %q has no usable file name", d.name, a.Name))
		}
		p := filepath.Join(dir, name)
		if err := writeFileAtomic(p, a.Data); err != nil {
			return paths, fmt.Errorf("directory %s: %w", d.name, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
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
