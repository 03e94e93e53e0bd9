"""Execution traces, format ``s370-trace`` version 1: record, read, compare, verify.

Theory of operation
-------------------
A trace is JSON Lines (``traces/FORMAT.md`` is the specification,
``traces/trace-v1.schema.json`` its JSON Schema): a header (configuration, program
image, initial state), one record per executed instruction, a record of its own for
an interruption taken with no instruction before it, and a footer (stop reason,
steps, a SHA-256 digest of the whole final architectural state).  Every line is in
one canonical form, the text ``encode`` (compact ``json.dumps``) gives for it: keys
in one documented order, empty fields left out.  The recorder writes that text
directly (the tests check ``encode(json.loads(line)) == line``), so two runs that
behave alike give equal *text*, and comparing traces is comparing lines: ``diff``
and ``verify`` parse a line only where two differ.

*Record spans.*  A record begins where its instruction begins (or, for an
interruption record, where its interruption begins) and ends where the next record
begins; it holds every change of architectural state in that span: registers,
control registers, prefix, storage bytes written, storage keys (reference and
change bits included), the wait, the interval-timer update, timer settings, and the
interruption taken.  An instruction record holds at most one interruption: the one
that ends the instruction or, if it completed, the first one taken after it; each
further interruption taken before the next instruction (an external interruption
after a program interruption, the PER interruption after an SVC, the early
exception of an invalid PSW) opens an interruption record.

*Recording without the slow path.*  ``Machine.observer`` makes the machine run one
instruction at a time, about thirteen times slower than its fast loop.  The recorder
instead takes the place, on the one machine instance it records, of its
``_run_fast`` (an equivalent loop with the recording inline: registers compared as
lists, storage keys as bytes, stores collected by ``CPU.store_watcher``, each record
formatted where it ends), ``_step_slow`` (the original, with the record opened
first: PER and invalid PSWs) and ``decode_at`` (the original; the decoded
instruction is cached with the text of its record's address and bytes).  The
traced CPU's interruption methods (every ``*_interruption``, and ``_swap``) are
wrapped: an interruption that is not the first since its instruction opens a record.
Under the VMCP the traced CPU is the guest's ``VirtualMachine`` and the machine
executing is the real one (whose ``run`` is wrapped too): guest instructions are
seen where the real machine executes them, simulations and reflections where the
VMCP applies them to the virtual state, and the guest's state is read where it
lives at that moment (its registers and PSW fields in the real machine during a
dispatch, in the ``VirtualMachine`` between dispatches).  Stores are those the real
machine's watcher sees inside the guest's frames, at guest absolute addresses.  An
instruction the VMCP nullified and runs again (a shadow-table fault of a guest with
DAT on) is one record, as natively.  Nothing the recorder does changes what the
machine does: it only reads state, and the instruction bytes it reads again after
a decode are read through the same, already checked, accesses.  (The recorder's
loop does not offer privileged-operation exceptions to the VMCP's assist: under
the recorder every simulation follows a real interruption, with the same result.)

Only the standard library is used.  ``python -m reference.trace regenerate``
rewrites the golden traces (``traces/golden/``) from the conformance corpus.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import queue
import re
import sys
import threading
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from reference.arch.interrupts import Interruption, OperationException
from reference.arch.psw import PSW
from reference.machine.cpu import CPU, INTERVAL_TIMER, MASK24, MASK64, TOD_UNITS_PER_US
from reference.machine.machine import Machine

FORMAT = "s370-trace"
VERSION = 1
MODES = ("native", "vmcp")
INTERRUPTION_KINDS = ("program", "svc", "external", "machine-check", "restart", "io")
# Keys of instruction ("i") and interruption ("x") records, in their serialized order.
RECORD_KEYS = ("t", "n", "p", "b", "g", "c", "px", "w", "k", "d", "it", "sck", "spt",
               "ckc", "x")
INTERRUPTION_RECORD_KEYS = ("t", "n", "g", "c", "px", "w", "k", "d", "it", "x")
HEADER_KEYS = ("t", "format", "version", "machine", "max_steps", "image", "init")
FOOTER_KEYS = ("t", "stop", "n", "psw", "sha256")
INTERRUPTION_KEYS = ("k", "c", "l", "old", "new")
GOLDEN = Path(__file__).resolve().parents[2] / "traces" / "golden"
GZIP_LEVEL = 1            # ``.gz`` written by ``record`` (golden traces use 9)
BATCH = 2048              # lines handed to the sink at a time (at least)
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
    """The whole architectural state of ``cpu`` as the bytes the digest covers."""
    s = cpu.state()
    text = (
        "s370-state 1\n"
        f"psw {s.psw:016X}\n"
        f"gpr {' '.join(f'{v:08X}' for v in s.gpr)}\n"
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


def _regs(values: list[int] | tuple[int, ...]) -> list[str]:
    return [f"{v:08X}" for v in values]


# ---------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------
Sink = Callable[[list[str]], None]


class _Recorder:
    """Records one run of ``cpu`` (the traced architectural state) executed by
    ``machine`` (the same object natively, the real machine under the VMCP).

    The record being built (``kind`` 'i' or 'x', or None between records) lives in
    the attributes below; the loop in ``_run_fast`` keeps it in local variables
    and writes it back whenever it hands control to anything else."""

    def __init__(self, cpu: CPU, machine: Machine, origin: int, size: int,
                 sink: Sink) -> None:
        self.cpu = cpu
        self.machine = machine
        self.origin = origin
        self.end = origin + size
        self.k0 = origin >> 11
        self.k1 = (origin + size) >> 11
        self.sink = sink
        self.out: list[str] = []
        self.stores: list[tuple[int, int]] = []
        self.kind: str | None = None
        self.n = 0
        self.psw = ""
        self.hx: str | None = None
        self.info: list[Any] | None = None
        self.x: str | None = None
        self.fetched_hex: str | None = None
        self.slow_open = False
        self.inside = False          # under the VMCP: within the real machine's run
        self.step_offset = 0         # guest steps minus real steps during that run
        self.guest = cpu is not machine
        self.idle_open = 0           # idle time when the open instruction began
        self.depth = 0               # interruption methods under way
        self._psw_tables: dict[tuple[int, bool], list[list[str]]] = {}

    # --- installing --------------------------------------------------------
    def install(self) -> None:
        m, cpu = self.machine, self.cpu
        stores = self.stores

        def watch(a: int, n: int) -> None:
            stores.append((a, n))

        m.store_watcher = watch
        overrides: list[tuple[str, Callable[..., Any]]] = [
            ("_run_fast", self._run_fast), ("_step_slow", self._step_slow),
            ("decode_at", self._decode_at)]
        if self.guest:
            overrides.append(("run", self._real_run))
        for name, method in overrides:   # on this instance only
            setattr(m, name, method)
        if cpu.interruption_log is None:
            cpu.interruption_log = []
        wrapped = [(name, self._wrap_interruption(getattr(cpu, name)))
                   for name in self._interruption_methods()]
        wrapped.append(("_swap", self._wrap_swap(cpu._swap)))
        for name, method in wrapped:   # on this instance only
            setattr(cpu, name, method)

    def _interruption_methods(self) -> list[str]:
        """The CPU's methods that perform an interruption of one class
        (``program_interruption``, ``io_interruption``, ...)."""
        return [name for name in dir(type(self.cpu))
                if name.endswith("_interruption") and not name.startswith("_")]

    def uninstall(self) -> None:
        m, cpu = self.machine, self.cpu
        m.flush_instruction_cache()   # its entries carry the recorder's information
        m.store_watcher = None
        for obj, names in ((m, ["_run_fast", "_step_slow", "decode_at", "run"]),
                           (cpu, [*self._interruption_methods(), "_swap"])):
            for name in names:
                obj.__dict__.pop(name, None)

    def _wrap_interruption(self, original: Callable[..., None]) -> Callable[..., None]:
        """An interruption begins (before it stores its codes): its record opens."""
        def interruption(*args: Any, **kwargs: Any) -> None:
            self._begin_interruption()
            self.depth += 1
            try:
                original(*args, **kwargs)
            finally:
                self.depth -= 1
        return interruption

    def _wrap_swap(self, original: Callable[..., None]) -> Callable[..., None]:
        """The PSW swap of every interruption: what the record says about it."""
        def swap(*args: Any, **kwargs: Any) -> None:
            if not self.depth:   # an interruption performed by another path
                self._begin_interruption()
            original(*args, **kwargs)
            log = self.cpu.interruption_log
            assert log
            r = log[-1]
            self.x = (f',"x":{{"k":"{r.kind}","c":"{r.code:04X}","l":{r.ilc},'
                      f'"old":"{r.old_psw:016X}","new":"{r.new_psw:016X}"}}')
        return swap

    def _real_run(self, max_steps: int, max_time: int | None = None) -> str:
        """The real machine's run under the VMCP: the guest's step count follows
        the real one, and the guest's registers and PSW are the real machine's."""
        self.step_offset = self.cpu.steps - self.machine.steps
        self.inside = True
        try:
            return Machine.run(self.machine, max_steps, max_time)
        finally:
            self.inside = False

    # --- the traced state ----------------------------------------------------
    def _gpr(self) -> list[int]:
        return self.machine.gpr if self.inside else self.cpu.gpr

    def _psw_value(self) -> int:
        cpu = self.cpu
        if not (self.guest and self.inside):
            return cpu.psw_value()
        r = self.machine
        return PSW(system_mask=cpu.system_mask, key=r.key, ec=cpu.ec,
                   machine_check=cpu.machine_check_mask, wait=cpu.wait, problem=cpu.problem,
                   secondary=cpu.secondary, interruption_code=cpu.bc_code, ilc=cpu.bc_ilc,
                   cc=r.cc, program_mask=r.program_mask, address=r.ia,
                   invalid_bits=cpu.psw_invalid_bits).to_int()

    def _timers(self) -> tuple[int, int, int, int]:
        c = self.cpu
        return c.tod_offset, c.cpu_timer_value, c.cpu_timer_set_at, c.clock_comparator

    def start(self, header: dict[str, Any]) -> None:
        cpu = self.cpu
        self.gs = list(self._gpr())
        self.cs = list(cpu.cr)
        self.prefix = cpu.prefix
        self.ks = bytes(self.machine.keys)
        self.idle = cpu.idle_us
        self.iticks = cpu.interval_ticks
        self.timers = self._timers()
        self.out.append(encode(header))

    def finish(self, stop: str) -> dict[str, Any]:
        self._close()
        cpu = self.cpu
        footer = {"t": "f", "stop": stop, "n": cpu.steps, "psw": f"{cpu.psw_value():016X}",
                  "sha256": state_digest(cpu)}
        self.out.append(encode(footer))
        self.flush()
        return footer

    def flush(self) -> None:
        if self.out:
            out, self.out = self.out, []
            self.sink(out)

    # --- record boundaries -------------------------------------------------
    def _begin_interruption(self) -> None:
        steps = self.cpu.steps
        if self.kind is None or self.n != steps or self.x is not None:
            self._close()
            self.kind, self.n, self.hx, self.info = "x", steps, None, None

    def _instruction_boundary(self, n: int) -> None:
        """Instruction ``n`` begins: the open record ends.  If it is instruction
        ``n`` itself, the VMCP nullified the guest's attempt (to fill its shadow
        translation tables) and runs it again: the attempt's record is dropped and
        what the attempt changed goes into the record of the instruction as run."""
        if self.kind == "i" and self.n == n and self.x is None:
            self.kind = None
        else:
            self._close()

    def _open_instruction(self) -> None:
        """An instruction begins (the one-at-a-time path)."""
        n = self.machine.steps + 1 + self.step_offset
        self._instruction_boundary(n)
        self.kind, self.n = "i", n
        self.psw = f"{self._psw_value():016X}"
        self.hx = self.info = None
        self.slow_open = True

    def _close(self) -> None:
        """End the open record: every change since the previous one ended."""
        kind = self.kind
        if kind is None:
            return
        self.kind = None
        if kind == "i":
            head = f'{{"t":"i","n":{self.n},"p":"{self.psw}"'
            if self.hx is not None:
                head += f',"b":"{self.hx}"'
        else:
            head = f'{{"t":"x","n":{self.n}'
        parts = [head]
        cpu = self.cpu
        g = self._gpr()
        if g != self.gs:
            parts.append(self._g_part(g, self.info))
        if cpu.cr != self.cs:
            cs = self.cs
            parts.append(',"c":{' + ",".join(f'"{r}":"{v:08X}"' for r, v in enumerate(cpu.cr)
                                              if v != cs[r]) + "}")
            self.cs = list(cpu.cr)
        if cpu.prefix != self.prefix:
            parts.append(f',"px":"{cpu.prefix:08X}"')
            self.prefix = cpu.prefix
        if self.stores:
            parts.append(self._w_part())
        if self.machine.keys != self.ks:
            parts.append(self._k_part())
        if cpu.idle_us != self.idle:
            parts.append(f',"d":{cpu.idle_us - self.idle}')
            self.idle = cpu.idle_us
        if cpu.interval_ticks != self.iticks:
            value = int.from_bytes(cpu.read_real(INTERVAL_TIMER, 4), "big")
            parts.append(f',"it":"{value:08X}"')
            self.iticks = cpu.interval_ticks
        timers = self._timers()
        if timers != self.timers:
            old = self.timers
            if timers[0] != old[0]:
                # SET CLOCK by this record's instruction n, at time n plus the idle
                # time before it (a wait comes after the instruction of its record).
                tod = (timers[0] + (self.n + self.idle_open) * TOD_UNITS_PER_US) & MASK64
                parts.append(f',"sck":"{tod:016X}"')
            if timers[1:3] != old[1:3]:
                parts.append(f',"spt":"{timers[1]:016X}"')
            if timers[3] != old[3]:
                parts.append(f',"ckc":"{timers[3]:016X}"')
            self.timers = timers
        if self.x is not None:
            parts.append(self.x)
            self.x = None
        parts.append("}\n")
        self.out.append("".join(parts))

    def _g_part(self, g: list[int], info: list[Any] | None) -> str:
        gs = self.gs
        changed = [r for r in range(16) if g[r] != gs[r]]
        gs[:] = g
        if info is not None and len(changed) == 1:
            info[1] = changed[0]
        return ',"g":{' + ",".join(f'"{r}":"{g[r]:08X}"' for r in changed) + "}"

    def _w_part(self) -> str:
        """Storage written: the bytes' values now, as maximal runs of consecutive
        guest absolute addresses in ascending order."""
        stores = self.stores
        origin, end = self.origin, self.end
        runs: list[list[int]] = []
        for a, n in sorted(stores):
            lo, hi = max(a, origin), min(a + n, end)
            if lo >= hi:
                continue
            if runs and lo <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], hi)
            else:
                runs.append([lo, hi])
        stores.clear()
        if not runs:
            return ""
        mem = self.machine.mem
        return ',"w":{' + ",".join(f'"{lo - origin:06X}":"{mem[lo:hi].hex().upper()}"'
                                   for lo, hi in runs) + "}"

    def _k_part(self) -> str:
        keys = self.machine.keys
        ks = self.ks
        k0, k1 = self.k0, self.k1
        changed = [i for i, (a, b) in enumerate(zip(keys, ks, strict=True))
                   if a != b and k0 <= i < k1]
        self.ks = bytes(keys)
        if not changed:
            return ""
        return ',"k":{' + ",".join(f'"{(i - k0) << 11:06X}":"{keys[i]:02X}"'
                                   for i in changed) + "}"

    # --- the machine's methods, recording ----------------------------------
    def _decode_at(self, ia: int) -> tuple[Callable[[], Any], int]:
        m = self.machine
        self.fetched_hex = None
        try:
            entry = Machine.decode_at(m, ia)
        except OperationException:
            # The bytes were fetched; read them again through the same accesses.
            code = m.fetch(ia, _length_at(m, ia), m.key)
            self._fetched(code.hex().upper())
            raise
        hx = m.fetch(ia, entry[1], m.key).hex().upper()
        self._fetched(hx)
        # The decoded instruction is cached with what its record needs: the rest
        # of "p" after bits 0-39 (the address: the same every time it runs) with
        # "b", the register it changed last time, the address, the bytes.
        fn, length = entry
        ia_hex = f"{ia:06X}"
        cache: dict[int, Any] = m._icache
        row = m.last_row
        only_r1 = row is not None and row.mnemonic in WRITES_ONLY_R1
        r1 = int(hx[2], 16) if only_r1 else 0
        no_storage = row is not None and row.mnemonic in ACCESSES_NO_STORAGE
        cache[ia] = (fn, length, [f'{ia_hex}","b":"{hx}"', r1, ia_hex, hx, only_r1,
                                  no_storage])
        return entry

    def _fetched(self, hx: str) -> None:
        self.fetched_hex = hx
        if self.slow_open:
            self.hx = hx
            self.slow_open = False

    def _step_slow(self) -> None:
        m = self.machine
        if not m.psw_invalid_bits:
            self._open_instruction()
            self.idle_open = self.cpu.idle_us
        Machine._step_slow(m)
        self.slow_open = False
        if len(self.out) >= BATCH:
            self.flush()

    def _run_fast(self, limit: int) -> None:
        """``Machine._run_fast`` with the recording inline (keep the two alike).

        A record is ended at the bottom of the loop when the loop goes on (only
        registers, storage and keys can have changed: anything else sets
        attention), otherwise by ``_close`` where the next record begins."""
        m = self.machine
        if m.steps >= limit:
            return
        self._instruction_boundary(m.steps + self.step_offset + 1)
        self.idle_open = self.cpu.idle_us
        cache: dict[int, Any] = m._icache
        psw_high = self._psw_high()
        g = m.gpr
        gs = self.gs
        keys = m.keys
        ks = self.ks
        stores = self.stores
        append = self.out.append
        mask24 = MASK24
        origin, end = self.origin, self.end
        mem = m.mem
        hex4 = _hex4()
        reg = _REG_KEYS
        pn = m.steps + self.step_offset
        ia = m.ia
        length = 0
        ph = ""
        pinfo: Any = None
        try:
            while True:
                ia = m.ia
                pn += 1
                ph = psw_high[m.cc][m.program_mask]
                entry = cache.get(ia)
                quiet = True     # no storage access: no store, no key change
                if entry is None:
                    length = 0
                    pinfo = None
                    m.decode_at(ia)  # its fetch may set a reference bit
                    entry = cache[ia]
                    quiet = False
                fn, length, pinfo = entry
                m.ia = (ia + length) & mask24
                m.steps += 1
                fn()
                if m.attention or m.steps >= limit:
                    break
                # The instruction completed and the next one follows: its record
                # ends here.
                if not (quiet and pinfo[5]) and (stores or keys != ks):
                    wp = kp = ""
                    if stores:
                        a, n = stores[0]
                        if len(stores) == 1 and origin <= a and a + n <= end:
                            stores.clear()
                            wp = f',"w":{{"{a - origin:06X}":"{mem[a:a + n].hex().upper()}"}}'
                        else:
                            wp = self._w_part()
                    if keys != ks:
                        kp = self._k_part()
                        ks = self.ks
                    rest = f"{wp}{kp}}}\n"
                else:
                    rest = "}\n"
                r = pinfo[1]     # the register this instruction changed last time
                v = g[r]
                if pinfo[4]:
                    # An instruction that can write no register but R1: no need
                    # to compare the others.
                    if v != gs[r]:
                        gs[r] = v
                        append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]},"g":{{'
                               f'{reg[r]}{hex4[v >> 16]}{hex4[v & 0xFFFF]}"}}{rest}')
                    else:
                        append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]}{rest}')
                    continue
                if v != gs[r]:
                    old = gs[r]
                    gs[r] = v
                    if g == gs:
                        append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]},"g":{{'
                               f'{reg[r]}{hex4[v >> 16]}{hex4[v & 0xFFFF]}"}}{rest}')
                        continue
                    gs[r] = old
                    append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]}{self._g_part(g, pinfo)}'
                           f'{rest}')
                elif g == gs:
                    append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]}{rest}')
                else:
                    append(f'{{"t":"i","n":{pn},"p":"{ph}{pinfo[0]}{self._g_part(g, pinfo)}'
                           f'{rest}')
        except Interruption as exc:
            self._hand_back(pn, ph, ia, pinfo)
            m._instruction_interrupted(exc, ia, length)
        else:
            self._hand_back(pn, ph, ia, pinfo)
        if len(self.out) >= BATCH:
            self.flush()

    def _psw_high(self) -> list[list[str]]:
        """Bits 0-39 of the traced PSW as 10 hex digits, for each CC and program
        mask (``[cc][mask]``): the PSW is that and the address."""
        value = self._psw_value()
        ec = self.cpu.ec
        base = value & ~(((0x3F << 40) if ec else (0x3F << 24)) | MASK24)
        table = self._psw_tables.get((base, ec))
        if table is None:
            if len(self._psw_tables) > 1000:
                self._psw_tables.clear()
            ccs, pms = (44, 40) if ec else (28, 24)
            table = [[f"{(base | cc << ccs | pm << pms) >> 24:010X}" for pm in range(16)]
                     for cc in range(4)]
            self._psw_tables[(base, ec)] = table
        return table

    def _hand_back(self, n: int, psw_high: str, ia: int, info: list[Any] | None) -> None:
        """The loop's open record (instruction ``ia``, or, when ``info`` is None,
        one whose fetch failed) becomes the recorder's."""
        self.kind, self.n, self.info, self.x = "i", n, info, None
        if info is None:
            self.psw, self.hx = f"{psw_high}{ia:06X}", self.fetched_hex
        else:
            self.psw, self.hx = psw_high + info[2], info[3]


_REG_KEYS = [f'"{r}":"' for r in range(16)]

# Instructions whose only register operand written is R1 (bits 8-11): the RR, RX
# and RS arithmetic, logical, load, shift-single, link and count instructions.
WRITES_ONLY_R1 = frozenset({
    "LR", "AR", "SR", "NR", "OR", "XR", "ALR", "SLR", "LPR", "LNR", "LTR", "LCR",
    "BCTR", "BALR", "BASR", "L", "A", "S", "N", "O", "X", "AL", "SL", "LA", "LH", "AH",
    "SH", "MH", "IC", "BCT", "BAL", "BAS", "CVB", "SLL", "SRL", "SLA", "SRA", "ICM"})

# Instructions that access no storage operand: run from the decoded-instruction
# cache (no fetch), they store nothing and change no storage key.
ACCESSES_NO_STORAGE = frozenset({
    "LR", "AR", "SR", "NR", "OR", "XR", "ALR", "SLR", "LPR", "LNR", "LTR", "LCR", "CR",
    "CLR", "MR", "DR", "BCTR", "BCR", "BALR", "BASR", "SPM", "LA", "BCT", "BC", "BAL",
    "BAS", "SLL", "SRL", "SLA", "SRA", "SLDL", "SRDL", "SLDA", "SRDA", "BXH", "BXLE"})
_HEX4: list[str] = []


def _hex4() -> list[str]:
    """The 65,536 four-digit hex strings (a 32-bit value is two of them)."""
    if not _HEX4:
        _HEX4.extend(f"{i:04X}" for i in range(65536))
    return _HEX4


def _length_at(m: Machine, ia: int) -> int:
    from reference.arch.opcodes import instruction_length
    return instruction_length(m._peek_first_byte(ia))


def image_digest(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()


def embedded_image(image: bytes) -> dict[str, Any]:
    return {"sha256": image_digest(image), "size": len(image),
            "base64": base64.b64encode(image).decode("ascii")}


def referenced_image(image: bytes, path: str) -> dict[str, Any]:
    return {"sha256": image_digest(image), "size": len(image), "path": path}


def record(image: bytes, storage: int, mode: str, max_steps: int, sink: Sink,
           image_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``image`` from the start of ``s370 run`` (natively, or as the only guest
    of the VMCP) and hand its trace to ``sink`` in batches of lines.  Returns the
    footer."""
    from reference.session import real_storage_for, start_machine
    info = image_info if image_info is not None else embedded_image(image)
    recorder: _Recorder
    if mode == "native":
        m = start_machine(image, storage)
        recorder = _Recorder(m, m, 0, m.size, sink)
        recorder.install()
        recorder.start(_header(m, storage, mode, max_steps, info))
        stop = m.run(max_steps)
    elif mode == "vmcp":
        from reference.vm.vmcp import VMCP
        cp = VMCP(real_storage=real_storage_for(storage))
        vm = cp.create_vm(image, storage, max_steps=max_steps)
        recorder = _Recorder(vm, cp.real, vm.origin, vm.size, sink)
        recorder.install()
        recorder.start(_header(vm, storage, mode, max_steps, info))
        cp.run()
        stop = vm.stop_reason or ""
    else:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    footer = recorder.finish(stop)
    recorder.uninstall()
    return footer


def _header(cpu: CPU, storage: int, mode: str, max_steps: int,
            image: dict[str, Any]) -> dict[str, Any]:
    keys = {f"{i << 11:06X}": f"{k:02X}" for i, k in enumerate(cpu.keys) if k}
    return {"t": "h", "format": FORMAT, "version": VERSION,
            "machine": {"storage": storage, "mode": mode}, "max_steps": max_steps,
            "image": image,
            "init": {"psw": f"{cpu.psw_value():016X}", "gpr": _regs(cpu.gpr),
                     "cr": _regs(cpu.cr), "prefix": f"{cpu.prefix:08X}", "keys": keys}}


def record_lines(image: bytes, storage: int, mode: str, max_steps: int,
                 image_info: dict[str, Any] | None = None) -> list[str]:
    """The whole trace as a list of lines (for tests and small programs)."""
    lines: list[str] = []
    record(image, storage, mode, max_steps, lines.extend, image_info)
    return lines


# ---------------------------------------------------------------------------
# Files: ``.gz`` by suffix, read and written
# ---------------------------------------------------------------------------
class TraceWriter:
    """Writes a trace's lines to a file, gzip-compressed when the name ends in
    ``.gz`` (no name or time in the gzip header: equal traces give equal files).

    Compression runs in a thread of its own: zlib releases the interpreter lock
    while it compresses, so the machine keeps running meanwhile."""

    def __init__(self, path: str | Path, level: int = GZIP_LEVEL) -> None:
        self.raw = open(path, "wb")  # noqa: SIM115
        self.gz: gzip.GzipFile | None = None
        self.error: BaseException | None = None
        self.pending: list[bytes] = []
        self.pending_size = 0
        if str(path).endswith(".gz"):
            self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0,
                                    compresslevel=level)
            self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
            self.thread = threading.Thread(target=self._compress, daemon=True)
            self.thread.start()

    def _compress(self) -> None:
        assert self.gz is not None
        while True:
            data = self.queue.get()
            if data is None:
                return
            if self.error is None:
                try:
                    self.gz.write(data)
                except BaseException as e:  # reported by close()
                    self.error = e

    def write_lines(self, lines: list[str]) -> None:
        data = "".join(lines).encode("ascii")
        if self.gz is None:
            self.raw.write(data)
            return
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= 1 << 20:
            self.queue.put(b"".join(self.pending))
            self.pending, self.pending_size = [], 0

    def close(self) -> None:
        try:
            if self.gz is not None:
                if self.pending:
                    self.queue.put(b"".join(self.pending))
                self.queue.put(None)
                self.thread.join()
                if self.error is None:
                    self.gz.close()
        finally:
            self.raw.close()
        if self.error is not None:
            raise self.error


def write_trace(path: str | Path, image: bytes, storage: int, mode: str, max_steps: int,
                image_info: dict[str, Any] | None = None,
                level: int = GZIP_LEVEL) -> dict[str, Any]:
    """Record a trace into the file ``path`` (``.gz``: compressed).  Returns the footer."""
    writer = TraceWriter(path, level)
    try:
        return record(image, storage, mode, max_steps, writer.write_lines, image_info)
    finally:
        writer.close()


class TraceReader:
    """The lines of a trace file, numbered, with the header checked.

    Errors of the file itself (unreadable, not gzip, truncated gzip, not ASCII, a
    line longer than ``MAX_LINE``) become ``TraceError`` naming the file and the
    line.  The file is read a block at a time and a read returns at most a block's
    lines beyond the first, so memory stays bounded whatever the file holds."""

    BLOCK = 1 << 20

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.line = 0                    # lines handed out
        self._ready: list[str] = []      # lines read from the file, not yet handed out
        self._start = 0                  # the first of them not handed out
        self._seen = 0                   # lines read from the file
        self._tail: list[bytes] = []     # the start of a line not yet complete
        self._tail_size = 0
        self._eof = False
        try:
            raw: IO[bytes] = open(path, "rb")  # noqa: SIM115
        except OSError as e:
            raise TraceError(self.path, None, e.strerror or str(e)) from None
        except ValueError as e:     # a name the system cannot take (a NUL byte)
            raise TraceError(self.path, None, str(e)) from None
        self._raw = raw
        self._stream: Any = gzip.GzipFile(fileobj=raw, mode="rb") \
            if self.path.endswith(".gz") else raw
        try:
            first = self.read(1)
            if not first:
                raise TraceError(self.path, 1, "empty file: no header")
            self.header_line = first[0]
            self.header = parse_line(self.path, 1, self.header_line, header=True)
        except BaseException:
            self.close()
            raise

    def read(self, n: int) -> list[str]:
        """Up to ``n`` more lines: fewer at the end of the file or of what was read
        from it (an empty list only at the end)."""
        if self._start >= len(self._ready) and not self._fill():
            return []
        lines = self._ready[self._start:self._start + n]
        self._start += len(lines)
        self.line += len(lines)
        return lines

    def _fill(self) -> bool:
        """Read the next block's complete lines; False at the end of the file."""
        ready: list[str] = []
        while not ready and not self._eof:
            try:
                block = self._stream.read(self.BLOCK)
            except (OSError, EOFError, ValueError, zlib.error) as e:
                raise TraceError(self.path, self._seen + 1,
                                 f"unreadable: {_reason(e)}") from None
            if not block:
                self._eof = True
                data = b"".join(self._tail)      # a last line without its newline
                self._tail, self._tail_size = [], 0
            else:
                cut = block.rfind(b"\n") + 1
                first = self._tail_size + (block.find(b"\n") + 1 or len(block))
                if first > MAX_LINE:
                    raise TraceError(self.path, self._seen + 1,
                                     f"a line longer than {MAX_LINE} characters")
                if not cut:
                    self._tail.append(block)
                    self._tail_size += len(block)
                    continue
                data = b"".join([*self._tail, block[:cut]])
                self._tail, self._tail_size = [block[cut:]], len(block) - cut
            if not data:
                continue
            try:
                text = data.decode("ascii")
            except UnicodeDecodeError as e:
                line = self._seen + data.count(b"\n", 0, e.start) + 1
                column = e.start - data.rfind(b"\n", 0, e.start)
                raise TraceError(self.path, line, f"not ASCII text (byte {column} of the "
                                                  f"line is X'{data[e.start]:02X}')") from None
            ready = text.split("\n")
            last = ready.pop()          # "" after a final newline, else the last line
            ready = [line + "\n" for line in ready]
            if last:
                ready.append(last)
        self._ready, self._start = ready, 0
        self._seen += len(ready)
        return bool(ready)

    def unread(self, count: int) -> None:
        """Give back the last ``count`` lines of the last read: the next read returns
        them first."""
        assert count <= self._start
        self._start -= count
        self.line -= count

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._raw.close()

    def __enter__(self) -> TraceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reason(e: BaseException) -> str:
    if isinstance(e, EOFError):
        return "the compressed stream ends early (truncated)"
    return str(e).splitlines()[0] if str(e) else type(e).__name__


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
        embedded = _embedded(img)
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
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
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


# ---------------------------------------------------------------------------
# Divergences: diff and verify
# ---------------------------------------------------------------------------
@dataclass
class Divergence:
    """The first place two traces part."""

    step: int | None
    field: str
    a: str
    b: str
    line: int
    context: list[str] = dc_field(default_factory=list)   # the records before, from A
    record_a: str = ""
    record_b: str = ""
    instruction: str = ""

    def report(self, name_a: str, name_b: str) -> str:
        where = f"step {self.step}" if self.step is not None else "the header"
        out = [f"first divergence at {where} (line {self.line}): {self.field}",
               f"  {name_a}: {self.a}", f"  {name_b}: {self.b}"]
        if self.instruction:
            out.append(f"  instruction {self.instruction}")
        if self.context:
            out.append("  context:")
            out += [f"    {c.rstrip()}" for c in self.context]
        out.append(f"  {name_a}> {self.record_a.rstrip()}")
        out.append(f"  {name_b}> {self.record_b.rstrip()}")
        return "\n".join(out)


def _show(v: object) -> str:
    if v is None:
        return "(absent)"
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def first_field_difference(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, str, str]:
    """(field, value in a, value in b) of the first difference of two records, in
    the format's key order; maps and the interruption compare entry by entry."""
    order = list(dict.fromkeys([*RECORD_KEYS, *HEADER_KEYS, *FOOTER_KEYS, *a, *b]))
    for k in order:
        x, y = a.get(k), b.get(k)
        if x == y:
            continue
        if isinstance(x, dict) and isinstance(y, dict):
            for sub in list(dict.fromkeys([*x, *y])):
                if x.get(sub) != y.get(sub):
                    return f"{k}.{sub}", _show(x.get(sub)), _show(y.get(sub))
        if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y, strict=True)):
                if p != q:
                    return f"{k}[{i}]", _show(p), _show(q)
        return k, _show(x), _show(y)
    return "(text)", "", ""


def _instruction_text(rec: dict[str, Any]) -> str:
    if "b" not in rec or "p" not in rec:
        if rec.get("t") == "i":
            return f"{int(rec['p'], 16) & MASK24:06X}: (not fetched)"
        return ""
    from reference.asm.disassembler import format_instruction
    code = bytes.fromhex(rec["b"])
    return f"{int(rec['p'], 16) & MASK24:06X}: {format_instruction(code)}  ({rec['b']})"


def _divergence(path_a: str, line: int, text_a: str, path_b: str, text_b: str,
                context: list[str], line_b: int | None = None) -> Divergence:
    a = parse_line(path_a, line, text_a)
    b = parse_line(path_b, line if line_b is None else line_b, text_b)
    name, x, y = first_field_difference(a, b)
    if a.get("t") != b.get("t"):
        name, x, y = "record", f'{a.get("t")} record', f'{b.get("t")} record'
    step = a.get("n") if isinstance(a.get("n"), int) else None
    instruction = _instruction_text(a) or _instruction_text(b)
    return Divergence(step, name, x, y, line, context[-3:], text_a, text_b, instruction)


_SAME_RUN_FIELDS = ("format", "version", "max_steps", "init")


def _compare_headers(a: dict[str, Any], b: dict[str, Any], text_a: str,
                     text_b: str) -> Divergence | None:
    """Headers agree when the run is the same: image digest, storage, step limit and
    initial state (the mode and where the image is found may differ)."""
    pairs = [(f"image.{k}", a["image"][k], b["image"][k]) for k in ("sha256", "size")]
    pairs.append(("machine.storage", a["machine"]["storage"], b["machine"]["storage"]))
    pairs += [(k, a[k], b[k]) for k in _SAME_RUN_FIELDS]
    for name, x, y in pairs:
        if x != y:
            if isinstance(x, dict) and isinstance(y, dict):
                sub, sx, sy = first_field_difference(x, y)
                return Divergence(None, f"{name}.{sub}", sx, sy, 1, [], text_a, text_b)
            return Divergence(None, name, _show(x), _show(y), 1, [], text_a, text_b)
    return None


def _footer_check(path: str, line: int, last: str | None) -> None:
    if last is None:
        raise TraceError(path, line + 1, "truncated: no records and no footer")
    obj = parse_line(path, line, last)
    if obj.get("t") != "f":
        raise TraceError(path, line + 1, "truncated: the trace ends without a footer")


_NOT_BRACES = bytes(sorted(set(range(256)) - set(b"{}")))


def _compact_records(text: str, count: int) -> bool:
    """Whether ``text``, ``count`` whole lines, is ``count`` record lines in compact
    form as far as a scan without parsing shows: each a JSON object that begins with
    its "t", no array, objects at most two deep, no white space."""
    if not (text.startswith('{"t":"') and text.count('\n{"t":"') == count - 1
            and text.count("}\n") == count and " " not in text and "\t" not in text
            and "\r" not in text and "[" not in text):
        return False
    # The braces alone, without two levels of innermost pairs: nothing is left.
    braces = text.encode("ascii", "replace").translate(None, _NOT_BRACES)
    return not braces.replace(b"{}", b"").replace(b"{}", b"")


def _unshaped(lines: list[str]) -> list[int]:
    """The lines that ``diff`` must parse although the other trace has them too:
    those the scan of ``_compact_records`` does not pass (a footer whose stop reason
    holds a space, and lines that are no records)."""
    if _compact_records("".join(lines), len(lines)):
        return []
    return [i for i, line in enumerate(lines) if not _compact_records(line, 1)]


@dataclass
class DiffResult:
    divergence: Divergence | None
    records: int
    modes: tuple[str, str]


def diff_files(path_a: str | Path, path_b: str | Path, chunk: int = 4096) -> DiffResult:
    """Compare two traces line by line; the first divergence, if any.  Raises
    ``TraceError`` for a malformed, truncated or wrong-version trace."""
    with TraceReader(path_a) as ra, TraceReader(path_b) as rb:
        modes = (ra.header["machine"]["mode"], rb.header["machine"]["mode"])
        d = _compare_headers(ra.header, rb.header, ra.header_line, rb.header_line)
        if d is not None:
            return DiffResult(d, 0, modes)
        prev_a: list[str] = []
        last_a: str | None = None
        last_b: str | None = None
        records = 0
        while True:
            ca, cb = ra.read(chunk), rb.read(chunk)
            k = min(len(ca), len(cb))
            if k and len(ca) != len(cb):   # a read stopped at the end of a block
                ra.unread(len(ca) - k)
                rb.unread(len(cb) - k)
                ca, cb = ca[:k], cb[:k]
            for r, c in ((ra, ca), (rb, cb)):
                start = r.line - len(c)
                for i in _unshaped(c):
                    parse_line(r.path, start + i + 1, c[i])
            if ca == cb:
                if not ca:
                    break
                records += len(ca)
                last_a, last_b = ca[-1], cb[-1]
                prev_a = (prev_a + ca[-3:])[-3:]
                continue
            i = next((i for i, (x, y) in enumerate(zip(ca, cb, strict=False)) if x != y),
                     min(len(ca), len(cb)))
            line = ra.line - len(ca) + i + 1
            if i >= len(ca) or i >= len(cb):
                # One ends here: it must end with a footer, and then the other has more.
                short, longer = (ra, rb) if i >= len(ca) else (rb, ra)
                last_short = (ca if short is ra else cb)[i - 1] if i else \
                    (last_a if short is ra else last_b)
                _footer_check(short.path, line - 1, last_short)
                extra = (cb if short is ra else ca)[i]
                parse_line(longer.path, line, extra)
                raise TraceError(longer.path, line, "records after the footer")
            context = (prev_a + ca[:i])[-3:]
            return DiffResult(_divergence(ra.path, line, ca[i], rb.path, cb[i], context),
                              records + i, modes)
        _footer_check(ra.path, ra.line, last_a)
        _footer_check(rb.path, rb.line, last_b)
        return DiffResult(None, records, modes)


# ---------------------------------------------------------------------------
# Verify: replay the reference from the header
# ---------------------------------------------------------------------------
class _Diverged(Exception):
    def __init__(self, divergence: Divergence) -> None:
        super().__init__(divergence.field)
        self.divergence = divergence


def resolve_image(reader: TraceReader, image_path: str | None = None) -> bytes:
    """The program image a trace names: at ``image_path`` when given (which must be
    the header's image, also when the trace embeds it), else embedded, at the path
    in the header (relative to the trace's directory), or ``<sha256>.bin`` beside
    the trace; its SHA-256 and size must be the header's."""
    info = reader.header["image"]
    digest = info["sha256"]
    if image_path is not None:
        image = load_image(image_path)
        if image_digest(image) != digest:
            what = "embeds" if "base64" in info else "names"
            raise TraceError(reader.path, 1, f"--image {image_path} is another image than "
                                             f"the one the trace {what} (sha256 differs)")
        _check_image_size(reader, image)
        return image
    if "base64" in info:
        embedded = _embedded(info)
        if isinstance(embedded, str):
            raise TraceError(reader.path, 1, embedded)
        return embedded
    here = Path(reader.path).parent
    candidates = [here / info["path"], Path(info["path"]), here / f"{digest}.bin"]
    tried = []
    for p in candidates:
        try:
            found = p.is_file()
        except (OSError, ValueError):   # a name the system cannot take
            found = False
        if not found:
            tried.append(str(p))
            continue
        image = load_image(str(p))
        if image_digest(image) == digest:
            _check_image_size(reader, image)
            return image
        tried.append(f"{p} (another image: sha256 differs)")
    raise TraceError(reader.path, 1, f"the program image is not available (tried "
                                     f"{', '.join(tried)}); give it with --image")


def _embedded(info: dict[str, Any]) -> bytes | str:
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


def _check_image_size(reader: TraceReader, image: bytes) -> None:
    size = reader.header["image"]["size"]
    if len(image) != size:
        raise TraceError(reader.path, 1, f'"image.size" is {size}, but the image with its '
                                         f"sha256 has {len(image)} bytes")


def load_image(path: str) -> bytes:
    from reference.session import UsageError, load_program
    try:
        return load_program(path)
    except UsageError as e:
        raise TraceError(path, None, str(e).split(": ", 1)[-1]) from None


@dataclass
class VerifyResult:
    divergence: Divergence | None
    records: int


class _Replay:
    """The sink of a replay: each batch of lines the reference records is compared
    with as many lines of the trace."""

    def __init__(self, reader: TraceReader) -> None:
        self.reader = reader
        self.records = 0
        self.previous: list[str] = []
        self.header_seen = False

    def __call__(self, lines: list[str]) -> None:
        reader = self.reader
        if not self.header_seen:
            self.header_seen = True
            # A: the trace, B: the replay (as the report names them)
            d = _compare_headers(reader.header, json.loads(lines[0]), reader.header_line,
                                 lines[0])
            if d is not None:
                raise _Diverged(d)
            lines = lines[1:]
        done = 0
        while done < len(lines):
            got = reader.read(len(lines) - done)
            want = lines[done:done + len(got)]
            if got == want and got:
                self.records += len(got)
                self.previous = (self.previous + got[-3:])[-3:]
                done += len(got)
                continue
            i = next((i for i, (x, y) in enumerate(zip(got, want, strict=True)) if x != y),
                     len(got))
            line = reader.line - len(got) + i + 1
            if i >= len(got):
                raise TraceError(reader.path, line, "truncated: the trace ends before the "
                                                    "replay does")
            context = (self.previous + got[:i])[-3:]
            self.records += i
            raise _Diverged(_divergence(reader.path, line, got[i], "replay", want[i],
                                        context, line))


def verify_file(path: str | Path, image_path: str | None = None) -> VerifyResult:
    """Replay the reference from the trace's header and compare every record."""
    with TraceReader(path) as reader:
        header = reader.header
        image = resolve_image(reader, image_path)
        storage = header["machine"]["storage"]
        if len(image) > storage:
            raise TraceError(reader.path, 1, "the image is larger than storage")
        replay = _Replay(reader)
        from reference.machine.cpu import StorageSizeError
        from reference.vm.vmcp import VMCPError
        try:
            record(image, storage, header["machine"]["mode"], header["max_steps"], replay,
                   header["image"])
        except _Diverged as e:
            return VerifyResult(e.divergence, replay.records)
        except (StorageSizeError, VMCPError) as e:
            raise TraceError(reader.path, 1, f"the run the header describes is not "
                                             f"possible: {e}") from None
        more = reader.read(1)
        if more:
            parse_line(reader.path, reader.line, more[0])
            raise TraceError(reader.path, reader.line, "records after the footer")
        return VerifyResult(None, replay.records)


# ---------------------------------------------------------------------------
# Golden traces of the conformance corpus
# ---------------------------------------------------------------------------
GOLDEN_LEVEL = 9


@dataclass(frozen=True)
class GoldenCase:
    name: str          # the program's corpus name, e.g. "general/sieve"
    mode: str
    source: Path
    path: Path         # the trace file
    storage: int
    max_steps: int


def golden_cases(root: Path = GOLDEN) -> list[GoldenCase]:
    """Every corpus program with expectations, in every mode its expectations
    allow, except programs that need a facility the reference does not have."""
    from conformance.corpus import programs
    from conformance.implementations import Reference
    cases = []
    for p in programs():
        exp = p.expectations
        if any(f not in Reference.facilities for f in exp.requires):
            continue
        for mode in exp.modes:
            cases.append(GoldenCase(p.name, mode, p.source,
                                    root / f"{p.name}.{mode}.jsonl.gz", exp.storage,
                                    exp.max_steps))
    return cases


def golden_image_info(case: GoldenCase, image: bytes) -> dict[str, Any]:
    rel = os.path.relpath(case.source, case.path.parent).replace(os.sep, "/")
    return referenced_image(image, rel)


def regenerate(root: Path = GOLDEN, log: Callable[[str], None] = print) -> list[Path]:
    """Rewrite every golden trace; remove those of programs no longer in the corpus."""
    from reference.session import load_program
    cases = golden_cases(root)
    written = []
    for case in cases:
        image = load_program(str(case.source))
        case.path.parent.mkdir(parents=True, exist_ok=True)
        write_trace(case.path, image, case.storage, case.mode, case.max_steps,
                    golden_image_info(case, image), level=GOLDEN_LEVEL)
        written.append(case.path)
    keep = set(written)
    for old in root.rglob("*.jsonl.gz"):
        if old not in keep:
            old.unlink()
            log(f"removed {old}")
    total = sum(p.stat().st_size for p in written)
    log(f"{len(written)} golden traces in {root}, {total} bytes")
    return written


# ---------------------------------------------------------------------------
# Measuring: recording against a plain run; verify and diff in records per second
# ---------------------------------------------------------------------------
STORE_LOOP_SOURCE = """\
STORES   START 0
         USING STORES,0
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'
         ORG   STORES+X'200'
BEGIN    LA    2,3
         L     6,COUNT
LOOP     L     4,WORK
         AR    4,2
         ST    4,WORK
         STC   4,BYTE
         MVC   COPY(8),WORK
         BCT   6,LOOP
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
WORK     DC    2F'0'
BYTE     DC    X'00'
COPY     DS    XL8
         END
"""


def bench_workloads(steps: int) -> list[tuple[str, bytes]]:
    """(name, image): the register loop of ``s370 bench`` (seven instructions an
    iteration, one register written by each) and a loop of loads and stores (six
    an iteration, four of them stores)."""
    from reference.asm.assembler import assemble
    from reference.cli.bench import bench_image
    return [("register loop", bench_image(max(1, steps // 7))),
            ("storage loop", assemble(STORE_LOOP_SOURCE.format(count=max(1, steps // 6)),
                                      "<stores>").image)]


def run_trace_bench(steps: int, repeats: int = 3, storage: int = 1 << 20,
                    out: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Side by side in one run, best of ``repeats`` interleaved: a plain run (start
    and run, as ``s370 run``), recording to ``.jsonl`` and to ``.jsonl.gz`` (start,
    run, write), ``verify`` of each, and ``diff`` of the two files."""
    import tempfile
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, image in bench_workloads(steps):
            row = _bench_one(image, storage, 10 * steps + 100, repeats, Path(tmp))
            row["workload"] = name
            results.append(row)
            records = row["records"]
            out(f"{name}: {records} records ({row['bytes'] / records:.0f} bytes each, "
                f"{row['gz_bytes'] / records:.1f} compressed)")
            out(f"  plain run      {row['plain']:7.3f} s")
            for key in ("record", "record .gz"):
                out(f"  {key:<14} {row[key]:7.3f} s  {row[key] / row['plain']:.2f}x the "
                    f"plain run")
            for key in ("verify", "verify .gz", "diff"):
                out(f"  {key:<14} {row[key]:7.3f} s  {records / row[key]:,.0f} records/s")
    return results


def _bench_one(image: bytes, storage: int, max_steps: int, repeats: int,
               tmp: Path) -> dict[str, Any]:
    import time

    from reference.session import start_machine
    plain_path, gz_path = tmp / "t.jsonl", tmp / "t.jsonl.gz"
    tasks: list[tuple[str, Callable[[], Any]]] = [
        ("plain", lambda: start_machine(image, storage).run(max_steps)),
        ("record", lambda: write_trace(plain_path, image, storage, "native", max_steps)),
        ("record .gz", lambda: write_trace(gz_path, image, storage, "native", max_steps)),
        ("verify", lambda: verify_file(plain_path)),
        ("verify .gz", lambda: verify_file(gz_path)),
        ("diff", lambda: diff_files(plain_path, gz_path)),
    ]
    best: dict[str, Any] = {}
    for _ in range(repeats):
        for key, task in tasks:
            t0 = time.perf_counter()
            value = task()
            best[key] = min(best.get(key, float("inf")), time.perf_counter() - t0)
            if key in ("verify", "diff"):
                assert value.divergence is None
                best["records"] = value.records
    best["bytes"], best["gz_bytes"] = plain_path.stat().st_size, gz_path.stat().st_size
    return best


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["regenerate"]:
        print("usage: python -m reference.trace regenerate", file=sys.stderr)
        return 2
    regenerate()
    return 0


def iter_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Every record of a trace after the header, parsed and checked."""
    with TraceReader(path) as r:
        while True:
            lines = r.read(BATCH)
            if not lines:
                return
            start = r.line - len(lines)
            for i, line in enumerate(lines):
                yield parse_line(r.path, start + i + 1, line)


if __name__ == "__main__":
    sys.exit(main())
