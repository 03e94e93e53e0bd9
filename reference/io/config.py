"""The machine configuration file: the storage size and the devices.

Theory of operation
-------------------
A configuration file (TOML; docs/configuration.md) names the storage size and
the devices with their I/O addresses and host files.  ``load_configuration``
checks it, host files included (the rules of ``reference.io.devices``:
``input_problem``, ``output_problem``, ``check_shared_files``; a CKD disk's
image is opened and checked then: ``_ckd_spec``), and ``Configuration.attach``
connects the devices to a machine, opening the disks before it creates or
empties any output file.

Every error is a ``ConfigError`` whose text is one line, ``file:line: message``,
naming the line of the key at fault (``key_line``) or of the table that lacks
it.  Before it is parsed, a TOML file is bounded (``read_toml``): at most
``MAX_TOML_BYTES`` bytes and ``MAX_TOML_NESTING`` levels of nesting, found by a
linear scan, since the parser recurses once per level.  The VMCP's directory
(``reference.vm.directory``) is read with the same functions: ``read_toml``,
``key_line``, ``table_lines``, ``parse_address``, ``parse_storage`` and
``device_spec`` for its devices.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reference.arch.ebcdic import PRINTABLE, to_ebcdic
from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.io.channel import ChannelSubsystem
from reference.io.ckd import CKDDevice
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.dasd import DasdImageError, open_image
from reference.io.devices import (
    CARD,
    CardPunch2540,
    CardReader2540,
    Console3215,
    Disk3370,
    FileUse,
    Printer1403,
    card_image,
    check_shared_files,
    input_problem,
    output_problem,
)
from reference.io.tape import COMPRESSIONS, FORMATS, Tape3420, scan_tape, tape_format
from reference.machine.machine import Machine

try:  # Python 3.11+: standard library
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python before 3.11
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

__all__ = ["ConfigError", "IPLError", "Configuration", "DeviceSpec", "load_configuration",
           "device_spec", "parse_address", "parse_storage", "read_toml", "key_line",
           "table_lines", "fail_at_key", "Fail", "FailHere", "MAX_TOML_BYTES",
           "MAX_TOML_NESTING"]

# ``fail(line, message)`` and ``fail(message)``: the error to raise, naming the place.
Fail = Callable[[int, str], Exception]
FailHere = Callable[[str], Exception]


class ConfigError(ValueError):
    """A bad configuration: ``str(error)`` is ``file:line: message``."""


class IPLError(ValueError):
    """Initial program loading failed: ``str(error)`` says why."""


# ---------------------------------------------------------------------------
# The configuration
# ---------------------------------------------------------------------------
_KEYS = {
    "3215": {"output", "input", "attention"},
    "2540R": {"file", "format", "eof"},
    "2540P": {"file", "format"},
    "1403": {"file"},
    "3370": {"file"},
    "3420": {"file", "format", "compression", "ring", "max_size"},
}
# The CKD disks, one type per geometry (reference.io.ckd_geometry): a Hercules
# CKD or CCKD image file.
_CKD_KEYS = {"file", "format", "readonly"}
_KEYS.update({name: _CKD_KEYS for name in GEOMETRIES})
_TYPES = ", ".join(_KEYS)
_SIZE = re.compile(r"^([0-9]+)([KM]?)$")


@dataclass
class DeviceSpec:
    """One checked [[device]] table: the options its device is made with
    (``options``), the line of its header and the host files it names."""

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
    # Whether the floating-point facility is installed (key ``floating_point``).
    floating_point: bool = True

    def attach(self, cpu: Any) -> ChannelSubsystem:
        """Create the devices (opening their files) and connect them to ``cpu``.
        The devices that only read or update files are made first, so that no
        output file is created or emptied when one of them cannot be opened."""
        channels = ChannelSubsystem(cpu)
        made: list[tuple[DeviceSpec, Any]] = []
        try:
            writers_last = sorted(self.devices, key=lambda s: s.type_name in (
                "2540P", "1403") or s.options.get("output") is not None
                or s.options.get("create", False))
            for spec in writers_last:
                try:
                    made.append((spec, _make_device(spec)))
                except OSError as e:
                    raise ConfigError(f"{self.path}:{spec.line}: device {spec.address:03X}: "
                                      f"{e.filename}: {e.strerror}") from None
                except DasdImageError as e:
                    raise ConfigError(f"{self.path}:{spec.line}: device {spec.address:03X}: "
                                      f"{e}") from None
            devices = {id(spec): device for spec, device in made}
            for spec in self.devices:
                channels.attach(spec.address, devices[id(spec)])
        except BaseException:
            for _, device in made:
                device.close()
            raise
        cpu.channels = channels
        return channels

    def start(self, image: bytes, storage: int, ipl: int | None = None) -> Machine:
        """A machine of ``storage`` bytes with these devices, started as ``s370 run
        --config`` starts it: clear reset, ``image`` at absolute 0, then the restart
        interruption, or initial program loading from ``ipl``.  ConfigError (a
        device file) or IPLError; the devices are closed then."""
        m = Machine(storage, floating_point=self.floating_point)
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
    if spec.type_name == "3420":
        return Tape3420(o["file"], o["format"], o["compression"], o["ring"], o["max_size"])
    if spec.type_name in GEOMETRIES:
        return CKDDevice(open_image(str(o["file"]), o["readonly"]))
    return Disk3370(o["file"])


# ---------------------------------------------------------------------------
# Places in a TOML text
# ---------------------------------------------------------------------------
def table_lines(text: str, name: str) -> list[int]:
    """The lines of the headers ``[[name]]`` (``name`` may be dotted: ``vm.device``)."""
    parts = r"\s*\.\s*".join(re.escape(part) for part in name.split("."))
    header = re.compile(rf"^\s*\[\[\s*{parts}\s*\]\]")
    return [i + 1 for i, line in enumerate(text.splitlines()) if header.match(line)]


def key_line(text: str, start: int, key: str) -> int:
    """The line of ``key = ...`` in the table whose header is at line ``start``
    (0: the top-level table, before any header); the line of the header (1 at
    the top level) when the key is not written on a line of its own there."""
    lines = text.splitlines()
    for i in range(start - 1 if start else 0, len(lines)):
        if i >= start and re.match(r"^\s*\[", lines[i]):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start or 1


def fail_at_key(fail: Fail, text: str, start: int, key: str) -> FailHere:
    """``fail`` naming the line of ``key`` in the table at line ``start``."""
    return lambda message: fail(key_line(text, start, key), message)


# ---------------------------------------------------------------------------
# Reading a TOML file
# ---------------------------------------------------------------------------
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
    # An integer has at most sys.get_int_max_str_digits() digits (0: no limit), as
    # int() takes them.  The parser converts integers with int(), whose limit some
    # interpreters do not apply to every base: the parsed integers are checked too.
    most = sys.get_int_max_str_digits()
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(f"{name}:{m.group(1) if m else 1}: {str(e).split(' (at')[0]}") \
            from None
    except ValueError:
        tables = None
    if tables is None or (most and _holds_integer_from(tables, 10 ** most)):
        long = re.search(rf"[0-9][0-9_]{{{most},}}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        raise ConfigError(f"{name}:{line}: integer of more than {most} digits")
    return text, tables


def _holds_integer_from(value: Any, bound: int) -> bool:
    """Whether the parsed TOML ``value`` is or holds an integer of magnitude at least
    ``bound`` (its nesting is bounded by MAX_TOML_NESTING)."""
    if isinstance(value, dict):
        return any(_holds_integer_from(v, bound) for v in value.values())
    if isinstance(value, list):
        return any(_holds_integer_from(v, bound) for v in value)
    return isinstance(value, int) and abs(value) >= bound


# ---------------------------------------------------------------------------
# Checking a configuration
# ---------------------------------------------------------------------------
def parse_address(value: Any, fail: FailHere) -> int:
    """An I/O address written as 1-4 hex digits in a string, on channels 0-31;
    ``fail(message)`` makes the error to raise."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,4}", value):
        raise fail(f"address {value!r}: hex digits in a string, e.g. \"00C\"")
    address = int(value, 16)
    if address >> 8 > 31:
        raise fail(f"address {value}: channel {address >> 8:X} beyond 1F (channels 0-31)")
    return address


def parse_storage(value: Any, fail: FailHere) -> int:
    """A storage size: a number of bytes, K or M; a multiple of 2K from 64K to 16M."""
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
        if key not in ("storage", "floating_point", "device"):
            raise fail(key_line(text, 0, key), f"unknown key {key!r} (storage, "
                       f"floating_point, [[device]])")
    if "storage" in data:
        config.storage = parse_storage(data["storage"], fail_at_key(fail, text, 0, "storage"))
    if "floating_point" in data:
        if not isinstance(data["floating_point"], bool):
            raise fail(key_line(text, 0, "floating_point"),
                       "floating_point must be true or false")
        config.floating_point = data["floating_point"]
    devices = data.get("device", [])
    starts = table_lines(text, "device")
    if not isinstance(devices, list):
        raise fail(key_line(text, 0, "device"), "device must be an array of tables "
                   "([[device]])")
    seen: dict[int, int] = {}
    for i, entry in enumerate(devices):
        start = starts[i] if i < len(starts) else 1
        config.devices.append(device_spec(entry, start, text, base, fail, seen))
    check_shared_files([FileUse(Path(path), "input", "this configuration file", 0)]
                       + [use for spec in config.devices for use in spec.files], fail)
    return config


def device_spec(entry: Any, start: int, text: str, base: Path, fail: Fail,
                seen: dict[int, int], owner: str = "") -> DeviceSpec:
    """One [[device]] table of ``text`` (its header at line ``start``), checked,
    with its host files (``spec.files``; relative names are in folder ``base``).
    ``seen`` maps the addresses already configured to their lines and takes this
    one; ``owner`` follows the device's name in messages (`` of VM alpha``)."""
    def at(key: str) -> int:
        return key_line(text, start, key)

    if not isinstance(entry, dict):
        raise fail(start, "a device must be a table")
    if "address" not in entry:
        raise fail(start, "device without an address (e.g. address = \"00C\")")
    if "type" not in entry:
        raise fail(start, f"device without a type ({_TYPES})")
    raw = entry["address"]
    address = parse_address(raw, fail_at_key(fail, text, start, "address"))
    if address in seen:
        raise fail(at("address"), f"address {raw} already configured at line {seen[address]}")
    seen[address] = at("address")
    kind = str(entry["type"]).upper()
    if kind not in _KEYS:
        raise fail(at("type"), f"type {entry['type']!r}: not one of {_TYPES}")
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
    if kind == "3420":
        _tape_spec(spec, options, path_of, at, fail, base)
        return spec
    if kind in GEOMETRIES:
        _ckd_spec(spec, options, path_of, at, fail)
        return spec
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
        spec.options["file"] = path_of("file", "disk")
    else:
        spec.options["file"] = path_of("file", "output")
        spec.options["format"] = fmt
    return spec


def _tape_spec(spec: DeviceSpec, options: dict[str, Any], path_of: Callable[[str, str], Path],
               at: Callable[[str], int], fail: Fail, base: Path) -> None:
    """The options of a 3420: its tape file (an AWS or HET file; a new, empty
    one when it does not exist and the unit has its ring), ``format``,
    ``compression`` (HET), ``ring`` and ``max_size``."""
    ring = options.get("ring", True)
    if not isinstance(ring, bool):
        raise fail(at("ring"), "ring must be true or false")
    value = options["file"]
    exists = isinstance(value, str) and bool(value) and (
        Path(value) if Path(value).is_absolute() else base / value).exists()
    if not exists and ring:
        path = path_of("file", "output")      # a new tape: created when the machine starts
        compressed = False
    else:
        path = path_of("file", "input")
        if ring and not os.access(path, os.W_OK):
            raise fail(at("file"), f"file {value!r}: not writable (with ring = true the "
                       "tape is written in place; ring = false only reads it)")
        compressed, problem = scan_tape(path)
        if problem is not None:
            raise fail(at("file"), f"file {value!r}: {problem}")
        spec.files[-1].role = "disk" if ring else "input"
    fmt = options.get("format", tape_format(path, compressed))
    if fmt not in FORMATS:
        raise fail(at("format"), f"format {fmt!r}: aws or het")
    if fmt == "aws" and compressed:
        raise fail(at("format"), f"file {value!r} has compressed blocks: a HET file "
                   "(format = \"het\")")
    compression = options.get("compression", "zlib" if fmt == "het" else "none")
    if compression not in COMPRESSIONS:
        raise fail(at("compression"), f"compression {compression!r}: zlib, bzip2 or none")
    if fmt == "aws" and compression != "none":
        raise fail(at("compression"), "compression is for HET files (format = \"het\")")
    max_size = options.get("max_size", 0)
    if "max_size" in options:
        max_size = _tape_size(max_size, lambda message: fail(at("max_size"), message))
    spec.options.update(file=path, format=fmt, compression=compression, ring=ring,
                        max_size=max_size, create=not exists)


def _ckd_spec(spec: DeviceSpec, options: dict[str, Any], path_of: Callable[[str, str], Path],
              at: Callable[[str], int], fail: Fail) -> None:
    """The options of a CKD disk: its image file (``file``, read and written in
    place unless ``readonly``), checked by opening it: its format (``format``:
    ckd or cckd; the header says which when omitted), its device type (the
    configured type's family: a 3330 image is a 3330 or a 3330-11) and, for a
    compressed image, its tables (every track image inside the file, no two
    spaces overlapping)."""
    readonly = options.get("readonly", False)
    if not isinstance(readonly, bool):
        raise fail(at("readonly"), "readonly must be true or false")
    if "format" in options and options["format"] not in ("ckd", "cckd"):
        raise fail(at("format"), f"format {options['format']!r}: ckd or cckd")
    value = options["file"]
    path = path_of("file", "input")
    if not readonly:
        if not os.access(path, os.W_OK):
            raise fail(at("file"), f"file {value!r}: not writable (a CKD image is read "
                       "and written in place; readonly = true only reads it)")
        spec.files[-1].role = "disk"
    try:
        with open_image(str(path), readonly=True) as image:
            compressed = image.compressed
            found = image.geometry
            image.check_tables()
    except DasdImageError as e:
        problem = str(e).removeprefix(f"{path}: ")
        raise fail(at("file"), f"file {value!r}: {problem}") from None
    fmt = options.get("format", "cckd" if compressed else "ckd")
    if fmt != ("cckd" if compressed else "ckd"):
        raise fail(at("format"), f"format {fmt!r}: file {value!r} is "
                   + ("a compressed (CCKD) image" if compressed
                      else "an uncompressed (CKD) image"))
    wanted = GEOMETRIES[spec.type_name]
    if found.devtype != wanted.devtype:
        raise fail(at("file"), f"file {value!r} is a {found.type_name} image, not a "
                   f"{spec.type_name}")
    spec.options.update(file=path, format=fmt, readonly=readonly)


def _tape_size(value: Any, fail: FailHere) -> int:
    """A tape's maximum file size: a number of bytes, or a string of digits with
    K or M (at least 4K)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise fail(f"max_size {value!r}: a size in bytes, e.g. 2400000 or \"20M\"")
    m = _SIZE.match(str(value).strip().upper())
    if m is None or len(m.group(1)) > 12:
        raise fail(f"max_size {value!r}: a size in bytes, e.g. 2400000 or \"20M\"")
    size = int(m.group(1)) * {"": 1, "K": 1024, "M": 1024 * 1024}[m.group(2)]
    if size < 4096:
        raise fail(f"max_size {value!r}: at least 4K")
    return size


def _read_deck(path: Path, binary: bool, fail: Fail, line: int) -> list[bytes]:
    """The cards of a deck file: 80-byte cards (``binary``), or lines of
    printable ASCII of at most 80 characters, converted and padded."""
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
        if any(ord(c) not in PRINTABLE for c in raw):
            raise fail(line, f"{path.name}:{n}: a card holds printable ASCII only")
        if len(raw) > CARD:
            raise fail(line, f"{path.name}:{n}: {len(raw)} characters, more than 80 columns")
        cards.append(card_image(to_ebcdic(raw)))
    return cards
