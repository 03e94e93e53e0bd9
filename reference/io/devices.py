"""I/O devices backed by host files.

Theory of operation
-------------------
Each device answers the commands the channel issues to it (``start``) with what
the channel needs to carry them out (``reference.io.channel``: ``Reject``,
``Immediate``, ``Input``, ``Output``), and keeps its sense bytes.  Unit status
follows the devices' component descriptions where this model can be precise;
everything it simplifies is listed under each class and in docs/configuration.md.
Every device presents channel end and device end together at the end of a
command, and every command other than SENSE resets the sense bytes when it is
accepted.  Sense byte 0 (all devices): X'80' command reject, X'40' intervention
required, X'20' bus-out check, X'10' equipment check, X'08' data check, X'04'
overrun.  A host file that fails during the run is the device failing: equipment
check (a command that cannot start is rejected with it; one whose data the host
file did not take ends with channel end, device end and unit check).  Output
files are written without a buffer, so what a failed write did not store is never
written later.

Character data is EBCDIC code page 037 (``reference.io.ebcdic``): text files are
read as ASCII lines and converted, and output is converted back.

Host files: an input must be a readable file (a disk image also writable, of
whole 512-byte blocks), an output a writable file or character device or a new
file in an existing folder (``input_problem``, ``output_problem``), and no host
file may serve two devices unless both only read it (``check_shared_files``).
The configuration file that names the devices and their files is read by
``reference.io.config``.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reference.arch.ebcdic import EBCDIC_BLANK, to_ascii, to_ebcdic
from reference.io.channel import (
    CE_DE,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    Immediate,
    Input,
    Output,
    Reject,
    Start,
)

# Sense byte 0
COMMAND_REJECT = 0x80
INTERVENTION_REQUIRED = 0x40
BUS_OUT_CHECK = 0x20
EQUIPMENT_CHECK = 0x10
DATA_CHECK = 0x08
OVERRUN = 0x04

CARD = 80

__all__ = ["DeviceBase", "HostOutput", "Console3215", "CardReader2540", "CardPunch2540",
           "Printer1403", "Disk3370", "DEVICE_TYPES", "FileUse", "input_problem",
           "output_problem", "check_shared_files", "card_image"]


def card_image(data: bytes) -> bytes:
    """A card of 80 columns: ``data`` padded with EBCDIC blanks."""
    return data.ljust(CARD, bytes([EBCDIC_BLANK]))


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------
class DeviceBase:
    """What every device shares: sense bytes, SENSE, NO-OPERATION."""

    type_name = ""
    sense_length = 1

    def __init__(self) -> None:
        self.sense = bytearray(self.sense_length)
        self.attention: list[int] = []

    def attention_times(self) -> list[int]:
        return list(self.attention)

    def reset(self) -> None:
        self.sense[:] = bytes(self.sense_length)

    def close(self) -> None:
        pass

    def reject(self, sense: int = COMMAND_REJECT) -> Reject:
        self.sense[:] = bytes(self.sense_length)
        self.sense[0] = sense
        return Reject(UNIT_CHECK)

    def start(self, command: int, previous: int | None) -> Start:
        if command == 0x04:  # SENSE: the sense bytes, then they are reset
            data = bytes(self.sense)
            self.sense[:] = bytes(self.sense_length)
            return Input(data)
        self.sense[:] = bytes(self.sense_length)
        if command == 0x03:  # CONTROL NO-OPERATION: an immediate operation
            return Immediate()
        return self.command(command, previous)

    def command(self, command: int, previous: int | None) -> Start:
        return self.reject()

    def equipment_check(self) -> int:
        """The ending status of a command whose host file failed."""
        self.sense[0] = EQUIPMENT_CHECK
        return CE_DE | UNIT_CHECK


def _write_all(write: Callable[[memoryview], int | None], data: bytes) -> None:
    """Hand ``data`` to a host file's ``write`` until it has taken every byte;
    OSError when a write takes none."""
    view = memoryview(data)
    while view:
        n = write(view)
        if not n:
            raise OSError(errno.EIO, "the host file took no bytes")
        view = view[n:]


class HostOutput:
    """A device's output file, created or emptied when opened, written straight
    to the host (no buffer): a write either stores all its bytes or raises
    OSError, and nothing it failed to store is written later."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)

    def write(self, data: bytes) -> None:
        _write_all(lambda view: os.write(self.fd, view), data)

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            try:
                os.close(fd)
            except OSError:
                pass      # every write was already stored or reported


class _Writer(DeviceBase):
    """A device that writes a host output file (``out``; None: the output is
    discarded)."""

    def __init__(self, output: Path | None) -> None:
        super().__init__()
        self.out = None if output is None else HostOutput(output)

    def _emit(self, data: str | bytes) -> None:
        """Write ``data`` (text as ASCII) to the host file; OSError when it fails."""
        if self.out is not None:
            self.out.write(data if isinstance(data, bytes)
                           else data.encode("ascii", "replace"))

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


class Console3215(_Writer):
    """IBM 3215 console printer-keyboard.

    Commands: X'01' write, no carrier return; X'09' write, auto carrier return;
    X'0A' read inquiry; X'0B' audible alarm (immediate); X'03' no-op; X'04'
    sense (1 byte).  A line is at most 126 characters (the 3215's print
    positions): the device takes up to 126 bytes.  Output goes to a text file;
    read inquiry takes the next line of the input script (as EBCDIC, its own
    length; it is echoed to the output as the console printer prints what the
    operator types).  When the script is exhausted a read ends with unit
    exception and no data (the operator pressing CANCEL).  ``attention`` lists
    machine times at which the operator presses REQUEST: the device presents
    attention then (or when it is next free).
    Simplification: no intervention-required condition (the console is always
    ready)."""

    type_name = "3215"
    LINE = 126

    def __init__(self, output: Path | None, script: list[str],
                 attention: list[int]) -> None:
        super().__init__(output)
        self.script = list(script)
        self.attention = list(attention)

    def _write(self, text: str) -> bool:
        """Print ``text``; False when the host file failed."""
        try:
            self._emit(text)
        except OSError:
            return False
        return True

    def command(self, command: int, previous: int | None) -> Start:
        if command in (0x01, 0x09):
            newline = command == 0x09

            def finish(data: bytes) -> int:
                if not self._write(to_ascii(data) + ("\n" if newline else "")):
                    return self.equipment_check()
                return CE_DE
            return Output(self.LINE, finish, exact=False)
        if command == 0x0A:
            if not self.script:
                return Input(b"", CE_DE | UNIT_EXCEPTION)
            line = self.script.pop(0)
            if not self._write(line + "\n"):
                # The operator's line is read; the printer could not echo it.
                return Input(to_ebcdic(line), self.equipment_check())
            return Input(to_ebcdic(line))
        if command == 0x0B:
            return Immediate()
        return self.reject()


class CardReader2540(DeviceBase):
    """IBM 2540 card reader.

    Commands: X'02' read (and X'42', X'82', X'C2', stacker selection), 80 bytes
    a card; X'03' no-op; X'04' sense (1 byte).  The deck is a text file (ASCII
    lines, converted to EBCDIC and padded with blanks to 80 columns) or a binary
    file of 80-byte cards.  After the last card, with ``eof`` (the END OF FILE key,
    the default) a read ends with unit exception and no data; without it, with
    unit check and intervention required (the hopper is empty)."""

    type_name = "2540R"

    def __init__(self, cards: list[bytes], eof: bool = True) -> None:
        super().__init__()
        self.cards = list(cards)
        self.next_card = 0
        self.eof = eof

    def command(self, command: int, previous: int | None) -> Start:
        if command in (0x02, 0x42, 0x82, 0xC2):
            if self.next_card >= len(self.cards):
                if self.eof:
                    return Input(b"", CE_DE | UNIT_EXCEPTION)
                return self.reject(INTERVENTION_REQUIRED)
            card = self.cards[self.next_card]
            self.next_card += 1
            return Input(card)
        return self.reject()


class CardPunch2540(_Writer):
    """IBM 2540 card punch.

    Commands: X'01' write (punch; X'41', X'81', X'C1' select a stacker), 80
    bytes a card (fewer or more is an incorrect length, unless suppressed; a
    short card is punched padded with blanks); X'03' no-op; X'04' sense.  Output:
    a text file (one line a card, trailing blanks dropped) or a binary file of
    80-byte cards."""

    type_name = "2540P"

    def __init__(self, output: Path, binary: bool = False) -> None:
        super().__init__(output)
        self.binary = binary

    def command(self, command: int, previous: int | None) -> Start:
        if command in (0x01, 0x41, 0x81, 0xC1):
            def finish(data: bytes) -> int:
                card = card_image(data)
                try:
                    self._emit(card if self.binary else to_ascii(card).rstrip() + "\n")
                except OSError:
                    return self.equipment_check()
                return CE_DE
            return Output(CARD, finish, exact=True)
        return self.reject()


# Forms-control buffer of the 1403: line of each carriage-tape channel, 66 lines a
# page (Hercules' default: channel 1 at line 1, channel 12 at line 61).
DEFAULT_FCB = {1: 1, 2: 7, 3: 13, 4: 19, 5: 25, 6: 31, 7: 37, 8: 43, 9: 63, 10: 49, 11: 55,
               12: 61}
LINES_PER_PAGE = 66


class Printer1403(_Writer):
    """IBM 1403 printer, 132 print positions.

    Commands: write without spacing X'01'; write and space 1, 2, 3 lines X'09',
    X'11', X'19'; write and skip to channel 1-12 X'89', X'91', ..., X'E1'; space
    1-3 lines immediately X'0B', X'13', X'1B'; skip to channel 1-12 immediately
    X'8B', ..., X'E3'; X'03' no-op; X'04' sense (1 byte).  A write takes up to 132
    bytes (a shorter line is not an incorrect length).  Carriage control acts
    after printing.  The carriage tape: ``DEFAULT_FCB``, 66 lines a page.
    Spacing onto the channel-12 line (forms overflow) ends the command with unit
    exception.  A skip to a channel not punched in the tape is unit check with
    equipment check.

    Output (the format Hercules writes): each line's characters, trailing blanks
    dropped, then one newline per line spaced; a skip writes newlines to the
    channel's line, with a form feed when it passes the end of the page; write
    without spacing ends the line with a carriage return (overprinting), and so
    does write and skip to channel 1 before its skip (Hercules' printer.c writes
    that carriage return for channel 1 only)."""

    type_name = "1403"
    LINE = 132

    def __init__(self, output: Path) -> None:
        super().__init__(output)
        self.line = 1
        self.overprint = False     # the last operation was a write without spacing

    def _space(self, n: int) -> int:
        status = CE_DE
        line = self.line
        for _ in range(n):
            line = line % LINES_PER_PAGE + 1
            if line == DEFAULT_FCB[12]:
                status |= UNIT_EXCEPTION
        self._emit("\n" * n)
        self.line = line
        self.overprint = False
        return status

    def _skip(self, channel: int) -> int | None:
        target = DEFAULT_FCB.get(channel)
        if target is None:
            return None
        if target < self.line or (self.overprint and target <= self.line):
            self._emit("\f" + "\n" * (target - 1))
        else:
            self._emit("\n" * (target - self.line))
        self.line = target
        self.overprint = False
        return CE_DE

    def _carriage(self, command: int) -> int | None:
        """Carriage control of bits 0-4 of a write or control command: the
        ending status, or None for a channel not in the tape; OSError when the
        host file fails (the carriage stays where it was)."""
        if command & 0x80:
            return self._skip((command >> 3) & 0x0F)
        n = (command >> 3) & 0x03
        if n == 0:
            self._emit("\r")
            self.overprint = True
            return CE_DE
        return self._space(n)

    def command(self, command: int, previous: int | None) -> Start:
        low = command & 0x07
        channel = (command >> 3) & 0x0F
        valid = (not command & 0x80 and command & 0x60 == 0) or (command & 0x80 and
                                                                   1 <= channel <= 12)
        if low == 0x01 and valid:
            def finish(data: bytes) -> int:
                try:
                    self._emit(to_ascii(data).rstrip())
                    if command == 0x89:
                        self._emit("\r")
                    status = self._carriage(command)
                except OSError:
                    return self.equipment_check()
                if status is None:
                    return self.equipment_check()
                return status
            return Output(self.LINE, finish, exact=False)
        if low == 0x03 and valid and command & 0x98:
            if not command & 0x80 and not (command >> 3) & 3:
                return self.reject()
            try:
                status = self._carriage(command)
            except OSError:
                status = None
            if status is None:
                return self.reject(EQUIPMENT_CHECK)
            return Immediate(status)
        return self.reject()


class Disk3370(DeviceBase):
    """IBM 3370 direct-access storage, fixed-block architecture, 512-byte blocks
    (the host image file holds the blocks in order; its size / 512 is the number
    of blocks).

    Commands (IBM 3370 reference; checked against Hercules' fbadasd.c):

    - X'63' DEFINE EXTENT, 16 bytes: file mask (byte 0: bits 0-1 00 inhibit
      format writes, 01 inhibit all writes, 11 permit all writes; 10 and the
      reserved bits X'3B' are invalid), bytes 4-7 the extent's first block on the
      device, 8-11 and 12-15 its first and last block numbers as the data set
      sees them.  Once in a chain.
    - X'43' LOCATE, 8 bytes: operation (byte 0: X'01' write, X'05' write and
      verify, X'06' read, X'02' read replicated data; bits 0-2 zero), byte 1
      replication count, bytes 2-3 block count (not zero), bytes 4-7 the first
      block (data-set numbering), inside the extent.  After DEFINE EXTENT (or READ
      IPL) in the same chain.
    - X'42' READ and X'41' WRITE: the located blocks, chained from LOCATE (READ
      also from READ IPL).  A write shorter than the blocks is padded with zeros.
    - X'02' READ IPL: block 0, with the extent set to the whole device.
    - X'03' no-op, X'04' sense (24 bytes).

    A rule broken is unit check with command reject.  Simplifications: no
    defective blocks, no replication beyond reading the block again, no
    diagnostic commands, SENSE ID or READ DEVICE CHARACTERISTICS."""

    type_name = "3370"
    sense_length = 24
    BLOCK = 512

    def __init__(self, image: Path) -> None:
        super().__init__()
        # Unbuffered: a write either reaches the host file or is an equipment check.
        self.file = open(image, "r+b", buffering=0)  # noqa: SIM115 - closed by close()
        self.blocks = os.fstat(self.file.fileno()).st_size // self.BLOCK
        self._new_chain()

    def _new_chain(self) -> None:
        self.extent: tuple[int, int, int, int] | None = None  # mask, origin, first, last
        self.located: tuple[int, int, int] | None = None      # operation, count, block

    def reset(self) -> None:
        super().reset()
        self._new_chain()

    def close(self) -> None:
        if not self.file.closed:
            try:
                self.file.close()
            except OSError:
                pass      # every write was already stored or reported

    def _read(self, block: int, count: int) -> bytes:
        self.file.seek(block * self.BLOCK)
        return self.file.read(count * self.BLOCK).ljust(count * self.BLOCK, b"\0")

    def command(self, command: int, previous: int | None) -> Start:
        if previous is None:
            self._new_chain()
        if command == 0x63:
            if self.extent is not None:
                return self.reject()
            return Output(16, self._define_extent)
        if command == 0x43:
            if self.extent is None:
                return self.reject()
            return Output(8, self._locate)
        if command == 0x42:
            loc = self.located
            if previous == 0x02 and loc is None:
                loc = (0x06, 1, 1)
            if previous not in (0x43, 0x02) or loc is None or loc[0] not in (0x02, 0x06):
                return self.reject()
            _, count, block = loc
            self.located = None
            try:
                return Input(self._read(self._device_block(block), count))
            except OSError:
                return self.reject(EQUIPMENT_CHECK)     # the host file failed
        if command == 0x41:
            loc = self.located
            if previous != 0x43 or loc is None or loc[0] not in (0x01, 0x05):
                return self.reject()
            _, count, block = loc
            self.located = None
            return Output(count * self.BLOCK, lambda data: self._write(block, count, data))
        if command == 0x02:
            if previous not in (None, 0x02):
                return self.reject()
            if self.blocks == 0:
                return self.reject(INTERVENTION_REQUIRED)
            self.extent = (0, 0, 0, self.blocks - 1)
            try:
                return Input(self._read(0, 1))
            except OSError:
                return self.reject(EQUIPMENT_CHECK)
        return self.reject()

    def _device_block(self, block: int) -> int:
        assert self.extent is not None
        _, origin, first, _ = self.extent
        return origin + block - first

    def _fail(self) -> int:
        self.sense[0] = COMMAND_REJECT
        return CE_DE | UNIT_CHECK

    def _define_extent(self, data: bytes) -> int:
        if len(data) < 16:
            return self._fail()
        mask = data[0]
        origin, first, last = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        if mask & 0x3B or mask & 0xC0 == 0x80 or last < first or origin >= self.blocks \
                or last - first >= self.blocks - origin:
            return self._fail()
        self.extent = (mask, origin, first, last)
        return CE_DE

    def _locate(self, data: bytes) -> int:
        if len(data) < 8 or self.extent is None:
            return self._fail()
        operation, replication = data[0], data[1]
        count = int.from_bytes(data[2:4], "big")
        block = int.from_bytes(data[4:8], "big")
        mask, _, first, last = self.extent
        code = operation & 0x0F
        if operation & 0xE0 or code not in (0x01, 0x02, 0x05, 0x06):
            return self._fail()
        if code in (0x01, 0x05) and mask & 0xC0 == 0x40:
            return self._fail()        # the file mask inhibits all writes
        if count == 0 or block < first or block + count - 1 > last:
            return self._fail()
        if code == 0x02 and (replication == 0 or replication % count):
            return self._fail()
        self.located = (code, count, block)
        return CE_DE

    def _write(self, block: int, count: int, data: bytes) -> int:
        try:
            self.file.seek(self._device_block(block) * self.BLOCK)
            _write_all(self.file.write, data.ljust(count * self.BLOCK, b"\0"))
        except OSError:
            return self.equipment_check()
        return CE_DE


DEVICE_TYPES = {"3215": Console3215, "2540R": CardReader2540, "2540P": CardPunch2540,
                "1403": Printer1403, "3370": Disk3370}
# reference.io.tape adds "3420" (Tape3420) when it is imported (reference.io.config
# imports it): it builds on DeviceBase, and this module may not import it back.


# ---------------------------------------------------------------------------
# Host files
# ---------------------------------------------------------------------------
@dataclass
class FileUse:
    """A host file that a configuration names: ``role`` is ``input`` (only read),
    ``output`` (created or emptied, then written) or ``disk`` (read and written in
    place); ``name`` says who names it (``file 'x.img' of device 150 (3370)``)
    and ``line`` where (0: no line)."""

    path: Path
    role: str
    name: str
    line: int


def input_problem(path: Path, disk: bool = False) -> str | None:
    """Why ``path`` cannot be read as an input file (with ``disk``: a disk image,
    read and written in place, of whole blocks), or None."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "no such file"
    except OSError as e:
        return e.strerror or str(e)
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if not os.access(path, os.R_OK):
        return "not readable"
    if disk and not os.access(path, os.W_OK):
        return "not writable (a disk image is read and written in place)"
    if disk and (st.st_size == 0 or st.st_size % Disk3370.BLOCK):
        return f"{st.st_size} bytes is not a positive multiple of 512 (blocks)"
    return None


def output_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an output file, or None.  An output is a writable
    regular file, a character device (``/dev/null``: its failures during the run
    are the device's equipment checks), or a new file in an existing writable
    folder."""
    try:
        st: os.stat_result | None = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as e:
        return e.strerror or str(e)
    if st is None:
        folder = path.resolve().parent       # of a dangling symbolic link: its target's
        if not folder.exists():
            return f"folder {folder} does not exist"
        if not folder.is_dir():
            return f"{folder} is not a folder"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"folder {folder} is not writable"
        return None
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if stat.S_ISCHR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file or character device"
    if not os.access(path, os.W_OK):
        return "not writable"
    return None


def check_shared_files(uses: list[FileUse], fail: Callable[[int, str], Exception]) -> None:
    """No host file may serve two uses unless both only read it: an output over
    a disk image or an input, two outputs, two disks on one image are refused
    (``fail(line, message)`` makes the error).  Files are the same when their
    resolved paths are, or, for files that exist, their device and inode numbers
    (hard links, symbolic links).  Character devices are exempt: any number of
    outputs may go to ``/dev/null``.  The error is at the later line."""
    seen: list[tuple[FileUse, Path, tuple[int, int] | None]] = []
    for use in sorted(uses, key=lambda u: u.line):
        resolved = use.path.resolve()
        try:
            st = os.stat(use.path)
        except OSError:
            inode = None
        else:
            if stat.S_ISCHR(st.st_mode):
                continue
            inode = (st.st_dev, st.st_ino)
        for other, other_resolved, other_inode in seen:
            if use.role == other.role == "input":
                continue
            if resolved == other_resolved or (inode is not None and inode == other_inode):
                where = f" at line {other.line}" if other.line else ""
                raise fail(use.line, f"{use.name} is the same host file as {other.name}"
                                     f"{where}")
        seen.append((use, resolved, inode))
