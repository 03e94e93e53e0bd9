"""I/O devices backed by host files, and the machine configuration file.

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

Character data is EBCDIC code page 037 (Python's ``cp037`` codec, the assembler's
``C'...'`` code page): text files are read as ASCII lines and converted, and
output is converted back; an EBCDIC byte that is not a printable ASCII character
after conversion prints (or is written) as a blank, as a character missing from a
print train prints blank.

The configuration file (TOML; docs/configuration.md) names the storage size and
the devices with their I/O addresses and host files.  ``load_configuration``
checks it, host files included (an input must be a readable file, an output a
writable file or character device or a new file in an existing folder, and no
host file may serve two devices unless both only read it), and
``Configuration.attach`` connects the devices to a machine, opening the disks
before it creates or empties any output file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference.io.channel import (
    ATTENTION,
    CE_DE,
    UNIT_CHECK,
    UNIT_EXCEPTION,
    ChannelSubsystem,
    Immediate,
    Input,
    Output,
    Reject,
    Start,
)

try:  # Python 3.11+: standard library
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

# Sense byte 0
COMMAND_REJECT = 0x80
INTERVENTION_REQUIRED = 0x40
BUS_OUT_CHECK = 0x20
EQUIPMENT_CHECK = 0x10
DATA_CHECK = 0x08
OVERRUN = 0x04

CARD = 80
EBCDIC_BLANK = 0x40
_PRINTABLE = {c for c in range(0x20, 0x7F)}

__all__ = ["ConfigError", "Configuration", "load_configuration", "to_ebcdic", "to_ascii",
           "Console3215", "CardReader2540", "CardPunch2540", "Printer1403", "Disk3370",
           "DEVICE_TYPES", "ATTENTION"]


def to_ebcdic(text: str) -> bytes:
    return text.encode("cp037")


def to_ascii(data: bytes) -> str:
    """EBCDIC to ASCII; a byte with no printable ASCII character becomes a blank."""
    text = data.decode("cp037")
    return "".join(c if ord(c) in _PRINTABLE else " " for c in text)


class ConfigError(ValueError):
    """A bad configuration: ``str(error)`` is ``file:line: message``."""


class IPLError(ValueError):
    """Initial program loading failed: ``str(error)`` says why."""


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------
class _Device:
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


class HostOutput:
    """A device's output file, created or emptied when opened, written straight
    to the host (no buffer): a write either stores all its bytes or raises
    OSError, and nothing it failed to store is written later."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            if n <= 0:
                raise OSError(errno.EIO, "the host file took no bytes")
            view = view[n:]

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            try:
                os.close(fd)
            except OSError:
                pass      # every write was already stored or reported


def _open_output(path: Path | None) -> HostOutput | None:
    return None if path is None else HostOutput(path)


def _text(text: str) -> bytes:
    return text.encode("ascii", "replace")


class Console3215(_Device):
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
        super().__init__()
        self.out = _open_output(output)
        self.script = list(script)
        self.attention = list(attention)

    def _write(self, text: str) -> bool:
        """Print ``text``; False when the host file failed."""
        if self.out is not None:
            try:
                self.out.write(_text(text))
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

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


class CardReader2540(_Device):
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


class CardPunch2540(_Device):
    """IBM 2540 card punch.

    Commands: X'01' write (punch; X'41', X'81', X'C1' select a stacker), 80
    bytes a card (fewer or more is an incorrect length, unless suppressed; a
    short card is punched padded with blanks); X'03' no-op; X'04' sense.  Output:
    a text file (one line a card, trailing blanks dropped) or a binary file of
    80-byte cards."""

    type_name = "2540P"

    def __init__(self, output: Path, binary: bool = False) -> None:
        super().__init__()
        self.binary = binary
        self.out = _open_output(output)

    def command(self, command: int, previous: int | None) -> Start:
        if command in (0x01, 0x41, 0x81, 0xC1):
            def finish(data: bytes) -> int:
                card = data.ljust(CARD, bytes([EBCDIC_BLANK]))
                if self.out is not None:
                    try:
                        self.out.write(card if self.binary
                                       else _text(to_ascii(card).rstrip() + "\n"))
                    except OSError:
                        return self.equipment_check()
                return CE_DE
            return Output(CARD, finish, exact=True)
        return self.reject()

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


# Forms-control buffer of the 1403: line of each carriage-tape channel, 66 lines a
# page (Hercules' default: channel 1 at line 1, channel 12 at line 61).
DEFAULT_FCB = {1: 1, 2: 7, 3: 13, 4: 19, 5: 25, 6: 31, 7: 37, 8: 43, 9: 63, 10: 49, 11: 55,
               12: 61}
LINES_PER_PAGE = 66


class Printer1403(_Device):
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
    without spacing ends the line with a carriage return (overprinting)."""

    type_name = "1403"
    LINE = 132

    def __init__(self, output: Path) -> None:
        super().__init__()
        self.out = _open_output(output)
        self.line = 1
        self.overprint = False     # the last operation was a write without spacing

    def _emit(self, text: str) -> None:
        """Print ``text``; OSError when the host file fails."""
        if self.out is not None:
            self.out.write(_text(text))

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

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


class Disk3370(_Device):
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
            view = memoryview(data.ljust(count * self.BLOCK, b"\0"))
            while view:
                n = self.file.write(view)
                if not n:
                    raise OSError(errno.EIO, "the host file took no bytes")
                view = view[n:]
        except OSError:
            return self.equipment_check()
        return CE_DE


DEVICE_TYPES = {"3215": Console3215, "2540R": CardReader2540, "2540P": CardPunch2540,
                "1403": Printer1403, "3370": Disk3370}


# ---------------------------------------------------------------------------
# The configuration file
# ---------------------------------------------------------------------------
_KEYS = {
    "3215": {"output", "input", "attention"},
    "2540R": {"file", "format", "eof"},
    "2540P": {"file", "format"},
    "1403": {"file"},
    "3370": {"file"},
}
_SIZE = re.compile(r"^([0-9]+)([KM]?)$")


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


@dataclass
class DeviceSpec:
    address: int
    type_name: str
    options: dict[str, Any]
    line: int
    files: list[FileUse] = field(default_factory=list)


@dataclass
class Configuration:
    """A checked configuration: storage size (None if not given) and devices."""

    path: str
    storage: int | None = None
    devices: list[DeviceSpec] = field(default_factory=list)

    def attach(self, cpu: Any) -> ChannelSubsystem:
        """Create the devices (opening their files) and connect them to ``cpu``.
        The devices that only read or update files are made first, so that no
        output file is created or emptied when one of them cannot be opened."""
        channels = ChannelSubsystem(cpu)
        made: list[tuple[DeviceSpec, Any]] = []
        try:
            writers_last = sorted(self.devices, key=lambda s: s.type_name in (
                "2540P", "1403") or s.options.get("output") is not None)
            for spec in writers_last:
                try:
                    made.append((spec, _make_device(spec)))
                except OSError as e:
                    raise ConfigError(f"{self.path}:{spec.line}: device {spec.address:03X}: "
                                      f"{e.filename}: {e.strerror}") from None
            devices = {id(spec): device for spec, device in made}
            for spec in self.devices:
                channels.attach(spec.address, devices[id(spec)])
        except BaseException:
            for _, device in made:
                device.close()
            raise
        cpu.channels = channels
        return channels

    def start(self, image: bytes, storage: int, ipl: int | None = None) -> Any:
        """A machine of ``storage`` bytes with these devices, started as ``s370 run
        --config`` starts it: clear reset, ``image`` at absolute 0, then the restart
        interruption, or initial program loading from ``ipl``.  ConfigError (a
        device file) or IPLError; the devices are closed then."""
        from reference.machine.machine import Machine
        m = Machine(storage)
        m.load_image(image, 0)
        channels = self.attach(m)
        if ipl is None:
            m.restart_interruption()
            return m
        failed = channels.ipl(ipl)
        if failed is not None:
            channels.close()
            raise IPLError(f"IPL {ipl:03X} failed: {failed}")
        return m


def _make_device(spec: DeviceSpec) -> Any:
    o = spec.options
    if spec.type_name == "3215":
        return Console3215(o.get("output"), o.get("script", []), o.get("attention", []))
    if spec.type_name == "2540R":
        return CardReader2540(o["cards"], o.get("eof", True))
    if spec.type_name == "2540P":
        return CardPunch2540(o["file"], o.get("format") == "binary")
    if spec.type_name == "1403":
        return Printer1403(o["file"])
    return Disk3370(o["file"])


def _device_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines())
            if re.match(r"^\s*\[\[\s*device\s*\]\]", line)]


def _key_line(text: str, start: int, key: str) -> int:
    lines = text.splitlines()
    for i in range(start - 1 if start else 0, len(lines)):
        if i >= start and re.match(r"^\s*\[", lines[i]):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start or 1


# Bounds of a TOML file (a configuration or a VMCP directory): its size, and how
# deep its tables and arrays nest (tomllib's parser recurses once per level).
MAX_TOML_BYTES = 4 * 1024 * 1024
MAX_TOML_NESTING = 64
_OPENING = {"]": "[", "}": "{"}
_TOML_TOKEN = re.compile(r"\"\"\"|'''|[\"'#\[\]{}=,.\n]")


_TOML_STRINGS = {
    '"': re.compile(r'(?:[^"\\\n]|\\.)*"?'),
    "'": re.compile(r"[^'\n]*'?"),
    '"""': re.compile(r'(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:"{3,5})?'),
    "'''": re.compile(r"(?:[^']|'(?!''))*(?:'{3,5})?"),
}


def _skip_toml_string(text: str, pos: int, quote: str) -> int:
    """The position after the string whose opening ``quote`` ends at ``pos``; a
    one-line string ends at its line's end at the latest (tomllib reports it)."""
    m = _TOML_STRINGS[quote].match(text, pos)
    assert m is not None                  # every pattern matches the empty string
    return m.end()


def _toml_nesting(text: str) -> int | None:
    """The line on which a TOML text nests deeper than MAX_TOML_NESTING, or None.

    A linear scan that skips strings and comments.  A level is an array, an inline
    table, each part of a dotted key (``a.b.c = 1``: tables a and b hold c), each
    part of a table header (``[a.b]``: two) and the array of ``[[...]]``."""
    line = 1
    base = 0                           # the level of the table that lines belong to
    stack: list[tuple[str, int]] = []  # the open arrays and inline tables, with levels
    mode = "start"                     # start of a line, key, header or value
    here = 0                           # the level a container value would be inside
    dots = 0                           # the dots of the key or header being read
    double = False
    pos = 0
    while True:
        m = _TOML_TOKEN.search(text, pos)
        if m is None:
            return None
        token, pos = m.group(), m.end()
        if token == "\n":
            line += 1
            if not stack:
                mode, dots = "start", 0
        elif token == "#":
            pos = text.find("\n", pos)
            if pos < 0:
                return None
        elif token[0] in "\"'":
            end = _skip_toml_string(text, pos, token)
            line += text.count("\n", pos, end)
            pos = end
            if mode == "start":
                mode = "key"
        elif token == "." and mode in ("start", "key", "header"):
            dots += 1
            mode = "header" if mode == "header" else "key"
        elif token == "=" and mode in ("start", "key"):
            here = (stack[-1][1] if stack else base) + dots
            if here > MAX_TOML_NESTING:
                return line
            mode, dots = "value", 0
        elif token == "[" and mode == "start":
            mode, dots = "header", 0
            double = text.startswith("[", pos)
            pos += double
        elif token == "]" and mode == "header":
            base = dots + 1 + double
            if base > MAX_TOML_NESTING:
                return line
            pos += double and text.startswith("]", pos)
            mode, here = "value", base
        elif token in "[{" and mode == "value":
            here += 1
            if here > MAX_TOML_NESTING:
                return line
            stack.append((token, here))
            if token == "{":
                mode, dots = "key", 0
        elif token in "]}" and stack and stack[-1][0] == _OPENING[token]:
            stack.pop()
            mode = "value"
            here = stack[-1][1] if stack else base
        elif token == "," and stack:
            if stack[-1][0] == "{":
                mode, dots = "key", 0
            else:
                mode, here = "value", stack[-1][1]


def read_toml(path: str | os.PathLike[str]) -> tuple[str, dict[str, Any]]:
    """The text of a TOML file and its tables; ConfigError ``file:line: message``
    when it cannot be read or parsed, is larger than MAX_TOML_BYTES or nests
    deeper than MAX_TOML_NESTING."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_TOML_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"{name}:1: {e.strerror or e}") from None
    if len(data) > MAX_TOML_BYTES:
        raise ConfigError(f"{name}:1: larger than {MAX_TOML_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConfigError(f"{name}:{line}: not UTF-8 text ({e.reason})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")    # as a text file reads
    deep = _toml_nesting(text)
    if deep is not None:
        raise ConfigError(f"{name}:{deep}: nested more than {MAX_TOML_NESTING} levels deep "
                          "(arrays, inline tables, parts of keys and table headers)")
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(f"{name}:{m.group(1) if m else 1}: {str(e).split(' (at')[0]}") \
            from None
    except ValueError:
        # tomllib converts a decimal integer with int(), which takes at most
        # sys.get_int_max_str_digits() digits.
        most = sys.get_int_max_str_digits()
        long = re.search(rf"[0-9][0-9_]{{{most},}}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        raise ConfigError(f"{name}:{line}: integer of more than {most} digits") from None


def parse_address(value: Any, fail: Any) -> int:
    """An I/O address written as 1-4 hex digits in a string, on channels 0-31;
    ``fail(message)`` makes the error to raise."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,4}", value):
        raise fail(f"address {value!r}: hex digits in a string, e.g. \"00C\"")
    address = int(value, 16)
    if address >> 8 > 31:
        raise fail(f"address {value}: channel {address >> 8:X} beyond 1F (channels 0-31)")
    return address


def load_configuration(path: str | os.PathLike[str]) -> Configuration:
    """Read and check a configuration file; ConfigError (``file:line: message``)
    when it is bad."""
    name = str(path)
    text, data = read_toml(path)
    base = Path(path).resolve().parent
    config = Configuration(name)

    def fail(line: int, message: str) -> ConfigError:
        return ConfigError(f"{name}:{line}: {message}")

    for key in data:
        if key not in ("storage", "device"):
            raise fail(_key_line(text, 0, key), f"unknown key {key!r} (storage, [[device]])")
    if "storage" in data:
        config.storage = _storage(data["storage"], lambda m: fail(_key_line(text, 0, "storage"),
                                                                   m))
    devices = data.get("device", [])
    starts = _device_lines(text)
    if not isinstance(devices, list):
        raise fail(_key_line(text, 0, "device"), "device must be an array of tables "
                   "([[device]])")
    seen: dict[int, int] = {}
    for i, entry in enumerate(devices):
        start = starts[i] if i < len(starts) else 1
        config.devices.append(_device_spec(entry, start, text, base, fail, seen))
    check_shared_files([FileUse(Path(path), "input", "this configuration file", 0)]
                       + [use for spec in config.devices for use in spec.files], fail)
    return config


def input_problem(path: Path, disk: bool = False) -> str | None:
    """Why ``path`` cannot be read as an input file (with ``disk``: a disk image,
    read and written in place), or None."""
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


def check_shared_files(uses: list[FileUse], fail: Any) -> None:
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


def _storage(value: Any, fail: Any) -> int:
    from reference.machine.cpu import MAX_STORAGE, MIN_STORAGE
    text = str(value).strip().upper()
    m = _SIZE.match(text)
    if m is None:
        raise fail(f"storage {value!r}: not a size (examples: 64K, 2M, 16M)")
    digits = m.group(1)
    size = int(digits) * {"": 1, "K": 1024, "M": 1024 * 1024}[m.group(2)] \
        if len(digits) <= 12 else MAX_STORAGE + 1
    if not MIN_STORAGE <= size <= MAX_STORAGE or size % 2048:
        raise fail(f"storage {value!r}: must be a multiple of 2K from 64K to 16M")
    return size


def _device_spec(entry: Any, start: int, text: str, base: Path, fail: Any,
                 seen: dict[int, int], owner: str = "") -> DeviceSpec:
    """One [[device]] table, checked, with its host files (``spec.files``);
    ``owner`` follows the device's name in messages (`` of VM alpha``)."""
    def at(key: str) -> int:
        return _key_line(text, start, key)

    if not isinstance(entry, dict):
        raise fail(start, "a device must be a table")
    if "address" not in entry:
        raise fail(start, "device without an address (e.g. address = \"00C\")")
    if "type" not in entry:
        raise fail(start, "device without a type (3215, 2540R, 2540P, 1403, 3370)")
    raw = entry["address"]
    address = parse_address(raw, lambda m: fail(at("address"), m))
    if address in seen:
        raise fail(at("address"), f"address {raw} already configured at line {seen[address]}")
    seen[address] = at("address")
    kind = str(entry["type"]).upper()
    if kind not in _KEYS:
        raise fail(at("type"), f"type {entry['type']!r}: not one of 3215, 2540R, 2540P, "
                   "1403, 3370")
    options: dict[str, Any] = {}
    for key, value in entry.items():
        if key in ("address", "type"):
            continue
        if key not in _KEYS[kind]:
            raise fail(at(key), f"{kind}: unknown key {key!r} "
                       f"({', '.join(sorted(_KEYS[kind]))})")
        options[key] = value
    spec = DeviceSpec(address, kind, {}, start)

    def path_of(key: str, role: str) -> Path:
        value = options[key]
        if not isinstance(value, str) or not value:
            raise fail(at(key), f"{key} must be a file name")
        p = Path(value)
        p = p if p.is_absolute() else base / p
        problem = output_problem(p) if role == "output" else input_problem(p, role == "disk")
        if problem is not None:
            raise fail(at(key), f"{key} {value!r}: {problem}")
        spec.files.append(FileUse(p, role, f"{key} {value!r} of device {address:03X} "
                                           f"({kind}){owner}", at(key)))
        return p

    if kind != "3215" and "file" not in options:
        raise fail(start, f"{kind} {raw}: no file")
    fmt = options.get("format", "text")
    if "format" in options and fmt not in ("text", "binary"):
        raise fail(at("format"), f"format {fmt!r}: text or binary")
    if kind == "3215":
        if "output" in options:
            spec.options["output"] = path_of("output", "output")
        if "input" in options:
            p = path_of("input", "input")
            try:
                spec.options["script"] = p.read_text(encoding="ascii").splitlines()
            except (OSError, UnicodeDecodeError) as e:
                raise fail(at("input"), f"input {options['input']!r}: {e}") from None
        times = options.get("attention", [])
        if not isinstance(times, list) or not all(
                isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in times):
            raise fail(at("attention"), "attention: a list of machine times in microseconds")
        spec.options["attention"] = times
    elif kind == "2540R":
        p = path_of("file", "input")
        spec.options["cards"] = _read_deck(p, fmt == "binary", fail, at("file"))
        eof = options.get("eof", True)
        if not isinstance(eof, bool):
            raise fail(at("eof"), "eof must be true or false")
        spec.options["eof"] = eof
    elif kind == "3370":
        p = path_of("file", "disk")
        size = p.stat().st_size
        if size == 0 or size % Disk3370.BLOCK:
            raise fail(at("file"), f"file {options['file']!r}: {size} bytes is not a "
                       "positive multiple of 512 (blocks)")
        spec.options["file"] = p
    else:
        spec.options["file"] = path_of("file", "output")
        spec.options["format"] = fmt
    return spec


def _read_deck(path: Path, binary: bool, fail: Any, line: int) -> list[bytes]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise fail(line, f"file {path.name!r}: {e.strerror or e}") from None
    if binary:
        if len(data) % CARD:
            raise fail(line, f"{path.name}: {len(data)} bytes is not a multiple of 80 (cards)")
        return [data[i:i + CARD] for i in range(0, len(data), CARD)]
    cards = []
    for n, raw in enumerate(data.decode("latin-1").splitlines(), 1):
        if any(ord(c) not in _PRINTABLE for c in raw):
            raise fail(line, f"{path.name}:{n}: a card holds printable ASCII only")
        if len(raw) > CARD:
            raise fail(line, f"{path.name}:{n}: {len(raw)} characters, more than 80 columns")
        cards.append(to_ebcdic(raw).ljust(CARD, bytes([EBCDIC_BLANK])))
    return cards
