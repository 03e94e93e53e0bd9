"""The corpus: guest programs, their expectations, and the comparison.

A program is ``conformance/programs/<chapter>/<name>.asm`` with
``<name>.toml`` beside it, or with its expectations in its own source behind
``*! `` (``conformance.expectations``).  ``check`` runs a program
on an implementation in one mode and lists every expectation it misses; ``report``
turns the first miss into the text a failing test prints: the field, both values,
the instruction concerned with its disassembly, and the commands that reproduce it.

A program with devices (``[[device]]``) runs in a temporary directory of its own
(``run_program``): its configuration is written there with the inputs named from
the program's directory, the outputs in the directory and each disk image (and
a tape's initial reel) copied there first (a new CKD volume made there), so that
no run ever writes into the repository; what the output devices, disks and tapes
hold at the end is read into the outcome before the directory goes, and
``compare`` checks it against ``[expect.output]`` (a CKD disk's tracks by their
records: ``_track_difference``).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from reference.asm.assembler import assemble
from reference.asm.disassembler import format_instruction
from reference.io.config import ConfigError, load_configuration
from reference.io.dasd import DasdImageError, create, open_image, parse_track

from . import PROGRAMS
from .expectations import (
    CKD_TYPES,
    INPUT_KEYS,
    NEW_VOLUME_KEYS,
    OUTPUT_KEYS,
    Expectations,
    Output,
    embedded,
    load,
)
from .implementations import DeviceSetupError, Implementation, Outcome

FAILURES = Path(tempfile.gettempdir()) / "s370-corpus-failures"


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

    @property
    def has_devices(self) -> bool:
        return bool(self.expectations.devices)

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


def programs(root: Path = PROGRAMS, devices: bool = False) -> list[Program]:
    """Every program that has expectations, in name order.  Programs with devices
    are left out unless ``devices``: they run only with their devices
    (``run_program``), which ``Implementation.run`` and the golden traces
    (reference.trace, format v1: no device configurations) cannot give them."""
    out = [Program(p) for p in sorted(root.rglob("*.asm")) if has_expectations(p)]
    return out if devices else [p for p in out if not p.has_devices]


# ---------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------
def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))     # a TOML basic string


def configuration_text(program: Program, directory: Path) -> tuple[str, dict[int, Path]]:
    """The machine configuration of ``program`` for a run in ``directory``: inputs
    named by their absolute paths beside the program, outputs in ``directory``,
    disk images copied into ``directory`` first.  Returns the TOML text and the
    file of every output device and disk by I/O address."""
    home = program.source.resolve().parent
    lines: list[str] = []
    results: dict[int, Path] = {}
    for device in program.expectations.devices:
        lines += ["[[device]]", f'address = "{device.address:03X}"',
                  f'type = "{device.type_name}"']
        for key, value in device.options.items():
            if key in NEW_VOLUME_KEYS and device.type_name in CKD_TYPES:
                continue
            if key == "file" and device.type_name in CKD_TYPES:
                volume = directory / f"{device.address:03X}-{Path(value).name}"
                o = device.options
                if "volser" in o:       # a new volume, made here
                    create(str(volume), device.type_name, o["volser"],
                           "zlib" if o.get("format") == "cckd" else None,
                           cylinders=o.get("cylinders", 2))
                else:
                    shutil.copyfile(home / value, volume)
                value = str(volume)
                results[device.address] = volume
            elif key == "file" and device.type_name == "3370":
                copy = directory / f"{device.address:03X}-{Path(value).name}"
                shutil.copyfile(home / value, copy)
                value = str(copy)
                results[device.address] = copy
            elif key == "file" and device.type_name == "3420":
                # The initial reel beside the program, copied; none: a new tape.
                tape = directory / f"{device.address:03X}-{value}"
                if (home / value).is_file():
                    shutil.copyfile(home / value, tape)
                value = str(tape)
                results[device.address] = tape
            elif key == OUTPUT_KEYS.get(device.type_name):
                value = str(directory / value)
                results[device.address] = Path(value)
            elif key == INPUT_KEYS.get(device.type_name):
                value = str(home / value)
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines), results


def run_program(program: Program, impl: Implementation, mode: str,
                max_steps: int | None = None) -> Outcome:
    """Run ``program`` on ``impl`` in ``mode`` (to ``max_steps``, default its
    expectations'), with its devices if it has any (the module's text)."""
    exp = program.expectations
    steps = exp.max_steps if max_steps is None else max_steps
    if not exp.devices:
        return impl.run(program.image, exp.storage, steps, mode)
    run_configured = getattr(impl, "run_configured", None)
    if run_configured is None:
        raise DeviceSetupError(f"{impl.name} takes no device configurations")
    with tempfile.TemporaryDirectory(prefix="s370-devices-") as tmp:
        work = Path(tmp)
        text, results = configuration_text(program, work)
        (work / "machine.toml").write_text(text, encoding="utf-8")
        try:
            config = load_configuration(work / "machine.toml")
        except ConfigError as e:
            raise DeviceSetupError(f"{program.name}: devices: {e}") from None
        out: Outcome = run_configured(program.image, exp.storage, steps, mode, config,
                                      exp.ipl)
        out.outputs = {a: p.read_bytes() if p.exists() else None for a, p in results.items()}
    return out


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
    for address, want in sorted(exp.output.items()):
        miss = output_difference(f"output {address:03X}", want, out.outputs.get(address))
        if miss is not None:
            misses.append(miss)
    return misses


def _text(data: bytes) -> str | None:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    return text if all(c.isprintable() or c in "\n\r\f\t" for c in text) else None


def output_difference(name: str, want: Output, got: bytes | None) -> Mismatch | None:
    """The first difference between a device's expected and actual output: by line
    for text, by offset (8 bytes shown, as for storage) otherwise."""
    if got is None:
        return Mismatch(name, "a file", "no file written")
    if want.tracks:
        return _track_difference(name, want.tracks, got)
    if want.at:
        for offset, data in sorted(want.at.items()):
            part = got[offset:offset + len(data)]
            if part != data:
                i = next(i for i in range(len(data)) if i >= len(part) or part[i] != data[i])
                return Mismatch(f"{name} at {offset + i:06X}", data[i:i + 8].hex().upper(),
                                part[i:i + 8].hex().upper() or "(end of file)")
        return None
    expected = want.expected_bytes()
    assert expected is not None
    if got == expected:
        return None
    a, b = _text(expected), _text(got)
    if a is not None and b is not None:
        la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
        n = next(i for i in range(max(len(la), len(lb)))
                  if i >= len(la) or i >= len(lb) or la[i] != lb[i])
        return Mismatch(f"{name} line {n + 1}",
                        repr(la[n]) if n < len(la) else "(end of output)",
                        repr(lb[n]) if n < len(lb) else "(end of output)")
    i = next(i for i in range(max(len(expected), len(got)))
              if i >= len(expected) or i >= len(got) or expected[i] != got[i])
    return Mismatch(f"{name} at {i:06X}", expected[i:i + 8].hex().upper() or "(end of file)",
                    got[i:i + 8].hex().upper() or "(end of file)")


def _record_text(record: bytes) -> str:
    """A record as count (CCHH R KL DLDL), key, data in hex; long data cut."""
    kl = record[5]
    text = (f"{record[:4].hex().upper()} {record[4]:02X} {kl:02X} {record[6:8].hex().upper()}"
            f" {record[8:8 + kl].hex().upper()} {record[8 + kl:8 + kl + 24].hex().upper()}")
    return text.replace("  ", " ").strip() + ("..." if len(record) > 8 + kl + 24 else "")


def _track_difference(name: str, tracks: dict[tuple[int, int], list[bytes]],
                      image: bytes) -> Mismatch | None:
    """The first track of ``tracks`` whose records the CKD image ``image`` does not
    hold: the first record that differs (count, key, data), or the record count."""
    with tempfile.TemporaryDirectory(prefix="s370-volume-") as tmp:
        path = Path(tmp) / "volume"
        path.write_bytes(image)
        try:
            with open_image(str(path), readonly=True) as volume:
                found = {}
                for (cyl, head) in sorted(tracks):
                    try:
                        found[cyl, head] = parse_track(volume.read_track(cyl, head))
                    except (ValueError, DasdImageError) as e:
                        return Mismatch(f"{name} track {cyl:04X} {head:04X}",
                                        "a track image", str(e))
        except DasdImageError as e:
            return Mismatch(name, "a CKD image", str(e))
    for (cyl, head), want in sorted(tracks.items()):
        got = [bytes.fromhex(f"{r.cyl:04X}{r.head:04X}{r.record:02X}{len(r.key):02X}"
                             f"{len(r.data):04X}") + r.key + r.data for r in found[cyl, head]]
        place = f"{name} track {cyl:04X} {head:04X}"
        for n in range(max(len(want), len(got))):
            if n >= len(want) or n >= len(got) or want[n] != got[n]:
                return Mismatch(f"{place} record {n}",
                                _record_text(want[n]) if n < len(want) else "(no record)",
                                _record_text(got[n]) if n < len(got) else "(no record)")
    return None


def check(program: Program, impl: Implementation, mode: str) -> tuple[Outcome, list[Mismatch]]:
    out = run_program(program, impl, mode)
    return out, compare(program.expectations, out)


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
    a = run_program(program, impl, "native")
    b = run_program(program, impl, mode)
    if a.state == b.state and a.steps == b.steps:
        return None
    low, high = 0, max(a.steps, b.steps)
    while low < high:
        mid = (low + high) // 2
        x = run_program(program, impl, "native", mid)
        y = run_program(program, impl, mode, mid)
        if x.state == y.state and x.steps == y.steps:
            low = mid + 1
        else:
            high = mid
    before = run_program(program, impl, "native", max(0, low - 1))
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
        before = run_program(program, impl, mode, out.steps - 1)
        lines.append(f"  last instruction {_instruction_at(before, before.psw & 0xFFFFFF)}")
    parted = parting_instruction(program, impl, mode)
    if parted:
        lines.append(f"  {mode} parts from native after {parted}")
    under = " --under vmcp" if mode == "vmcp" else ""
    source = _shown(program.source)
    if program.has_devices:
        lines += _reproduce_with_devices(program, mode, under)
        return "\n".join(lines)
    lines.append(f"  reproduce: s370 run {source} --max-steps "
                 f"{program.expectations.max_steps} --json{under}")
    if mode == "vmcp":
        lines.append(f"             s370 compare {source}")
    return "\n".join(lines)


def _reproduce_with_devices(program: Program, mode: str, under: str) -> list[str]:
    """A directory outside the repository with the program's configuration (and
    copies of its disks) and the command that runs it there."""
    exp = program.expectations
    where = FAILURES / f"{re.sub(r'[^A-Za-z0-9]+', '-', program.name)}.{mode}"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    text, _ = configuration_text(program, where)
    (where / "machine.toml").write_text(text, encoding="utf-8")
    lines = [f"  devices: {where / 'machine.toml'} (outputs written there)"]
    if exp.ipl is not None:
        lines.append(f"  reproduce: (IPL from {exp.ipl:03X} after loading the image at 0: "
                     f"conformance.corpus.run_program; s370 run --ipl loads no image)")
    else:
        lines.append(f"  reproduce: s370 run {_shown(program.source)} --config "
                     f"{where / 'machine.toml'} --storage {exp.storage // 1024}K "
                     f"--max-steps {exp.max_steps} --json{under}")
    return lines
