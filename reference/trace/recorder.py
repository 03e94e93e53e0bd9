"""Recording a run as a trace: ``record``, ``record_lines``, ``write_trace``.

Theory of operation
-------------------
*Record spans.*  A record begins where its instruction begins (or, for an
interruption record, where its interruption begins) and ends where the next record
begins; it holds every change of architectural state in that span: registers,
floating-point registers, control registers, prefix, storage bytes written,
storage keys (reference and change bits included), the wait, the interval-timer
update, timer settings, and the interruption taken.  An instruction record holds
at most one interruption: the one that ends the instruction or, if it completed,
the first one taken after it; each further interruption taken before the next
instruction (an external interruption after a program interruption, the PER
interruption after an SVC, the early exception of an invalid PSW) opens an
interruption record.

*Recording with the machine's own loop.*  The recorder is a ``RunHooks``
(``reference.machine.cpu``) attached to the machine that executes and to the CPU
it traces.  Hooks that ask for one instruction at a time make the machine run
about thirteen times slower; the recorder does not ask, and the machine's fast
loop tells it what it needs: ``decoded`` caches with each decoded instruction the
text of its record's address and bytes, ``completed`` writes the record of an
instruction that completed when the loop goes on (only registers, storage and
keys can have changed: registers compared as lists, storage keys as bytes, stores
collected by ``CPU.store_watcher``; the floating-point registers only after a
floating-point instruction or EXECUTE, so that integer programs pay one test of a
flag on their general path), and ``loop_ends`` leaves the record of the
loop's last instruction open, for whatever comes before the next record to go
into it.  One at a time (PER, an invalid PSW) ``step_begins`` opens the record.
Every interruption of the traced CPU tells the recorder where it begins (a record
opens, unless it is the first interruption since its instruction) and what its
PSW swap was.

Under the VMCP the traced CPU is the guest's ``VirtualMachine`` and the machine
executing is the real one: guest instructions are seen where the real machine
executes them, simulations and reflections where the VMCP applies them to the
virtual state, and the guest's state is read where it lives at that moment (its
registers and PSW fields in the real machine during its run, in the
``VirtualMachine`` between runs).  Stores are those the real machine's watcher
sees inside the guest's frames, at guest absolute addresses.  An instruction the
VMCP nullified and runs again (a shadow-table fault of a guest with DAT on) is one
record, as natively.  A guest's SIE is one record too: the VMCP runs the guest's
guest on the real machine with the recorder's hooks suspended
(``CPU.hooks_suspended``), so the real machine's own SIE is not the guest's, and
the record of the guest's SIE gets everything its guest changed and the guest's
step count when it ends (``_sie_steps``).  While it records, the recorder sets the real machine's
assist (``Machine.assist``) aside: the VMCP simulates every privileged
instruction after a real interruption, with the same result, and the guest's
state is where the recorder reads it.

Nothing the recorder does changes what the machine does: it only reads state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reference.arch import opcodes
from reference.arch.interrupts import Interruption
from reference.arch.lowcore import INTERVAL_TIMER, MASK24, MASK64, TOD_UNITS_PER_US
from reference.arch.psw import PSW
from reference.machine.cpu import CPU, InterruptionRecord, RunHooks
from reference.machine.machine import Machine
from reference.session import real_storage_for, start_machine
from reference.trace.files import BATCH, GZIP_LEVEL, TraceWriter, embedded_image
from reference.trace.format import (
    FORMAT,
    MODES,
    VERSION,
    encode,
    hex_registers,
    state_digest,
)
from reference.vm.vmcp import VMCP, default_execution

Sink = Callable[[list[str]], None]

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

_REG_KEYS = [f'"{r}":"' for r in range(16)]
_HEX4: list[str] = []    # the 65,536 four-digit hex strings, once a recording begins


class _Recorder(RunHooks):
    """Records one run of ``cpu`` (the traced architectural state) executed by
    ``machine`` (the same object natively, the real machine under the VMCP).

    The record being built (``kind`` 'i' or 'x', or None between records) lives in
    the attributes below.  What ``decoded`` returns for an instruction (``info``)
    is a list: the rest of "p" after bits 0-39 (the address: the same every time
    it runs) with "b"; the register it changed last time; the address; the
    bytes; whether it writes no register but R1; whether the fast loop can leave
    storage and keys alone after it; whether it accesses no storage; whether it can
    write a floating-point register (a floating-point instruction, or EXECUTE,
    whose target may be one)."""

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
        self.slow_open = False       # one at a time: the open record waits for its bytes
        self.fetched: tuple[int, int, str] | None = None   # (ia, step, bytes) last decoded
        # The fast loop's PSW bits 0-39 (10 hex digits) of the instruction executing.
        self._loop_psw_high: Callable[[], str] = lambda: ""
        self.inside = False          # within the executing machine's run
        self.step_offset = 0         # traced steps minus the machine's during that run
        self.guest = cpu is not machine
        self.idle_open = 0           # idle time when the open instruction began
        self.assist: Callable[[int, int], bool] | None = None
        self._psw_tables: dict[tuple[int, bool], list[list[str]]] = {}

    # --- installing --------------------------------------------------------
    def install(self) -> None:
        m = self.machine
        stores = self.stores

        def watch(a: int, n: int) -> None:
            stores.append((a, n))

        m.store_watcher = watch
        self.assist, m.assist = m.assist, None
        if not _HEX4:
            _HEX4.extend(f"{i:04X}" for i in range(65536))
        m.attach_hooks(self)
        if self.guest:
            self.cpu.attach_hooks(self)

    def uninstall(self) -> None:
        m = self.machine
        m.detach_hooks(self)     # its decoded instructions carry the recorder's info
        if self.guest:
            self.cpu.detach_hooks(self)
        m.store_watcher = None
        m.assist = self.assist

    # --- the traced state ----------------------------------------------------
    def _gpr(self) -> list[int]:
        return self.machine.gpr if self.inside else self.cpu.gpr

    def _fpr(self) -> list[int]:
        return self.machine.fpr if self.inside else self.cpu.fpr

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
        # The floating-point registers are zero at the start (clear reset); the
        # header has none, so a register that was not would be a change of the
        # first record.
        self.fs = [0] * 4
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
    def _sie_steps(self) -> None:
        """Under the VMCP, a guest's SIE is one instruction whose guest's
        instructions are the guest's too (reference.vm.nested): its record's
        number is the guest's step count when the SIE ends, as natively."""
        if self.guest and self.kind == "i" and not self.inside \
                and self.cpu.steps > self.n and (self.hx or "").startswith("B214"):
            self.n = self.cpu.steps

    def _begin_interruption(self) -> None:
        self._sie_steps()
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
        self._sie_steps()
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
        f = self._fpr()
        if f != self.fs:
            parts.append(self._f_part(f))
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

    def _f_part(self, f: list[int]) -> str:
        """The floating-point registers written (0, 2, 4, 6: ``f[r >> 1]``)."""
        fs = self.fs
        changed = [i for i in range(4) if f[i] != fs[i]]
        fs[:] = f
        return ',"f":{' + ",".join(f'"{2 * i}":"{f[i]:016X}"' for i in changed) + "}"

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
        changed = [i for i, (a, b) in enumerate(zip(keys, ks))
                   if a != b and k0 <= i < k1]
        self.ks = bytes(keys)
        if not changed:
            return ""
        return ',"k":{' + ",".join(f'"{(i - k0) << 11:06X}":"{keys[i]:02X}"'
                                   for i in changed) + "}"

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

    # --- the hooks of the machine executing (RunHooks) ------------------------
    def run_begins(self) -> None:
        """The executing machine's run begins: under the VMCP the guest's step
        count follows the real one, and the guest's registers and PSW are the
        real machine's until it ends."""
        self._sie_steps()
        self.step_offset = self.cpu.steps - self.machine.steps
        self.inside = True

    def run_ends(self) -> None:
        self.inside = False

    def decoded(self, ia: int, code: bytes, row: opcodes.Instruction | None) -> Any:
        hx = code.hex().upper()
        self.fetched = (ia, self.machine.steps, hx)
        if self.slow_open:
            self.hx = hx
            self.slow_open = False
        if row is None:
            return None
        ia_hex = f"{ia:06X}"
        only_r1 = row.mnemonic in WRITES_ONLY_R1
        # Storage and keys are looked at after its first completion whatever it
        # is: its fetch may have set a reference bit.
        return [f'{ia_hex}","b":"{hx}"', int(hx[2], 16) if only_r1 else 0, ia_hex, hx,
                only_r1, False, row.mnemonic in ACCESSES_NO_STORAGE,
                row.floating_point or row.mnemonic == "EX"]

    def loop_begins(self) -> Callable[[Any], None]:
        """The fast loop begins: the open record ends.  Returns what the loop calls
        after each instruction that completed when the loop goes on, with what
        the loop does not change in its variables."""
        m = self.machine
        if len(self.out) >= BATCH:
            self.flush()
        self._instruction_boundary(m.steps + self.step_offset + 1)
        self.idle_open = self.cpu.idle_us
        psw_high = self._psw_high()
        ph = psw_high[m.cc][m.program_mask]    # of the instruction executing
        g, gs, keys, stores = m.gpr, self.gs, m.keys, self.stores
        fpr, fs = m.fpr, self.fs
        append = self.out.append
        origin, end, mem = self.origin, self.end, m.mem
        offset = self.step_offset
        hex4, reg = _HEX4, _REG_KEYS

        def completed(info: Any) -> None:
            """Its record ends here.  Only registers, storage and keys can have
            changed (anything else ends the loop), storage and keys only by an
            instruction that accesses storage or was decoded now."""
            nonlocal ph
            p = ph
            ph = psw_high[m.cc][m.program_mask]
            rest = "}\n"
            if not info[5]:
                info[5] = info[6]
                if stores or keys != self.ks:
                    wp = kp = ""
                    if stores:
                        a, n = stores[0]
                        if len(stores) == 1 and origin <= a and a + n <= end:
                            stores.clear()
                            wp = f',"w":{{"{a - origin:06X}":"{mem[a:a + n].hex().upper()}"}}'
                        else:
                            wp = self._w_part()
                    if keys != self.ks:
                        kp = self._k_part()
                    rest = f"{wp}{kp}}}\n"
            r = info[1]     # the register this instruction changed last time
            v = g[r]
            if info[4]:
                # An instruction that can write no register but R1: no need to
                # compare the others.
                if v != gs[r]:
                    gs[r] = v
                    append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]},"g":{{'
                           f'{reg[r]}{hex4[v >> 16]}{hex4[v & 0xFFFF]}"}}{rest}')
                else:
                    append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]}{rest}')
                return
            if info[7]:
                # A floating-point instruction or EXECUTE: the only ones that can
                # write the floating-point registers (the general registers are
                # compared as after any other instruction).
                gp = self._g_part(g, info) if g != gs else ""
                fp = self._f_part(fpr) if fpr != fs else ""
                append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]}{gp}{fp}{rest}')
                return
            if v != gs[r]:
                old = gs[r]
                gs[r] = v
                if g == gs:
                    append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]},"g":{{'
                           f'{reg[r]}{hex4[v >> 16]}{hex4[v & 0xFFFF]}"}}{rest}')
                    return
                gs[r] = old
                append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]}'
                       f'{self._g_part(g, info)}{rest}')
            elif g == gs:
                append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]}{rest}')
            else:
                append(f'{{"t":"i","n":{m.steps + offset},"p":"{p}{info[0]}'
                       f'{self._g_part(g, info)}{rest}')

        def executing() -> str:
            return ph
        self._loop_psw_high = executing
        return completed

    def loop_ends(self, ia: int, info: Any) -> None:
        """The fast loop's last instruction (at ``ia``; ``info`` None: it could not
        be fetched or decoded, and is not counted yet) keeps its record open."""
        m = self.machine
        ph = self._loop_psw_high()
        self.kind, self.info, self.x = "i", info, None
        if info is None:
            self.n = m.steps + self.step_offset + 1
            fetched = self.fetched
            self.psw = f"{ph}{ia:06X}"
            self.hx = fetched[2] if fetched is not None and fetched[:2] == (ia, m.steps) \
                else None
        else:
            self.n = m.steps + self.step_offset
            self.psw, self.hx = ph + info[2], info[3]

    def step_begins(self) -> None:
        if len(self.out) >= BATCH:
            self.flush()
        self._open_instruction()
        self.idle_open = self.cpu.idle_us

    def step_executed(self, row: opcodes.Instruction | None,
                      exc: Interruption | None) -> None:
        self.slow_open = False

    # --- the hooks of the traced CPU's interruptions ---------------------------
    def interruption_begins(self, cpu: CPU) -> None:
        if cpu is self.cpu:
            self._begin_interruption()

    def interruption_taken(self, cpu: CPU, record: InterruptionRecord) -> None:
        """What the record says about the interruption: its PSW swap."""
        if cpu is self.cpu:
            r = record
            self.x = (f',"x":{{"k":"{r.kind}","c":"{r.code:04X}","l":{r.ilc},'
                      f'"old":"{r.old_psw:016X}","new":"{r.new_psw:016X}"}}')


def record(image: bytes, storage: int, mode: str, max_steps: int, sink: Sink,
           image_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``image`` from the start of ``s370 run`` (natively, or as the only guest
    of the VMCP) and hand its trace to ``sink`` in batches of lines.  Returns the
    footer."""
    info = image_info if image_info is not None else embedded_image(image)
    if mode == "native":
        m = start_machine(image, storage)
        recorder = _Recorder(m, m, 0, m.size, sink)
        recorder.install()
        try:
            recorder.start(_header(m, storage, mode, max_steps, info))
            return recorder.finish(m.run(max_steps))
        finally:
            recorder.uninstall()
    if mode == "vmcp":
        # The recorder follows the guest's instructions on the real machine's run:
        # interpretive execution runs them inside one SIE, where its hooks do not
        # reach, so a trace under the VMCP is recorded by trap-and-simulate (with
        # the assist, unless trap-and-simulate alone is the VMCP's default).
        execution = "trap" if default_execution() == "trap" else "assist"
        cp = VMCP(real_storage=real_storage_for(storage), execution=execution)
        vm = cp.create_vm(image, storage, max_steps=max_steps)
        recorder = _Recorder(vm, cp.real, vm.origin, vm.size, sink)
        recorder.install()
        try:
            recorder.start(_header(vm, storage, mode, max_steps, info))
            cp.run()
            return recorder.finish(vm.stop_reason or "")
        finally:
            recorder.uninstall()
    raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")


def _header(cpu: CPU, storage: int, mode: str, max_steps: int,
            image: dict[str, Any]) -> dict[str, Any]:
    keys = {f"{i << 11:06X}": f"{k:02X}" for i, k in enumerate(cpu.keys) if k}
    return {"t": "h", "format": FORMAT, "version": VERSION,
            "machine": {"storage": storage, "mode": mode}, "max_steps": max_steps,
            "image": image,
            "init": {"psw": f"{cpu.psw_value():016X}", "gpr": hex_registers(cpu.gpr),
                     "cr": hex_registers(cpu.cr), "prefix": f"{cpu.prefix:08X}",
                     "keys": keys}}


def record_lines(image: bytes, storage: int, mode: str, max_steps: int,
                 image_info: dict[str, Any] | None = None) -> list[str]:
    """The whole trace as a list of lines (for tests and small programs)."""
    lines: list[str] = []
    record(image, storage, mode, max_steps, lines.extend, image_info)
    return lines


def write_trace(path: str | Path, image: bytes, storage: int, mode: str, max_steps: int,
                image_info: dict[str, Any] | None = None,
                level: int = GZIP_LEVEL) -> dict[str, Any]:
    """Record a trace into the file ``path`` (``.gz``: compressed).  Returns the footer."""
    writer = TraceWriter(path, level)
    try:
        return record(image, storage, mode, max_steps, writer.write_lines, image_info)
    finally:
        writer.close()
