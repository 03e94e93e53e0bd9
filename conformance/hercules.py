"""Hercules 3.13 as an independent oracle for the reference machine.

Theory of operation
-------------------
``Hercules`` starts ONE Hercules process in System/370 mode (``ARCHMODE S/370``,
``MAINSIZE 2``: 2M of storage, one 1403 printer on /dev/null, no sockets) and runs
many programs in it, about a few milliseconds each.  Hercules reads panel commands
only from a terminal, so it runs on a pseudo-terminal: panel input and stderr on
the pty, the log (stdout) on a pipe that a reader thread collects.  Every command
is written on its own and the harness waits for its echo in the log before the
next one (two commands in one read of the terminal lose the second); a comment
command (``* s370-sync N``) marks the end of a group of commands.

Per program (``Hercules.run``): ``sysclear``; ``loadcore`` of each run of 2K blocks
of the image that hold a nonzero byte; the key-reset program (``KEY_RESET``, loaded
at ``KEY_RESET_AT``, the last 4K of storage, started with ``psw ia=`` and ``start``:
``loadcore`` sets the reference and change bits of what it loads, and this program
sets every storage key back to zero, then waits); its PSW and R15 cleared from the
panel; ``restart`` (a restart interruption: the current PSW is stored at 8 and the
PSW at 0 is loaded), then wait for the disabled-wait message HHCCP011I.  A program
that does not reach a disabled wait within the timeout is stopped (``stop``) and
reported as ``no wait``.  Then ``psw``, ``gpr``, ``cr``, ``fpr``, ``pr`` (prefix),
``savecore`` (absolute storage, binary) and one ``r`` per 2K block whose key is
wanted (``r`` shows the key of the block it displays: ``R:00000240:K:06=...``;
``r`` takes a real address, so prefixing is undone first).  Right after HHCCP011I
the CPU may still be stopping and ``sysclear``, ``loadcore``, ``psw`` or
``savecore`` can be refused (HHCPN053E, HHCPN111E, HHCPN102E): they are retried.
Hercules' message for every program interruption (HHCCP014I with a register dump)
is turned off (``ostailor quiet``) unless ``program_check_messages`` is set: a
program looping through interruptions would flood the log.

The reference side (``run_reference``) starts ``reference.machine.machine.Machine`` the way
``s370 run`` does: a new machine is in the clear-reset state; the image is loaded at
absolute 0, a restart interruption is performed and the machine runs until it
stops.  ``compare`` lists every difference between the two results, leaving out
what is nondeterministic or unpredictable between the two machines
(``EXCLUDED_STORAGE``, ``EXCLUDED_BITS``, the ILC of a final BC-mode PSW; the
entries X1-X4 of docs/hercules-differences.md).

Corpus programs (conformance/programs/<chapter>/*.asm) carry their own
comparison instructions in comment lines of their header::

    * COMPARE: 400-4FF, 1000-10FF     storage ranges (hex, inclusive) to compare
    * MAXSTEPS: 5000                  reference step limit (default 100000)
    * IGNORE: 500-507                 storage bytes not compared (e.g. a TOD value)
    * IGNORE-GPR: 3                   general registers not compared
    * KNOWN: H2                       a documented known difference (table entry)

``known_differences`` reads the table of docs/hercules-differences.md (entry ->
summary).  The panel commands other harnesses need (the Hercules adapter,
adapters/hercules_adapter.py; the floating-point cases, conformance/hercules_float.py)
are methods of ``Hercules``: ``command``, ``loadcore``, ``savecore``, ``psw``,
``registers``, ``fpr``, ``prefix``, ``key``.

``python -m conformance.hercules [paths...]`` runs the corpus (or the named programs)
and prints one line per program and the agreement figure.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from reference.asm.assembler import assemble as assemble_source
from reference.machine.machine import Machine

from . import PROGRAMS
from .adapter import absolute

REPO = Path(__file__).resolve().parent.parent
CORPUS = PROGRAMS
DIFFERENCES = REPO / "docs" / "hercules-differences.md"

# The machine: one CPU in System/370 mode with 2M of storage; CONFIG adds the one
# device every program gets (a 1403 printer writing nowhere).
MACHINE = """\
CPUSERIAL 000001
CPUMODEL  3033
MAINSIZE  2
NUMCPU    1
ARCHMODE  S/370
PANRATE   SLOW
"""
CONFIG = MACHINE + "000E 1403 /dev/null\n"

STORAGE_SIZE = 2 * 1024 * 1024
BLOCK = 2048
DEFAULT_MAX_STEPS = 100_000

# Storage that differs between the two machines for reasons outside the
# architecture's deterministic part (docs/hercules-differences.md, X1).
EXCLUDED_STORAGE: tuple[tuple[int, int, str], ...] = (
    (0x50, 0x53, "X1 interval timer (real location 80), decremented by wall-clock time"),
)
# Bits of single bytes not compared: address -> mask of the bits left out.
EXCLUDED_BITS: dict[int, tuple[int, str]] = {
    0x0C: (0xC0, "X4 ILC of the restart old PSW (BC mode): unpredictable"),
}

# The key-reset program the harness runs on Hercules before each program (see
# Hercules.run), at the last 4K of storage: every 2K block's key becomes zero.
KEY_RESET_AT = STORAGE_SIZE - 4096
KEY_RESET = bytes.fromhex(
    "1B11"          # SR    1,1               block address
    "1B22"          # SR    2,2               key 0, fetch protection, R and C zero
    "5830F100"      # L     3,X'100'(0,15)    the storage size
    "0821"          # SSK   2,1
    "41101800"      # LA    1,X'800'(0,1)     the next 2K block
    "1513"          # CLR   1,3
    "4740F008"      # BL    8(0,15)
    "980EF0C0"      # LM    0,14,X'0C0'(15)   general registers 0-14 zero
    "8200F108"      # LPSW  X'108'(15)        disabled wait
).ljust(0x100, b"\0") + STORAGE_SIZE.to_bytes(4, "big") + bytes(4) + bytes.fromhex(
    "0002000000000000")

PSW_EC_BIT = 1 << 51
BC_ILC_BITS = 3 << 30

# Bits of the key byte compared: key, fetch-protection, reference and change bits
# (bit 7 is unused in S/370; Hercules uses it internally for a bad frame).
KEY_COMPARE_MASK = 0xFE

_ERROR = re.compile(r"HHC\w{5}E")
_PSW = re.compile(r"PSW=([0-9A-F]{8}) ?([0-9A-F]{8})")
_GPR = re.compile(r"GR(\d\d)=([0-9A-F]{8})")
_CR = re.compile(r"CR(\d\d)=([0-9A-F]{8})")
_KEY = re.compile(r"R:([0-9A-F]{8,16}):K:([0-9A-F]{2})=")
_PREFIX = re.compile(r"Prefix=([0-9A-F]{8})")
_FPR = re.compile(r"FPR(\d)=([0-9A-F]{8}) ([0-9A-F]{8})")
_WAIT = re.compile(r"HHCCP011I.*?PSW=", re.DOTALL)    # a disabled wait, then its PSW
_ENTRY = re.compile(r"^\|\s*([A-Z]\d+)\s*\|\s*([^|]+?)\s*\|")


class HerculesError(RuntimeError):
    """Hercules did not start, refused a command or stopped answering."""


@dataclass
class Result:
    """The final state of one program on either machine.

    ``stopped`` is ``disabled-wait`` when the program ended as it should (on the
    reference machine: its stop reason; on Hercules: ``no wait`` after a timeout).
    ``storage`` maps each compared range (first, last) to its bytes (absolute
    storage); ``keys`` maps the absolute address of each 2K block to its key byte
    (key, fetch-protection, reference and change bits as ISK gives them).
    """

    stopped: str
    psw: int
    gpr: list[int]
    cr: list[int]
    storage: dict[tuple[int, int], bytes]
    keys: dict[int, int]
    prefix: int = 0
    log: str = ""
    elapsed: float = 0.0
    fpr: list[int] | None = None    # floating-point registers 0, 2, 4, 6 (None: not read)


def hercules_executable() -> str | None:
    return shutil.which("hercules")


def known_differences() -> dict[str, str]:
    """Table entry -> its one-line summary, from the first two columns of the rows
    of docs/hercules-differences.md that start with an entry name (H1, X3, ...)."""
    out: dict[str, str] = {}
    if DIFFERENCES.exists():
        for line in DIFFERENCES.read_text(encoding="utf-8").splitlines():
            m = _ENTRY.match(line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def blocks_of(ranges: list[tuple[int, int]]) -> list[int]:
    """The absolute addresses of the 2K blocks that ``ranges`` touch."""
    blocks: set[int] = set()
    for first, last in ranges:
        blocks.update(range(first & ~(BLOCK - 1), last + 1, BLOCK))
    return sorted(blocks)


class Hercules:
    """One persistent Hercules process running many programs.  Use as a context
    manager or call ``close``."""

    def __init__(self, executable: str | None = None, startup_timeout: float = 30.0,
                 command_timeout: float = 10.0, program_check_messages: bool = False,
                 config_text: str = CONFIG) -> None:
        exe = executable or hercules_executable()
        if exe is None:
            raise HerculesError("hercules is not on PATH")
        self.command_timeout = command_timeout
        self._dir = tempfile.mkdtemp(prefix="s370-hercules-")
        config = os.path.join(self._dir, "s370.cnf")
        with open(config, "w") as f:
            f.write(config_text)        # CONFIG, or another machine (e.g. with devices)
        self._log = bytearray()
        self._cond = threading.Condition()
        self._closed = False
        self._sync = 0
        self._runs = 0
        self._files = 0
        master, slave = pty.openpty()
        rd, wr = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [exe, "-f", config], stdin=slave, stdout=wr, stderr=slave,
                cwd=self._dir, close_fds=True, start_new_session=True)
        finally:
            os.close(slave)
            os.close(wr)
        self._master = master
        self._pipe = rd
        self._reader = threading.Thread(target=self._read_loop, name="hercules-log",
                                        daemon=True)
        self._reader.start()
        try:
            if self._wait_for(re.compile(r"HHCAO001I"), 0, startup_timeout) is None:
                raise HerculesError("hercules did not start:\n" + self._text(0))
        except HerculesError:
            self.close()
            raise
        # No panel refresh: less output on the terminal, nothing else changes.
        self._command("quiet")
        if not program_check_messages:
            # No HHCCP014I message (with a register dump) per program interruption:
            # a program looping through interruptions would flood the log.
            self._command("ostailor quiet")

    # ------------------------------------------------------------------
    # Process plumbing
    # ------------------------------------------------------------------
    def _read_loop(self) -> None:
        """Collect the log pipe; drain (and drop) the panel output on the pty so
        that Hercules never blocks writing to a full terminal."""
        fds = [self._pipe, self._master]
        while fds:
            try:
                ready, _, _ = select.select(fds, [], [], 0.5)
            except (OSError, ValueError):
                break
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if not data:
                    fds.remove(fd)
                    continue
                if fd == self._pipe:
                    with self._cond:
                        self._log += data
                        self._cond.notify_all()
            if self._closed and self._proc.poll() is not None and not ready:
                break
        with self._cond:
            self._cond.notify_all()

    def _position(self) -> int:
        with self._cond:
            return len(self._log)

    def _text(self, start: int, end: int | None = None) -> str:
        with self._cond:
            return bytes(self._log[start:end]).decode("ascii", "replace")

    def _wait_for(self, pattern: re.Pattern[str], start: int,
                  timeout: float) -> re.Match[str] | None:
        """Wait until ``pattern`` occurs in the log after byte ``start``; return the
        match (positions relative to ``start``) or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = pattern.search(bytes(self._log[start:]).decode("ascii", "replace"))
                if m:
                    return m
                if self._proc.poll() is not None:
                    raise HerculesError(
                        f"hercules ended (rc {self._proc.returncode}):\n"
                        + bytes(self._log[-2000:]).decode("ascii", "replace"))
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(min(left, 0.05))

    def _send(self, line: str) -> int:
        """Write one command and wait for its echo in the log; return the log
        position after the echo."""
        start = self._position()
        os.write(self._master, line.encode("ascii") + b"\r")
        # The echo normally has a line of its own, but output of the CPU thread can
        # share the line with it.
        echo = re.compile(r"(?:^|[ \t])(?:\d\d:\d\d:\d\d )?" + re.escape(line)
                          + r"[ \t]*\r?$", re.MULTILINE)
        m = self._wait_for(echo, start, self.command_timeout)
        if m is None:
            raise HerculesError(f"no echo of {line!r} from hercules")
        return start + m.end()

    def _command(self, line: str) -> str:
        """Run one panel command to completion; return its output."""
        after = self._send(line)
        self._sync += 1
        marker = f"* s370-sync {self._sync}"
        end = self._send(marker)
        return self._text(after, end - len(marker))

    def _command_retry(self, line: str, tries: int = 200) -> str:
        """A command that the panel refuses while the CPU is still stopping."""
        out = ""
        for _ in range(tries):
            out = self._command(line)
            if not _ERROR.search(out):
                return out
            time.sleep(0.002)
        raise HerculesError(f"{line!r} refused: {out.strip()}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._proc.poll() is None:
                try:
                    os.write(self._master, b"quit\r")
                    self._proc.wait(10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(5)
        finally:
            self._reader.join(5)
            for fd in (self._master, self._pipe):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Hercules:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------
    # Panel commands
    # ------------------------------------------------------------------
    def command(self, line: str) -> str:
        """A panel command that must be accepted (retried while the CPU is still
        stopping); returns its output."""
        return self._command_retry(line)

    def start(self, line: str) -> int:
        """Send a command that starts the CPU (``restart``, ``start``, ``ipl ...``);
        returns the log position to wait from (``wait_ended``)."""
        return self._send(line)

    def wait_ended(self, start: int, timeout: float) -> bool:
        """Whether the CPU entered a disabled wait (HHCCP011I) after log position
        ``start`` within ``timeout`` seconds."""
        return self._wait_for(_WAIT, start, timeout) is not None

    def stop(self) -> None:
        self._command("stop")

    def loadcore(self, address: int, data: bytes) -> None:
        """Store ``data`` at absolute ``address`` (``loadcore`` of a file)."""
        self._files += 1
        image_file = os.path.join(self._dir, f"image{self._files % 4}.bin")
        with open(image_file, "wb") as f:
            f.write(data)
        loaded = self.command(f"loadcore {image_file} {address:X}")
        if "HHCPN113I" not in loaded:
            raise HerculesError(f"loadcore: {loaded.strip()}")

    def savecore(self, first: int, last: int) -> bytes:
        """Absolute storage ``first``-``last`` (inclusive)."""
        core = os.path.join(self._dir, "core.bin")
        if os.path.exists(core):
            os.remove(core)
        self.command(f"savecore {core} {first:X} {last:X}")
        with open(core, "rb") as f:
            data = f.read()
        if len(data) != last - first + 1:
            raise HerculesError(f"savecore gave {len(data)} bytes, not {last - first + 1}")
        return data

    def psw(self) -> int:
        found = _PSW.findall(self.command("psw"))
        if not found:
            raise HerculesError("no PSW in the output of 'psw'")
        hi, lo = found[-1]
        return int(hi + lo, 16)

    def registers(self, name: str) -> list[int]:
        """The 16 general (``gpr``) or control (``cr``) registers."""
        values = dict((_GPR if name == "gpr" else _CR).findall(self.command(name)))
        if len(values) != 16:
            raise HerculesError(f"cannot read the output of '{name}'")
        return [int(values[f"{i:02d}"], 16) for i in range(16)]

    def fpr(self) -> list[int]:
        """The four floating-point registers 0, 2, 4, 6 (``fpr`` shows them:
        ``FPR0=41100000 00000000  FPR2=...``).

        With CR0 bit 13 one (Hercules' AFP-register control, unassigned in S/370)
        Hercules 3.13 shows sixteen (``FPR1``, ... ``FP15``), reading its register
        array as if every register had a slot of its own, while S/370 instructions
        keep registers 0, 2, 4, 6 in the first four slots: those show as FPR0, FPR1,
        FPR2 and FPR3 (float.tst of hyperion's tests, CR0 X'00040000', shows its
        expected FPR2, FPR4, FPR6 as FPR1, FPR2, FPR3)."""
        values = dict((n, hi + lo) for n, hi, lo in _FPR.findall(self.command("fpr")))
        if sorted(values) == ["0", "2", "4", "6"]:
            return [int(values[str(r)], 16) for r in (0, 2, 4, 6)]
        if {"0", "1", "2", "3"} <= set(values):
            return [int(values[str(r)], 16) for r in (0, 1, 2, 3)]
        raise HerculesError("cannot read the output of 'fpr'")

    def prefix(self) -> int:
        m = _PREFIX.search(self.command("pr"))
        if m is None:
            raise HerculesError("no prefix in the output of 'pr'")
        return int(m.group(1), 16)

    def key(self, real: int) -> int:
        """The storage key of the 2K block of real address ``real`` (``r`` shows it:
        ``R:00000240:K:06=...``)."""
        out = self._command(f"r {real:X}-{real:X}")
        m = _KEY.search(out)
        if m is None:
            raise HerculesError(f"no key in {out!r}")
        return int(m.group(2), 16)

    # ------------------------------------------------------------------
    # Running a program
    # ------------------------------------------------------------------
    def run(self, image: bytes, ranges: list[tuple[int, int]], timeout: float = 5.0,
            key_blocks: list[int] | None = None) -> Result:
        """Run ``image`` (loaded at absolute 0) from a clear reset and a restart
        interruption; return the final state with the storage of ``ranges`` and the
        keys of the blocks they touch (or of ``key_blocks``)."""
        if len(image) > STORAGE_SIZE:
            raise ValueError("image larger than storage")
        t0 = time.monotonic()
        self._runs += 1
        if len(image) > KEY_RESET_AT:
            raise ValueError(f"image reaches into X'{KEY_RESET_AT:X}'-X'{STORAGE_SIZE - 1:X}', "
                             "which the harness uses")
        # After sysclear storage is zero: only the blocks holding nonzero bytes are
        # loaded.  loadcore sets the reference and change bits of every 2K block it
        # loads (X3 in docs/hercules-differences.md), so a small program at
        # KEY_RESET_AT then sets every storage key back to zero and waits; its
        # registers and PSW are cleared from the panel before the restart.
        self._load(nonzero_runs(image) + [(KEY_RESET_AT, KEY_RESET)])
        self._command(f"gpr 15={KEY_RESET_AT:X}")
        self._command(f"psw ia={KEY_RESET_AT:X}")
        start = self.start("start")
        if not self.wait_ended(start, timeout):
            raise HerculesError("the key-reset program did not end:\n" + self._text(start))
        self.command("psw cmwp=0 cc=0 ia=0")
        self._command("gpr 15=0")
        result = self._run_to_wait("restart", timeout)
        if ranges:
            low = min(a for a, _ in ranges)
            data = self.savecore(low, max(b for _, b in ranges))
            result.storage = {(a, b): data[a - low:b - low + 1] for a, b in ranges}
        for block in (key_blocks if key_blocks is not None else blocks_of(ranges)):
            # Prefixing is its own inverse: the real address of an absolute block.
            result.keys[block] = self.key(absolute(block, result.prefix))
        result.elapsed = time.monotonic() - t0
        return result

    def run_started(self, image: bytes, start: str, ranges: list[tuple[int, int]],
                    timeout: float = 5.0) -> Result:
        """Run ``image`` (loaded at absolute 0 after ``sysclear``) started by the panel
        command ``start``: ``restart``, or ``ipl 000C`` (initial program loading from a
        device of the configuration, storage kept); return the final state with the
        storage of ``ranges``.  Unlike ``run`` it neither resets nor reads storage keys
        (``keys`` is empty): the loaded blocks keep the bits ``loadcore`` set (X3)."""
        t0 = time.monotonic()
        self._runs += 1
        self._load(nonzero_runs(image))
        result = self._run_to_wait(start, timeout)
        result.storage = {(a, b): self.savecore(a, b) for a, b in ranges}
        result.elapsed = time.monotonic() - t0
        return result

    def _load(self, runs: list[tuple[int, bytes]]) -> None:
        """``sysclear``, then ``runs`` (address, bytes) stored."""
        self.command("sysclear")
        for address, data in runs:
            self.loadcore(address, data)

    def _run_to_wait(self, start: str, timeout: float) -> Result:
        """Start the CPU with the panel command ``start`` and wait for the disabled
        wait (or stop it after ``timeout``: ``no wait``); the registers at the end,
        no storage and no keys yet."""
        begin = self.start(start)
        # The final state is the PSW= line that follows HHCCP011I (earlier PSW=
        # lines belong to program-check messages).
        stopped = "disabled-wait"
        if not self.wait_ended(begin, timeout):
            stopped = "no wait"
            self.stop()
        log = self._text(begin)
        return Result(stopped=stopped, psw=self.psw(), gpr=self.registers("gpr"),
                      cr=self.registers("cr"), storage={}, keys={}, prefix=self.prefix(),
                      log=log, fpr=self.fpr())


def nonzero_runs(image: bytes) -> list[tuple[int, bytes]]:
    """(address, bytes) for each run of consecutive 2K blocks of ``image`` that hold
    a nonzero byte."""
    runs: list[tuple[int, bytes]] = []
    start = None
    for a in range(0, len(image) + BLOCK, BLOCK):
        nonzero = a < len(image) and any(image[a:a + BLOCK])
        if nonzero and start is None:
            start = a
        elif not nonzero and start is not None:
            runs.append((start, image[start:a]))
            start = None
    return runs


# ----------------------------------------------------------------------
# The reference side
# ----------------------------------------------------------------------
def run_reference(image: bytes, ranges: list[tuple[int, int]],
                  max_steps: int = DEFAULT_MAX_STEPS) -> Result:
    """Run ``image`` on reference.machine.machine.Machine as ``s370 run`` does: clear reset
    (a new machine), the image at absolute 0, a restart interruption, run."""
    t0 = time.monotonic()
    m = Machine(STORAGE_SIZE)
    m.load_image(image, 0)
    m.restart_interruption()
    stopped = m.run(max_steps)
    storage = {(a, b): bytes(m.mem[a:b + 1]) for a, b in ranges}
    keys = {blk: m.keys[blk >> 11] for blk in blocks_of(ranges)}
    return Result(stopped=stopped, psw=m.psw_value(), gpr=list(m.gpr), cr=list(m.cr),
                  storage=storage, keys=keys, prefix=m.prefix,
                  elapsed=time.monotonic() - t0, fpr=list(m.fpr))


# ----------------------------------------------------------------------
# Corpus programs
# ----------------------------------------------------------------------
@dataclass
class Program:
    """A corpus program and the comparison instructions of its header."""

    path: Path
    name: str
    source: str
    compare: list[tuple[int, int]]
    max_steps: int = DEFAULT_MAX_STEPS
    ignore: list[tuple[int, int]] = field(default_factory=list)
    ignore_gpr: set[int] = field(default_factory=set)
    known: str | None = None


_RANGE = re.compile(r"^([0-9A-Fa-f]+)(?:-([0-9A-Fa-f]+))?$")


def _ranges(text: str, where: str) -> list[tuple[int, int]]:
    """Hex ranges 'A-B' or addresses 'A', separated by commas or blanks; the first
    item that is not a range starts a remark."""
    out: list[tuple[int, int]] = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        m = _RANGE.match(item)
        if m is None:
            if not out:
                raise ValueError(f"{where}: bad range {item!r}")
            break
        a = int(m.group(1), 16)
        b = int(m.group(2), 16) if m.group(2) else a
        if b < a or b >= STORAGE_SIZE:
            raise ValueError(f"{where}: bad range {item!r}")
        out.append((a, b))
    return out


def parse_program(path: Path, root: Path = CORPUS) -> Program:
    source = path.read_text()
    try:
        name = str(path.relative_to(root))
    except ValueError:
        name = path.name
    prog = Program(path=path, name=name, source=source, compare=[])
    for line in source.splitlines():
        m = re.match(r"^\*\s*([A-Z-]+):\s*(.*?)\s*$", line)
        if m is None:
            continue
        key, value = m.groups()
        if key == "COMPARE":
            prog.compare += _ranges(value, name)
        elif key == "MAXSTEPS":
            prog.max_steps = int(value)
        elif key == "IGNORE":
            prog.ignore += _ranges(value, name)
        elif key == "IGNORE-GPR":
            prog.ignore_gpr |= {int(r) for r in re.split(r"[,\s]+", value) if r}
        elif key == "KNOWN":
            prog.known = value.split()[0] if value else None
    if not prog.compare:
        raise ValueError(f"{name}: no '* COMPARE:' line")
    return prog


def corpus(root: Path = CORPUS) -> list[Program]:
    return [parse_program(p, root) for p in sorted(root.rglob("*.asm"))]


def assemble(prog: Program) -> bytes:
    """The image of ``prog`` from the project's assembler."""
    image = bytes(assemble_source(prog.source, str(prog.path)).image)
    if image[8:16].strip(b"\0"):
        raise ValueError(f"{prog.name}: bytes 8-15 of the image are not zero")
    return image


# ----------------------------------------------------------------------
# Comparison
# ----------------------------------------------------------------------
def _excluded(prog: Program | None) -> list[tuple[int, int]]:
    out = [(a, b) for a, b, _ in EXCLUDED_STORAGE]
    if prog is not None:
        out += prog.ignore
    return out


def compare(ref: Result, herc: Result, prog: Program | None = None) -> list[str]:
    """Every difference between the reference and Hercules, one line each."""
    diffs: list[str] = []
    if ref.stopped != herc.stopped:
        diffs.append(f"stop: reference {ref.stopped}, hercules {herc.stopped}")
    rpsw, hpsw = ref.psw, herc.psw
    if not rpsw & PSW_EC_BIT and not hpsw & PSW_EC_BIT:
        # The ILC of the current BC-mode PSW is not architecturally observable;
        # Hercules shows the ILC of the last instruction (X2).
        rpsw &= ~BC_ILC_BITS
        hpsw &= ~BC_ILC_BITS
    if rpsw != hpsw:
        diffs.append(f"PSW: reference {ref.psw:016X}, hercules {herc.psw:016X}")
    ignore_gpr = prog.ignore_gpr if prog is not None else set()
    for i in range(16):
        if i not in ignore_gpr and ref.gpr[i] != herc.gpr[i]:
            diffs.append(f"GR{i}: reference {ref.gpr[i]:08X}, hercules {herc.gpr[i]:08X}")
    for i in range(16):
        if ref.cr[i] != herc.cr[i]:
            diffs.append(f"CR{i}: reference {ref.cr[i]:08X}, hercules {herc.cr[i]:08X}")
    if ref.fpr is not None and herc.fpr is not None:
        for i, (x, y) in enumerate(zip(ref.fpr, herc.fpr)):
            if x != y:
                diffs.append(f"FPR{2 * i}: reference {x:016X}, hercules {y:016X}")
    if ref.prefix != herc.prefix:
        diffs.append(f"prefix: reference {ref.prefix:08X}, hercules {herc.prefix:08X}")
    excluded = _excluded(prog)
    for rng, rdata in ref.storage.items():
        hdata = herc.storage.get(rng)
        if hdata is None:
            diffs.append(f"storage {rng[0]:06X}-{rng[1]:06X}: not read from hercules")
            continue
        if hdata == rdata:
            continue
        first = rng[0]
        run: list[int] = []
        for i, (x, y) in enumerate(zip(rdata, hdata)):
            a = first + i
            if x == y or any(lo <= a <= hi for lo, hi in excluded):
                continue
            bits = EXCLUDED_BITS.get(a)
            if bits is not None and not (x ^ y) & ~bits[0] & 0xFF:
                continue
            run.append(a)
        if run:
            a0 = run[0]
            n = min(16, rng[1] - a0 + 1)
            diffs.append(
                f"storage {rng[0]:06X}-{rng[1]:06X}: {len(run)} byte(s) differ, first at "
                f"{a0:06X}: reference {rdata[a0 - first:a0 - first + n].hex().upper()}, "
                f"hercules {hdata[a0 - first:a0 - first + n].hex().upper()}")
    for blk, rkey in ref.keys.items():
        hkey = herc.keys.get(blk)
        if hkey is None or (rkey & KEY_COMPARE_MASK) != (hkey & KEY_COMPARE_MASK):
            shown = "missing" if hkey is None else f"{hkey:02X}"
            diffs.append(f"key of block {blk:06X}: reference {rkey:02X}, hercules {shown}")
    return diffs


def check_program(herc: Hercules, prog: Program) -> tuple[Result, Result, list[str]]:
    """Assemble, run on both machines and compare."""
    image = assemble(prog)
    ref = run_reference(image, prog.compare, prog.max_steps)
    hres = herc.run(image, prog.compare)
    return ref, hres, compare(ref, hres, prog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run corpus programs on the reference "
                                     "machine and on Hercules and compare")
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print Hercules' log of the programs that differ, with a "
                        "message for every program interruption")
    args = parser.parse_args(argv)
    files: list[Path] = []
    for p in args.paths or [CORPUS]:
        files += sorted(p.rglob("*.asm")) if p.is_dir() else [p]
    programs = [parse_program(p.resolve()) for p in files]
    agree = 0
    with Hercules(program_check_messages=args.verbose) as herc:
        for prog in programs:
            try:
                ref, hres, diffs = check_program(herc, prog)
            except Exception as exc:  # a report, not a test: show and go on
                print(f"ERROR  {prog.name}: {type(exc).__name__}: {exc}")
                continue
            known = f" (known {prog.known})" if prog.known else ""
            if diffs:
                print(f"DIFFER {prog.name}{known}")
                for d in diffs:
                    print(f"         {d}")
                if args.verbose:
                    print(hres.log)
            else:
                agree += 1
                print(f"AGREE  {prog.name}{known}  ({ref.elapsed * 1000:.0f} ms ref, "
                      f"{hres.elapsed * 1000:.0f} ms hercules)")
    print(f"{agree}/{len(programs)} programs agree")
    return 0 if agree == len(programs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
