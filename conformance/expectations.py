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

The same TOML may instead stand in the program's own source, each line behind
``*! `` (a comment to the assembler), so that a test is one file::

    *! [expect]
    *! gpr = { "1" = "00000005" }

A malformed file is a ``ExpectationError`` whose message names the file and the
problem (``file:line: message`` where TOML gives the line).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

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
    unknown = set(data) - {"program", "expect"}
    if unknown:
        raise ExpectationError(f"{where}: unknown table [{sorted(unknown)[0]}]")
    prog = data.get("program", {})
    exp = data.get("expect", {})
    if not isinstance(prog, dict) or not isinstance(exp, dict):
        raise ExpectationError(f"{where}: [program] and [expect] must be tables")
    bad = set(prog) - {"max_steps", "storage", "modes", "requires", "provenance"}
    if bad:
        raise ExpectationError(f"{where}: unknown key program.{sorted(bad)[0]}")
    bad = set(exp) - {"stop", "psw", "gpr", "cr", "storage", "keys"}
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
    storage_bytes = {}
    for addr, text in storage_table.items():
        hexes = str(text).replace(" ", "")
        if len(hexes) % 2:
            raise ExpectationError(f"{where}: expect.storage.{addr}: odd number of hex digits")
        _hex(hexes, f"{where}: expect.storage.{addr}")
        storage_bytes[_hex(addr, f"{where}: expect.storage")] = bytes.fromhex(hexes)
    keys_table = exp.get("keys", {})
    if not isinstance(keys_table, dict):
        raise ExpectationError(f"{where}: expect.keys must be a table")
    keys = {_hex(a, f"{where}: expect.keys"): _hex(k, f"{where}: expect.keys.{a}", 2)
            for a, k in keys_table.items()}
    return Expectations(
        path=path, max_steps=max_steps,
        storage=_size(prog.get("storage", "2M"), where),
        modes=tuple(modes), requires=tuple(requires),
        provenance=str(prog.get("provenance", "")), stop=stop,
        psw=_hex(exp["psw"], f"{where}: expect.psw", 16) if "psw" in exp else None,
        gpr=_registers(exp.get("gpr", {}), f"{where}: expect.gpr"),
        cr=_registers(exp.get("cr", {}), f"{where}: expect.cr"),
        storage_bytes=storage_bytes, keys=keys)
