"""Guards and helpers shared by the instruction modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interrupts import FixedPointOverflow, PrivilegedOperation, SpecificationException

if TYPE_CHECKING:
    from ..cpu import CPU

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


def set_cc_signed(m: CPU, value: int) -> None:
    """CC 0 zero, 1 less than zero, 2 greater than zero (value already signed)."""
    m.cc = 0 if value == 0 else (1 if value < 0 else 2)


def arithmetic_result(m: CPU, result: int) -> int:
    """The 32-bit result of a signed add or subtract with its condition code.

    CC 0 zero, 1 less than zero, 2 greater than zero, 3 overflow; on overflow a
    fixed-point-overflow exception is recognized if program-mask bit 36 is one (the
    operation is completed: the result is stored first)."""
    if -0x80000000 <= result <= 0x7FFFFFFF:
        m.cc = 0 if result == 0 else (1 if result < 0 else 2)
        return result & MASK32
    m.cc = 3
    return result & MASK32


def overflow_check(m: CPU) -> None:
    """Raise fixed-point overflow after the result is stored, if CC 3 and enabled."""
    if m.cc == 3 and m.program_mask & 0x8:
        raise FixedPointOverflow()
