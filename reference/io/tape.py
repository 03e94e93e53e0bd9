"""Magnetic tape: the AWS and HET tape file formats and the IBM 3420 tape unit.

Theory of operation
-------------------
A tape file holds the blocks and tape marks of one reel, in order, each block
as one or more *chunks*, each chunk preceded by a 6-byte header (the AWSTAPE
format of Hercules, tapedev.h and hetlib.h):

    bytes 0-1  length of this chunk's data (little-endian)
    bytes 2-3  length of the previous chunk's data (little-endian; 0 first)
    byte 4     flags 1: X'80' beginning of a block, X'40' tape mark (length 0),
               X'20' end of a block; HET only: X'03' compression of the
               block, X'01' zlib, X'02' bzip2
    byte 5     flags 2: HET only: X'80' zlib (Bus-Tech); zero otherwise

A HET file is an AWS file whose blocks may be compressed: the whole block is
compressed (zlib or bzip2), then split into chunks; the block is stored
uncompressed when compressing does not make it shorter (as hetlib writes).  This
module reads both (compressed blocks in either), and writes one chunk a block
(a 3420 block is at most ``MAX_BLOCK`` bytes here): plain for AWS, compressed with
the configured method for HET.  Writing a block or a tape mark replaces the rest
of the file, as writing replaces the rest of a reel.

The end of the reel: with a ``max_size`` the file may not grow beyond it; the
end-of-tape reflective marker is ``eot_margin(max_size)`` bytes before it.
"""

from __future__ import annotations

import bz2
import errno
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from reference.io.channel import (
    CE_DE,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    Immediate,
    Input,
    Output,
    Start,
    ended_without_data,
)
from reference.io.devices import (
    COMMAND_REJECT,
    DEVICE_TYPES,
    EQUIPMENT_CHECK,
    INTERVENTION_REQUIRED,
    DeviceBase,
)

__all__ = ["Tape3420", "TapeFile", "TapeFormatError", "scan_tape", "tape_format",
           "eot_margin", "HEADER", "MAX_BLOCK", "MAX_HET_BLOCK", "BOR", "TAPE_MARK",
           "EOR", "ZLIB", "BZIP2", "FORMATS", "COMPRESSIONS"]

HEADER = 6
BOR, TAPE_MARK, EOR = 0x80, 0x40, 0x20
COMPRESSION = 0x03
ZLIB, BZIP2 = 0x01, 0x02
BUSTECH_ZLIB = 0x80            # flags 2
MAX_CHUNK = 65535
MAX_BLOCK = 65535              # the largest block the 3420 writes here
MAX_HET_BLOCK = 2 * 1024 * 1024   # the largest block read (hetlib's HETMAX_BLOCKSIZE)
LEVEL = 4                      # hetlib's default compression level
EOT_MARGIN = 128 * 1024        # Hercules' default eotmargin
FORMATS = ("aws", "het")
COMPRESSIONS = ("zlib", "bzip2", "none")


def eot_margin(max_size: int) -> int:
    """Bytes between the end-of-tape marker and the end of a reel of ``max_size``
    bytes: 128K, or half the reel when it is smaller than 256K."""
    return min(EOT_MARGIN, max_size // 2)


class TapeFormatError(Exception):
    """The tape file is not a valid AWS/HET file at ``offset``."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(f"offset {offset}: {message}")
        self.offset = offset


@dataclass
class Block:
    """What a tape file holds at a position: a data block (``data``), a tape
    mark (``mark``), or nothing more (``end``: blank tape).  ``end_at`` is the
    offset after it and ``last_chunk`` the length of its last chunk."""

    kind: str
    data: bytes = b""
    end_at: int = 0
    last_chunk: int = 0
    compressed: bool = False


def _decompress(method: int, data: bytes, offset: int) -> bytes:
    try:
        if method == BZIP2:
            bz = bz2.BZ2Decompressor()
            out = bz.decompress(data, MAX_HET_BLOCK + 1)
            complete = bz.eof
        else:
            z = zlib.decompressobj()
            out = z.decompress(data, MAX_HET_BLOCK + 1)
            complete = z.eof
    except (OSError, ValueError, zlib.error, EOFError):
        raise TapeFormatError(offset, "a compressed block that does not decompress") \
            from None
    if len(out) > MAX_HET_BLOCK:
        raise TapeFormatError(offset, f"a block larger than {MAX_HET_BLOCK} bytes")
    if not complete:
        raise TapeFormatError(offset, "a compressed block that ends early")
    return out


class _Reader:
    """Positioned reads of an open file (os.pread)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __call__(self, offset: int, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            got = os.pread(self.fd, n - len(out), offset + len(out))
            if not got:
                break
            out += got
        return bytes(out)

    def size(self) -> int:
        return os.fstat(self.fd).st_size


def _parse(read: _Reader, at: int, with_data: bool) -> Block:
    """The block or tape mark at offset ``at``; TapeFormatError when the file is
    not valid there, OSError when reading fails."""
    pos = at
    first = True
    method = 0
    parts: list[bytes] = []
    total = 0
    while True:
        head = read(pos, HEADER)
        if not head and first:
            return Block("end", end_at=at)
        if len(head) < HEADER:
            raise TapeFormatError(pos, "a block header cut short by the end of the file")
        length = head[0] | head[1] << 8
        flags1, flags2 = head[4], head[5]
        if flags1 & TAPE_MARK:
            if not first or length or flags1 & COMPRESSION:
                raise TapeFormatError(pos, "a tape mark with data, or inside a block")
            return Block("mark", end_at=pos + HEADER, last_chunk=0)
        if first != bool(flags1 & BOR):
            raise TapeFormatError(pos, "a block that does not begin with its first chunk"
                                  if first else "a chunk beginning a block inside a block")
        chunk_method = flags1 & COMPRESSION
        if flags2 & BUSTECH_ZLIB:
            if chunk_method:
                raise TapeFormatError(pos, "two compression methods in one header")
            chunk_method = ZLIB
        if chunk_method == 0x03:
            raise TapeFormatError(pos, "an unknown compression method")
        if first:
            method = chunk_method
        elif chunk_method != method:
            raise TapeFormatError(pos, "chunks of one block compressed differently")
        total += length
        if total > MAX_HET_BLOCK:
            raise TapeFormatError(pos, f"a block larger than {MAX_HET_BLOCK} bytes")
        if with_data:
            data = read(pos + HEADER, length)
            if len(data) < length:
                raise TapeFormatError(pos, "a chunk cut short by the end of the file")
            parts.append(data)
        elif read.size() < pos + HEADER + length:
            raise TapeFormatError(pos, "a chunk cut short by the end of the file")
        pos += HEADER + length
        first = False
        if flags1 & EOR:
            break
    data = b"".join(parts)
    if with_data and method:
        data = _decompress(method, data, at)
    if total == 0:          # a block of no bytes: a tape mark, as Hercules reads it
        return Block("mark", end_at=pos, last_chunk=0)
    return Block("data", data, pos, length, bool(method))


def scan_tape(path: Path) -> tuple[bool, str | None]:
    """Check every block header of the tape file at ``path``: (whether any block
    is compressed, None) or (False, why the file is not a valid AWS/HET file).
    Compressed data is not expanded here."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        return False, e.strerror or str(e)
    try:
        read = _Reader(fd)
        at = 0
        compressed = False
        while True:
            block = _parse(read, at, False)
            if block.kind == "end":
                return compressed, None
            compressed = compressed or block.compressed
            at = block.end_at
    except TapeFormatError as e:
        return False, f"not an AWS or HET tape file ({e})"
    except OSError as e:
        return False, e.strerror or str(e)
    finally:
        os.close(fd)


def tape_format(path: Path, compressed: bool) -> str:
    """The format of a tape file when the configuration does not say: HET when a
    block is compressed or the name ends in .het, AWS otherwise."""
    return "het" if compressed or path.suffix.lower() == ".het" else "aws"


class TapeFile:
    """A tape file and the position on it (``pos``, a file offset at a block
    boundary); ``starts`` lists the offsets of the blocks and tape marks between
    the load point and ``pos`` (the tape is only ever entered at the load point,
    so every block behind the position has been passed over).  Reads and writes
    go straight to the host file; methods raise TapeFormatError or OSError."""

    def __init__(self, path: Path, fmt: str = "aws", compression: str = "zlib",
                 writable: bool = True, max_size: int = 0) -> None:
        flags = os.O_RDWR | os.O_CREAT if writable else os.O_RDONLY
        self.fd = os.open(path, flags, 0o666)
        self.read = _Reader(self.fd)
        self.format = fmt
        self.compression = compression if fmt == "het" else "none"
        self.max_size = max_size
        self.pos = 0
        self.starts: list[int] = []

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            try:
                os.close(fd)
            except OSError:
                pass        # every write was already stored or reported

    @property
    def at_load_point(self) -> bool:
        return self.pos == 0

    def past_eot(self) -> bool:
        """Whether the position is beyond the end-of-tape marker."""
        return bool(self.max_size) and self.pos > self.max_size - eot_margin(self.max_size)

    def rewind(self) -> None:
        self.pos = 0
        self.starts = []

    def peek(self, with_data: bool = True) -> Block:
        return _parse(self.read, self.pos, with_data)

    def forward(self, with_data: bool = True) -> Block:
        """Pass over the next block or tape mark (not the end of the data)."""
        block = self.peek(with_data)
        if block.kind != "end":
            self.starts.append(self.pos)
            self.pos = block.end_at
        return block

    def backward(self, with_data: bool = True) -> Block:
        """Pass backward over the block or tape mark before the position."""
        start = self.starts[-1]
        block = _parse(self.read, start, with_data)
        if block.end_at != self.pos:
            raise TapeFormatError(start, "the file changed under the tape unit")
        self.starts.pop()
        self.pos = start
        return block

    def _previous_chunk(self) -> int:
        if not self.starts:
            return 0
        return _parse(self.read, self.starts[-1], False).last_chunk

    def encode(self, data: bytes | None) -> bytes:
        """The chunks of a block (None: a tape mark) written after the position."""
        previous = self._previous_chunk().to_bytes(2, "little")
        if data is None:
            return b"\0\0" + previous + bytes([TAPE_MARK, 0])
        flags = BOR
        if self.compression != "none":
            packed = (bz2.compress(data, LEVEL) if self.compression == "bzip2"
                      else zlib.compress(data, LEVEL))
            if len(packed) < len(data):
                data = packed
                flags |= BZIP2 if self.compression == "bzip2" else ZLIB
        out = bytearray()
        view = memoryview(data)
        while True:
            chunk = view[:MAX_CHUNK]
            view = view[len(chunk):]
            last = not view
            out += (len(chunk).to_bytes(2, "little") + previous
                    + bytes([flags | (EOR if last else 0), 0]))
            out += chunk
            if last:
                return bytes(out)
            previous = len(chunk).to_bytes(2, "little")
            flags &= ~BOR

    def fits(self, record: bytes) -> bool:
        """Whether writing ``record`` (``encode``) keeps the file within
        ``max_size``."""
        return not self.max_size or self.pos + len(record) <= self.max_size

    def _put(self, offset: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.pwrite(self.fd, view, offset)
            if not n:
                raise OSError(errno.EIO, "the host file took no bytes")
            view = view[n:]
            offset += n

    def write(self, data: bytes | None, record: bytes | None = None) -> None:
        """Write a block (None: a tape mark; ``record``: its ``encode``) at the
        position; the rest of the file is gone.  On OSError the file is left as
        it was (the bytes it overwrote are put back, as far as the host allows)."""
        if record is None:
            record = self.encode(data)
        start = self.pos
        old_size = self.read.size()
        saved = self.read(start, len(record))
        try:
            self._put(start, record)
            os.ftruncate(self.fd, start + len(record))
        except OSError:
            # Nothing written: the bytes it overwrote back, the file's old length.
            try:
                self._put(start, saved)
                os.ftruncate(self.fd, old_size)
            except OSError:
                pass
            raise
        self.starts.append(start)
        self.pos = start + len(record)


# Sense byte 1 (IBM 3420/3803 status and sense bytes)
TU_STATUS_A = 0x40       # ready
TU_STATUS_B = 0x20       # not ready
LOAD_POINT = 0x08
WRITE_STATUS = 0x04
FILE_PROTECTED = 0x02
# Sense byte 4
TAPE_INDICATE = 0x40     # beyond the end-of-tape marker
# Sense byte 7
TAPE_BOTTOM = 0x60       # tape bottom left and right: the tape ran off the reel

WRITE_TYPE = (0x01, 0x17, 0x1F)
MODE_SET_9 = (0xC3, 0xCB, 0xD3)             # 1600, 800 (NRZI), 6250 bpi
MODE_SET_7 = (0x13, 0x23, 0x2B, 0x33, 0x3B, 0x53, 0x63, 0x6B, 0x73, 0x7B, 0x93, 0xA3,
              0xAB, 0xB3, 0xBB)


class Tape3420(DeviceBase):
    """IBM 3420 magnetic tape unit, 9-track, on a 3803 tape control.

    Commands (IBM 3803/3420 reference; Hercules' tapeccws.c):

    - X'01' WRITE: one block of the CCW's data (1 to ``MAX_BLOCK`` bytes; a longer
      chain is cut there with incorrect length), written at the position.
    - X'02' READ: the next block (a longer block than the count is an incorrect
      length unless suppressed); a tape mark: no data, unit exception.
    - X'0C' READ BACKWARD: the block before the position, sent last byte first
      (the channel stores it downward); the tape ends before it.  A tape mark:
      unit exception.
    - X'1F' WRITE TAPE MARK; X'17' ERASE GAP (no change to the file).
    - X'07' REWIND; X'0F' REWIND UNLOAD: afterwards the unit is not ready.
    - X'37' FORWARD SPACE BLOCK, X'27' BACKSPACE BLOCK: over one block, or a tape
      mark with unit exception.
    - X'3F' FORWARD SPACE FILE: past the next tape mark; X'2F' BACKSPACE FILE:
      back over the previous tape mark, stopping before it.
    - MODE SET X'C3', X'CB', X'D3' (1600, 800, 6250 bpi) and the 7-track mode
      sets: accepted, no effect on the file.
    - X'03' NO-OPERATION, X'04' SENSE (24 bytes).

    Conditions: write, write tape mark and erase gap without the write-enable
    ring (``ring`` false): unit check, command reject.  Read backward, backspace
    block and backspace file at load point (backspace file also when it reaches
    the load point): channel end, device end, unit check, sense byte 0 zero;
    the read backward transfers nothing, so the channel indicates incorrect
    length unless SLI (a short block), the backspaces are immediate operations.
    Reading or spacing forward beyond the recorded data (blank tape to the end of
    the reel): unit check, equipment check, sense byte 7 X'60' (as Hercules).
    With a ``max_size``, a write, write tape mark or erase gap that ends beyond
    the end-of-tape marker (``eot_margin`` before ``max_size``) ends with unit
    exception; one that would make the file larger than ``max_size`` is not
    written: unit check, equipment check, sense byte 7 X'60'.  After REWIND
    UNLOAD every command but SENSE is rejected: unit check, intervention
    required (no operator mounts the tape again).  A host file that fails or a
    tape file found corrupt during the run: unit check, equipment check, the
    tape stopped before the bad block (a write: nothing written).

    Sense bytes: 0 as every device (X'80' command reject, X'40' intervention
    required, X'10' equipment check); 1 X'40' TU status A
    (ready) or X'20' TU status B (not ready), X'08' load point, X'04' write
    status (the last motion was a write), X'02' file protected; 4 X'40' tape
    indicate (beyond the end-of-tape marker); 5 X'C0' and 6 X'03' (subsystem and
    model identification, as Hercules); 7 X'60' (tape ran off the reel).
    Simplifications: channel end and device end together (rewind included), no
    tape motion time, no data security erase, diagnostic or track-in-error
    commands, no density recorded in the file, no reloading after unload."""

    type_name = "3420"
    sense_length = 24

    def __init__(self, path: Path, fmt: str = "aws", compression: str = "zlib",
                 ring: bool = True, max_size: int = 0) -> None:
        super().__init__()
        self.tape = TapeFile(path, fmt, compression, ring, max_size)
        self.ring = ring
        self.loaded = True
        self.writing = False
        self.density = 0xC3

    def close(self) -> None:
        self.tape.close()

    # -- sense ---------------------------------------------------------------
    def _sense_bytes(self) -> bytes:
        s = bytearray(self.sense)
        if not self.loaded:
            s[1] |= TU_STATUS_B
        else:
            s[1] |= TU_STATUS_A
            s[1] |= LOAD_POINT if self.tape.at_load_point else 0
            s[1] |= WRITE_STATUS if self.writing else 0
            s[1] |= 0 if self.ring else FILE_PROTECTED
            s[4] |= TAPE_INDICATE if self.tape.past_eot() else 0
        s[5] |= 0xC0
        s[6] |= 0x03
        return bytes(s)

    def start(self, command: int, previous: int | None) -> Start:
        if command == 0x04:
            data = self._sense_bytes()
            self.sense[:] = bytes(self.sense_length)
            return Input(data)
        self.sense[:] = bytes(self.sense_length)
        if not self.loaded:
            return self.reject(INTERVENTION_REQUIRED)
        return self.command(command, previous)

    def _check(self, sense0: int, byte7: int = 0) -> int:
        """The ending status of a command that failed: unit check."""
        self.sense[0] = sense0
        self.sense[7] = byte7
        return CE_DE | UNIT_CHECK

    def _ended(self) -> Immediate:
        """A motion control command ended: normal status."""
        return Immediate(CE_DE)

    # -- commands ------------------------------------------------------------
    def command(self, command: int, previous: int | None) -> Start:
        if command in WRITE_TYPE and not self.ring:
            return self.reject(COMMAND_REJECT)
        try:
            return self._command(command)
        except (OSError, TapeFormatError):
            return Immediate(self._check(EQUIPMENT_CHECK))

    def _command(self, command: int) -> Start:
        tape = self.tape
        if command == 0x03:         # NO-OPERATION: no motion
            return Immediate()
        if command == 0x01:
            self.writing = True
            return Output(MAX_BLOCK, self._write, exact=False)
        if command == 0x1F:
            self.writing = True
            return Immediate(self._write_record(None))
        if command == 0x17:
            self.writing = True
            return Immediate(CE_DE | (UNIT_EXCEPTION if tape.past_eot() else 0))
        self.writing = False
        if command == 0x02:
            block = tape.forward()
            if block.kind == "end":
                return Input(b"", self._check(EQUIPMENT_CHECK, TAPE_BOTTOM))
            if block.kind == "mark":
                return Input(b"", CE_DE | UNIT_EXCEPTION)
            return Input(block.data)
        if command == 0x0C:
            if tape.at_load_point:
                return ended_without_data(command, self._check(0))
            block = tape.backward()
            if block.kind == "mark":
                return Input(b"", CE_DE | UNIT_EXCEPTION)
            return Input(block.data[::-1])
        if command == 0x07:
            tape.rewind()
            return self._ended()
        if command == 0x0F:
            tape.rewind()
            self.loaded = False
            return self._ended()
        if command == 0x37:
            block = tape.forward(False)
            if block.kind == "end":
                return Immediate(self._check(EQUIPMENT_CHECK, TAPE_BOTTOM))
            return Immediate(CE_DE | (UNIT_EXCEPTION if block.kind == "mark" else 0))
        if command == 0x27:
            if tape.at_load_point:
                return Immediate(self._check(0))
            block = tape.backward(False)
            return Immediate(CE_DE | (UNIT_EXCEPTION if block.kind == "mark" else 0))
        if command == 0x3F:
            while True:
                block = tape.forward(False)
                if block.kind == "end":
                    return Immediate(self._check(EQUIPMENT_CHECK, TAPE_BOTTOM))
                if block.kind == "mark":
                    return self._ended()
        if command == 0x2F:
            while True:
                if tape.at_load_point:
                    return Immediate(self._check(0))
                if tape.backward(False).kind == "mark":
                    return self._ended()
        if command in MODE_SET_9:
            self.density = command
            return self._ended()
        if command in MODE_SET_7:
            return self._ended()
        return self.reject()

    def _write_record(self, data: bytes | None) -> int:
        tape = self.tape
        try:
            record = tape.encode(data)
            if not tape.fits(record):
                return self._check(EQUIPMENT_CHECK, TAPE_BOTTOM)
            tape.write(data, record)
        except (OSError, TapeFormatError):
            return self._check(EQUIPMENT_CHECK)
        return CE_DE | (UNIT_EXCEPTION if tape.past_eot() else 0)

    def _write(self, data: bytes) -> int:
        return self._write_record(data)


DEVICE_TYPES["3420"] = Tape3420
