"""The trace format ``s370-trace`` version 1 (``traces/FORMAT.md``): its records,
their one canonical text, the rules every line must follow, and the digest of a
final state.

Every line of a trace is in one canonical form, the text ``encode`` (compact
``json.dumps``) gives for it: keys in one documented order, empty fields left
out.  ``parse_line`` is the one reading of a line for ``diff``, ``verify`` and
``iter_records``: bounded (``MAX_LINE``, ``MAX_NESTING``), parsed, checked
against the rules of ``trace-v1.schema.json`` (``check_record``) and required in
the canonical form.

The floating-point extension of version 1 is the optional record key ``f`` (the
floating-point registers written): a trace without it is a version 1 trace as it
always was, and a reader recognizes the extension by the key; the final-state
digest has a line for the floating-point registers only when one is not zero.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from reference.machine.cpu import CPU

FORMAT = "s370-trace"
VERSION = 1
MODES = ("native", "vmcp")
INTERRUPTION_KINDS = ("program", "svc", "external", "machine-check", "restart", "io")
# Keys of instruction ("i") and interruption ("x") records, in their serialized order.
# "f" (floating-point registers written) is the floating-point extension of
# version 1 (traces/FORMAT.md "Floating-point registers"): optional, so every trace
# without it is as it was; a reader recognizes the extension by the key.
RECORD_KEYS = ("t", "n", "p", "b", "g", "f", "c", "px", "w", "k", "d", "it", "sck", "spt",
               "ckc", "x")
INTERRUPTION_RECORD_KEYS = ("t", "n", "g", "f", "c", "px", "w", "k", "d", "it", "x")
FPR_NAMES = ("0", "2", "4", "6")   # the floating-point registers, as "f" names them
HEADER_KEYS = ("t", "format", "version", "machine", "max_steps", "image", "init")
FOOTER_KEYS = ("t", "stop", "n", "psw", "sha256")
INTERRUPTION_KEYS = ("k", "c", "l", "old", "new")
# Bounds of a line a reader accepts (traces/FORMAT.md "File").  The longest line
# of a valid trace is a header embedding a 16M image (22.4M characters of base64)
# or a record of an instruction that stored all of a 16M storage (32M hex digits).
MAX_LINE = 64 << 20       # characters, the newline included
MAX_NESTING = 16          # levels of arrays and objects (a valid line has 3 at most)


class TraceError(Exception):
    """A malformed, truncated or wrong-version trace (or unusable input): one line,
    ``file:line: message``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


# ---------------------------------------------------------------------------
# The canonical state digest (FORMAT.md "Final state digest")
# ---------------------------------------------------------------------------
def canonical_state(cpu: CPU) -> bytes:
    """The whole architectural state of ``cpu`` as the bytes the digest covers.
    The floating-point registers have a line only when one is not zero, so the
    digest of a state whose registers are all zero (every run without a
    floating-point instruction) is what it was before the extension."""
    s = cpu.state()
    fpr = f"fpr {' '.join(f'{v:016X}' for v in s.fpr)}\n" if any(s.fpr) else ""
    text = (
        "s370-state 1\n"
        f"psw {s.psw:016X}\n"
        f"gpr {' '.join(f'{v:08X}' for v in s.gpr)}\n"
        f"{fpr}"
        f"cr {' '.join(f'{v:08X}' for v in s.cr)}\n"
        f"prefix {s.prefix:08X}\n"
        f"tod {s.tod:016X}\n"
        f"ckc {s.clock_comparator:016X}\n"
        f"cpt {s.cpu_timer:016X}\n"
        f"itimer {s.interval_timer:08X}\n"
        f"pending {' '.join(s.pending)}\n"
        f"stopped {s.stopped or ''}\n"
        f"keys {s.keys.hex().upper()}\n"
        f"storage {len(s.storage)}\n")
    return text.encode("ascii") + s.storage


def state_digest(cpu: CPU) -> str:
    return hashlib.sha256(canonical_state(cpu)).hexdigest()


# ---------------------------------------------------------------------------
# The serializer
# ---------------------------------------------------------------------------
def encode(obj: dict[str, Any]) -> str:
    """One record as its line: compact JSON, keys in the order given (the
    recorder builds records in the canonical order), ending in a newline."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True) + "\n"


def hex_registers(values: list[int] | tuple[int, ...]) -> list[str]:
    """Register values as the format writes them: 8 hex digits each."""
    return [f"{v:08X}" for v in values]


# ---------------------------------------------------------------------------
# The program image a header describes
# ---------------------------------------------------------------------------
def image_digest(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()


def embedded_image_bytes(info: dict[str, Any]) -> bytes | str:
    """The image embedded in a header's ``image``, or why it is not the image the
    header describes."""
    text = info["base64"]
    try:
        image = base64.b64decode(text, validate=True)
    except ValueError:
        return '"image.base64" is not base64'
    if len(image) != info["size"]:
        return f'"image.size" is {info["size"]}, but the embedded image has {len(image)} bytes'
    if image_digest(image) != info["sha256"]:
        return '"image.sha256" is not the sha256 of the embedded image'
    return image


# ---------------------------------------------------------------------------
# Checking records against the format (the rules of trace-v1.schema.json)
# ---------------------------------------------------------------------------
_HEX = frozenset("0123456789ABCDEF")
_LOWER_HEX = frozenset("0123456789abcdef")


def _is_hex(v: object, digits: int | None = None) -> bool:
    return isinstance(v, str) and bool(v) and set(v) <= _HEX and \
        (len(v) == digits if digits is not None else len(v) % 2 == 0)


def _is_sha256(v: object) -> bool:
    return isinstance(v, str) and len(v) == 64 and set(v) <= _LOWER_HEX


def _is_int(v: object, low: int = 0) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= low


def _check_map(v: object, key_ok: Callable[[str], bool], value_ok: Callable[[object], bool],
               name: str, numeric: bool = False) -> str | None:
    if not isinstance(v, dict) or not v:
        return f'"{name}" must be a non-empty object'
    keys = list(v)
    for k in keys:
        if not key_ok(k):
            return f'"{name}": bad key {k!r}'
        if not value_ok(v[k]):
            return f'"{name}.{k}": bad value {v[k]!r}'
    order = [int(k) for k in keys] if numeric else [int(k, 16) for k in keys]
    if order != sorted(set(order)):
        return f'"{name}": keys not in ascending order'
    return None


def _reg_key(k: str) -> bool:
    return k.isascii() and k.isdigit() and str(int(k)) == k and int(k) < 16


def _fpr_key(k: str) -> bool:
    return k in FPR_NAMES


def _addr_key(k: str) -> bool:
    return _is_hex(k, 6)


def _check_keys(obj: dict[str, Any], allowed: tuple[str, ...],
                required: tuple[str, ...]) -> str | None:
    for k in required:
        if k not in obj:
            return f'missing "{k}"'
    extra = [k for k in obj if k not in allowed]
    if extra:
        return f'unknown key "{extra[0]}"'
    order = [allowed.index(k) for k in obj]
    if order != sorted(order):
        return "keys not in the format's order"
    return None


def check_record(obj: object) -> str | None:
    """Why ``obj`` is not a valid record of the format (header, instruction,
    interruption or footer), or None.  The rules of ``trace-v1.schema.json``, plus
    the key order and ascending map keys that a JSON Schema cannot state."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    t = obj.get("t")
    if t == "h":
        return _check_header(obj)
    if t == "f":
        err = _check_keys(obj, FOOTER_KEYS, FOOTER_KEYS)
        if err:
            return err
        if not isinstance(obj["stop"], str) or not obj["stop"]:
            return '"stop" must be a non-empty string'
        if not _is_int(obj["n"]):
            return '"n" must be a non-negative integer'
        if not _is_hex(obj["psw"], 16):
            return '"psw" must be 16 hex digits'
        if not _is_sha256(obj["sha256"]):
            return '"sha256" must be 64 lowercase hex digits'
        return None
    if t not in ("i", "x"):
        return f'"t" must be "h", "i", "x" or "f", not {t!r}'
    allowed = RECORD_KEYS if t == "i" else INTERRUPTION_RECORD_KEYS
    required = ("t", "n", "p") if t == "i" else ("t", "n", "x")
    err = _check_keys(obj, allowed, required)
    if err:
        return err
    if not _is_int(obj["n"], 1 if t == "i" else 0):
        return '"n" must be a step number'
    checks: dict[str, Callable[[Any], str | None]] = {
        "p": lambda v: None if _is_hex(v, 16) else '"p" must be 16 hex digits',
        "b": lambda v: None if _is_hex(v) and len(v) in (4, 8, 12)
        else '"b" must be 4, 8 or 12 hex digits',
        "g": lambda v: _check_map(v, _reg_key, lambda x: _is_hex(x, 8), "g", True),
        "f": _check_fpr,
        "c": lambda v: _check_map(v, _reg_key, lambda x: _is_hex(x, 8), "c", True),
        "px": lambda v: None if _is_hex(v, 8) else '"px" must be 8 hex digits',
        "w": lambda v: _check_map(v, _addr_key, lambda x: _is_hex(x), "w"),
        "k": lambda v: _check_map(v, _addr_key, lambda x: _is_hex(x, 2), "k"),
        "d": lambda v: None if _is_int(v, 1) else '"d" must be a positive integer',
        "it": lambda v: None if _is_hex(v, 8) else '"it" must be 8 hex digits',
        "sck": lambda v: None if _is_hex(v, 16) else '"sck" must be 16 hex digits',
        "spt": lambda v: None if _is_hex(v, 16) else '"spt" must be 16 hex digits',
        "ckc": lambda v: None if _is_hex(v, 16) else '"ckc" must be 16 hex digits',
        "x": _check_interruption,
    }
    for k, v in obj.items():
        if k in checks:
            err = checks[k](v)
            if err:
                return err
    return None


def _check_fpr(v: object) -> str | None:
    """The floating-point registers written: ``{"0"|"2"|"4"|"6": 16 hex digits}``."""
    err = _check_map(v, _fpr_key, lambda x: _is_hex(x, 16), "f", True)
    if err is None:
        return None
    if err.startswith('"f": bad key'):
        return f"{err} (the floating-point registers are 0, 2, 4 and 6)"
    if err.startswith('"f.'):
        return f"{err} (a floating-point register is 16 upper-case hex digits)"
    return err


def _check_interruption(v: object) -> str | None:
    if not isinstance(v, dict):
        return '"x" must be an object'
    err = _check_keys(v, INTERRUPTION_KEYS, INTERRUPTION_KEYS)
    if err:
        return f'"x": {err}'
    if v["k"] not in INTERRUPTION_KINDS:
        return f'"x.k" must be one of {", ".join(INTERRUPTION_KINDS)}'
    if not _is_hex(v["c"], 4):
        return '"x.c" must be 4 hex digits'
    if not (_is_int(v["l"]) and v["l"] <= 3):
        return '"x.l" must be 0-3'
    if not (_is_hex(v["old"], 16) and _is_hex(v["new"], 16)):
        return '"x.old" and "x.new" must be 16 hex digits'
    return None


def _check_header(obj: dict[str, Any]) -> str | None:
    # format and version first: a trace of another version gets that message
    if obj.get("format") != FORMAT:
        return f'not an {FORMAT} header ("format" is {obj.get("format")!r})'
    if obj.get("version") != VERSION:
        return (f'unsupported {FORMAT} version {obj.get("version")!r} (this reader knows '
                f'version {VERSION})')
    err = _check_keys(obj, HEADER_KEYS, HEADER_KEYS)
    if err:
        return err
    mach = obj["machine"]
    if not (isinstance(mach, dict) and list(mach) == ["storage", "mode"]
            and _is_int(mach["storage"], 1) and mach["mode"] in MODES):
        return '"machine" must be {"storage": bytes, "mode": "native"|"vmcp"}'
    if not _is_int(obj["max_steps"]):
        return '"max_steps" must be a non-negative integer'
    img = obj["image"]
    if not (isinstance(img, dict) and list(img)[:2] == ["sha256", "size"] and len(img) == 3
            and list(img)[2] in ("base64", "path") and isinstance(img[list(img)[2]], str)
            and _is_sha256(img["sha256"]) and _is_int(img["size"])):
        return ('"image" must be {"sha256": 64 lowercase hex digits, "size": bytes, '
                'and "base64" or "path"}')
    if "base64" in img:
        embedded = embedded_image_bytes(img)
        if isinstance(embedded, str):
            return embedded
    init = obj["init"]
    if not (isinstance(init, dict) and list(init) == ["psw", "gpr", "cr", "prefix", "keys"]):
        return '"init" must have "psw", "gpr", "cr", "prefix", "keys"'
    if not _is_hex(init["psw"], 16) or not _is_hex(init["prefix"], 8):
        return '"init": bad "psw" or "prefix"'
    for name in ("gpr", "cr"):
        regs = init[name]
        if not (isinstance(regs, list) and len(regs) == 16 and all(_is_hex(v, 8) for v in regs)):
            return f'"init.{name}" must be 16 values of 8 hex digits'
    if init["keys"]:
        return _check_map(init["keys"], _addr_key, lambda x: _is_hex(x, 2), "init.keys")
    return None if isinstance(init["keys"], dict) else '"init.keys" must be an object'


# ---------------------------------------------------------------------------
# Bounded JSON: the nesting is measured before the (recursive) parser runs
# ---------------------------------------------------------------------------
# A string, to its closing quote, or to the end of the text when it has none (then
# the parser reports it): one match from every opening quote, so the scan is linear.
# The pattern is an unrolled loop (runs of plain characters between escapes): each
# character can match in one way only, so a match never backtracks.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")   # +1, +1, -1, -1


def json_nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``text``, found by
    one linear scan that skips strings; at least the depth to which a parser
    recurses before it succeeds or finds an error."""
    if text.count("[") + text.count("{") == 0:
        return 0
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    steps = array("b", brackets.encode("ascii").translate(_BRACKET_STEP))
    return max(0, max(accumulate(steps)))


def loads_bounded(text: str, max_nesting: int) -> Any:
    """``json.loads``, refusing (ValueError) a text that nests arrays and objects
    more than ``max_nesting`` levels deep before it is parsed."""
    if text.count("[") + text.count("{") > max_nesting and json_nesting(text) > max_nesting:
        raise ValueError(f"nested more than {max_nesting} levels deep")
    return json.loads(text)


def parse_line(path: str, line: int, text: str, header: bool = False) -> dict[str, Any]:
    """One line parsed and checked: the one reading of a line for ``diff``,
    ``verify`` and ``iter_records``.  A ``TraceError`` naming ``path:line`` if it is
    not a complete, valid record (a header, when ``header``) in the canonical form
    (compact JSON, the text ``encode`` gives for it)."""
    if len(text) > MAX_LINE:
        raise TraceError(path, line, f"a line longer than {MAX_LINE} characters")
    if not text.endswith("\n"):
        raise TraceError(path, line, "truncated: the last line is incomplete")
    try:
        obj = loads_bounded(text, MAX_NESTING)
    except ValueError as e:
        raise TraceError(path, line, f"not JSON: {_first_line(str(e))}") from None
    err = check_record(obj)
    if err is None and header and obj.get("t") != "h":
        err = "the first line is not a header"
    if err is None and not header and obj.get("t") == "h":
        err = "a header after the first line"
    if err is None and encode(obj) != text:
        err = ("not in the format's canonical form (compact JSON with no spaces, as "
               "json.dumps(obj, separators=(',', ':')) writes it)")
    if err is not None:
        raise TraceError(path, line, err)
    return obj


def _first_line(text: str) -> str:
    lines = text.splitlines()
    return lines[0] if lines else text
