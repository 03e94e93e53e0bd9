"""Expectations of a corpus program: the TOML file beside its source.

    # one line: what the program checks
    [program]
    max_steps = 100000          # default 100000
    storage = "2M"              # default "2M"
    modes = ["native", "vmcp"]  # default: every mode
    requires = ["floating-point"]  # optional facilities the program needs (FACILITIES)
    provenance = "..."          # where the expected values come from

    [expect]
    stop = "disabled-wait"
    psw = "000A000000000000"
    [expect.gpr]                # register -> 8 hex digits
    "1" = "00000005"
    [expect.cr]                 # the same, for control registers
    [expect.storage]            # hex real address -> hex bytes (blanks allowed)
    "400" = "00000005 0000000A"
    [expect.keys]               # hex block address -> the key as ISK gives it
    "800" = "16"

A program that does channel I/O may have devices: the ``[[device]]`` tables of a
machine configuration (docs/configuration.md, the same keys), and what they must
have written::

    [program]
    ipl = "00C"                 # optional: IPL from this device after the image is
                                # loaded, instead of the restart interruption
    [[device]]
    address = "00C"
    type = "2540R"
    file = "deck.txt"           # an input: relative to the program's directory
    [[device]]
    address = "00E"
    type = "1403"
    file = "print.txt"          # an output: a plain file name, written into a
                                # temporary directory of the run, never the repository
    [[device]]
    address = "150"
    type = "3370"
    file = "disk.img"           # copied into the temporary directory first
    [expect.output]             # device address -> what its file holds at the end
    "00E" = "LINE 1\\nLINE 2\\n"          # the text, inline
    "00D" = { file = "punch.expected" }     # a file beside the program (bytes)
    "150" = { bytes = { "A00" = "C1C2" } }  # bytes at hex offsets of the file
    "181" = { hex = ["0500 0000 A000 C1C2C3C4C5", "0000 0500 4000"] }
                                # the whole file, in hex: one string or a list of
                                # them (joined; blanks allowed), e.g. a block a line

A CKD disk (``type`` a CKD device type of reference.io.ckd_geometry: ``"2311"``,
``"2314"``, ``"3330"``, ``"3350"``, ...; ``format``, ``readonly`` as in a
configuration) has a ``file``: an image beside the program (copied into the run's
directory first), or, with ``volser``, a new volume that the run makes in its
directory (``reference.io.dasd.create``: track 0 the IPL records and the VOL1 label
``volser``, track 1 an empty VTOC, every other track only R0; ``format = "cckd"``
compressed; ``cylinders``, default 2: a small volume).  Its ``[expect.output]`` may name
the records of tracks, each track by its cylinder and head (CCCCHHHH in hex) and
each record (R0 first, every record of the track) as the hex of its count, key and
data; the other tracks are not compared::

    [[device]]
    address = "190"
    type = "3350"
    file = "vol.cckd"
    volser = "CKD001"
    format = "cckd"
    cylinders = 2
    [expect.output]
    "190" = { tracks = { "0000 0005" = [
        "00000005 00 00 0008 0000000000000000",        # R0: 8 bytes of data
        "00000005 01 04 0002 D2C5E8F1 C1C2",            # R1: key KEY1, data AB
    ] } }

A 3420 tape (``type = "3420"``; ``format``, ``compression``, ``ring``, ``max_size`` as
in a configuration) has a ``file``, a plain file name: a tape file of that name
beside the program is copied into the run's directory first (the initial reel); with
no such file the tape starts new and empty (created in the run's directory).  Its
``[expect.output]`` is the tape file at the end (AWS: a 6-byte header before each
block and tape mark, reference/io/tape.py).

A program with devices requires the ``channel-io`` facility (implied) and runs only
on an implementation that takes device configurations (``conformance.implementations``).

The same TOML may instead stand in the program's own source, each line behind
``*! `` (a comment to the assembler), so that a test is one file::

    *! [expect]
    *! gpr = { "1" = "00000005" }

A malformed file is a ``ExpectationError`` whose message names the file and the
problem (``file:line: message`` where TOML gives the line).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from reference.io.ckd_geometry import GEOMETRIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MODES = ("native", "vmcp")
# Optional facilities a program may require; an implementation that lacks one skips
# the program (GA22-7000 leaves them to the model: floating point, channel I/O).
FACILITIES = ("floating-point", "channel-io")
STOPS = ("disabled-wait", "enabled-wait", "check-stop", "step-limit")


class ExpectationError(ValueError):
    """A malformed expectations file (bad input: one line, names the place)."""


# The keys of a [[device]] table by type (docs/configuration.md; reference.io.devices
# checks them again when the run loads the configuration).  Outputs are written into
# the run's temporary directory; inputs are read from the program's directory.
DEVICE_KEYS = {
    "3215": {"output", "input", "attention"},
    "2540R": {"file", "format", "eof"},
    "2540P": {"file", "format"},
    "1403": {"file"},
    "3370": {"file"},
    "3420": {"file", "format", "compression", "ring", "max_size"},
}
# CKD disks: the configuration's keys and, for a new volume, volser and cylinders
# (not passed to the configuration).
CKD_TYPES = tuple(GEOMETRIES)
NEW_VOLUME_KEYS = ("volser", "cylinders")
DEVICE_KEYS.update({name: {"file", "format", "readonly", *NEW_VOLUME_KEYS}
                    for name in CKD_TYPES})
OUTPUT_KEYS = {"3215": "output", "2540P": "file", "1403": "file", "3420": "file"}
INPUT_KEYS = {"3215": "input", "2540R": "file", "3370": "file"}


@dataclass(frozen=True)
class Device:
    """One ``[[device]]`` table: its address, type and the other keys as written."""

    address: int
    type_name: str
    options: dict[str, Any]

    @property
    def output_name(self) -> str | None:
        """The file name the device writes (in the run's directory), if any."""
        key = OUTPUT_KEYS.get(self.type_name)
        value = self.options.get(key) if key else None
        return str(value) if value is not None else None


@dataclass(frozen=True)
class Output:
    """What a device's file must hold at the end: ``text`` (the whole file, as
    text), ``file`` (the whole file, the bytes of a file beside the program),
    ``data`` (the whole file, given in hex), ``at`` (bytes at offsets of the
    file, the rest not compared), or ``tracks`` (a CKD image: the records, count,
    key and data, of the tracks named by (cylinder, head); the rest not compared)."""

    text: str | None = None
    file: Path | None = None
    at: dict[int, bytes] = field(default_factory=dict)
    data: bytes | None = None
    tracks: dict[tuple[int, int], list[bytes]] = field(default_factory=dict)

    def expected_bytes(self) -> bytes | None:
        if self.data is not None:
            return self.data
        if self.text is not None:
            return self.text.encode("ascii")
        if self.file is not None:
            return self.file.read_bytes()
        return None


@dataclass(frozen=True)
class Expectations:
    path: Path
    max_steps: int = 100_000
    storage: int = 2 * 1024 * 1024
    modes: tuple[str, ...] = MODES
    requires: tuple[str, ...] = ()
    provenance: str = ""
    stop: str | None = None
    psw: int | None = None
    gpr: dict[int, int] = field(default_factory=dict)
    cr: dict[int, int] = field(default_factory=dict)
    storage_bytes: dict[int, bytes] = field(default_factory=dict)
    keys: dict[int, int] = field(default_factory=dict)
    devices: tuple[Device, ...] = ()
    ipl: int | None = None
    output: dict[int, Output] = field(default_factory=dict)


def _size(text: object, where: str) -> int:
    t = str(text).strip().upper()
    scale = {"K": 1024, "M": 1024 * 1024}.get(t[-1:], 1)
    digits = t[:-1] if scale > 1 else t
    if not digits.isdigit():
        raise ExpectationError(f"{where}: storage {text!r} is not a size like 64K or 2M")
    return int(digits) * scale


def _hex(text: object, where: str, digits: int | None = None) -> int:
    t = str(text).replace(" ", "")
    try:
        value = int(t, 16)
    except ValueError:
        raise ExpectationError(f"{where}: {text!r} is not hexadecimal") from None
    if digits is not None and len(t) != digits:
        raise ExpectationError(f"{where}: {text!r} must have {digits} hex digits")
    return value


def _bytes_at(table: dict[str, Any], where: str) -> dict[int, bytes]:
    """A table of hex address = hex bytes (blanks allowed between the digits)."""
    out = {}
    for address, text in table.items():
        hexes = str(text).replace(" ", "")
        if len(hexes) % 2:
            raise ExpectationError(f"{where}.{address}: odd number of hex digits")
        _hex(hexes, f"{where}.{address}")
        out[_hex(address, where)] = bytes.fromhex(hexes)
    return out


def _registers(table: object, where: str) -> dict[int, int]:
    if not isinstance(table, dict):
        raise ExpectationError(f"{where}: expected a table of register = value")
    out = {}
    for reg, value in table.items():
        if not str(reg).isdigit() or not 0 <= int(reg) <= 15:
            raise ExpectationError(f"{where}: register {reg!r} is not 0-15")
        out[int(reg)] = _hex(value, f"{where}.{reg}", 8)
    return out


EMBEDDED = "*! "


def embedded(source: str) -> str | None:
    """The TOML written in a program's source behind ``*! ``, or None.  Other lines
    become blank lines, so TOML's line numbers are the source's."""
    lines = source.splitlines()
    if not any(line.startswith(EMBEDDED) or line.rstrip() == "*!" for line in lines):
        return None
    return "\n".join(line[len(EMBEDDED):] if line.startswith(EMBEDDED) else ""
                     for line in lines) + "\n"


def load(path: Path) -> Expectations:
    """Read and check the expectations of a program: the TOML file ``path``, or, for
    a ``.asm`` path, the TOML embedded in the source."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".asm":
            found = embedded(text)
            if found is None:
                raise ExpectationError(f"{where}: no expectations ('*! ' lines)")
            text = found
        data = tomllib.loads(text)
    except OSError as e:
        raise ExpectationError(f"{where}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None)
        place = f"{where}:{line}" if line else where
        raise ExpectationError(f"{place}: {str(e).splitlines()[0]}") from None
    unknown = set(data) - {"program", "expect", "device"}
    if unknown:
        raise ExpectationError(f"{where}: unknown table [{sorted(unknown)[0]}]")
    prog = data.get("program", {})
    exp = data.get("expect", {})
    if not isinstance(prog, dict) or not isinstance(exp, dict):
        raise ExpectationError(f"{where}: [program] and [expect] must be tables")
    bad = set(prog) - {"max_steps", "storage", "modes", "requires", "provenance", "ipl"}
    if bad:
        raise ExpectationError(f"{where}: unknown key program.{sorted(bad)[0]}")
    bad = set(exp) - {"stop", "psw", "gpr", "cr", "storage", "keys", "output"}
    if bad:
        raise ExpectationError(f"{where}: unknown key expect.{sorted(bad)[0]}")
    max_steps = prog.get("max_steps", 100_000)
    if not isinstance(max_steps, int) or max_steps < 0:
        raise ExpectationError(f"{where}: program.max_steps must be a non-negative integer")
    modes = prog.get("modes", list(MODES))
    if not isinstance(modes, list) or not modes or any(m not in MODES for m in modes):
        raise ExpectationError(f"{where}: program.modes must be a list of {', '.join(MODES)}")
    requires = prog.get("requires", [])
    if not isinstance(requires, list) or any(f not in FACILITIES for f in requires):
        raise ExpectationError(f"{where}: program.requires must be a list of "
                               f"{', '.join(FACILITIES)}")
    stop = exp.get("stop")
    if stop is not None and stop not in STOPS:
        raise ExpectationError(f"{where}: expect.stop {stop!r} is not one of {', '.join(STOPS)}")
    storage_table = exp.get("storage", {})
    if not isinstance(storage_table, dict):
        raise ExpectationError(f"{where}: expect.storage must be a table")
    storage_bytes = _bytes_at(storage_table, f"{where}: expect.storage")
    keys_table = exp.get("keys", {})
    if not isinstance(keys_table, dict):
        raise ExpectationError(f"{where}: expect.keys must be a table")
    keys = {_hex(a, f"{where}: expect.keys"): _hex(k, f"{where}: expect.keys.{a}", 2)
            for a, k in keys_table.items()}
    directory = path.resolve().parent
    devices = _devices(data.get("device", []), where, directory)
    ipl = None
    if "ipl" in prog:
        ipl = _address(prog["ipl"], f"{where}: program.ipl")
        if ipl not in {d.address for d in devices}:
            raise ExpectationError(f"{where}: program.ipl {prog['ipl']}: no such [[device]]")
    output = _outputs(exp.get("output", {}), where, directory, devices)
    if devices and "channel-io" not in requires:
        requires = [*requires, "channel-io"]     # devices imply channel I/O
    return Expectations(
        path=path, max_steps=max_steps,
        storage=_size(prog.get("storage", "2M"), where),
        modes=tuple(modes), requires=tuple(requires),
        provenance=str(prog.get("provenance", "")), stop=stop,
        psw=_hex(exp["psw"], f"{where}: expect.psw", 16) if "psw" in exp else None,
        gpr=_registers(exp.get("gpr", {}), f"{where}: expect.gpr"),
        cr=_registers(exp.get("cr", {}), f"{where}: expect.cr"),
        storage_bytes=storage_bytes, keys=keys, devices=devices, ipl=ipl, output=output)


def _address(text: object, where: str) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,4}", text):
        raise ExpectationError(f"{where}: {text!r} is not an I/O address (hex digits in a "
                               f"string, e.g. \"00C\")")
    address = int(text, 16)
    if address >> 8 > 31:
        raise ExpectationError(f"{where}: {text}: channel {address >> 8:X} beyond 1F")
    return address


def _devices(table: object, where: str, directory: Path) -> tuple[Device, ...]:
    """The [[device]] tables, checked: address, type, the keys of the type, inputs
    that exist beside the program, outputs that are plain file names."""
    if not isinstance(table, list) or not all(isinstance(d, dict) for d in table):
        raise ExpectationError(f"{where}: device must be an array of tables ([[device]])")
    out: list[Device] = []
    names: set[str] = set()
    for n, entry in enumerate(table, 1):
        here = f"{where}: device {n}"
        if "address" not in entry or "type" not in entry:
            raise ExpectationError(f"{here}: needs an address and a type")
        address = _address(entry["address"], f"{here}: address")
        here = f"{where}: device {entry['address']}"
        if any(d.address == address for d in out):
            raise ExpectationError(f"{here}: address given twice")
        kind = str(entry["type"]).upper()
        if kind not in DEVICE_KEYS:
            raise ExpectationError(f"{here}: type {entry['type']!r} is not one of "
                                   f"{', '.join(DEVICE_KEYS)}")
        options = {k: v for k, v in entry.items() if k not in ("address", "type")}
        bad = set(options) - DEVICE_KEYS[kind]
        if bad:
            raise ExpectationError(f"{here}: {kind} has no key {sorted(bad)[0]!r} "
                                   f"({', '.join(sorted(DEVICE_KEYS[kind]))})")
        if kind != "3215" and "file" not in options:
            raise ExpectationError(f"{here}: {kind} needs a file")
        if kind in CKD_TYPES:
            _ckd_device(options, here, directory, names)
        out_key, in_key = OUTPUT_KEYS.get(kind), INPUT_KEYS.get(kind)
        if out_key in options:
            name = options[out_key]
            if kind == "3420" and isinstance(name, str) and (directory / name).is_dir():
                raise ExpectationError(f"{here}: file {name!r} is a directory")
            if not isinstance(name, str) or not name or PurePath(name).name != name \
                    or name in (".", "..", "machine.toml"):
                raise ExpectationError(f"{here}: {out_key} {name!r}: an output is a plain "
                                       f"file name (it is written into the run's directory)")
            if name in names:
                raise ExpectationError(f"{here}: {out_key} {name!r} used twice")
            names.add(name)
        if in_key in options:
            name = options[in_key]
            if not isinstance(name, str) or not name or PurePath(name).is_absolute():
                raise ExpectationError(f"{here}: {in_key} {name!r}: a file name relative "
                                       f"to the program's directory")
            if not (directory / name).is_file():
                raise ExpectationError(f"{here}: {in_key} {name!r}: no such file beside "
                                       f"the program")
        out.append(Device(address, kind, options))
    return tuple(out)


def _ckd_device(options: dict[str, Any], here: str, directory: Path,
                names: set[str]) -> None:
    """A CKD disk's keys: an image beside the program, or with ``volser`` a new
    volume (a plain file name in the run's directory)."""
    name = options["file"]
    if "volser" not in options:
        if "cylinders" in options:
            raise ExpectationError(f"{here}: cylinders is for a new volume (volser)")
        if not isinstance(name, str) or not name or PurePath(name).is_absolute() \
                or not (directory / name).is_file():
            raise ExpectationError(f"{here}: file {name!r}: no such image beside the "
                                   f"program (or give volser for a new volume)")
        return
    volser = options["volser"]
    if not isinstance(volser, str) or not re.fullmatch(r"[A-Z0-9@#$]{1,6}", volser):
        raise ExpectationError(f"{here}: volser {volser!r}: 1 to 6 letters or digits")
    cylinders = options.get("cylinders", 2)
    if not isinstance(cylinders, int) or isinstance(cylinders, bool) or \
            not 2 <= cylinders <= 0xFFFF:
        raise ExpectationError(f"{here}: cylinders {cylinders!r}: a number from 2 to 65535")
    if options.get("format", "ckd") not in ("ckd", "cckd"):
        raise ExpectationError(f"{here}: format {options['format']!r}: ckd or cckd")
    if not isinstance(name, str) or not name or PurePath(name).name != name \
            or name in (".", "..", "machine.toml") or name in names:
        raise ExpectationError(f"{here}: file {name!r}: a new volume is a plain file name, "
                               f"used once (it is made in the run's directory)")
    names.add(name)


def _tracks(table: object, here: str) -> dict[tuple[int, int], list[bytes]]:
    """{tracks = {"CCCCHHHH" = [record hex, ...]}}: each record its count (8 bytes:
    CCHHR, key length, data length), key and data, the lengths agreeing."""
    if not isinstance(table, dict) or not table:
        raise ExpectationError(f"{here}: tracks must be a table of \"CCCCHHHH\" = "
                               f"[records]")
    out: dict[tuple[int, int], list[bytes]] = {}
    for name, records in table.items():
        digits = str(name).replace(" ", "")
        place = f"{here}: track {name}"
        if not re.fullmatch(r"[0-9A-Fa-f]{8}", digits):
            raise ExpectationError(f"{place}: a track is CCCCHHHH (8 hex digits)")
        if not isinstance(records, list) or not all(isinstance(r, str) for r in records):
            raise ExpectationError(f"{place}: a list of records in hex")
        got = []
        for n, text in enumerate(records):
            hexes = text.replace(" ", "")
            if len(hexes) % 2:
                raise ExpectationError(f"{place}: record {n}: odd number of hex digits")
            _hex(hexes or "0", f"{place}: record {n}")
            record = bytes.fromhex(hexes)
            if len(record) < 8 or len(record) != 8 + record[5] + \
                    int.from_bytes(record[6:8], "big"):
                raise ExpectationError(f"{place}: record {n}: its count field's key and "
                                       f"data lengths do not match its bytes")
            got.append(record)
        out[(int(digits[:4], 16), int(digits[4:], 16))] = got
    return out


def _outputs(table: object, where: str, directory: Path,
             devices: tuple[Device, ...]) -> dict[int, Output]:
    """[expect.output]: device address -> text, {file = ...}, {text = ...},
    {bytes = {offset = hex}}, {hex = "..." or [...]} or (a CKD disk) {tracks =
    {"CCCCHHHH" = [...]}}."""
    if not isinstance(table, dict):
        raise ExpectationError(f"{where}: expect.output must be a table")
    by_address = {d.address: d for d in devices}
    out: dict[int, Output] = {}
    for key, value in table.items():
        here = f"{where}: expect.output.{key}"
        address = _address(key, here)
        device = by_address.get(address)
        if device is None:
            raise ExpectationError(f"{here}: no such [[device]]")
        if device.output_name is None and device.type_name != "3370" and \
                device.type_name not in CKD_TYPES:
            raise ExpectationError(f"{here}: the {device.type_name} writes no file")
        if isinstance(value, str):
            value = {"text": value}
        if not isinstance(value, dict) or len(value) != 1 or \
                next(iter(value)) not in ("text", "file", "bytes", "hex", "tracks"):
            raise ExpectationError(f"{here}: a string, or a table with one of text, file, "
                                   f"bytes, hex, tracks")
        kind, item = next(iter(value.items()))
        if kind == "tracks":
            if device.type_name not in CKD_TYPES:
                raise ExpectationError(f"{here}: tracks are for a CKD disk")
            out[address] = Output(tracks=_tracks(item, here))
        elif kind == "text":
            if not isinstance(item, str) or not item.isascii():
                raise ExpectationError(f"{here}: text must be an ASCII string")
            out[address] = Output(text=item)
        elif kind == "hex":
            parts = item if isinstance(item, list) else [item]
            if not all(isinstance(part, str) for part in parts):
                raise ExpectationError(f"{here}: hex must be a string or a list of strings")
            digits = "".join(parts).replace(" ", "")
            if len(digits) % 2:
                raise ExpectationError(f"{here}: hex: odd number of hex digits")
            _hex(digits or "0", f"{here}: hex")
            out[address] = Output(data=bytes.fromhex(digits))
        elif kind == "file":
            if not isinstance(item, str) or not (directory / item).is_file():
                raise ExpectationError(f"{here}: file {item!r}: no such file beside the "
                                       f"program")
            out[address] = Output(file=directory / item)
        else:
            if not isinstance(item, dict) or not item:
                raise ExpectationError(f"{here}: bytes must be a table of hex offset = "
                                       f"hex bytes")
            out[address] = Output(at=_bytes_at(item, here))
    return out
