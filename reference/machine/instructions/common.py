"""Guards and helpers shared by the instruction modules."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from reference.arch.interrupts import PrivilegedOperation, SpecificationException

if TYPE_CHECKING:
    from reference.machine.cpu import CPU


def require_supervisor_state(m: CPU) -> None:
    """Privileged instructions: privileged-operation exception in the problem state."""
    if m.problem:
        raise PrivilegedOperation()


def privileged(handler: Callable[..., None]) -> Callable[..., None]:
    """``handler`` of a privileged instruction as the machine executes it.

    GA22-7000 ch.6 "Privileged-Operation Exception": a privileged instruction in
    the problem state is suppressed with a privileged-operation exception.  Its
    priority (ch.6 "Priority of Program Interruption Conditions") is above the
    specification and access exceptions of the operands and every condition the
    execution recognizes, so the state is tested before ``handler`` runs.  The
    opcode table's ``privileged`` trait names the instructions guarded so
    (``reference.machine.instructions.HANDLERS``); semiprivileged instructions make
    their own test.  ``handler`` itself performs the instruction as in the
    supervisor state: the VMCP applies it to a virtual machine in the virtual
    supervisor state."""
    @functools.wraps(handler)
    def in_supervisor_state(m: CPU, *fields: int) -> None:
        if m.problem:
            raise PrivilegedOperation()
        handler(m, *fields)
    return in_supervisor_state


def require_even_register(r: int) -> None:
    """An even-odd register pair must be named by its even register."""
    if r & 1:
        raise SpecificationException("odd register of a pair")


def require_aligned(addr: int, boundary: int) -> None:
    if addr & (boundary - 1):
        raise SpecificationException(f"operand not on a {boundary}-byte boundary")


def signed32(v: int) -> int:
    return v - 0x100000000 if v & 0x80000000 else v
