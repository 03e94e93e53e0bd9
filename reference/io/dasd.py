"""Hercules CKD disk image files: uncompressed ("CKD_P370") and compressed ("CKD_C370").

A track image, as both formats hold it, is the 5-byte home address (a flag byte,
then CC CC HH HH), then the records, each an 8-byte count (CC CC HH HH R KL DL DL)
followed by its key and data, and at the end the 8-byte end-of-track marker
X'FF' * 8.  :meth:`CKDImage.read_track` returns exactly that (no padding).

Uncompressed image: a 512-byte device header (identifier "CKD_P370", heads and
track slot size as little-endian words, the device type's last two hex digits,
file sequence, high cylinder), then every track in a fixed-size slot, cylinder by
cylinder.

Compressed image (CCKD): the same device header ("CKD_C370"), a 512-byte
compressed-device header (version, options -- bit X'02' set means its numbers
and tables are big-endian --, sizes of the tables, file size and space
accounting, cylinders (little-endian always), null-track format, compression),
the level-1 table (one
4-byte file offset per 256 tracks, 0 for "no level-2 table"), level-2 tables of
256 entries (offset, length, allocated size of one track image; offset 0 is a
null track whose format the length gives) and the track images.  In a stored
image the first byte of the home address says how the rest is compressed:
0 none, 1 zlib, 2 bzip2.  Free space is a chain of blocks (next offset, length)
starting at the header's ``free`` offset.

Writing a compressed image: a track image that is the null track is recorded as
such (no space); a new image goes into its old space when it fits, else into
the first free space big enough, else at the end of the file.  ``flush`` (and
``close``) rewrites the free-space chain and the header's space accounting and
drops free space at the end of the file, leaving a file Hercules' ``cckdcdsk``
finds consistent; until then the header's "opened" bit is on, so that Hercules
checks a file its writer did not close.  Multi-file (split) uncompressed images
and shadow files are not supported.

Errors: :class:`DasdImageError` (the file is unusable: header, size, tables),
one line ``FILE: problem``; :class:`TrackError` (a track image found corrupt
while reading: the device's equipment check); :class:`LabelError` (no volume
label or VTOC where the label says, as Hercules' ``dasdls`` reports it).
"""

from __future__ import annotations

import bisect
import bz2
import os
import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from reference.arch.ebcdic import to_ascii, to_ebcdic
from reference.io.ckd_geometry import GEOMETRIES, Geometry, geometry_for_device

__all__ = [
    "DasdImageError", "TrackError", "LabelError", "Record", "CKDImage", "VolumeLabel",
    "open_image", "create", "parse_track", "build_track", "null_track",
    "read_volume_label", "list_datasets", "COMPRESSIONS", "END_OF_TRACK",
]

END_OF_TRACK = b"\xff" * 8
COMPRESSIONS = {"none": 0, "zlib": 1, "bzip2": 2}
_COMPRESSION_NAMES = {v: k for k, v in COMPRESSIONS.items()}

_DEVHDR_SIZE = 512
_CDEVHDR_SIZE = 512
_L1_POS = _DEVHDR_SIZE + _CDEVHDR_SIZE
_L2_ENTRIES = 256
_L2_SIZE = _L2_ENTRIES * 8
_ID_PLAIN = b"CKD_P370"
_ID_COMPRESSED = b"CKD_C370"
_OPT_BIGENDIAN = 0x02
_OPT_ORDWR = 0x40
_OPT_OPENED = 0x80        # "opened for writing and not closed": Hercules then checks it
_FREEBLK_SIZE = 8
_SMALL_LEFTOVER = 64      # a free space left smaller than this goes with the track
_MAX_IMAGE = 0xFFFF       # a level-2 entry's length is a halfword


class DasdImageError(Exception):
    """The image file cannot be used: one line, ``FILE: problem``."""


class TrackError(Exception):
    """A track image read from the file is corrupt, or one to be written cannot be
    stored in it (a home address that does not name its track, an image longer
    than the track's slot): the device's equipment check."""


class LabelError(Exception):
    """The volume label or the VTOC is not where it should be."""


@dataclass(frozen=True)
class Record:
    """One record of a track image: its count field's CCHHR, its key and data."""
    cyl: int
    head: int
    record: int
    key: bytes
    data: bytes


def build_track(cyl: int, head: int, records: list[Record] | tuple[Record, ...]) -> bytes:
    """A track image: home address, the records (R0 first, as given), end marker."""
    out = bytearray(struct.pack(">BHH", 0, cyl, head))
    for r in records:
        out += struct.pack(">HHBBH", r.cyl, r.head, r.record, len(r.key), len(r.data))
        out += r.key + r.data
    out += END_OF_TRACK
    return bytes(out)


def null_track(cyl: int, head: int, fmt: int = 1) -> bytes:
    """The track Hercules makes for a track never written: format 1 is home
    address, R0 (8 zero bytes), end; format 0 adds an end-of-file R1 (no key, no
    data); format 2 (Linux) has twelve 4096-byte records of zeros."""
    records = [Record(cyl, head, 0, b"", bytes(8))]
    if fmt == 0:
        records.append(Record(cyl, head, 1, b"", b""))
    elif fmt == 2:
        records += [Record(cyl, head, r, b"", bytes(4096)) for r in range(1, 13)]
    return build_track(cyl, head, records)


def _scan_track(data: bytes, limit: int) -> tuple[list[Record], int] | str:
    """The records of a track image and its length (end marker included), or a
    problem.  ``data`` starts with the home address and may carry padding."""
    if len(data) < 5 + 8:
        return "shorter than a home address and an end marker"
    pos = 5
    records: list[Record] = []
    end = min(len(data), limit)
    while True:
        if pos + 8 > end:
            return "no end-of-track marker"
        count = data[pos:pos + 8]
        if count == END_OF_TRACK:
            return records, pos + 8
        cc, hh, r, kl, dl = struct.unpack(">HHBBH", count)
        stop = pos + 8 + kl + dl
        if stop > end:
            return f"record {r} runs past the end of the track image"
        records.append(Record(cc, hh, r, data[pos + 8:pos + 8 + kl], data[pos + 8 + kl:stop]))
        pos = stop


def parse_track(data: bytes) -> list[Record]:
    """The records (R0 first) of a track image as :meth:`CKDImage.read_track`
    returns it; ValueError when it is not a well-formed track image."""
    found = _scan_track(data, len(data))
    if isinstance(found, str):
        raise ValueError(f"track image: {found}")
    return found[0]


def _compress(data: bytes, method: int) -> bytes:
    """A stored track image: home address (first byte: the method) and the rest
    compressed; uncompressed (method 0) when compressing does not make it shorter."""
    body = data[5:]
    if method == 1:
        packed = zlib.compress(body)
    elif method == 2:
        packed = bz2.compress(body)
    else:
        packed = body
        method = 0
    if method and 5 + len(packed) >= len(data):
        packed, method = body, 0
    return bytes([method]) + data[1:5] + packed


class CKDImage:
    """An open Hercules CKD image (use :func:`open_image` or :func:`create`).

    Attributes: ``path``; ``geometry`` (the device type's :class:`Geometry`);
    ``cylinders`` and ``heads`` (of this volume, which may differ from the
    type's primary cylinders); ``track_size`` (the image's track slot);
    ``compressed``; ``compression`` ("none", "zlib" or "bzip2": how tracks this
    object writes are stored); ``readonly``.
    """

    def __init__(self, path: str, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            self._f: BinaryIO = open(self.path, "rb" if readonly else "r+b")  # noqa: SIM115
        except OSError as e:
            raise DasdImageError(f"{self.path}: {e.strerror or e}") from None
        try:
            self._open()
        except BaseException:
            self._f.close()
            raise

    # -- opening ---------------------------------------------------------------

    def _fail(self, problem: str) -> DasdImageError:
        return DasdImageError(f"{self.path}: {problem}")

    def _read_at(self, pos: int, n: int) -> bytes:
        self._f.seek(pos)
        return self._f.read(n)

    def _open(self) -> None:
        self._file_size = os.fstat(self._f.fileno()).st_size
        hdr = self._read_at(0, _DEVHDR_SIZE)
        if len(hdr) < _DEVHDR_SIZE:
            raise self._fail(f"truncated: {len(hdr)} bytes, shorter than the 512-byte "
                             "device header")
        ident = hdr[:8]
        if ident not in (_ID_PLAIN, _ID_COMPRESSED):
            raise self._fail("not a Hercules CKD image (device header identifier is not "
                             "CKD_P370 or CKD_C370)")
        heads, trksize, devtype, fileseq, highcyl = struct.unpack_from("<IIBBH", hdr, 8)
        self.compressed = ident == _ID_COMPRESSED
        self.heads = heads
        self.track_size = trksize
        if not 1 <= heads <= 0xFFFF:
            raise self._fail(f"device header: {heads} heads per cylinder")
        if not 37 <= trksize <= 0x10000:
            raise self._fail(f"device header: track size {trksize}")
        if self.compressed:
            self._open_compressed()
        else:
            if fileseq not in (0, 0xFF):
                raise self._fail("one file of a multi-file CKD image (not supported)")
            cyl_bytes = heads * trksize
            body = self._file_size - _DEVHDR_SIZE
            if body <= 0 or body % cyl_bytes:
                raise self._fail(f"truncated: {body} bytes of tracks is not a whole number "
                                 f"of cylinders of {cyl_bytes} bytes")
            self.cylinders = body // cyl_bytes
            self.compression = "none"
        geometry = geometry_for_device(devtype, self.cylinders)
        if geometry is None:
            raise self._fail(f"device type code {devtype:02X} is not a supported CKD device "
                             f"({', '.join(GEOMETRIES)})")
        if geometry.heads != heads:
            raise self._fail(f"{heads} heads per cylinder, but a {geometry.type_name} has "
                             f"{geometry.heads}")
        if self.cylinders > 0xFFFF:
            raise self._fail(f"{self.cylinders} cylinders")
        self.geometry: Geometry = geometry

    def _open_compressed(self) -> None:
        c = self._read_at(_DEVHDR_SIZE, _CDEVHDR_SIZE)
        if len(c) < _CDEVHDR_SIZE:
            raise self._fail("truncated: no compressed device header")
        self._options = c[3]
        e = ">" if self._options & _OPT_BIGENDIAN else "<"
        self._e = e
        (numl1, numl2, size, used, free, free_total, free_largest, free_number,
         free_imbed) = struct.unpack_from(e + "iiIIIIIiI", c, 4)
        self.cylinders = struct.unpack_from("<I", c, 40)[0]     # little-endian always
        self._nullfmt = c[44] if c[44] <= 2 else 0
        method = c[45]
        if method not in _COMPRESSION_NAMES:
            raise self._fail(f"compressed device header: compression {method}")
        self.compression = _COMPRESSION_NAMES[method]
        self._cdevhdr = bytearray(c)
        tracks = self.cylinders * self.heads
        if self.cylinders <= 0 or tracks <= 0:
            raise self._fail("compressed device header: no cylinders")
        if numl2 != _L2_ENTRIES or numl1 < (tracks + 255) // 256:
            raise self._fail(f"compressed device header: level-1 table of {numl1} entries "
                             f"for {tracks} tracks (level-2 tables of {numl2})")
        self._numl1 = numl1
        raw = self._read_at(_L1_POS, 4 * numl1)
        if len(raw) < 4 * numl1:
            raise self._fail("truncated: the level-1 table runs past the end of the file")
        self._l1 = list(struct.unpack(f"{e}{numl1}I", raw))
        self._l2: dict[int, list[list[int]]] = {}
        for i, pos in enumerate(self._l1):
            if pos not in (0, 0xFFFFFFFF) and (pos < _L1_POS + 4 * numl1
                                               or pos + _L2_SIZE > self._file_size):
                raise self._fail(f"level-1 entry {i}: level-2 table at offset {pos} is "
                                 f"outside the file ({self._file_size} bytes)")
        self._spaces_known = False
        self._dirty = False

    # -- geometry --------------------------------------------------------------

    @property
    def tracks(self) -> int:
        return self.cylinders * self.heads

    def _track_number(self, cyl: int, head: int) -> int:
        if not (0 <= cyl < self.cylinders and 0 <= head < self.heads):
            raise ValueError(f"{self.path}: no track {cyl}/{head} on a volume of "
                             f"{self.cylinders} cylinders of {self.heads} tracks")
        return cyl * self.heads + head

    # -- level-2 tables ---------------------------------------------------------

    def _l2_table(self, l1x: int) -> list[list[int]] | None:
        """The level-2 table (entries [pos, len, size]) of tracks 256*l1x.., or None."""
        pos = self._l1[l1x]
        if pos in (0, 0xFFFFFFFF):
            return None
        table = self._l2.get(l1x)
        if table is None:
            raw = self._read_at(pos, _L2_SIZE)
            if len(raw) < _L2_SIZE:
                raise self._fail(f"truncated: level-2 table {l1x} at offset {pos}")
            flat = struct.unpack(self._e + "IHH" * _L2_ENTRIES, raw)
            table = [list(flat[i:i + 3]) for i in range(0, len(flat), 3)]
            self._l2[l1x] = table
        return table

    # -- reading ---------------------------------------------------------------

    def read_track(self, cyl: int, head: int) -> bytes:
        """The track image of cylinder ``cyl``, head ``head``: home address,
        records, end marker.  TrackError when the stored image is corrupt."""
        trk = self._track_number(cyl, head)
        if self.compressed:
            stored = self._stored_track(trk, cyl, head)
            if stored is None:
                return null_track(cyl, head, self._null_format(trk))
            raw = self._inflate(stored, cyl, head)
        else:
            raw = self._read_at(_DEVHDR_SIZE + trk * self.track_size, self.track_size)
            if len(raw) < self.track_size:
                raise TrackError(f"{self.path}: track {cyl}/{head}: short read")
        return self._check_track(raw, cyl, head)

    def _null_format(self, trk: int) -> int:
        table = self._l2_table(trk >> 8)
        if table is None:
            return self._nullfmt
        length = table[trk & 0xFF][1]
        return length if length <= 2 else self._nullfmt

    def _stored_track(self, trk: int, cyl: int, head: int) -> bytes | None:
        table = self._l2_table(trk >> 8)
        if table is None:
            return None
        pos, length, _ = table[trk & 0xFF]
        if pos in (0, 0xFFFFFFFF):
            return None
        raw = self._read_at(pos, length)
        if len(raw) < length or length < 5:
            raise TrackError(f"{self.path}: track {cyl}/{head}: image at offset {pos} "
                             f"({length} bytes) runs past the end of the file")
        return raw

    def _inflate(self, stored: bytes, cyl: int, head: int) -> bytes:
        method = stored[0]
        try:
            if method == 0:
                body = stored[5:]
            elif method == 1:
                body = zlib.decompress(stored[5:])
            elif method == 2:
                body = bz2.decompress(stored[5:])
            else:
                raise TrackError(f"{self.path}: track {cyl}/{head}: unknown compression "
                                 f"{method}")
        except (zlib.error, OSError, ValueError, EOFError) as e:
            raise TrackError(f"{self.path}: track {cyl}/{head}: cannot decompress "
                             f"({e})") from None
        return b"\x00" + stored[1:5] + body

    def _check_track(self, raw: bytes, cyl: int, head: int) -> bytes:
        cc, hh = struct.unpack_from(">HH", raw, 1)
        if (cc, hh) != (cyl, head):
            raise TrackError(f"{self.path}: track {cyl}/{head}: home address says "
                             f"{cc}/{hh}")
        found = _scan_track(raw, self.track_size)
        if isinstance(found, str):
            raise TrackError(f"{self.path}: track {cyl}/{head}: {found}")
        return bytes(raw[:found[1]])

    # -- writing ---------------------------------------------------------------

    def write_track(self, cyl: int, head: int, data: bytes) -> None:
        """Replace the track image of ``cyl``/``head`` (home address, records, end
        marker, as :meth:`read_track` returns).  TrackError when ``data`` is not a
        well-formed image of that track or is longer than the track slot."""
        if self.readonly:
            raise self._fail("opened read-only")
        trk = self._track_number(cyl, head)
        data = bytes(data)
        found = _scan_track(data, len(data))
        if isinstance(found, str) or found[1] != len(data):
            raise TrackError(f"{self.path}: track {cyl}/{head}: not a track image")
        if data[0] != 0 or struct.unpack_from(">HH", data, 1) != (cyl, head):
            raise TrackError(f"{self.path}: track {cyl}/{head}: wrong home address")
        if len(data) > self.track_size:
            raise TrackError(f"{self.path}: track {cyl}/{head}: {len(data)} bytes is more "
                             f"than the track slot of {self.track_size}")
        if not self.compressed:
            self._f.seek(_DEVHDR_SIZE + trk * self.track_size)
            self._f.write(data + bytes(self.track_size - len(data)))
            return
        self._write_compressed(trk, cyl, head, data)

    def _load_spaces(self) -> None:
        """Read every level-2 table and derive the free spaces between the
        allocated ones (the image's own free chain is not trusted)."""
        used: list[tuple[int, int]] = []      # (offset, allocated size)
        for l1x, pos in enumerate(self._l1):
            table = self._l2_table(l1x)
            if table is None:
                continue
            used.append((pos, _L2_SIZE))
            for p, length, size in table:
                if p not in (0, 0xFFFFFFFF):
                    used.append((p, max(size, length)))
        used.sort()
        free: list[list[int]] = []
        end = _L1_POS + 4 * self._numl1
        for pos, size in used:
            if pos < end:
                raise self._fail(f"space at offset {pos} overlaps another (the image needs "
                                 "cckdcdsk)")
            gap = pos - end
            if gap:
                if gap < _FREEBLK_SIZE:
                    raise self._fail(f"free space of {gap} bytes at offset {end} is too "
                                     "small to chain (the image needs cckdcdsk)")
                free.append([end, gap])
            end = pos + size
        self._free = free
        self._end = end
        self._spaces_known = True

    def check_tables(self) -> None:
        """For a compressed image, read every level-2 table: DasdImageError when
        a track image runs past the end of the file or two spaces overlap (what
        a device could not read, or would write over, in the middle of a run)."""
        if not self.compressed:
            return
        self._load_spaces()
        for l1x in range(self._numl1):
            for trk, (pos, length, _) in enumerate(self._l2_table(l1x) or (), l1x << 8):
                if pos not in (0, 0xFFFFFFFF) and pos + length > self._file_size:
                    cyl, head = divmod(trk, self.heads)
                    raise self._fail(f"truncated: track {cyl}/{head} at offset {pos} "
                                     f"({length} bytes) runs past the end of the file "
                                     f"({self._file_size} bytes)")

    def _allocate(self, need: int, whole_ok: bool) -> tuple[int, int]:
        """(offset, size) of new space of ``need`` bytes: the first free space big
        enough (all of it when what is left would be small and ``whole_ok``), else
        at the end of the file."""
        for i, (pos, length) in enumerate(self._free):
            left = length - need
            if left < 0:
                continue
            if left == 0 or (left < _SMALL_LEFTOVER and whole_ok):
                del self._free[i]
                return pos, length
            if left >= _SMALL_LEFTOVER:
                self._free[i] = [pos + need, left]
                return pos, need
        pos = self._end
        self._end += need
        return pos, need

    def _release(self, pos: int, size: int) -> None:
        if pos + size == self._end:
            self._end = pos
            if self._free and self._free[-1][0] + self._free[-1][1] == self._end:
                self._end = self._free.pop()[0]
            return
        i = bisect.bisect(self._free, [pos, size])
        self._free.insert(i, [pos, size])
        if i + 1 < len(self._free) and pos + size == self._free[i + 1][0]:
            self._free[i][1] += self._free.pop(i + 1)[1]
        if i > 0 and self._free[i - 1][0] + self._free[i - 1][1] == pos:
            self._free[i - 1][1] += self._free.pop(i)[1]

    def _write_compressed(self, trk: int, cyl: int, head: int, data: bytes) -> None:
        if not self._spaces_known:
            self._load_spaces()
        if not self._dirty:
            self._cdevhdr[3] |= _OPT_OPENED
            self._f.seek(_DEVHDR_SIZE + 3)
            self._f.write(bytes([self._cdevhdr[3]]))
            self._dirty = True
        l1x, l2x = trk >> 8, trk & 0xFF
        table = self._l2_table(l1x)
        if table is None:
            pos, _ = self._allocate(_L2_SIZE, whole_ok=False)
            table = [[0, self._nullfmt, self._nullfmt] for _ in range(_L2_ENTRIES)]
            self._l2[l1x] = table
            self._l1[l1x] = pos
            self._write_l2(l1x)
            self._f.seek(_L1_POS + 4 * l1x)
            self._f.write(struct.pack(self._e + "I", pos))
        old_pos, old_len, old_size = table[l2x]
        fmt = next((f for f in (1, 0) if data == null_track(cyl, head, f)), None)
        if fmt is not None:
            entry = [0, fmt, fmt]
            if old_pos not in (0, 0xFFFFFFFF):
                self._release(old_pos, max(old_size, old_len))
        else:
            stored = _compress(data, COMPRESSIONS[self.compression])
            if len(stored) > _MAX_IMAGE:
                raise TrackError(f"{self.path}: track {cyl}/{head}: {len(stored)} bytes is "
                                 "more than a compressed image's track can hold")
            if old_pos not in (0, 0xFFFFFFFF) and len(stored) <= old_size:
                entry = [old_pos, len(stored), old_size]
            else:
                if old_pos not in (0, 0xFFFFFFFF):
                    self._release(old_pos, max(old_size, old_len))
                pos, size = self._allocate(len(stored), whole_ok=True)
                entry = [pos, len(stored), size]
            self._f.seek(entry[0])
            self._f.write(stored)
        table[l2x] = entry
        self._f.seek(self._l1[l1x] + 8 * l2x)
        self._f.write(struct.pack(self._e + "IHH", *entry))

    def _write_l2(self, l1x: int) -> None:
        table = self._l2[l1x]
        self._f.seek(self._l1[l1x])
        self._f.write(b"".join(struct.pack(self._e + "IHH", *t) for t in table))

    def flush(self) -> None:
        """Make the file consistent: for a compressed image, write the free-space
        chain and the header's space accounting, and drop free space at its end."""
        if self.readonly:
            return
        if self.compressed and self._dirty:
            self._finish_compressed()
            self._dirty = False
        self._f.flush()

    def _finish_compressed(self) -> None:
        e = self._e
        imbed = 0
        for table in self._l2.values():
            for p, length, size in table:
                if p not in (0, 0xFFFFFFFF):
                    imbed += size - length
        free = self._free
        for i, (pos, length) in enumerate(free):
            nxt = free[i + 1][0] if i + 1 < len(free) else 0
            self._f.seek(pos)
            self._f.write(struct.pack(e + "II", nxt, length))
        free_total = sum(length for _, length in free) + imbed
        size = self._end
        self._f.truncate(size)
        c = self._cdevhdr
        c[3] = (c[3] | _OPT_ORDWR) & ~_OPT_OPENED
        struct.pack_into(e + "IIIIIiI", c, 12, size, size - free_total,
                         free[0][0] if free else 0, free_total,
                         max((length for _, length in free), default=0), len(free), imbed)
        self._f.seek(_DEVHDR_SIZE)
        self._f.write(bytes(c))

    def close(self) -> None:
        """Flush (see :meth:`flush`) and close the file."""
        if self._f.closed:
            return
        try:
            self.flush()
        finally:
            self._f.close()

    def __enter__(self) -> CKDImage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_image(path: str, readonly: bool = False) -> CKDImage:
    """Open a Hercules CKD or CCKD image (the header says which)."""
    return CKDImage(path, readonly)


# -- making a volume ---------------------------------------------------------

_IPL1_DATA = bytes.fromhex("000600000000000F" "0300000000000001" "0000000000000000")
_VOLSER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$-")


def _check_volser(volser: str) -> str:
    v = volser.upper()
    if not 1 <= len(v) <= 6 or any(ch not in _VOLSER_CHARS for ch in v):
        raise ValueError(f"volume serial {volser!r}: 1 to 6 letters, digits, @ # $ or -")
    return v


def _label_track(volser: str) -> bytes:
    """Track 0 as Hercules' dasdinit writes it: R0, IPL1 (a PSW and two CCWs:
    IPL from it ends in a disabled wait), IPL2 (144 zero bytes), VOL1 pointing
    at the VTOC on cylinder 0 head 1 record 1."""
    vol1 = (to_ebcdic("VOL1") + to_ebcdic(volser.ljust(6)) + b"\x40"
            + struct.pack(">HHB", 0, 1, 1) + b"\x40" * 21
            + to_ebcdic("    HERCULES".ljust(14)) + b"\x40" * 29)
    return build_track(0, 0, [
        Record(0, 0, 0, b"", bytes(8)),
        Record(0, 0, 1, to_ebcdic("IPL1"), _IPL1_DATA),
        Record(0, 0, 2, to_ebcdic("IPL2"), bytes(144)),
        Record(0, 0, 3, to_ebcdic("VOL1"), vol1),
    ])


def _vtoc_track(g: Geometry, cylinders: int) -> bytes:
    """Cylinder 0 head 1: an empty VTOC of one track: the format-4 DSCB (the
    VTOC's own description), a format-5 DSCB (the free space: every track from
    cylinder 0 head 2 on) and format-0 (empty) DSCBs filling the track."""
    per_track = g.records_per_track(44, 96)
    f4 = bytearray(96)
    f4[0] = 0xF4
    f4[1:6] = struct.pack(">HHB", 0, 1, 1)                  # highest DSCB in use
    struct.pack_into(">H", f4, 6, per_track - 2)           # format-0 DSCBs available
    f4[15] = 1                                              # extents of the VTOC
    struct.pack_into(">HHH", f4, 18, cylinders, g.heads, g.track_capacity)
    f4[30] = per_track                                      # DSCBs per track
    f4[31] = min(g.records_per_track(8, 256), 255)          # directory blocks per track
    f4[61:71] = bytes([1, 0]) + struct.pack(">HHHH", 0, 1, 0, 1)  # the VTOC extent
    f5_key = b"\x05" * 4 + struct.pack(">HHB", 2, cylinders - 1, g.heads - 2) + bytes(35)
    f5 = b"\xf5" + bytes(95)
    records = [Record(0, 1, 0, b"", bytes(8)),
               Record(0, 1, 1, b"\x04" * 44, bytes(f4)),
               Record(0, 1, 2, f5_key, f5)]
    records += [Record(0, 1, r, bytes(44), bytes(96)) for r in range(3, per_track + 1)]
    return build_track(0, 1, records)


def create(path: str, type_name: str, volser: str = "VOL001",
           compress: str | None = None, cylinders: int | None = None) -> None:
    """Make a formatted empty volume in a new file (an existing one is refused):
    every track with R0, track 0 with the IPL records and VOL1 label as dasdinit
    writes them, track 1 an empty VTOC.  ``compress`` None makes an uncompressed
    image; "zlib", "bzip2" or "none" a compressed (CCKD) one storing its tracks so.
    ValueError for a bad type, volser, compression or cylinder count."""
    g = GEOMETRIES.get(type_name)
    if g is None:
        raise ValueError(f"device type {type_name!r}: not one of {', '.join(GEOMETRIES)}")
    volser = _check_volser(volser)
    if compress is not None and compress not in COMPRESSIONS:
        raise ValueError(f"compression {compress!r}: not one of {', '.join(COMPRESSIONS)}")
    cyls = g.cylinders if cylinders is None else cylinders
    if not 2 <= cyls <= 0xFFFF:
        raise ValueError(f"{cyls} cylinders: must be from 2 to 65535")
    trksize = g.track_length
    devhdr = bytearray(_DEVHDR_SIZE)
    devhdr[:8] = _ID_COMPRESSED if compress is not None else _ID_PLAIN
    struct.pack_into("<IIBBH", devhdr, 8, g.heads, trksize, g.image_devtype, 0, 0)
    track0, track1 = _label_track(volser), _vtoc_track(g, cyls)
    try:
        f = open(path, "xb")  # noqa: SIM115
    except OSError as e:
        raise DasdImageError(f"{path}: {e.strerror or e}") from None
    with f:
        f.write(devhdr)
        if compress is None:
            f.write(track0 + bytes(trksize - len(track0)))
            f.write(track1 + bytes(trksize - len(track1)))
            for trk in range(2, cyls * g.heads):
                t = null_track(*divmod(trk, g.heads))
                f.write(t + bytes(trksize - len(t)))
            return
        method = COMPRESSIONS[compress]
        numl1 = (cyls * g.heads + 255) // 256
        l2_pos = _L1_POS + 4 * numl1
        stored0, stored1 = _compress(track0, method), _compress(track1, method)
        pos0 = l2_pos + _L2_SIZE
        pos1 = pos0 + len(stored0)
        size = pos1 + len(stored1)
        l2 = [(pos0, len(stored0), len(stored0)), (pos1, len(stored1), len(stored1))]
        l2 += [(0, 1, 1)] * (_L2_ENTRIES - 2)
        c = bytearray(_CDEVHDR_SIZE)
        c[0:3] = bytes([0, 3, 1])
        c[3] = _OPT_ORDWR
        struct.pack_into("<iiIIIIIiI", c, 4, numl1, _L2_ENTRIES, size, size, 0, 0, 0, 0, 0)
        struct.pack_into("<I", c, 40, cyls)
        c[44] = 1
        c[45] = method
        struct.pack_into("<h", c, 46, -1)
        f.write(c)
        f.write(struct.pack(f"<{numl1}I", l2_pos, *([0] * (numl1 - 1))))
        f.write(b"".join(struct.pack("<IHH", *e) for e in l2))
        f.write(stored0 + stored1)


# -- volume label and VTOC ---------------------------------------------------

@dataclass(frozen=True)
class VolumeLabel:
    """The VOL1 label: volume serial, the VTOC's address (cylinder, head,
    record), the owner field."""
    volser: str
    vtoc: tuple[int, int, int]
    owner: str


def _find_record(track: bytes, record: int) -> Record | None:
    """The first record numbered ``record`` on a track, R0 included (as
    Hercules' utilities search)."""
    return next((r for r in parse_track(track) if r.record == record), None)


def _record_offset(track: bytes, record: int) -> int | None:
    """The offset in a track image of the count field of the first record
    numbered ``record``, R0 included (as Hercules' utilities search)."""
    pos = 5
    while track[pos:pos + 8] != END_OF_TRACK and pos + 8 <= len(track):
        if track[pos + 4] == record:
            return pos
        pos += 8 + track[pos + 5] + int.from_bytes(track[pos + 6:pos + 8], "big")
    return None


def read_volume_label(image: CKDImage) -> VolumeLabel:
    """The VOL1 label (cylinder 0 head 0 record 3).  LabelError("VOL1 record not
    found") when there is no record 3 there (or it is too short to be a label)."""
    r = _find_record(image.read_track(0, 0), 3)
    if r is None or len(r.data) < 16:
        raise LabelError("VOL1 record not found")
    cyl, head, rec = struct.unpack_from(">HHB", r.data, 11)
    return VolumeLabel(to_ascii(r.data[4:10]).rstrip(), (cyl, head, rec),
                       to_ascii(r.data[37:51]).strip() if len(r.data) >= 51 else "")


_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789$@#-.{")


def _dataset_name(key: bytes) -> str | None:
    """A record key read as a data-set name the way Hercules' dasdls reads it:
    trailing EBCDIC blanks dropped, cut at the first X'00', then 1 to 44
    letters, digits or $ @ # - . {; None for any other key."""
    name = key.rstrip(b"\x40").split(b"\x00", 1)[0]
    if not 1 <= len(name) <= 44:
        return None
    text = to_ascii(name)
    return text if all(ch in _NAME_CHARS for ch in text) else None


def list_datasets(image: CKDImage) -> list[str]:
    """The data-set names of the VTOC, in VTOC order, as Hercules' ``dasdls``
    lists them: the format-4 DSCB is the record the VOL1 label points at; every
    record on the tracks of its VTOC extent whose key reads as a data-set name
    is listed (the format-1 DSCBs; and any keyed record of such a key sharing
    those tracks).  LabelError("VOL1 record not found" / "F4DSCB record not
    found") as dasdls says them."""
    label = read_volume_label(image)
    cyl, head, rec = label.vtoc
    if cyl >= image.cylinders or head >= image.heads:
        raise LabelError(f"VTOC address {cyl}/{head}/{rec} is outside the volume")
    track = image.read_track(cyl, head)
    at = _record_offset(track, rec)
    if at is None:
        raise LabelError("F4DSCB record not found")
    # The DSCB is read from the record's key on, 140 bytes, as dasdls reads it:
    # a shorter record (a VOL1 pointing at R0, say) lends the bytes after it.
    dscb = track[at + 8:at + 8 + 140].ljust(140, b"\x00")
    bcyl, bhead, ecyl, ehead = struct.unpack_from(">HHHH", dscb, 107)
    names = []
    c, h = bcyl, bhead
    while True:
        if c >= image.cylinders or h >= image.heads:
            raise LabelError(f"VTOC extent {bcyl}/{bhead}-{ecyl}/{ehead} is outside "
                             "the volume")
        for r in parse_track(image.read_track(c, h)):
            name = _dataset_name(r.key) if r.key else None
            if name is not None:
                names.append(name)
        h += 1
        if h >= image.heads:
            c, h = c + 1, 0
        if not (c < ecyl or (c == ecyl and h <= ehead)):
            return names
