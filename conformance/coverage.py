"""Architectural coverage of the conformance suite (``--s370-coverage=DIR``).

What the suite ran through the reference implementation, measured against the
architecture rather than against the Python source: for every row of the opcode
table (``reference.arch.opcodes.TABLE``) and every mode (``native``, ``vmcp``)

- ``executed``: how many times the instruction was fetched, decoded and started
  (whatever its outcome; under EXECUTE the row counted is EX's);
- ``trapped`` (vmcp): how many times the real machine raised an interruption on it
  while it ran in the guest (a privileged-operation exception, any other program
  exception, SVC), so that control went back to the VMCP;
- ``simulated`` (vmcp): how many times the VMCP simulated it (for EX of a privileged
  instruction the simulated row is the target's);
- ``codes``: the program-interruption codes it caused, with counts, as the
  architectural CPU took them (the machine natively, the guest's virtual CPU under
  the VMCP; a PER event shows as the code ORed with X'0080');

and per mode every interruption the architectural CPU took (``interruption_log``),
by class and code, and every channel command that reached a device, by device
type and command code (``commands``: the commands the architectural CPU's channel
subsystem gave its devices, natively the machine's, under the VMCP the guest's
virtual channel's, so a minidisk counts as the disk type it is).  Instructions
that could not be fetched or decoded (an odd address, an access exception on
fetch, an opcode not in the table) are counted apart as ``not_decoded``.

The summary states the coverage targets of the suite and what is missing:

- every row of the opcode table executed in every mode;
- every program-interruption code the implemented instructions can raise
  (``reference.arch.interrupts.PROGRAM_EXCEPTIONS``, plus PER X'0080') reached in every
  mode.  A code with the PER bit reaches both parts: X'0086' reaches X'0006' and
  X'0080'.

and reports (not a target) the channel commands per device type and mode: those
reached, those of the type's command set (``DEVICE_COMMANDS`` of
conformance.strategies.channel) never reached, and the other codes that reached the
device (invalid commands it rejected).

How it is gathered: ``conformance.implementations.coverage_hook`` is set while the
option is on; ``Reference.run`` calls it before each run and it attaches a
``RunRecorder`` (the machine's ``observer`` and the VMCP's ``observer``).  With the
option off nothing is attached and the machine runs at full speed.  Under
pytest-xdist every worker sends its data through ``config.workeroutput`` and the
controller merges it in ``pytest_testnodedown``; it then writes ``coverage.json``
and ``coverage.html`` (one file, no external assets).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reference.arch.interrupts import PER_EVENT_CODE, PROGRAM_EXCEPTIONS
from reference.arch.opcodes import TABLE, Instruction

from . import implementations
from .expectations import MODES
from .strategies.channel import DEVICE_COMMANDS

FORMAT = "s370-coverage/1"
WORKER_KEY = "s370_coverage"

# Interruption classes as ``InterruptionRecord.kind`` names them (reference/machine/cpu.py).
CLASSES = ("restart", "external", "svc", "program", "machine-check", "io")


def _words(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


# The program-interruption codes of the targets, with their names.
PROGRAM_CODES: dict[int, str] = {cls.code: _words(cls.__name__) for cls in PROGRAM_EXCEPTIONS}
PROGRAM_CODES[PER_EVENT_CODE] = "PER event"
TARGET_CODES: tuple[int, ...] = tuple(sorted(PROGRAM_CODES))


def _hex4(code: int) -> str:
    return f"{code:04X}"


def _hex2(code: int) -> str:
    return f"{code:02X}"


def _opcode(row: Instruction) -> str:
    return f"{row.opcode:04X}" if row.opcode > 0xFF else f"{row.opcode:02X}"


def code_parts(code: int) -> list[int]:
    """The codes a program-interruption code reaches: its exception and PER."""
    parts = []
    if code & ~PER_EVENT_CODE:
        parts.append(code & ~PER_EVENT_CODE)
    if code & PER_EVENT_CODE:
        parts.append(PER_EVENT_CODE)
    return parts


# ---------------------------------------------------------------------------
# The data model
# ---------------------------------------------------------------------------
@dataclass
class RowCounts:
    """What one mode did with one opcode-table row (or with undecodable bytes)."""

    executed: int = 0
    trapped: int = 0
    simulated: int = 0
    codes: Counter[int] = field(default_factory=Counter)

    def merge(self, other: RowCounts) -> None:
        self.executed += other.executed
        self.trapped += other.trapped
        self.simulated += other.simulated
        self.codes.update(other.codes)

    def to_data(self) -> dict[str, Any]:
        return {"executed": self.executed, "trapped": self.trapped,
                "simulated": self.simulated,
                "codes": {_hex4(c): n for c, n in sorted(self.codes.items())}}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RowCounts:
        return cls(int(data.get("executed", 0)), int(data.get("trapped", 0)),
                   int(data.get("simulated", 0)),
                   Counter({int(c, 16): int(n) for c, n in data.get("codes", {}).items()}))


@dataclass
class ModeCoverage:
    """Everything the runs of one mode did."""

    runs: int = 0
    rows: dict[str, RowCounts] = field(default_factory=dict)      # by mnemonic
    not_decoded: RowCounts = field(default_factory=RowCounts)
    interruptions: dict[str, Counter[int]] = field(default_factory=dict)  # class -> codes
    commands: dict[str, Counter[int]] = field(default_factory=dict)  # device type -> codes

    def row(self, mnemonic: str) -> RowCounts:
        counts = self.rows.get(mnemonic)
        if counts is None:
            counts = self.rows[mnemonic] = RowCounts()
        return counts

    def interruption(self, kind: str, code: int) -> None:
        self.interruptions.setdefault(kind, Counter())[code] += 1

    def command(self, device_type: str, code: int) -> None:
        self.commands.setdefault(device_type, Counter())[code] += 1

    def merge(self, other: ModeCoverage) -> None:
        self.runs += other.runs
        for mnemonic, counts in other.rows.items():
            self.row(mnemonic).merge(counts)
        self.not_decoded.merge(other.not_decoded)
        for kind, codes in other.interruptions.items():
            self.interruptions.setdefault(kind, Counter()).update(codes)
        for device_type, codes in other.commands.items():
            self.commands.setdefault(device_type, Counter()).update(codes)

    def program_codes_reached(self) -> set[int]:
        return {part for code in self.interruptions.get("program", {})
                for part in code_parts(code)}

    def to_data(self) -> dict[str, Any]:
        return {"runs": self.runs,
                "rows": {m: c.to_data() for m, c in sorted(self.rows.items())},
                "not_decoded": self.not_decoded.to_data(),
                "interruptions": {k: {_hex4(c): n for c, n in sorted(v.items())}
                                  for k, v in sorted(self.interruptions.items())},
                "commands": {t: {_hex2(c): n for c, n in sorted(v.items())}
                             for t, v in sorted(self.commands.items())}}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ModeCoverage:
        return cls(
            runs=int(data.get("runs", 0)),
            rows={m: RowCounts.from_data(c) for m, c in data.get("rows", {}).items()},
            not_decoded=RowCounts.from_data(data.get("not_decoded", {})),
            interruptions={k: Counter({int(c, 16): int(n) for c, n in v.items()})
                           for k, v in data.get("interruptions", {}).items()},
            commands={t: Counter({int(c, 16): int(n) for c, n in v.items()})
                      for t, v in data.get("commands", {}).items()})


@dataclass
class Coverage:
    """The coverage of a session: one ``ModeCoverage`` per mode."""

    modes: dict[str, ModeCoverage] = field(
        default_factory=lambda: {mode: ModeCoverage() for mode in MODES})

    def mode(self, name: str) -> ModeCoverage:
        return self.modes.setdefault(name, ModeCoverage())

    def merge(self, other: Coverage) -> None:
        for name, data in other.modes.items():
            self.mode(name).merge(data)

    def to_data(self) -> dict[str, Any]:
        """The exchange form (plain JSON types): what a worker sends."""
        return {"format": FORMAT, "modes": {n: m.to_data() for n, m in self.modes.items()}}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Coverage:
        if data.get("format") != FORMAT:
            raise ValueError(f"not {FORMAT} data: {data.get('format')!r}")
        cov = cls()
        for name, mode in data.get("modes", {}).items():
            cov.modes[name] = ModeCoverage.from_data(mode)
        return cov


# ---------------------------------------------------------------------------
# Recording one run
# ---------------------------------------------------------------------------
class RunRecorder:
    """The observer of one run (``Machine.observer`` and ``VMCP.observer``).

    ``cpu`` is the architectural CPU (the machine natively, the guest's
    ``VirtualMachine`` under the VMCP): its ``interruption_log`` gives the
    interruptions of the mode.  A program interruption is charged to the row of
    the instruction whose step it carries (``InterruptionRecord.step``); those of
    no instruction (the early exception of an invalid PSW) count only for the mode.
    The devices of the CPU's channel subsystem (``cpu.channels``) are watched for
    the commands the channel gives them (their ``start``, wrapped for the run).
    """

    def __init__(self, into: ModeCoverage, cpu: Any, real: Any, cp: Any = None) -> None:
        self.data = into
        self.cpu = cpu
        self.real = real
        self.cp = cp
        self.vmcp = cp is not None
        self.seen = 0                                  # records of the log taken
        self.pending: tuple[int, RowCounts] | None = None   # (step, row) last executed
        self.dispatch = -1                             # the VM's dispatch being watched
        self.base = 0                                  # guest step - real step, in it
        if cpu.interruption_log is None:
            cpu.interruption_log = []
        real.observer = self
        if cp is not None:
            cp.observer = self
        self.watched: list[Any] = []
        channels = getattr(cpu, "channels", None)
        for sc in getattr(channels, "subchannels", {}).values():
            self._watch(sc.device)

    def _watch(self, device: Any) -> None:
        """Count the commands ``device`` is given (its ``start``, by its type)."""
        if device in self.watched or not callable(getattr(device, "start", None)):
            return
        start = device.start
        kind = str(getattr(device, "type_name", "") or type(device).__name__)
        data = self.data

        def counted(command: int, previous: int | None) -> Any:
            data.command(kind, command)
            return start(command, previous)

        device.start = counted
        self.watched.append(device)

    # Machine.observer
    def instruction(self, machine: Any, row: Instruction | None, exc: BaseException | None
                    ) -> None:
        self._take_log()
        counts = self.data.not_decoded if row is None else self.data.row(row.mnemonic)
        counts.executed += 1
        # An instruction that could not be fetched is counted in the steps only
        # when its interruption is taken, after this call.
        uncounted = 1 if row is None else 0
        if self.vmcp:
            if exc is not None:
                counts.trapped += 1
            vm = self.cpu
            if vm.dispatches != self.dispatch:    # the first instruction of a dispatch
                self.dispatch = vm.dispatches
                self.base = vm.steps - (machine.steps - 1 + uncounted)
            step = self.base + machine.steps + uncounted
        else:
            step = machine.steps + uncounted
        self.pending = (step, counts)

    # VMCP.observer
    def simulated(self, vm: Any, row: Instruction) -> None:
        self.data.row(row.mnemonic).simulated += 1

    def _take_log(self) -> None:
        log = self.cpu.interruption_log
        if len(log) <= self.seen:
            return
        pending = self.pending
        for record in log[self.seen:]:
            self.data.interruption(record.kind, record.code)
            if record.kind == "program" and pending is not None and record.step == pending[0]:
                pending[1].codes[record.code] += 1
        self.seen = len(log)

    def finish(self) -> None:
        self._take_log()
        self.data.runs += 1
        for device in self.watched:
            if "start" in vars(device):
                del device.start           # the class's again
        self.watched = []
        self.real.observer = None
        if self.cp is not None:
            self.cp.observer = None


class Collector:
    """The coverage of this process, and the hook ``Reference.run`` calls."""

    def __init__(self) -> None:
        self.coverage = Coverage()

    def __call__(self, mode: str, cpu: Any, real: Any, cp: Any) -> Callable[[], None]:
        return RunRecorder(self.coverage.mode(mode), cpu, real, cp).finish


@contextmanager
def paused() -> Iterator[None]:
    """No coverage inside (the reruns a failure report makes)."""
    hook = implementations.coverage_hook
    implementations.coverage_hook = None
    try:
        yield
    finally:
        implementations.coverage_hook = hook


# ---------------------------------------------------------------------------
# The report: summary, JSON, HTML
# ---------------------------------------------------------------------------
def summary(cov: Coverage) -> dict[str, Any]:
    """The coverage targets, per mode, with what is missing."""
    rows = [row.mnemonic for row in TABLE]
    privileged = [row.mnemonic for row in TABLE if row.privileged]
    opcodes: dict[str, Any] = {}
    codes: dict[str, Any] = {}
    classes: dict[str, Any] = {}
    commands: dict[str, Any] = {}
    for name in MODES:
        data = cov.mode(name)
        done = [m for m in rows if m in data.rows and data.rows[m].executed]
        opcodes[name] = {"exercised": len(done), "rows": len(rows),
                         "missing": [m for m in rows if m not in done]}
        if name == "vmcp":
            opcodes[name]["privileged_not_simulated"] = [
                m for m in privileged if not (m in data.rows and data.rows[m].simulated)]
        reached = data.program_codes_reached()
        codes[name] = {"reached": [_hex4(c) for c in TARGET_CODES if c in reached],
                       "targets": len(TARGET_CODES),
                       "missing": [_hex4(c) for c in TARGET_CODES if c not in reached],
                       "other": [_hex4(c) for c in sorted(reached - set(TARGET_CODES))]}
        taken = {k for k, v in data.interruptions.items() if sum(v.values())}
        classes[name] = {"reached": [k for k in CLASSES if k in taken] + sorted(
                             taken - set(CLASSES)),
                         "missing": [k for k in CLASSES if k not in taken]}
        commands[name] = channel_commands(data)
    return {
        "runs": {name: cov.mode(name).runs for name in MODES},
        "targets": {
            "every implemented opcode exercised in every mode":
                all(not opcodes[m]["missing"] for m in MODES),
            "every program-interruption code reached in every mode":
                all(not codes[m]["missing"] for m in MODES),
        },
        "opcodes": opcodes,
        "program_codes": codes,
        "interruption_classes": classes,
        "channel_commands": commands,
    }


def channel_commands(data: ModeCoverage) -> dict[str, Any]:
    """Per device type (those of DEVICE_COMMANDS and any other that was given a
    command): the command codes that reached it, with counts; those of its command
    set never reached (``missing``); and the codes outside its set that reached it
    (``other``: commands it rejected)."""
    out: dict[str, Any] = {}
    for kind in [*DEVICE_COMMANDS, *sorted(set(data.commands) - set(DEVICE_COMMANDS))]:
        given = data.commands.get(kind, Counter())
        known = DEVICE_COMMANDS.get(kind, ())
        out[kind] = {
            "reached": {_hex2(c): given[c] for c in sorted(given)},
            "missing": [_hex2(c) for c in sorted(known) if not given[c]],
            "other": [_hex2(c) for c in sorted(given) if known and c not in known],
        }
    return out


def report(cov: Coverage) -> dict[str, Any]:
    """The whole of ``coverage.json``."""
    table = []
    for row in TABLE:
        entry: dict[str, Any] = {
            "opcode": _opcode(row), "mnemonic": row.mnemonic, "name": row.name,
            "section": row.section, "privileged": row.privileged,
            "semiprivileged": row.semiprivileged}
        for name in MODES:
            entry[name] = cov.mode(name).rows.get(row.mnemonic, RowCounts()).to_data()
        table.append(entry)
    return {
        "format": FORMAT,
        "modes": list(MODES),
        "summary": summary(cov),
        "program_code_names": {_hex4(c): n for c, n in sorted(PROGRAM_CODES.items())},
        "opcodes": table,
        "not_decoded": {name: cov.mode(name).not_decoded.to_data() for name in MODES},
        "interruptions": {name: cov.mode(name).to_data()["interruptions"] for name in MODES},
        "data": cov.to_data(),
    }


_CSS = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n { text-align: right; font-family: monospace; }
td.miss { background: #fdd; }
td.hit { background: #dfd; }
code, .mono { font-family: monospace; }
.met { color: #070; font-weight: bold; }
.unmet { color: #a00; font-weight: bold; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _codes(codes: dict[str, int]) -> str:
    return ", ".join(f"{_e(c)}&#215;{n}" for c, n in codes.items())


def to_html(data: dict[str, Any]) -> str:
    """``coverage.html`` from ``report(...)``: one well-formed (XHTML-compatible)
    file with its style inline and no external reference."""
    s = data["summary"]
    modes = data["modes"]
    names = data["program_code_names"]
    out = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8" />',
           '<title>s370 architectural coverage</title>', f'<style>{_CSS}</style>',
           '</head>', '<body>', '<h1>s370 architectural coverage</h1>',
           '<p>From every run the conformance suite made on the reference implementation'
           ' (runs: ' + ", ".join(f"{_e(m)} {s['runs'][m]}" for m in modes) + ').</p>',
           '<h2>Targets</h2>', '<ul>']
    for target, met in s["targets"].items():
        cls, word = ("met", "met") if met else ("unmet", "not met")
        out.append(f'<li>{_e(target)}: <span class="{cls}">{word}</span></li>')
    out.append('</ul>')
    out.append('<table><tr><th>mode</th><th>opcodes exercised</th><th>missing opcodes</th>'
               '<th>program codes reached</th><th>missing codes</th>'
               '<th>interruption classes</th><th>classes not reached</th></tr>')
    for m in modes:
        o, c, k = s["opcodes"][m], s["program_codes"][m], s["interruption_classes"][m]
        out.append(
            f'<tr><td>{_e(m)}</td><td class="n">{o["exercised"]}/{o["rows"]}</td>'
            f'<td class="mono">{_e(" ".join(o["missing"])) or "none"}</td>'
            f'<td class="n">{len(c["reached"])}/{c["targets"]}</td>'
            f'<td class="mono">{_e(" ".join(c["missing"])) or "none"}</td>'
            f'<td>{_e(" ".join(k["reached"]))}</td>'
            f'<td>{_e(" ".join(k["missing"])) or "none"}</td></tr>')
    out.append('</table>')
    if "privileged_not_simulated" in s["opcodes"].get("vmcp", {}):
        missing = s["opcodes"]["vmcp"]["privileged_not_simulated"]
        out.append('<p>Privileged instructions never simulated by the '
                   f'VMCP: <span class="mono">{_e(" ".join(missing)) or "none"}</span></p>')

    out.append('<h2>Program-interruption codes</h2>')
    out.append('<table><tr><th>code</th><th>name</th>' +
               "".join(f'<th>{_e(m)}</th>' for m in modes) + '</tr>')
    every = sorted({int(c, 16) for m in modes
                    for c in data["interruptions"][m].get("program", {})} |
                   {int(c, 16) for c in names})
    for code in every:
        text = f"{code:04X}"
        label = " + ".join(names.get(f"{p:04X}", "?") for p in code_parts(code)) or "none"
        cells = []
        for m in modes:
            count = data["interruptions"][m].get("program", {}).get(text, 0)
            reached = text not in s["program_codes"][m]["missing"] if text in names \
                else count > 0
            cells.append(f'<td class="n {"hit" if reached else "miss"}">{count}</td>')
        out.append(f'<tr><td class="mono">{text}</td><td>{_e(label)}</td>{"".join(cells)}</tr>')
    out.append('</table><p>A target code counts as reached also as part of a code with '
               'the PER bit (X\'0086\' reaches X\'0006\' and X\'0080\').</p>')

    out.append('<h2>Interruption classes</h2>')
    out.append('<table><tr><th>class</th>' + "".join(f'<th>{_e(m)}</th>' for m in modes) +
               '</tr>')
    kinds = list(CLASSES) + sorted({k for m in modes for k in data["interruptions"][m]}
                                   - set(CLASSES))
    for kind in kinds:
        cells = []
        for m in modes:
            codes = data["interruptions"][m].get(kind, {})
            total = sum(codes.values())
            cells.append(f'<td class="{"hit" if total else "miss"}">{total}'
                         + (f' <span class="mono">({_codes(codes)})</span>' if codes else '')
                         + '</td>')
        out.append(f'<tr><td>{_e(kind)}</td>{"".join(cells)}</tr>')
    out.append('</table>')

    out.append('<h2>Channel commands by device type</h2>')
    out.append('<table><tr><th>device type</th>' + "".join(
        f'<th>{_e(m)} reached</th><th>{_e(m)} missing</th>' for m in modes) + '</tr>')
    device_types: list[str] = []
    for m in modes:
        device_types += [k for k in s["channel_commands"][m] if k not in device_types]
    for kind in device_types:
        cells = []
        for m in modes:
            c = s["channel_commands"][m].get(kind, {"reached": {}, "missing": [],
                                                   "other": []})
            other = set(c["other"])
            reached = ", ".join(f'{_e(code)}{"*" if code in other else ""}&#215;{n}'
                                for code, n in c["reached"].items())
            cells.append(f'<td class="mono {"hit" if c["reached"] else "miss"}">'
                         f'{reached or "none"}</td>')
            cells.append(f'<td class="mono{" miss" if c["missing"] else ""}">'
                         f'{_e(" ".join(c["missing"])) or "none"}</td>')
        out.append(f'<tr><td>{_e(kind)}</td>{"".join(cells)}</tr>')
    out.append('</table><p>Reached: the command codes the channel gave a device of the '
               'type, with counts (under the VMCP the guest\'s virtual channel; * a code '
               'outside the type\'s command set). Missing: commands of its set never '
               'given.</p>')

    out.append('<h2>Opcodes</h2>')
    head = ['opcode', 'mnemonic', 'name', 'flags']
    for m in modes:
        head += [f'{m} executed'] + ([f'{m} trapped', f'{m} simulated'] if m == "vmcp" else
                                     []) + [f'{m} codes']
    out.append('<table><tr>' + "".join(f'<th>{_e(h)}</th>' for h in head) + '</tr>')
    entries = list(data["opcodes"]) + [
        {"opcode": "", "mnemonic": "(not decoded)", "name": "instruction fetch or decode "
         "failed", "privileged": False, "semiprivileged": False,
         **{m: data["not_decoded"][m] for m in modes}}]
    for entry in entries:
        flags = "P" if entry["privileged"] else ("Q" if entry["semiprivileged"] else "")
        cells = [f'<td class="mono">{_e(entry["opcode"])}</td>',
                 f'<td class="mono">{_e(entry["mnemonic"])}</td>', f'<td>{_e(entry["name"])}</td>',
                 f'<td>{flags}</td>']
        for m in modes:
            c = entry[m]
            cells.append(f'<td class="n {"hit" if c["executed"] else "miss"}">'
                         f'{c["executed"]}</td>')
            if m == "vmcp":
                cells.append(f'<td class="n">{c["trapped"]}</td>')
                sim_cls = " miss" if flags == "P" and not c["simulated"] else ""
                cells.append(f'<td class="n{sim_cls}">{c["simulated"]}</td>')
            cells.append(f'<td class="mono">{_codes(c["codes"])}</td>')
        out.append('<tr>' + "".join(cells) + '</tr>')
    out.append('</table>')
    out.append('<p>P privileged, Q semiprivileged. Executed: fetched, decoded and started, '
               'whatever the outcome (under EXECUTE the row counted is EX). Trapped: the real '
               'machine raised an interruption on it in the guest. Simulated: the VMCP '
               'simulated it. Codes: the program interruptions it caused, as the '
               'architectural CPU took them.</p>')
    out.append('</body>')
    out.append('</html>')
    return "\n".join(out) + "\n"


def write(cov: Coverage, directory: Path) -> dict[str, Any]:
    """Write ``coverage.json`` and ``coverage.html`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = report(cov)
    (directory / "coverage.json").write_text(json.dumps(data, indent=1) + "\n",
                                             encoding="utf-8")
    (directory / "coverage.html").write_text(to_html(data), encoding="utf-8")
    return data


# ---------------------------------------------------------------------------
# The pytest side (registered by conformance.plugin when the option is given)
# ---------------------------------------------------------------------------
class CoveragePlugin:
    """Gathers coverage in this process; on a pytest-xdist worker sends it to the
    controller; on the controller (or without xdist) writes the report."""

    def __init__(self, config: pytest.Config, directory: Path) -> None:
        self.config = config
        self.directory = directory
        self.collector = Collector()
        self.worker = hasattr(config, "workerinput")
        self.written: dict[str, Any] | None = None
        self.previous = implementations.coverage_hook   # a session inside a session
        implementations.coverage_hook = self.collector

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
        if data is not None:
            self.collector.coverage.merge(Coverage.from_data(data))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.worker:
            self.config.workeroutput[WORKER_KEY] = self.collector.coverage.to_data()  # type: ignore[attr-defined]
        else:
            self.written = write(self.collector.coverage, self.directory)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.written is None:
            return
        s = self.written["summary"]
        parts = []
        for m in MODES:
            o, c = s["opcodes"][m], s["program_codes"][m]
            parts.append(f"{m}: opcodes {o['exercised']}/{o['rows']}, "
                         f"program codes {len(c['reached'])}/{c['targets']}")
        terminalreporter.write_line(f"s370 coverage ({'; '.join(parts)}): "
                                    f"{self.directory / 'coverage.html'}")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if implementations.coverage_hook is self.collector:
            implementations.coverage_hook = self.previous
