"""What differs between two runs, as lines a person reads.

- ``log_difference(a, b)``: the first interruption in which two logs differ.
- ``differences(expected, got)``: what differs between two outcomes
  (``conformance.implementations.Outcome``): the stop and the instruction count, the
  whole state where both runs report it (otherwise the fields every implementation
  reports: PSW, registers, storage and keys), and the interruptions.
- ``discrepancies(source, impl, mode)``: the properties' check of a generated
  program: its run on ``impl`` in ``mode`` against the reference machine natively.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reference.asm.assembler import assemble
from reference.machine.cpu import State
from reference.session import differences as state_differences

from .implementations import Implementation, Outcome, Reference
from .strategies import PROGRAM_STORAGE

STEPS = 400            # the step limit of a generated program's runs
BLOCK = 2048           # bytes a storage key covers


def log_difference(a: Sequence[Any], b: Sequence[Any]) -> str | None:
    """The first entry in which two interruption logs differ, with both counts
    (None: the logs are the same)."""
    if list(a) == list(b):
        return None
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y),
             min(len(a), len(b)))
    return (f"interruption {n}: {list(a[n:n + 1])} vs {list(b[n:n + 1])} "
            f"({len(a)} vs {len(b)} in all)")


def reported_state(out: Outcome, blocks: int, fpr: bool = True) -> State:
    """The fields every implementation reports, as a state: PSW, general and control
    registers (the floating-point registers too with ``fpr``, where the outcome has
    them), the keys of the first ``blocks`` 2K blocks and their storage; every
    other field is zero (the same for any two outcomes)."""
    # keys may be a lazy sequence (an adapter reads them on demand)
    keys = bytes(list(out.keys[:blocks]))
    fprs = out.fpr if fpr and out.fpr is not None else (0, 0, 0, 0)
    return State(psw=out.psw, gpr=tuple(out.gpr), fpr=tuple(fprs), cr=tuple(out.cr), prefix=0,
                 tod=0,
                 clock_comparator=0, cpu_timer=0, interval_timer=0,
                 storage=out.read(0, blocks * BLOCK), keys=keys, pending=(), stopped=None)


def differences(expected: Outcome, got: Outcome) -> list[str]:
    """What differs between two outcomes: the whole state where both have it,
    otherwise the fields every implementation reports."""
    out = []
    if expected.stop != got.stop or expected.steps != got.steps:
        out.append(f"stop: {expected.stop} after {expected.steps} instructions, "
                   f"got {got.stop} after {got.steps}")
    if expected.state is not None and got.state is not None:
        a, b = expected.state, got.state
    else:
        blocks = min(len(expected.keys), len(got.keys))
        if len(expected.keys) != len(got.keys):
            out.append(f"storage: {len(expected.keys) * BLOCK} vs {len(got.keys) * BLOCK} "
                       f"bytes")
        fpr = expected.fpr is not None and got.fpr is not None
        a, b = reported_state(expected, blocks, fpr), reported_state(got, blocks, fpr)
    out += [f"{name}: {x} vs {y}" for name, x, y in state_differences(a, b)]
    log = log_difference([(k, c, ilc, old) for k, c, ilc, old in expected.interruptions],
                         [(k, c, ilc, old) for k, c, ilc, old in got.interruptions])
    if log is not None:
        out.append(log)
    return out


def discrepancies(source: str, impl: Implementation, mode: str) -> list[str]:
    """What differs between the reference machine running the generated program
    ``source`` natively and ``impl`` running it in ``mode`` (STEPS instructions at
    most, PROGRAM_STORAGE of storage)."""
    image = assemble(source, "<generated>").image
    reference = Reference().run(image, PROGRAM_STORAGE, STEPS, "native")
    got = impl.run(image, PROGRAM_STORAGE, STEPS, mode)
    if got.stop.startswith("unsupported: guest DAT") and reference.psw >> 58 & 1:
        return []  # a wild store made a DAT PSW, and the implementation has no guest DAT
    return differences(reference, got)
