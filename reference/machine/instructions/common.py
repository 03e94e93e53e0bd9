"""Guards and helpers shared by the instruction modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference.arch.interrupts import PrivilegedOperation, SpecificationException

if TYPE_CHECKING:
    from reference.machine.cpu import CPU

MASK32 = 0xFFFFFFFF
MASK24 = 0xFFFFFF


def require_supervisor_state(m: CPU) -> None:
    """Privileged instructions: privileged-operation exception in the problem state."""
    if m.problem:
        raise PrivilegedOperation()


def require_even_register(r: int) -> None:
    """An even-odd register pair must be named by its even register."""
    if r & 1:
        raise SpecificationException("odd register of a pair")


def require_aligned(addr: int, boundary: int) -> None:
    if addr & (boundary - 1):
        raise SpecificationException(f"operand not on a {boundary}-byte boundary")


def signed32(v: int) -> int:
    return v - 0x100000000 if v & 0x80000000 else v
