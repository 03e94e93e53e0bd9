"""General instructions (GA22-7000 chapter 7).

Each function is one instruction, named after the manual, with its opcode,
mnemonic, name and format in the banner above it.  ``m`` is the machine; the
remaining parameters are the instruction's fields in the order of its layout
(``reference.opcodes``).  The PSW's instruction address already points to the next
sequential instruction when a function runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..interrupts import SupervisorCall
from .common import MASK24, MASK32, arithmetic_result, overflow_check, signed32

if TYPE_CHECKING:
    from ..machine import Machine


# ---------------------------------------------------------------------------
# 1A AR    ADD                                                   [RR]
# GA22-7000 ch.7 "Add": the second operand is added to the first; the sum is
# placed in R1.  CC 0 zero, 1 < 0, 2 > 0, 3 overflow.  Fixed-point overflow
# exception if the program mask allows (the result is stored first).
# ---------------------------------------------------------------------------
def add_register(m: Machine, r1: int, r2: int) -> None:
    g = m.gpr
    g[r1] = arithmetic_result(m, signed32(g[r1]) + signed32(g[r2]))
    overflow_check(m)


# ---------------------------------------------------------------------------
# 1B SR    SUBTRACT                                              [RR]
# ---------------------------------------------------------------------------
def subtract_register(m: Machine, r1: int, r2: int) -> None:
    g = m.gpr
    g[r1] = arithmetic_result(m, signed32(g[r1]) - signed32(g[r2]))
    overflow_check(m)


# ---------------------------------------------------------------------------
# 18 LR    LOAD                                                  [RR]
# ---------------------------------------------------------------------------
def load_register(m: Machine, r1: int, r2: int) -> None:
    m.gpr[r1] = m.gpr[r2]


# ---------------------------------------------------------------------------
# 41 LA    LOAD ADDRESS                                          [RX]
# The 24-bit address D2(X2,B2) replaces bits 8-31 of R1; bits 0-7 become zero.
# ---------------------------------------------------------------------------
def load_address(m: Machine, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    m.gpr[r1] = ((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2) & MASK24


# ---------------------------------------------------------------------------
# 58 L     LOAD                                                  [RX]
# ---------------------------------------------------------------------------
def load(m: Machine, r1: int, x2: int, b2: int, d2: int) -> None:
    m.gpr[r1] = m.fetch_word(m.address(x2, b2, d2))


# ---------------------------------------------------------------------------
# 50 ST    STORE                                                 [RX]
# ---------------------------------------------------------------------------
def store(m: Machine, r1: int, x2: int, b2: int, d2: int) -> None:
    m.store_word(m.address(x2, b2, d2), m.gpr[r1])


# ---------------------------------------------------------------------------
# 47 BC    BRANCH ON CONDITION                                   [RX]
# The branch is taken when the mask bit for the current CC is one
# (mask bit 8 for CC 0, 4 for CC 1, 2 for CC 2, 1 for CC 3).
# ---------------------------------------------------------------------------
def branch_on_condition(m: Machine, m1: int, x2: int, b2: int, d2: int) -> None:
    if m1 & (8 >> m.cc):
        g = m.gpr
        m.branch_to((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2)


# ---------------------------------------------------------------------------
# 07 BCR   BRANCH ON CONDITION                                   [RR]
# R2 zero means no branch.
# ---------------------------------------------------------------------------
def branch_on_condition_register(m: Machine, m1: int, r2: int) -> None:
    if r2 and m1 & (8 >> m.cc):
        m.branch_to(m.gpr[r2])


# ---------------------------------------------------------------------------
# 46 BCT   BRANCH ON COUNT                                       [RX]
# One is subtracted from R1; the branch is taken when the result is not zero.
# ---------------------------------------------------------------------------
def branch_on_count(m: Machine, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2
    v = (g[r1] - 1) & MASK32
    g[r1] = v
    if v:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 06 BCTR  BRANCH ON COUNT                                       [RR]
# R2 zero: R1 is decremented and no branch is taken.
# ---------------------------------------------------------------------------
def branch_on_count_register(m: Machine, r1: int, r2: int) -> None:
    g = m.gpr
    target = g[r2]
    v = (g[r1] - 1) & MASK32
    g[r1] = v
    if v and r2:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 0A SVC   SUPERVISOR CALL                                       [RR]
# Causes a supervisor-call interruption with bits 8-15 as the code.
# ---------------------------------------------------------------------------
def supervisor_call(m: Machine, r1: int, r2: int) -> None:
    raise SupervisorCall((r1 << 4) | r2)
