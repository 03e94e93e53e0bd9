"""Helpers for unit tests: build small programs from the opcode table and run them.

``program([("LA", (1, 0, 0, 5)), ...])`` encodes instructions with
``reference.arch.opcodes.encode`` (fields in layout order); ``checked_program`` also
checks that every field fits its instruction field; ``load(r, value)`` is the LA (and
SLL) that puts a value in a register.  ``run_code`` places a program at X'200' with a
BC-mode (or EC-mode) PSW at 0, runs to a stop and returns the machine.  The code ends
with LPSW of a disabled-wait PSW kept at X'1F0' unless ``end`` is False.  ``word``,
``dword``: big-endian bytes; ``old_program_psw(m)``: the program old PSW.
``fuzz_examples()`` is the number of examples of a parser fuzz; ``within(seconds)``
turns a hang into a test failure; ``working_directory(path)`` runs a block in another
directory; ``collect_garbage()`` finalizes every object no longer reachable.

``asm(source)`` assembles a program; ``differences(native, vm)`` lists what differs
between two runs (a machine and a VM: the whole state, the step count, the stop and
every interruption taken).  Channel I/O: ``card(text)`` is an 80-column card,
``ipl_deck()`` a two-card IPL deck, ``DISK_PROGRAM`` a program that writes and reads a
3370 (the CCWs themselves: ``conformance.strategies.channel``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Iterator

from conformance.comparison import log_difference
from conformance.strategies import ccw
from reference.arch.ebcdic import to_ebcdic
from reference.arch.opcodes import BY_MNEMONIC, decode_fields, encode
from reference.asm.assembler import assemble
from reference.machine.machine import Machine
from reference.session import differences as state_differences
from reference.vm.virtual_machine import VirtualMachine

CODE_ORIGIN = 0x200
WAIT_PSW_AT = 0x1F0
WAIT_PSW_BC = 0x00020000_00000000  # BC mode (bit 12 zero), wait (bit 14), disabled
WAIT_PSW_EC = 0x000A0000_00000000  # EC mode (bit 12 one), wait, disabled


def fuzz_examples(default: int = 200) -> int:
    """Examples per parser fuzz: ``default``, or the number in the environment
    variable ``S370_FUZZ_EXAMPLES`` (``S370_FUZZ_EXAMPLES=10000 pytest ...`` for a
    long campaign without editing code)."""
    text = os.environ.get("S370_FUZZ_EXAMPLES", "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ValueError(f"S370_FUZZ_EXAMPLES={text!r}: a positive number of examples")
    return int(text)


def ins(mnemonic: str, *fields: int) -> bytes:
    return encode(BY_MNEMONIC[mnemonic], tuple(fields))


def program(items: list[tuple[str, tuple[int, ...]]]) -> bytes:
    return b"".join(ins(mn, *f) for mn, f in items)


def word(v: int) -> bytes:
    return v.to_bytes(4, "big")


def dword(v: int) -> bytes:
    return v.to_bytes(8, "big")


def old_program_psw(m: Machine) -> int:
    """The program old PSW (location 40)."""
    return int.from_bytes(m.mem[0x28:0x30], "big")


def load(r: int, value: int) -> list[tuple[str, tuple[int, ...]]]:
    """Put ``value`` in register ``r`` with LA (and SLL when it needs more than the
    12-bit displacement)."""
    shift = 0
    while value >> shift > 0xFFF:
        shift += 4
    assert value == (value >> shift) << shift
    items = [("LA", (r, 0, 0, value >> shift))]
    if shift:
        items.append(("SLL", (r, 0, 0, shift)))
    return items


def checked_program(items: list[tuple[str, tuple[int, ...]]]) -> bytes:
    """``program(items)``, after checking that every field fits its instruction field
    (decoding the instruction gives the field back)."""
    for mnemonic, fields in items:
        row = BY_MNEMONIC[mnemonic]
        assert decode_fields(row.layout, ins(mnemonic, *fields)) == fields, (mnemonic, fields)
    return program(items)


def make_machine(code: bytes, *, ec: bool = False, key: int = 0, problem: bool = False,
                 storage: int = 64 * 1024, data: dict[int, bytes] | None = None,
                 end: bool = True, system_mask: int = 0) -> Machine:
    m = Machine(storage)
    psw = (system_mask << 56) | (key << 52) | (problem << 48) | CODE_ORIGIN
    if ec:
        psw |= 1 << 51
    m.load_image(psw.to_bytes(8, "big"), 0)
    wait = WAIT_PSW_EC if ec else WAIT_PSW_BC
    m.load_image(wait.to_bytes(8, "big"), WAIT_PSW_AT)
    if end:
        code = code + ins("LPSW", 0, WAIT_PSW_AT)
    m.load_image(code, CODE_ORIGIN)
    for addr, blob in (data or {}).items():
        m.load_image(blob, addr)
    m.ipl_psw()
    return m


def run_code(code: bytes, max_steps: int = 10_000, **kw: object) -> Machine:
    m = make_machine(code, **kw)  # type: ignore[arg-type]
    m.run(max_steps)
    return m


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail (AssertionError) rather than hang when the block takes longer than
    ``seconds`` (SIGALRM: the main thread only, as pytest runs tests)."""
    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"no end within {seconds} s: a hang")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def collect_garbage() -> None:
    """Collect and finalize every unreachable object.  A collector without reference
    counts (PyPy's) may finalize a chain of objects one link per collection: three
    collections, as the standard library's own tests make."""
    for _ in range(3):
        gc.collect()


@contextlib.contextmanager
def working_directory(path: str | os.PathLike[str]) -> Iterator[None]:
    """Run the block with ``path`` as the current directory, then return to the one
    before it."""
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def asm(source: str) -> bytes:
    return assemble(source, "test.asm").image


def differences(native: Machine | VirtualMachine, vm: Machine | VirtualMachine) -> list[str]:
    """What differs between two runs (the native machine and a VM), readably: every
    field of the state, the step count, the stop reason and the interruptions taken
    (whole records: class, code, ILC, old and new PSW, step)."""
    out = [f"{name}: native {x} vm {y}"
           for name, x, y in state_differences(native.state(), vm.state())]
    if native.steps != vm.steps:
        out.append(f"steps: native {native.steps} vm {vm.steps}")
    if native.stop_reason != vm.stop_reason:
        out.append(f"stop: native {native.stop_reason} vm {vm.stop_reason}")
    log = log_difference(native.interruption_log or [], vm.interruption_log or [])
    if log is not None:
        out.append(log)
    return out


def card(text: str) -> bytes:
    """An 80-column card: ``text`` in EBCDIC, padded with blanks."""
    return to_ebcdic(text).ljust(80, b"\x40")


def ipl_deck() -> bytes:
    """Card 1: BC-mode PSW to X'400', CCW read card 2 into X'400' (CC, SLI), TIC to
    it... card 2: the program: LA 7,X'77'; LPSW of a disabled wait."""
    psw = bytes.fromhex("0000000000000400")
    card1 = (psw + ccw(0x02, 0x400, 0x20, 80) + ccw(0x08, 0x400, 0, 0)).ljust(80, b"\0")
    wait = bytes.fromhex("000A000000000000")
    code = ins("LA", 7, 0, 0, 0x77) + ins("LPSW", 0, 0x410)
    card2 = (code.ljust(16, b"\0") + wait).ljust(80, b"\0")
    return card1 + card2


# Write block 5 of a 3370 at 150; read extent blocks 2-4 (device blocks 4-6, the
# extent starting at device block 2) with data chaining at a block boundary; LOCATE
# beyond the extent: unit check.  The CSWs are kept at CSW1-CSW3.
DISK_PROGRAM = """\
DISK     START 0
         DC    X'00000000',A(BEGIN)
         ORG   DISK+X'200'
BEGIN    BALR  12,0
         USING *,12
         LA    1,WPROG
         BAL   14,DOIO
         MVC   CSW1,X'40'
         LA    1,RPROG
         BAL   14,DOIO
         MVC   CSW2,X'40'
         LA    1,SPROG
         BAL   14,DOIO
         MVC   CSW3,X'40'
         LPSW  DONE
DOIO     ST    1,X'48'
         SIO   X'150'
         BNZ   FAIL
TIOLOOP  TIO   X'150'
         BC    2,TIOLOOP
         BR    14
FAIL     LPSW  BAD
         DS    0D
DONE     DC    X'000A0000',A(0)
BAD      DC    X'000A0000',A(X'BAD')
WPROG    DC    X'63',AL3(DEXTW),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCW),X'40',X'00',AL2(8)
         DC    X'41',AL3(PATTERN),X'00',X'00',AL2(512)
RPROG    DC    X'63',AL3(DEXTR),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCR),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF),X'80',X'00',AL2(512)
         DC    X'00',AL3(BUF+512),X'00',X'00',AL2(1024)
SPROG    DC    X'63',AL3(DEXTR),X'40',X'00',AL2(16)
         DC    X'43',AL3(LOCBAD),X'40',X'00',AL2(8)
         DC    X'42',AL3(BUF2),X'00',X'00',AL2(512)
DEXTW    DC    X'C0000000',F'0',F'0',F'15'
DEXTR    DC    X'40000000',F'2',F'0',F'13'
LOCW     DC    X'01000001',F'5'
LOCR     DC    X'06000003',F'2'
LOCBAD   DC    X'06000001',F'14'
CSW1     DS    D
CSW2     DS    D
CSW3     DS    D
PATTERN  DC    128C'ABCD'
         ORG   DISK+X'1000'
BUF      DS    XL1536
BUF2     DS    XL512
         END   BEGIN
"""
