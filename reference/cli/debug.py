"""``s370 debug``: an interactive monitor, in the spirit of Hercules' panel
(docs/debug.md).

    s370 debug PROGRAM [--storage SIZE] [--under vmcp [--execution MODE]] [--config FILE]
                       [--commands FILE] [--max-time SECONDS] [--no-floating-point]
    s370 debug --config FILE --ipl ADDRESS [...]

The program starts as ``s370 run`` starts it (clear reset, the image at absolute 0,
the restart interruption; or initial program loading from ``--ipl``), and stops
before its first instruction.  The monitor then reads commands, with line editing
and history when Python has ``readline``; ``--commands FILE`` runs the commands of
FILE instead (one a line, ``#`` begins a comment line), echoing each after the
prompt, and exits: 0, or 1 when some command was refused.

Numbers are hexadecimal (addresses, lengths, values, interruption codes; ``0x`` may
precede them), except the counts of ``step``, ``go`` and ``last`` and the SVC
numbers, which are decimal as in the SVC instruction.  An address is real (``R:``
may precede it) or absolute with ``A:``; real and absolute differ only where
prefixing exchanges page 0 and the prefix area.

Commands (``help COMMAND`` shows each):

- ``step [N]`` (``s``): execute N instructions (1), each shown disassembled with
  its address, with the interruptions it caused or that came before it; stops
  early at a breakpoint or a stop.  An empty line repeats ``step``.
- ``go [N]`` (``g``): run until a breakpoint, a stop (disabled wait, check-stop, a
  wait nothing can end, the ``--max-time`` bound), Ctrl-C, or N instructions.
  Ctrl-C stops at the next instruction boundary; a second one, for a run that does
  not get there, stops wherever it is (the monitor says so: ``restart``).
- ``break ADDR``: stop before the instruction at ADDR (the PSW's instruction
  address: virtual when DAT is on).  ``break CLASS [CODE]``: stop after an
  interruption of CLASS (``program``, ``svc``, ``external``, ``io``,
  ``machine-check``, ``restart``), of that code only if given (``break program
  0x0004``, ``break svc 3``, ``break io 00C``).  ``list`` lists the breakpoints,
  ``delete N`` or ``delete all`` removes them.
- ``psw``, ``regs`` (``gpr``), ``cr``, ``fpr``: the PSW (with the steps and the
  machine time), general, control and floating-point registers.
- ``d ADDR [LEN]``, ``d START-END`` (``display``): storage, 64 bytes by default,
  in hex and EBCDIC (``reference.cli.dump``).
- ``alter ADDR BYTES``: store hex bytes (or ``C'text'`` in EBCDIC) at ADDR.
- ``rN=VALUE``, ``crN=VALUE``, ``fN=VALUE`` (N 0, 2, 4, 6; 16 hex digits),
  ``psw=VALUE`` (16 hex digits, a blank allowed between the words): alter a
  register or the PSW.
- ``last [N]``: the last N instructions executed (10), disassembled.
- ``u ADDR [N]`` (``disasm``): disassemble N instructions (8) of real storage.
- ``restart``: read the program again and start over (breakpoints stay).
- ``quit`` (``q``, end of input).

Execution goes one instruction at a time, so every breakpoint is exact and
``last`` complete: about 10^5 instructions a second natively, fewer under the VMCP.

With ``--under vmcp`` the program runs as the only guest of the VMCP and the
monitor shows and alters the guest's architectural state, the VM's virtual PSW,
registers and storage.  The VMCP runs one guest instruction per dispatch (the
VM's step bound is set one beyond its instructions before each), so stepping is
by single guest instruction here too; the guest's state equals the native run's
after every step.  A VM that has stopped (a disabled wait, among others) stays
stopped: the VMCP never dispatches it again, so ``psw=`` cannot resume it as it
resumes a native machine (``restart`` starts it over).  The VMCP keeps a VM that
waits inside its own loop, so a wait that never ends (a channel program that never
ends) ends only at the VM's time bound, ``--max-time`` (100 s of machine time by
default, as ``s370 run``); natively there is no bound unless one is given.

Bad command-line input gets one line on standard error and exit status 2, as
every ``s370`` command; a command with bad arguments gets one line and the
monitor goes on.
"""

from __future__ import annotations

import abc
import argparse
import cmd
import inspect
import re
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from reference.arch import dat
from reference.arch.ebcdic import to_ebcdic
from reference.arch.interrupts import PROGRAM_EXCEPTIONS, Interruption
from reference.arch.lowcore import (
    EXT_CLOCK_COMPARATOR,
    EXT_CPU_TIMER,
    EXT_EMERGENCY_SIGNAL,
    EXT_EXTERNAL_CALL,
    EXT_INTERRUPT_KEY,
    EXT_INTERVAL_TIMER,
    MASK24,
    MASK32,
    MAX_STORAGE,
)
from reference.asm.disassembler import decode_one
from reference.cli.dump import format_dump
from reference.io.config import ConfigError, Configuration, IPLError, load_configuration
from reference.io.devices import FileUse, check_shared_files
from reference.machine.cpu import (
    CPU,
    STOP_STEP_LIMIT,
    STOP_TIME_LIMIT,
    InterruptionRecord,
    default_max_time,
)
from reference.machine.machine import Machine
from reference.session import (
    UsageError,
    configured_guest,
    load_program,
    new_vmcp,
    real_storage_for,
    start_machine,
)
from reference.vm.states import RunState
from reference.vm.virtual_machine import VirtualMachine
from reference.vm.vmcp import EXECUTIONS, VMCP, VMCPError

__all__ = ["add_debug_parser", "Monitor", "CommandError"]

DEFAULT_STORAGE = 2 * 1024 * 1024
# A VM's machine-time bound unless --max-time gives one: what ``s370 run`` gives
# (its default of 10,000,000 instructions).  The VMCP keeps a VM that waits for
# ever inside its own loop, so only this bound ends such a wait.
DEFAULT_VM_MAX_TIME = default_max_time(10_000_000)
MAX_COMMANDS_FILE = 1024 * 1024
HISTORY = 1000                   # instructions kept for ``last``
DEFAULT_DISPLAY = 0x40
MAX_DISPLAY = 0x10000
MAX_ALTER = 4096
PROMPT = "(s370) "

INTERRUPTION_CLASSES = ("program", "svc", "external", "io", "machine-check", "restart")


class CommandError(Exception):
    """A monitor command with bad arguments: one line, and the monitor goes on."""


class _Abandoned(KeyboardInterrupt):
    """A second Ctrl-C: the run was left wherever it was."""


# ---------------------------------------------------------------------------
# What the monitor runs: a native machine, or the only guest of a VMCP
# ---------------------------------------------------------------------------
class _Target(abc.ABC):
    """The CPU whose architectural state the monitor shows, and how to execute
    one instruction of it."""

    cpu: CPU
    mode = "native"
    floating_point = True

    @abc.abstractmethod
    def advance(self, interrupted: Callable[[], bool]) -> str | None:
        """Execute one instruction (after the interruptions due before it, a wait
        that one ends included): None, or the stop that keeps it from running.
        A wait is given up (None, no instruction) when ``interrupted()``."""

    def altered(self) -> None:  # noqa: B027 (nothing to do unless a target says so)
        """The PSW or the control registers were altered from outside."""

    def close(self) -> list[str]:
        """Release devices; lines to report (spool output not delivered)."""
        return []


class _Native(_Target):
    def __init__(self, machine: Machine, max_time: int | None = None) -> None:
        self.cpu = self.machine = machine
        self.floating_point = machine.floating_point
        self.max_time = max_time

    # A wait may last long (a channel program that never ends keeps it going):
    # it goes on in slices of this much machine time, Ctrl-C looked at between
    # them.  A wait cut there goes on where it was: its end is a time, not a span.
    wait_slice_us = 100_000

    def advance(self, interrupted: Callable[[], bool]) -> str | None:
        m = self.machine
        target = m.steps + 1
        while True:
            # Cut in a wait, before the instruction or after it: the run goes on.
            bound = m.now() + self.wait_slice_us
            if self.max_time is not None and self.max_time <= bound:
                bound = self.max_time
                if m.now() >= bound:
                    return STOP_TIME_LIMIT
            stop = m.run(target, bound)
            if stop != STOP_TIME_LIMIT:
                return None if stop == STOP_STEP_LIMIT else stop
            if bound == self.max_time or interrupted():
                return STOP_TIME_LIMIT if bound == self.max_time else None

    def close(self) -> list[str]:
        if self.machine.channels is not None:
            self.machine.channels.close()
        return []


class _Guest(_Target):
    mode = "vmcp"

    def __init__(self, cp: VMCP, vm: VirtualMachine) -> None:
        self.cp = cp
        self.cpu = self.vm = vm
        self.floating_point = cp.floating_point

    def advance(self, interrupted: Callable[[], bool]) -> str | None:
        vm = self.vm
        target = vm.steps + 1
        # The VMCP dispatches the VM within its step bound: one beyond its
        # instructions, so a dispatch ends after one guest instruction.
        vm.max_steps = target
        idle = 0
        while vm.run_state is not RunState.STOPPED and vm.steps < target:
            before = (vm.steps, vm.interruptions, vm.now())
            if vm.run_state is RunState.WAITING and self.cp._waiting:
                # The turn of ``VMCP.run`` when every VM waits: the real machine
                # idles to the next wake, one at a time, so that a wait that
                # never ends (its channel always busy) can be interrupted.
                self.cp._idle_until_a_wake()
            else:
                self.cp.run(max_dispatches=1)
            idle = idle + 1 if (vm.steps, vm.interruptions, vm.now()) == before else 0
            if idle > 1000:
                return "no progress"
            if vm.steps < target and interrupted():
                return None
        if vm.run_state is RunState.STOPPED:
            return vm.stop_reason or "stopped"
        return None

    def altered(self) -> None:
        # What an operator's action is to the VMCP: the VM settles before it runs.
        self.vm.attention = True

    def close(self) -> list[str]:
        self.cp.close()
        return [f"s370 debug: {item.vm} {item.address:03X}: output kept in {item.path}: "
                f"{item.destination}: {item.reason}" for item in self.cp.spool.undelivered]


@dataclass(frozen=True)
class Inputs:
    """What a session starts from; ``restart`` starts from it again."""

    program: str | None
    storage: int
    under: str | None
    config: Configuration | None
    ipl: int | None
    floating_point: bool
    max_time: int | None = None       # microseconds of machine time; None: no bound
    execution: str | None = None      # how the VMCP runs the guest; None: its default


def start_target(inputs: Inputs, image: bytes | None = None) -> _Target:
    """A machine (or a VMCP with one VM) started from ``inputs`` (with the
    program's ``image`` when it has been read already), stopped before its first
    instruction.  Bad input raises ``UsageError``."""
    if image is None:
        image = b"" if inputs.program is None else load_program(inputs.program,
                                                                 inputs.storage)
    config = inputs.config
    if config is not None and inputs.program is not None:
        # The program is read: no device may write over it.
        check_shared_files([FileUse(Path(inputs.program), "input",
                                    f"program {inputs.program!r}", 0)]
                           + [use for spec in config.devices for use in spec.files],
                           lambda line, m: UsageError(f"{config.path}:{line}: {m}"))
    if inputs.under == "vmcp":
        where = inputs.program or (config.path if config is not None else "s370 debug")
        try:
            if config is not None:
                cp, vm = configured_guest(config, image, inputs.storage, max_steps=None,
                                          ipl=inputs.ipl, max_time=inputs.max_time,
                                          execution=inputs.execution)
            else:
                real = real_storage_for(inputs.storage)
                if real > MAX_STORAGE:
                    raise UsageError(f"{where}: under the VMCP a guest of {inputs.storage} "
                                     f"bytes needs {real} bytes of real storage, more than 16M")
                cp = new_vmcp(inputs.execution, real_storage=real,
                              floating_point=inputs.floating_point)
                vm = cp.create_vm(image, inputs.storage, max_steps=None,
                                  max_time=inputs.max_time)
        except VMCPError as e:
            raise UsageError(f"{where}: {e}") from None
        return _Guest(cp, vm)
    if config is None:
        return _Native(start_machine(image, inputs.storage, inputs.program or "image",
                                     inputs.floating_point), inputs.max_time)
    try:
        return _Native(config.start(image, inputs.storage, inputs.ipl), inputs.max_time)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    except IPLError as e:
        raise UsageError(f"--ipl {inputs.ipl:03X}: {e}") from None


# ---------------------------------------------------------------------------
# Reading the state without changing it
# ---------------------------------------------------------------------------
class _Inspected:
    """Real storage as the table walk reads it (``dat.TableStorage``), setting no
    reference bit: looking changes nothing the program could see."""

    def __init__(self, cpu: CPU) -> None:
        self.cpu = cpu

    def _entry(self, real: int, length: int) -> int:
        a = self.cpu.real_to_absolute(real & MASK24)
        if a + length > self.cpu.size:
            raise dat.AddressingException(f"real address {real:06X} beyond storage")
        return int.from_bytes(self.cpu.mem[a:a + length], "big")

    def fetch_real_word_for_translation(self, real: int) -> int:
        return self._entry(real, 4)

    def fetch_real_half_for_translation(self, real: int) -> int:
        return self._entry(real, 2)


def peek(cpu: CPU, address: int, length: int) -> bytes | None:
    """``length`` bytes at the instruction address ``address`` (virtual when DAT
    is on: the primary space, the TLB first), read without touching keys,
    reference bits or the TLB; None where they cannot be read."""
    out = b""
    while length > 0:
        n = min(length, 0x800 - (address & 0x7FF))
        real = address
        if cpu.dat_on:
            fmt = cpu.dat_format
            if not fmt.valid:
                return None
            hit = cpu.tlb.get((cpu.cr[1], address >> fmt.page_shift))
            if hit is not None:
                real = hit[0] | (address & ((1 << fmt.page_shift) - 1))
            else:
                try:
                    w = dat.walk(_Inspected(cpu), fmt, cpu.cr[1], address)
                except Interruption:
                    return None
                if w.cc != dat.TRANSLATED:
                    return None
                real = w.address
        a = cpu.real_to_absolute(real & MASK24)
        if a + n > cpu.size:
            return None
        out += bytes(cpu.mem[a:a + n])
        address, length = (address + n) & MASK24, length - n
    return out


def psw_text(value: int) -> str:
    return f"{value >> 32:08X} {value & MASK32:08X}"


def instruction_text(address: int, code: bytes | None) -> str:
    """``'000204  1A11          AR    1,1'``, as ``s370 disasm`` prints a line."""
    if code is None:
        return f"{address:06X}  {'?':<12}  (instruction cannot be fetched)"
    length, text = decode_one(code)
    return f"{address:06X}  {code[:length].hex().upper():<12}  {text}"


def _words(name: str) -> str:
    """``'FixedPointOverflow'`` -> ``'fixed-point overflow'``."""
    words = re.findall(r"[A-Z][a-z]*", name)
    text = " ".join(w.lower() for w in words)
    return text.replace("fixed point", "fixed-point").replace("floating point",
                                                              "floating-point")


PROGRAM_NAMES = {exc.code: _words(exc.__name__) for exc in PROGRAM_EXCEPTIONS}
EXTERNAL_NAMES = {EXT_INTERRUPT_KEY[0]: "interrupt key", EXT_EMERGENCY_SIGNAL[0]:
                  "emergency signal", EXT_EXTERNAL_CALL[0]: "external call",
                  EXT_CLOCK_COMPARATOR[0]: "clock comparator", EXT_CPU_TIMER[0]: "CPU timer",
                  EXT_INTERVAL_TIMER[0]: "interval timer"}


def describe_interruption(r: InterruptionRecord) -> str:
    """One line for an interruption taken."""
    if r.kind == "program":
        name = PROGRAM_NAMES.get(r.code & ~0x80, "")
        if r.code & 0x80:
            name = f"{name}, PER event" if name else "PER event"
        what = f"program interruption code {r.code:04X} ({name or 'unknown'}), ILC {r.ilc}"
    elif r.kind == "svc":
        what = f"SVC interruption {r.code}, ILC {r.ilc}"
    elif r.kind == "external":
        what = f"external interruption code {r.code:04X} " \
               f"({EXTERNAL_NAMES.get(r.code, 'unknown')})"
    elif r.kind == "io":
        what = f"I/O interruption, device {r.code:03X}"
    else:
        what = f"{r.kind} interruption code {r.code:04X}"
    return f"{what}: old PSW {psw_text(r.old_psw)}, new PSW {psw_text(r.new_psw)}"


@dataclass(frozen=True)
class Executed:
    """One step: the instruction's address and bytes (None: not fetchable), the
    step number it was, and a note (an invalid PSW executes no instruction)."""

    address: int
    code: bytes | None
    step: int
    note: str = ""

    def text(self) -> str:
        if self.note:
            return f"{self.address:06X}  {'':<12}  ({self.note})"
        return instruction_text(self.address, self.code)


@dataclass(frozen=True)
class Breakpoint:
    number: int
    kind: str                # "address" or an interruption class
    value: int | None

    def describe(self) -> str:
        if self.kind == "address":
            return f"address {self.value:06X}"
        if self.value is None:
            return f"{self.kind} interruption"
        code = str(self.value) if self.kind == "svc" else f"{self.value:04X}"
        return f"{self.kind} interruption {code}"

    def matches(self, r: InterruptionRecord) -> bool:
        if self.kind != r.kind:
            return False
        if self.value is None or self.value == r.code:
            return True
        # A program interruption with a PER event has X'80' ORed into its code.
        return r.kind == "program" and (self.value == r.code & ~0x80
                                        or (self.value == 0x80 and bool(r.code & 0x80)))


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------
def parse_number(text: str, what: str, limit: int, decimal: bool = False) -> int:
    """A number of the monitor (hex, or decimal for counts), at most ``limit``."""
    t = text.strip()
    base = 10 if decimal else 16
    if t.lower().startswith("0x"):
        t, base = t[2:], 16
    digits = "0123456789" if base == 10 else "0123456789abcdefABCDEF"
    if not t or len(t) > 16 or any(c not in digits for c in t):
        kind = "a decimal number" if base == 10 else "a hex number"
        raise CommandError(f"{what} {text!r}: not {kind}")
    value = int(t, base)
    if value > limit:
        raise CommandError(f"{what} {text}: at most {limit:X}" if base == 16 else
                           f"{what} {text}: at most {limit}")
    return value


def parse_address(text: str) -> tuple[int, bool]:
    """``[R:|A:]HEX`` -> (address, absolute)."""
    t = text.strip()
    absolute = t[:2].upper() == "A:"
    if t[:2].upper() in ("A:", "R:"):
        t = t[2:]
    return parse_number(t, "address", MASK24), absolute


def parse_bytes(text: str) -> bytes:
    """Hex digits (blanks allowed between them) or ``C'text'`` in EBCDIC."""
    t = text.strip()
    if t[:2].upper() == "C'" and t.endswith("'") and len(t) >= 3:
        try:
            return to_ebcdic(t[2:-1].replace("''", "'"))
        except UnicodeEncodeError:
            raise CommandError(f"{t}: a character EBCDIC (code page 037) has not") from None
    h = "".join(t.split())
    if h.lower().startswith("x'") and h.endswith("'"):
        h = h[2:-1]
    if not h or len(h) % 2 or not re.fullmatch(r"[0-9A-Fa-f]+", h):
        raise CommandError(f"{text!r}: not bytes (an even number of hex digits, or C'text')")
    return bytes.fromhex(h)


def _count(arg: str, what: str, default: int, limit: int = 10 ** 12) -> int:
    words = arg.split()
    if not words:
        return default
    if len(words) > 1:
        raise CommandError(f"{arg!r}: one count at most")
    n = parse_number(words[0], what, limit, decimal=True)
    if n < 1:
        raise CommandError(f"{what} {words[0]}: must be at least 1")
    return n


# ---------------------------------------------------------------------------
# The monitor
# ---------------------------------------------------------------------------
class Monitor(cmd.Cmd):
    """The command interpreter (``cmd.Cmd``): ``onecmd`` runs one command line."""

    prompt = PROMPT
    doc_header = "Commands (help COMMAND for each; rN=, crN=, fN=, psw= alter registers):"

    def __init__(self, inputs: Inputs, target: _Target, stdout: IO[str] | None = None
                 ) -> None:
        super().__init__(stdout=stdout)
        self.inputs = inputs
        self.target = target
        self.breakpoints: list[Breakpoint] = []
        self._next_number = 1
        self.history: deque[Executed] = deque(maxlen=HISTORY)
        self.failed = False          # some command was refused
        self.done = False
        self._interrupted = False
        target.cpu.interruption_log = []

    # --- output -------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    @property
    def cpu(self) -> CPU:
        return self.target.cpu

    def banner(self) -> str:
        where = "natively"
        if isinstance(self.target, _Guest):
            where = f"as the only guest of the VMCP ({self.target.cp.execution})"
        what = self.inputs.program or f"IPL from {self.inputs.ipl:03X}"
        return (f"s370 debug: {what} {where}, {self.inputs.storage // 1024}K storage; "
                f"PSW {psw_text(self.cpu.psw_value())}; 'help' lists the commands")

    # --- running commands -----------------------------------------------------
    def onecmd(self, line: str) -> bool:
        if line == "EOF":                          # the end of input (cmd.Cmd)
            return self.do_EOF("")
        # Command names are read in any case, as on Hercules' panel; the arguments
        # keep theirs (C'text').
        line = re.sub(r"^\s*[A-Za-z_]+", lambda m: m.group(0).lower(), line)
        try:
            return bool(super().onecmd(line))
        except CommandError as e:
            self.failed = True
            self.say(f"error: {e}")
        except _Abandoned:
            self.say("interrupted inside the run: the state may be in the middle of an "
                     "instruction or of the VMCP's work; restart to be sure")
        except KeyboardInterrupt:
            self.say("interrupted")
        except Exception as e:                     # a model error: say it, go on
            self.failed = True
            self.say(f"error: internal: {type(e).__name__}: {e}")
        return False

    def emptyline(self) -> bool:
        if self.lastcmd.split()[:1] in (["step"], ["s"]):
            return bool(self.onecmd(self.lastcmd))
        return False

    def default(self, line: str) -> None:
        m = re.fullmatch(r"\s*(r|gr|cr|f|fr)(\d{1,2})\s*=\s*(\S+)\s*", line, re.IGNORECASE)
        if m is None:
            word = line.split()[0] if line.split() else line
            raise CommandError(f"{word}: unknown command ('help' lists them)")
        kind, n, value = m.group(1).lower(), int(m.group(2)), m.group(3)
        cpu = self.cpu
        if kind in ("r", "gr", "cr"):
            if n > 15:
                raise CommandError(f"{kind}{n}: registers are 0 to 15")
            v = parse_number(value, f"{kind}{n}", MASK32)
            if kind == "cr":
                values = list(cpu.cr)
                values[n] = v
                cpu.load_control_registers(values)
                self.target.altered()
            else:
                cpu.gpr[n] = v
            self._show_registers("CR" if kind == "cr" else "GR", cpu.cr if kind == "cr"
                                 else cpu.gpr)
            return
        if n not in (0, 2, 4, 6):
            raise CommandError(f"{kind}{n}: the floating-point registers are 0, 2, 4, 6")
        self._need_floating_point()
        cpu.fpr[n >> 1] = parse_number(value, f"{kind}{n}", (1 << 64) - 1)
        self.do_fpr("")

    def do_help(self, arg: str) -> None:
        """help [COMMAND]: the commands, or what COMMAND does."""
        name = arg.strip()
        if not name:
            super().do_help("")
            self.say("Addresses, lengths and values are hex, counts and SVC numbers decimal;")
            self.say("an address is real, or absolute with A: (d A:0 20).")
            return
        doc = getattr(getattr(self, f"do_{name}", None), "__doc__", None)
        if name == "EOF" or not doc:
            raise CommandError(f"help {name}: no such command ('help' lists them)")
        self.say(inspect.cleandoc(doc))

    def get_names(self) -> list[str]:
        # End of input quits; it is no command to list or complete.
        return [n for n in super().get_names() if n != "do_EOF"]

    # --- execution -------------------------------------------------------------
    def _step_once(self) -> tuple[Executed | None, list[InterruptionRecord], str | None]:
        """One instruction: what executed, the interruptions taken, the stop."""
        cpu = self.cpu
        before = cpu.steps
        address = cpu.ia
        invalid = bool(cpu.psw_invalid_bits)
        code = peek(cpu, address, 6)
        log = cpu.interruption_log
        assert log is not None
        log.clear()
        stop = self.target.advance(lambda: self._interrupted)
        records = list(log)
        log.clear()
        if cpu.steps == before:
            if stop is None and self._interrupted:
                return None, records, None
            return None, records, stop or "an interruption loop (no instruction between them)"
        # Interruptions taken before the instruction (a wait ended, a condition
        # pending) moved it: it is the one the last of them pointed at.
        first = [r for r in records if r.step == before]
        if first:
            address = first[-1].new_psw & MASK24
            invalid = False
            code = peek(cpu, address, 6)
        if invalid:
            done = Executed(address, None, cpu.steps, "invalid PSW: no instruction")
        else:
            done = Executed(address, code, cpu.steps)
        self.history.append(done)
        return done, records, stop

    def _run(self, count: int | None, show: bool) -> None:
        """Execute up to ``count`` instructions (None: no bound), stopping at a
        breakpoint, a stop or Ctrl-C; each shown when ``show``."""
        executed = 0
        reason = ""
        self._interrupted = False
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, self._on_interrupt)
        try:
            while count is None or executed < count:
                if self._interrupted:
                    reason = "interrupted (Ctrl-C)"
                    break
                done, records, stop = self._step_once()
                if done is not None:
                    executed += 1
                if show:
                    for r in records:
                        if done is not None and r.step == done.step - 1:
                            self.say(f"        {describe_interruption(r)}")
                    if done is not None:
                        self.say(done.text())
                    for r in records:
                        if done is None or r.step != done.step - 1:
                            self.say(f"        {describe_interruption(r)}")
                hit = [b for b in self.breakpoints if b.kind != "address"
                       and any(b.matches(r) for r in records)]
                if stop is not None:
                    reason = f"stopped: {stop}"
                    if not show:
                        for r in records:
                            self.say(f"        {describe_interruption(r)}")
                    break
                if hit:
                    b = hit[0]
                    reason = f"breakpoint {b.number}: {b.describe()}"
                    if not show:
                        for r in records:
                            if b.matches(r):
                                self.say(f"        {describe_interruption(r)}")
                    break
                at = [b for b in self.breakpoints if b.kind == "address"
                      and b.value == self.cpu.ia]
                if at:
                    reason = f"breakpoint {at[0].number}: {at[0].describe()}"
                    break
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if reason or not show:
            plural = "" if executed == 1 else "s"
            self.say(f"{reason or 'done'} after {executed} instruction{plural}; next:")
            self.say("  " + self._next_text())

    def _next_text(self) -> str:
        """What comes next: the instruction at the PSW, or the wait it is in."""
        cpu = self.cpu
        if cpu.wait:
            return f"wait state, PSW {psw_text(cpu.psw_value())}"
        return instruction_text(cpu.ia, peek(cpu, cpu.ia, 6))

    def _on_interrupt(self, signum: int, frame: Any) -> None:
        # The first Ctrl-C stops at the next instruction boundary (or in a wait,
        # between two slices of it).  A second one, for a machine that does not
        # get there (a VM waiting inside the VMCP, a long interruption loop),
        # interrupts wherever it is.
        if self._interrupted:
            raise _Abandoned
        self._interrupted = True

    def do_step(self, arg: str) -> None:
        """step [N]: execute N instructions (1), each shown with its address and
        the interruptions around it; stops early at a breakpoint or a stop.
        An empty line repeats the last step."""
        self._run(_count(arg, "step", 1), show=True)

    def do_s(self, arg: str) -> None:
        """s [N]: step."""
        self.do_step(arg)

    def do_go(self, arg: str) -> None:
        """go [N]: run until a breakpoint, a stop (disabled wait, check-stop, a
        wait nothing can end), Ctrl-C, or N instructions."""
        self._run(_count(arg, "go", 0) or None, show=False)

    def do_g(self, arg: str) -> None:
        """g [N]: go."""
        self.do_go(arg)

    # --- breakpoints ----------------------------------------------------------
    def do_break(self, arg: str) -> None:
        """break ADDR: stop before the instruction at ADDR (the PSW's address).
        break CLASS [CODE]: stop after an interruption of CLASS (program, svc,
        external, io, machine-check, restart), of that code only if given: hex
        (break program 0x0004, break io 00C), the SVC number in decimal
        (break svc 3).  break alone lists the breakpoints."""
        words = arg.split()
        if not words:
            self.do_list("")
            return
        kind = words[0].lower()
        if kind in ("mcheck", "machine_check"):
            kind = "machine-check"
        if kind in INTERRUPTION_CLASSES:
            if len(words) > 2:
                raise CommandError(f"break {kind}: one code at most")
            value = None
            if len(words) == 2:
                value = parse_number(words[1], f"{kind} code", 0xFFFF,
                                     decimal=kind == "svc")
                if kind == "svc" and value > 255:
                    raise CommandError(f"SVC {value}: SVC numbers are 0 to 255")
            b = Breakpoint(self._next_number, kind, value)
        else:
            if len(words) > 1:
                raise CommandError(f"break {arg.strip()}: an address, or a class "
                                   f"({', '.join(INTERRUPTION_CLASSES)}) and a code")
            if words[0][:2].upper() == "A:":
                raise CommandError("break: the address is the PSW's instruction address, "
                                   "not an absolute one")
            address, _ = parse_address(words[0])
            if address & 1:
                raise CommandError(f"break {words[0]}: instructions are at even addresses")
            b = Breakpoint(self._next_number, "address", address)
        if any(x.kind == b.kind and x.value == b.value for x in self.breakpoints):
            raise CommandError(f"{b.describe()}: a breakpoint already")
        self._next_number += 1
        self.breakpoints.append(b)
        self.say(f"breakpoint {b.number}: {b.describe()}")

    def do_b(self, arg: str) -> None:
        """b: break."""
        self.do_break(arg)

    def do_list(self, arg: str) -> None:
        """list: the breakpoints, by number."""
        if arg.strip():
            raise CommandError("list: no arguments")
        if not self.breakpoints:
            self.say("no breakpoints")
        for b in self.breakpoints:
            self.say(f"breakpoint {b.number}: {b.describe()}")

    def do_delete(self, arg: str) -> None:
        """delete N | delete all: remove breakpoint N, or every one."""
        words = arg.split()
        if len(words) != 1:
            raise CommandError("delete: give a breakpoint number, or all")
        if words[0].lower() == "all":
            self.breakpoints.clear()
            self.say("no breakpoints")
            return
        n = parse_number(words[0], "breakpoint", 10 ** 9, decimal=True)
        kept = [b for b in self.breakpoints if b.number != n]
        if len(kept) == len(self.breakpoints):
            raise CommandError(f"no breakpoint {n}")
        self.breakpoints = kept
        self.say(f"deleted breakpoint {n}")

    # --- state ------------------------------------------------------------------
    def do_psw(self, arg: str) -> None:
        """psw: the current PSW, the steps and the machine time.  psw=VALUE loads
        a PSW (16 hex digits, a blank allowed between the two words)."""
        cpu = self.cpu
        text = arg.strip()
        if text.startswith("="):
            value = "".join(text[1:].split())
            if not re.fullmatch(r"[0-9A-Fa-f]{16}", value):
                raise CommandError(f"psw={text[1:].strip()}: give 16 hex digits")
            cpu.load_psw_value(int(value, 16))
            self.target.altered()
        elif text:
            raise CommandError("psw: no arguments (psw=VALUE alters it)")
        p = cpu.current_psw()
        mode = "EC" if p.ec else "BC"
        state = "problem" if p.problem else "supervisor"
        flags = [f"{mode} mode", f"key {p.key}", f"{state} state",
                 f"cc {p.cc}", f"program mask {p.program_mask:X}"]
        if p.wait:
            flags.append("wait")
        if p.ec and p.system_mask & 0x04:
            flags.append("DAT on")
        if p.invalid_bits:
            flags.append("invalid")
        self.say(f"PSW {psw_text(cpu.psw_value())}  {', '.join(flags)}; "
                 f"instruction address {p.address:06X}")
        line = f"    {cpu.steps} instructions, machine time {cpu.now()} us"
        if cpu.prefix:
            line += f", prefix {cpu.prefix:06X}"
        if isinstance(cpu, VirtualMachine):
            line += f", VM {cpu.run_state.value}"
            if cpu.stop_reason:
                line += f" ({cpu.stop_reason})"
        self.say(line)

    def _show_registers(self, label: str, values: list[int]) -> None:
        for row in range(0, 16, 4):
            self.say("  ".join(f"{label}{r:<2d}={values[r]:08X}" for r in range(row, row + 4)))

    def do_regs(self, arg: str) -> None:
        """regs: the general registers (rN=VALUE alters one)."""
        if arg.strip():
            raise CommandError("regs: no arguments (rN=VALUE alters one)")
        self._show_registers("GR", self.cpu.gpr)

    def do_gpr(self, arg: str) -> None:
        """gpr: regs."""
        self.do_regs(arg)

    def do_cr(self, arg: str) -> None:
        """cr: the control registers (crN=VALUE alters one)."""
        if arg.strip():
            raise CommandError("cr: no arguments (crN=VALUE alters one)")
        self._show_registers("CR", self.cpu.cr)

    def _need_floating_point(self) -> None:
        if not self.target.floating_point:
            raise CommandError("this machine has no floating-point facility")

    def do_fpr(self, arg: str) -> None:
        """fpr: the floating-point registers 0, 2, 4, 6 (fN=VALUE alters one)."""
        if arg.strip():
            raise CommandError("fpr: no arguments (fN=VALUE alters one)")
        self._need_floating_point()
        self.say("  ".join(f"FR{2 * i}={v:016X}" for i, v in enumerate(self.cpu.fpr)))

    # --- storage ---------------------------------------------------------------
    def _range(self, words: list[str], default: int) -> tuple[int, int, bool]:
        """(start, length, absolute) from ``ADDR [LEN]`` or ``START-END``."""
        if not words or len(words) > 2:
            raise CommandError("give ADDR [LEN] or START-END (hex; A: for absolute)")
        if len(words) == 1 and "-" in words[0]:
            first, _, last = words[0].partition("-")
            start, absolute = parse_address(first)
            end = parse_number(last, "end", MASK24)
            if end < start:
                raise CommandError(f"{words[0]}: START is beyond END")
            length = end - start + 1
        else:
            start, absolute = parse_address(words[0])
            length = parse_number(words[1], "length", MAX_DISPLAY) if len(words) == 2 \
                else default
            if length < 1:
                raise CommandError("length: at least 1")
        if length > MAX_DISPLAY:
            raise CommandError(f"{length:X} bytes: at most {MAX_DISPLAY:X} at a time")
        if start + length > self.cpu.size:
            raise CommandError(f"{start:06X}-{start + length - 1:06X}: beyond storage "
                               f"({self.cpu.size // 1024}K)")
        return start, length, absolute

    def _prefix_note(self, start: int, length: int) -> None:
        """Where prefixing makes real and absolute differ inside the range, say so."""
        prefix = self.cpu.prefix
        if not prefix:
            return
        end = start + length - 1
        if start <= 0xFFF or (start <= prefix + 0xFFF and end >= prefix):
            self.say(f"prefix {prefix:06X}: real 000000-000FFF is absolute "
                     f"{prefix:06X}-{prefix + 0xFFF:06X} and the other way round")

    def do_d(self, arg: str) -> None:
        """d ADDR [LEN] | d START-END: storage in hex and EBCDIC, LEN bytes (hex,
        40 by default) from ADDR: real, or absolute with A: (d A:1000 20).  Lines
        show R: or A:, and a line says where prefixing makes the two differ."""
        start, length, absolute = self._range(arg.split(), DEFAULT_DISPLAY)
        cpu = self.cpu
        if absolute:
            data = bytes(cpu.mem[start:start + length])
        else:
            self._prefix_note(start, length)
            data = cpu.real_storage(start, length)
        for line in format_dump(data, start, "A:" if absolute else "R:"):
            self.say(line)

    def do_display(self, arg: str) -> None:
        """display: d."""
        self.do_d(arg)

    def do_alter(self, arg: str) -> None:
        """alter ADDR BYTES: store BYTES (hex digits, or C'text' in EBCDIC) at ADDR,
        real or absolute with A:; shows the storage altered."""
        words = arg.split(None, 1)
        if len(words) != 2:
            raise CommandError("alter: give ADDR and BYTES (hex, or C'text')")
        start, absolute = parse_address(words[0])
        data = parse_bytes(words[1])
        if len(data) > MAX_ALTER:
            raise CommandError(f"alter: at most {MAX_ALTER} bytes at a time")
        cpu = self.cpu
        if start + len(data) > cpu.size:
            raise CommandError(f"{start:06X}-{start + len(data) - 1:06X}: beyond storage "
                               f"({cpu.size // 1024}K)")
        for i, byte in enumerate(data):
            a = start + i if absolute else cpu.real_to_absolute(start + i)
            cpu.mem[a] = byte
        # Instructions decoded from these bytes are decoded again.
        cpu.flush_instruction_cache()
        self.do_d(f"{'A:' if absolute else ''}{start:X} {len(data):X}")

    def do_u(self, arg: str) -> None:
        """u ADDR [N]: disassemble N instructions (8) of real storage from ADDR."""
        words = arg.split()
        if not 1 <= len(words) <= 2:
            raise CommandError("u: give ADDR [N]")
        address, absolute = parse_address(words[0])
        if absolute:
            raise CommandError("u: real addresses only")
        n = _count(" ".join(words[1:]), "u", 8, 1000)
        cpu = self.cpu
        for _ in range(n):
            if address >= cpu.size:
                break
            code = cpu.real_storage(address, min(6, cpu.size - address))
            self.say(instruction_text(address, code))
            address += max(2, decode_one(code)[0])

    def do_disasm(self, arg: str) -> None:
        """disasm: u."""
        self.do_u(arg)

    def do_last(self, arg: str) -> None:
        """last [N]: the last N instructions executed (10), oldest first, with the
        step number of each."""
        n = _count(arg, "last", 10)
        items = list(self.history)[-n:]
        if not items:
            self.say("no instructions executed yet")
        for e in items:
            self.say(f"{e.step:>8}  {e.text()}")

    # --- the session --------------------------------------------------------------
    def do_restart(self, arg: str) -> None:
        """restart: read the program again and start over, as at the beginning
        (the breakpoints stay; the history of executed instructions goes)."""
        if arg.strip():
            raise CommandError("restart: no arguments")
        # The program is read first: if it no longer assembles, the session goes on.
        try:
            image = b"" if self.inputs.program is None else load_program(
                self.inputs.program, self.inputs.storage)
        except UsageError as e:
            raise CommandError(f"restart: {e}") from None
        for line in self.target.close():
            self.say(line)
        try:
            target = start_target(self.inputs, image)
        except UsageError as e:
            raise CommandError(f"restart: {e} (the devices of the old run are closed: "
                               f"restart again)") from None
        self.target = target
        target.cpu.interruption_log = []
        self.history.clear()
        self.say(self.banner())

    def do_quit(self, arg: str) -> bool:
        """quit: leave the monitor."""
        self.done = True
        return True

    def do_q(self, arg: str) -> bool:
        """q: quit."""
        return self.do_quit(arg)

    def do_exit(self, arg: str) -> bool:
        """exit: quit."""
        return self.do_quit(arg)

    def do_EOF(self, arg: str) -> bool:
        self.say()
        return self.do_quit(arg)

    # --- the two ways of reading commands -------------------------------------------
    def run_script(self, lines: list[str]) -> None:
        """Each line of a command file, echoed after the prompt, until quit."""
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            self.say(f"{self.prompt}{text}")
            if self.onecmd(text):
                break

    def interact(self) -> None:
        """Read commands from the terminal (or standard input) until quit."""
        while not self.done:
            try:
                self.cmdloop()
            except KeyboardInterrupt:
                self.say("^C")


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------
def read_commands(path: str) -> list[str]:
    """The lines of a ``--commands`` file: UTF-8 text of at most 1M."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_COMMANDS_FILE + 1)
    except OSError as e:
        raise UsageError(f"--commands {path}: {e.strerror or e}") from None
    if len(data) > MAX_COMMANDS_FILE:
        raise UsageError(f"--commands {path}: larger than {MAX_COMMANDS_FILE} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text ({e.reason} at byte {e.start})") \
            from None
    if "\0" in text:
        raise UsageError(f"{path}:{text.count(chr(10), 0, text.index(chr(0))) + 1}: "
                         f"a NUL character: not a command file")
    return text.splitlines()


def cmd_debug(args: argparse.Namespace, parse_size: Callable[[str], int],
              parse_time: Callable[[str], int]) -> int:
    config = None
    if args.config is not None:
        try:
            config = load_configuration(args.config)
        except ConfigError as e:
            raise UsageError(str(e)) from None
        if args.no_floating_point:
            config.floating_point = False
    ipl = None
    if args.ipl is not None:
        if config is None:
            raise UsageError("--ipl needs --config (the devices)")
        if args.program is not None:
            raise UsageError("--ipl: give either PROGRAM or --ipl, not both")
        if not re.fullmatch(r"[0-9A-Fa-f]{1,4}", args.ipl):
            raise UsageError(f"--ipl {args.ipl}: not a device address (hex, e.g. 00C)")
        ipl = int(args.ipl, 16)
    elif args.program is None:
        raise UsageError("s370 debug: give PROGRAM, or --ipl ADDRESS with --config")
    if args.execution is not None and args.under != "vmcp":
        raise UsageError(f"--execution {args.execution}: only with --under vmcp")
    if args.storage is not None:
        storage = parse_size(args.storage)
    else:
        storage = (config.storage if config is not None else None) or DEFAULT_STORAGE
    lines = read_commands(args.commands) if args.commands is not None else None
    if args.max_time is not None:
        max_time: int | None = parse_time(args.max_time)
    else:
        max_time = DEFAULT_VM_MAX_TIME if args.under == "vmcp" else None
    inputs = Inputs(args.program, storage, args.under, config, ipl,
                    not args.no_floating_point and (config is None or config.floating_point),
                    max_time, args.execution)
    target = start_target(inputs)
    monitor = Monitor(inputs, target, sys.stdout)
    monitor.say(monitor.banner())
    try:
        if lines is not None:
            monitor.run_script(lines)
        else:
            monitor.interact()
    finally:
        for line in monitor.target.close():
            print(line, file=sys.stderr)
    return 1 if lines is not None and monitor.failed else 0


def add_debug_parser(sub: Any, parse_size: Callable[[str], int],
                     parse_time: Callable[[str], int]) -> None:
    """Register ``s370 debug`` (``parse_size`` and ``parse_time``: the command's
    storage sizes and machine times)."""
    d = sub.add_parser("debug", help="an interactive monitor: step, breakpoints, "
                                     "registers and storage (help inside)")
    d.add_argument("program", nargs="?")
    d.add_argument("--storage", default=None,
                   help="main storage size, e.g. 64K or 2M (default 2M, or the config's)")
    d.add_argument("--under", choices=["vmcp"],
                   help="run as the only guest of the VMCP; the monitor shows the "
                        "guest's virtual state")
    d.add_argument("--execution", choices=EXECUTIONS,
                   help="with --under vmcp: how the VMCP runs the guest: trap (trap and "
                        "simulate), assist (with the virtual-machine assist) or sie "
                        "(interpretive execution); default: $S370_EXECUTION, else assist")
    d.add_argument("--config", metavar="FILE",
                   help="machine configuration (TOML): storage and I/O devices")
    d.add_argument("--ipl", metavar="ADDRESS",
                   help="with --config: initial program loading from this device (hex)")
    d.add_argument("--max-time", metavar="SECONDS",
                   help="stop (time-limit) at this much machine time; natively no bound "
                        "by default, under the VMCP 100 s, as s370 run")
    d.add_argument("--commands", metavar="FILE",
                   help="run the commands of FILE (one a line) and exit")
    d.add_argument("--no-floating-point", action="store_true",
                   help="a model without the floating-point facility")
    d.set_defaults(func=lambda args: cmd_debug(args, parse_size, parse_time))
