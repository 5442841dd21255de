package collector

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Spool keeps batches on disk while ClickHouse cannot take them, and gives
// them back in the order they came. Each batch is one segment file:
//
//	"IMSPOOL1" | payload length (uint32 LE) | CRC-32C of payload | gob payload
//
// written to a temporary name and renamed, so a crash leaves either a whole
// segment or none. A segment whose checksum fails is moved aside to
// corrupt/ and counted, never replayed half-read. The spool is capped in
// bytes; a batch that does not fit is refused (the caller counts and logs the
// drop) rather than silently lost.
type Spool struct {
	dir      string
	maxBytes int64

	mu    sync.Mutex
	seq   uint64
	bytes int64
	files []string // pending segments, oldest first
}

const spoolMagic = "IMSPOOL1"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrSpoolFull is returned by Put when the batch would exceed the cap.
var ErrSpoolFull = errors.New("spool is full")

// ErrRejected, returned by a Replay callback, means ClickHouse refused the
// batch itself: it is moved to rejected/ for inspection and replay goes on.
var ErrRejected = errors.New("batch rejected")

// spooled is what a segment holds. (Segments written before rows were
// stored by key also hold the batch's insert token, which is ignored.)
type spooled struct {
	Batch Batch
}

// OpenSpool opens (creating) a spool directory and indexes what is pending.
func OpenSpool(dir string, maxBytes int64) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create spool %s: %w", dir, err)
	}
	s := &Spool{dir: dir, maxBytes: maxBytes}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read spool %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			_ = os.Remove(filepath.Join(dir, name)) // a crash mid-write; the batch was not acknowledged
			continue
		}
		if !strings.HasSuffix(name, ".seg") {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimSuffix(name, ".seg"), 10, 64)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		s.files = append(s.files, name)
		s.bytes += info.Size()
		s.seq = max(s.seq, seq)
	}
	sort.Strings(s.files) // zero-padded sequence numbers sort in order
	return s, nil
}

// Put appends a batch as a new segment. Its replay stores it by key, so a
// batch that was partly stored before it was spooled is not counted twice.
func (s *Spool) Put(b Batch) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(spooled{Batch: b}); err != nil {
		return fmt.Errorf("cannot encode batch for the spool: %w", err)
	}
	seg := make([]byte, 0, len(spoolMagic)+8+payload.Len())
	seg = append(seg, spoolMagic...)
	seg = binary.LittleEndian.AppendUint32(seg, uint32(payload.Len()))
	seg = binary.LittleEndian.AppendUint32(seg, crc32.Checksum(payload.Bytes(), crcTable))
	seg = append(seg, payload.Bytes()...)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bytes+int64(len(seg)) > s.maxBytes {
		return fmt.Errorf("%w (%d of %d bytes used; batch of %d rows needs %d)", ErrSpoolFull, s.bytes, s.maxBytes, b.Rows(), len(seg))
	}
	s.seq++
	name := fmt.Sprintf("%020d.seg", s.seq)
	tmp := filepath.Join(s.dir, name+".tmp")
	if err := writeSynced(tmp, seg); err != nil {
		return fmt.Errorf("cannot write spool segment: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, name)); err != nil {
		return fmt.Errorf("cannot write spool segment: %w", err)
	}
	s.files = append(s.files, name)
	s.bytes += int64(len(seg))
	return nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Depth returns the pending segments and their bytes.
func (s *Spool) Depth() (segments int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.bytes
}

// Replay offers each pending segment to write, oldest first, and removes the
// ones it accepts. It stops at the first error write returns (ClickHouse is
// still away), leaving that segment and the later ones in place — except
// ErrRejected, which moves the segment to rejected/ and goes on. Corrupt
// segments are moved to corrupt/ and reported in the returned count.
func (s *Spool) Replay(write func(b Batch) error) (replayed, corrupt int, err error) {
	for {
		s.mu.Lock()
		if len(s.files) == 0 {
			s.mu.Unlock()
			return replayed, corrupt, nil
		}
		name := s.files[0]
		s.mu.Unlock()

		path := filepath.Join(s.dir, name)
		var size int64
		if info, err := os.Stat(path); err == nil {
			size = info.Size()
		}
		data, rerr := os.ReadFile(path)
		var sp spooled
		if rerr == nil {
			sp, rerr = decodeSegment(data)
		}
		if rerr != nil {
			if errors.Is(rerr, fs.ErrNotExist) {
				s.drop(name, 0)
				continue
			}
			corrupt++
			s.moveAside(name, "corrupt", size)
			continue
		}
		if err := write(sp.Batch); err != nil {
			if errors.Is(err, ErrRejected) {
				s.moveAside(name, "rejected", size)
				continue
			}
			return replayed, corrupt, err
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return replayed, corrupt, fmt.Errorf("cannot remove replayed segment: %w", err)
		}
		s.drop(name, size)
		replayed++
	}
}

// moveAside keeps a segment that cannot be replayed in a subfolder.
func (s *Spool) moveAside(name, folder string, size int64) {
	_ = os.MkdirAll(filepath.Join(s.dir, folder), 0o750)
	_ = os.Rename(filepath.Join(s.dir, name), filepath.Join(s.dir, folder, name))
	s.drop(name, size)
}

func (s *Spool) drop(name string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.files) > 0 && s.files[0] == name {
		s.files = s.files[1:]
		s.bytes -= size
	}
}

func decodeSegment(data []byte) (spooled, error) {
	var sp spooled
	if len(data) < len(spoolMagic)+8 || string(data[:len(spoolMagic)]) != spoolMagic {
		return sp, errors.New("not a spool segment")
	}
	n := binary.LittleEndian.Uint32(data[len(spoolMagic):])
	sum := binary.LittleEndian.Uint32(data[len(spoolMagic)+4:])
	payload := data[len(spoolMagic)+8:]
	if uint32(len(payload)) != n {
		return sp, fmt.Errorf("segment is %d bytes, header says %d", len(payload), n)
	}
	if crc32.Checksum(payload, crcTable) != sum {
		return sp, errors.New("segment checksum does not match")
	}
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&sp); err != nil {
		return sp, fmt.Errorf("cannot decode segment: %w", err)
	}
	return sp, nil
}
