"""The corpus: guest programs, their expectations, and the comparison.

A program is ``conformance/programs/<chapter>/<name>.asm`` with
``<name>.toml`` beside it, or with its expectations in its own source behind
``*! `` (``conformance.expectations``).  ``check`` runs a program
on an implementation in one mode and lists every expectation it misses; ``report``
turns the first miss into the text a failing test prints: the field, both values,
the instruction concerned with its disassembly, and the commands that reproduce it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from reference.assembler import assemble
from reference.disassembler import format_instruction

from . import PROGRAMS
from .expectations import Expectations, embedded, load
from .implementations import Implementation, Outcome


@dataclass(frozen=True)
class Mismatch:
    field: str
    expected: str
    actual: str


class Program:
    """One corpus program: its source, image and expectations."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.name = str(source.relative_to(PROGRAMS).with_suffix("")) \
            if source.is_relative_to(PROGRAMS) else source.stem
        self.chapter = source.parent.name

    @cached_property
    def expectations(self) -> Expectations:
        toml = self.source.with_suffix(".toml")
        return load(toml if toml.exists() else self.source)

    @cached_property
    def image(self) -> bytes:
        return assemble(self.source.read_text(encoding="utf-8"), str(self.source)).image

    def __repr__(self) -> str:
        return f"Program({self.name})"


def has_expectations(source: Path) -> bool:
    if source.with_suffix(".toml").exists():
        return True
    try:
        return embedded(source.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def programs(root: Path = PROGRAMS) -> list[Program]:
    """Every program that has expectations, in name order."""
    return [Program(p) for p in sorted(root.rglob("*.asm")) if has_expectations(p)]


def compare(exp: Expectations, out: Outcome) -> list[Mismatch]:
    """Every expectation the outcome misses, in a fixed order."""
    misses = []
    if exp.stop is not None and out.stop != exp.stop:
        misses.append(Mismatch("stop", exp.stop, out.stop))
    if exp.psw is not None and out.psw != exp.psw:
        misses.append(Mismatch("psw", f"{exp.psw:016X}", f"{out.psw:016X}"))
    for name, table, regs in (("gpr", exp.gpr, out.gpr), ("cr", exp.cr, out.cr)):
        for r, value in sorted(table.items()):
            if regs[r] != value:
                misses.append(Mismatch(f"{name}{r}", f"{value:08X}", f"{regs[r]:08X}"))
    for start, data in sorted(exp.storage_bytes.items()):
        got = out.read(start, len(data))
        if got != data:
            i = next(i for i in range(len(data)) if got[i] != data[i])
            misses.append(Mismatch(f"storage {start + i:06X}", data[i:i + 8].hex().upper(),
                                   got[i:i + 8].hex().upper()))
    for block, key in sorted(exp.keys.items()):
        got_key = out.keys[block >> 11] if block >> 11 < len(out.keys) else -1
        if got_key != key:
            misses.append(Mismatch(f"key {block:06X}", f"{key:02X}", f"{got_key:02X}"))
    return misses


def check(program: Program, impl: Implementation, mode: str) -> tuple[Outcome, list[Mismatch]]:
    exp = program.expectations
    out = impl.run(program.image, exp.storage, exp.max_steps, mode)
    return out, compare(exp, out)


def _instruction_at(out: Outcome, address: int) -> str:
    try:
        return f"{address:06X}: {format_instruction(out.read(address, 6))}"
    except Exception:  # an address beyond the implementation's storage
        return f"{address:06X}: (not in storage)"


def parting_instruction(program: Program, impl: Implementation, mode: str) -> str | None:
    """For a mode other than native: the first instruction after which the mode's
    state differs from the native run's (found by running both to each count)."""
    if mode == "native" or "native" not in impl.modes:
        return None
    exp = program.expectations
    a = impl.run(program.image, exp.storage, exp.max_steps, "native")
    b = impl.run(program.image, exp.storage, exp.max_steps, mode)
    if a.state == b.state and a.steps == b.steps:
        return None
    low, high = 0, max(a.steps, b.steps)
    while low < high:
        mid = (low + high) // 2
        x = impl.run(program.image, exp.storage, mid, "native")
        y = impl.run(program.image, exp.storage, mid, mode)
        if x.state == y.state and x.steps == y.steps:
            low = mid + 1
        else:
            high = mid
    before = impl.run(program.image, exp.storage, max(0, low - 1), "native")
    return f"instruction {low}, {_instruction_at(before, before.psw & 0xFFFFFF)}"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def report(program: Program, impl: Implementation, mode: str, out: Outcome,
           misses: list[Mismatch]) -> str:
    """What a failing conformance test prints."""
    first = misses[0]
    lines = [f"{program.name} [{impl.name}, {mode}]: {first.field}: expected {first.expected},"
             f" got {first.actual}"]
    if len(misses) > 1:
        lines.append(f"  and {len(misses) - 1} more: " +
                     ", ".join(m.field for m in misses[1:6]) + ("..." if len(misses) > 6 else ""))
    lines.append(f"  stopped ({out.stop}) after {out.steps} instructions, PSW {out.psw:016X}")
    if out.steps:
        exp = program.expectations
        before = impl.run(program.image, exp.storage, out.steps - 1, mode)
        lines.append(f"  last instruction {_instruction_at(before, before.psw & 0xFFFFFF)}")
    parted = parting_instruction(program, impl, mode)
    if parted:
        lines.append(f"  {mode} parts from native after {parted}")
    under = " --under vmcp" if mode == "vmcp" else ""
    source = _shown(program.source)
    lines.append(f"  reproduce: s370 run {source} --max-steps "
                 f"{program.expectations.max_steps} --json{under}")
    if mode == "vmcp":
        lines.append(f"             s370 compare {source}")
    return "\n".join(lines)
