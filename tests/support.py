"""Helpers for unit tests: build small programs from the opcode table and run them.

``program([("LA", (1, 0, 0, 5)), ...])`` encodes instructions with
``reference.arch.opcodes.encode`` (fields in layout order); ``run_code`` places them at
X'200' with a BC-mode (or EC-mode) PSW at 0, runs to a stop and returns the machine.
The code ends with LPSW of a disabled-wait PSW kept at X'1F0' unless ``end`` is False.
``fuzz_examples()`` is the number of examples of a parser fuzz; ``within(seconds)``
turns a hang into a test failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator

from reference.arch.opcodes import BY_MNEMONIC, encode
from reference.machine.machine import Machine

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
