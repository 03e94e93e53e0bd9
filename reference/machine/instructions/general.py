"""General instructions (GA22-7000 chapter 7).

Each function is one instruction, named after the manual, with its opcode,
mnemonic, name and format in the banner above it.  ``m`` is the machine; the
remaining parameters are the instruction's fields in the order of its layout
(``reference.arch.opcodes``).  The PSW's instruction address already points to the next
sequential instruction when a function runs.

CVB, CVD, PACK, UNPK and MVO are chapter-7 instructions too; they live with the
decimal instructions in ``decimal.py``.

Conventions used throughout
---------------------------
- Addresses are 24 bits (S/370): ``D(X,B)`` is computed modulo 2**24 and an
  operand that runs past X'FFFFFF' wraps to 0 (the machine's storage accessors
  do the wrap).
- Signed 32-bit values are kept unsigned in ``m.gpr``; ``x & 0x80000000`` is the
  sign.  The hot instructions of compute loops (AR, SR, LR, LA, L, ST, BC, BCT,
  BCTR, shifts) are written out inline, effective address included, because a
  register loop must run at two million instructions a second; the others use
  ``m.address(x, b, d)`` and shared helpers.
- Suppression: every exception that suppresses is raised before anything is
  changed.  A store of several bytes goes through ``m.store``, which checks the
  access of every byte before storing any.  Fixed-point overflow "completes": the
  result is stored and the condition code set before the exception is raised.

Model-dependent choices (where GA22-7000 leaves a choice to the model)
---------------------------------------------------------------------
- MOVE LONG and COMPARE LOGICAL LONG are interruptible in S/370.  This model
  never interrupts them for an external or I/O condition: each executes to
  completion in one step (one microsecond of the model's time).  Its unit of
  operation is the run of bytes up to the next 2K boundary of either operand:
  the registers are brought up to date after every unit, so an access exception
  leaves them describing exactly the bytes already processed (the unit that hit
  the exception is not performed).  A nullifying exception (segment or page
  translation) therefore resumes the instruction where it stopped, as the
  architecture requires of an interruptible instruction.  The condition code is
  set only when the instruction completes.
- ICM and CLM with a zero mask fetch one byte (access exceptions for that byte
  are recognized) and set CC 0; STCM with a zero mask accesses no storage.  This
  is what Hercules does; the manual allows either for a zero mask.
- TRANSLATE and TRANSLATE AND TEST access only the parts of the 256-byte table
  that the argument bytes select (to the nearest 2K block, the granule of every
  access check); the manual leaves access to unused table bytes unpredictable.
  TRANSLATE AND TEST fetches its whole first operand.
- Overlap of SS operands (MVC, MVN, MVZ, NC, OC, XC, TR) is judged on logical
  addresses: when the destination starts one or more bytes to the right of the
  source inside it, the result is computed byte by byte as the manual defines.
  Operands that share real storage only through different virtual addresses are
  processed as if they did not overlap.
- MVCL with destructive overlap (CC 3) sets bits 0-7 of R1 and R2 to zero as on
  every other completion (as Hercules does); tests do not depend on it.
- COMPARE AND SWAP / COMPARE DOUBLE AND SWAP check store access (and set the
  change bit) whether or not the comparison lets them store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reference.arch import opcodes
from reference.arch.interrupts import (
    ExecuteException,
    FixedPointDivide,
    FixedPointOverflow,
    MonitorEvent,
    OperationException,
    SpecificationException,
    SupervisorCall,
)
from reference.arch.lowcore import MASK24, MASK32, MASK64, SIGN64
from reference.arch.lowcore import SIGN32 as SIGN
from reference.machine.instructions.common import require_aligned, require_even_register

if TYPE_CHECKING:
    from reference.machine.cpu import CPU

HIGH8 = 0xFF000000


def _signed(v: int) -> int:
    """A 32-bit register value as a Python integer (two's complement)."""
    return v - 0x100000000 if v & SIGN else v


def _set_cc_arith(m: CPU, r: int) -> None:
    """CC 0 zero, 1 negative, 2 positive for the 32-bit unsigned-kept value r."""
    m.cc = 0 if r == 0 else (1 if r & SIGN else 2)


# ===========================================================================
# Loads and stores
# ===========================================================================

# ---------------------------------------------------------------------------
# 18 LR    LOAD                                                  [RR]
# GA22-7000 ch.7 "Load": the second operand is placed in R1 unchanged.  CC unchanged.
# ---------------------------------------------------------------------------
def load_register(m: CPU, r1: int, r2: int) -> None:
    m.gpr[r1] = m.gpr[r2]


# ---------------------------------------------------------------------------
# 58 L     LOAD                                                  [RX]
# GA22-7000 ch.7 "Load": the word at D2(X2,B2) is placed in R1.  No alignment is
# required (S/370 byte-oriented operands).  CC unchanged.
# ---------------------------------------------------------------------------
def load(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = ((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2) & MASK24
    g[r1] = int.from_bytes(m.fetch(addr, 4), "big")


# ---------------------------------------------------------------------------
# 48 LH    LOAD HALFWORD                                         [RX]
# GA22-7000 ch.7 "Load Halfword": the halfword at D2(X2,B2) is extended to 32
# bits by propagating its sign bit and placed in R1.  CC unchanged.
# ---------------------------------------------------------------------------
def load_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    g[r1] = int.from_bytes(m.fetch(addr, 2), "big", signed=True) & MASK32


# ---------------------------------------------------------------------------
# 41 LA    LOAD ADDRESS                                          [RX]
# GA22-7000 ch.7 "Load Address": the 24-bit address D2(X2,B2) replaces bits 8-31
# of R1; bits 0-7 become zero.  No storage is referenced.  CC unchanged.
# ---------------------------------------------------------------------------
def load_address(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    g[r1] = ((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2) & MASK24


# ---------------------------------------------------------------------------
# 12 LTR   LOAD AND TEST                                         [RR]
# GA22-7000 ch.7 "Load and Test": R2 is placed in R1; CC 0 zero, 1 < 0, 2 > 0.
# ---------------------------------------------------------------------------
def load_and_test_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    v = g[r2]
    g[r1] = v
    m.cc = 0 if v == 0 else (1 if v & SIGN else 2)


# ---------------------------------------------------------------------------
# 13 LCR   LOAD COMPLEMENT                                       [RR]
# GA22-7000 ch.7 "Load Complement": the two's complement of R2 is placed in R1.
# CC 0 zero, 1 < 0, 2 > 0, 3 overflow: the maximum negative number (-2**31)
# remains unchanged and a fixed-point-overflow exception is recognized if
# program-mask bit 36 is one (the result is stored first).
# ---------------------------------------------------------------------------
def load_complement_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    v = (-g[r2]) & MASK32
    g[r1] = v
    if v == SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
        return
    m.cc = 0 if v == 0 else (1 if v & SIGN else 2)


# ---------------------------------------------------------------------------
# 10 LPR   LOAD POSITIVE                                         [RR]
# GA22-7000 ch.7 "Load Positive": the absolute value of R2 is placed in R1.
# CC 0 zero, 2 > 0, 3 overflow (the maximum negative number stays as it is;
# fixed-point overflow if the program mask allows, after the result is stored).
# ---------------------------------------------------------------------------
def load_positive_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    v = g[r2]
    if v & SIGN:
        v = (-v) & MASK32
    g[r1] = v
    if v == SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
        return
    m.cc = 2 if v else 0


# ---------------------------------------------------------------------------
# 11 LNR   LOAD NEGATIVE                                         [RR]
# GA22-7000 ch.7 "Load Negative": the negative of the absolute value of R2 is
# placed in R1.  CC 0 zero, 1 < 0.  No overflow is possible.
# ---------------------------------------------------------------------------
def load_negative_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    v = g[r2]
    if v and not v & SIGN:
        v = (-v) & MASK32
    g[r1] = v
    m.cc = 1 if v else 0


# ---------------------------------------------------------------------------
# 50 ST    STORE                                                 [RX]
# GA22-7000 ch.7 "Store": R1 is placed unchanged in the word at D2(X2,B2).
# ---------------------------------------------------------------------------
def store(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = ((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2) & MASK24
    m.store(addr, g[r1].to_bytes(4, "big"))


# ---------------------------------------------------------------------------
# 40 STH   STORE HALFWORD                                        [RX]
# GA22-7000 ch.7 "Store Halfword": bits 16-31 of R1 are stored at D2(X2,B2).
# ---------------------------------------------------------------------------
def store_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    m.store(addr, (g[r1] & 0xFFFF).to_bytes(2, "big"))


# ---------------------------------------------------------------------------
# 42 STC   STORE CHARACTER                                       [RX]
# GA22-7000 ch.7 "Store Character": bits 24-31 of R1 are stored at D2(X2,B2).
# ---------------------------------------------------------------------------
def store_character(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    m.store(addr, bytes((g[r1] & 0xFF,)))


# ---------------------------------------------------------------------------
# 43 IC    INSERT CHARACTER                                      [RX]
# GA22-7000 ch.7 "Insert Character": the byte at D2(X2,B2) replaces bits 24-31
# of R1; bits 0-23 are unchanged.  CC unchanged.
# ---------------------------------------------------------------------------
def insert_character(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    g[r1] = (g[r1] & 0xFFFFFF00) | m.fetch(addr, 1)[0]


# ---------------------------------------------------------------------------
# 90 STM   STORE MULTIPLE                                        [RS]
# GA22-7000 ch.7 "Store Multiple": registers R1 through R3 (wrapping from 15 to
# 0) are stored in consecutive words starting at D2(B2).  Every byte's access is
# checked before any is stored.
# ---------------------------------------------------------------------------
def store_multiple(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    count = ((r3 - r1) & 15) + 1
    data = b"".join(g[(r1 + i) & 15].to_bytes(4, "big") for i in range(count))
    m.store(addr, data)


# ---------------------------------------------------------------------------
# 98 LM    LOAD MULTIPLE                                         [RS]
# GA22-7000 ch.7 "Load Multiple": registers R1 through R3 (wrapping from 15 to
# 0) are loaded from consecutive words starting at D2(B2).  The whole operand is
# fetched (and its access checked) before any register changes.
# ---------------------------------------------------------------------------
def load_multiple(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    count = ((r3 - r1) & 15) + 1
    data = m.fetch(addr, 4 * count)
    for i in range(count):
        g[(r1 + i) & 15] = int.from_bytes(data[4 * i:4 * i + 4], "big")


# ---------------------------------------------------------------------------
# BF ICM   INSERT CHARACTERS UNDER MASK                          [RS]
# GA22-7000 ch.7 "Insert Characters under Mask": bytes from D2(B2), as many as
# the mask M3 has ones, replace the bytes of R1 whose mask bits are one (mask
# bit 12 selects bits 0-7, ... bit 15 selects bits 24-31); the others are
# unchanged.  CC 0 all inserted bits zero or mask zero, 1 leftmost inserted bit
# one, 2 leftmost inserted bit zero and not all zero.  Mask zero: one byte is
# fetched (see the module text) and CC 0.
# ---------------------------------------------------------------------------
def insert_characters_under_mask(m: CPU, r1: int, m3: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    if m3 == 0:
        m.fetch(addr, 1)
        m.cc = 0
        return
    data = m.fetch(addr, bin(m3).count("1"))
    v = g[r1]
    i = 0
    for pos in range(4):
        if m3 & (8 >> pos):
            shift = 24 - 8 * pos
            v = (v & ~(0xFF << shift) & MASK32) | (data[i] << shift)
            i += 1
    g[r1] = v
    m.cc = 0 if not any(data) else (1 if data[0] & 0x80 else 2)


# ---------------------------------------------------------------------------
# BE STCM  STORE CHARACTERS UNDER MASK                           [RS]
# GA22-7000 ch.7 "Store Characters under Mask": the bytes of R1 whose mask bits
# are one are stored, left to right, in contiguous bytes at D2(B2).  Mask zero:
# nothing is stored and no storage is accessed (see the module text).  CC
# unchanged.
# ---------------------------------------------------------------------------
def store_characters_under_mask(m: CPU, r1: int, m3: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    if m3 == 0:
        return
    v = g[r1]
    data = bytes(v >> (24 - 8 * pos) & 0xFF for pos in range(4) if m3 & (8 >> pos))
    m.store(addr, data)


# ===========================================================================
# Binary arithmetic
# ===========================================================================

# ---------------------------------------------------------------------------
# 1A AR    ADD                                                   [RR]
# GA22-7000 ch.7 "Add": the second operand is added to the first; the sum is
# placed in R1.  CC 0 zero, 1 < 0, 2 > 0, 3 overflow.  Overflow (operands of the
# same sign, sum of the other sign) leaves the low 32 bits of the sum in R1 and
# is a fixed-point-overflow exception if program-mask bit 36 is one.
# ---------------------------------------------------------------------------
def add_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    a = g[r1]
    b = g[r2]
    r = (a + b) & MASK32
    g[r1] = r
    if (a ^ r) & (b ^ r) & SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
    else:
        m.cc = 0 if r == 0 else (1 if r & SIGN else 2)


# ---------------------------------------------------------------------------
# 5A A     ADD                                                   [RX]
# As AR with the word at D2(X2,B2) as second operand.
# ---------------------------------------------------------------------------
def add(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    addr = m.address(x2, b2, d2)
    b = int.from_bytes(m.fetch(addr, 4), "big")
    _add_signed(m, r1, b)


# ---------------------------------------------------------------------------
# 4A AH    ADD HALFWORD                                          [RX]
# GA22-7000 ch.7 "Add Halfword": the halfword at D2(X2,B2), extended to 32 bits
# by its sign, is added to R1 as in A.
# ---------------------------------------------------------------------------
def add_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    addr = m.address(x2, b2, d2)
    b = int.from_bytes(m.fetch(addr, 2), "big", signed=True) & MASK32
    _add_signed(m, r1, b)


# ---------------------------------------------------------------------------
# 1B SR    SUBTRACT                                              [RR]
# GA22-7000 ch.7 "Subtract": the second operand is subtracted from the first;
# the difference is placed in R1.  CC and overflow as for AR.  Overflow when the
# operands' signs differ and the difference's sign differs from the first's.
# ---------------------------------------------------------------------------
def subtract_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    a = g[r1]
    b = g[r2]
    r = (a - b) & MASK32
    g[r1] = r
    if (a ^ b) & (a ^ r) & SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
    else:
        m.cc = 0 if r == 0 else (1 if r & SIGN else 2)


# ---------------------------------------------------------------------------
# 5B S     SUBTRACT                                              [RX]
# As SR with the word at D2(X2,B2) as second operand.
# ---------------------------------------------------------------------------
def subtract(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    addr = m.address(x2, b2, d2)
    b = int.from_bytes(m.fetch(addr, 4), "big")
    _subtract_signed(m, r1, b)


# ---------------------------------------------------------------------------
# 4B SH    SUBTRACT HALFWORD                                     [RX]
# As S with the sign-extended halfword at D2(X2,B2) as second operand.
# ---------------------------------------------------------------------------
def subtract_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    addr = m.address(x2, b2, d2)
    b = int.from_bytes(m.fetch(addr, 2), "big", signed=True) & MASK32
    _subtract_signed(m, r1, b)


# ---------------------------------------------------------------------------
# 1E ALR   ADD LOGICAL                                           [RR]
# GA22-7000 ch.7 "Add Logical": the operands are added as 32-bit unsigned
# numbers; the low 32 bits of the sum go to R1.  CC 0 zero and no carry, 1 not
# zero and no carry, 2 zero and carry, 3 not zero and carry.  No exceptions.
# ---------------------------------------------------------------------------
def add_logical_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    s = g[r1] + g[r2]
    r = s & MASK32
    g[r1] = r
    m.cc = (2 if s >> 32 else 0) | (1 if r else 0)


# ---------------------------------------------------------------------------
# 5E AL    ADD LOGICAL                                           [RX]
# As ALR with the word at D2(X2,B2) as second operand.
# ---------------------------------------------------------------------------
def add_logical(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    s = g[r1] + int.from_bytes(m.fetch(addr, 4), "big")
    r = s & MASK32
    g[r1] = r
    m.cc = (2 if s >> 32 else 0) | (1 if r else 0)


# ---------------------------------------------------------------------------
# 1F SLR   SUBTRACT LOGICAL                                      [RR]
# GA22-7000 ch.7 "Subtract Logical": the first operand plus the ones complement
# of the second plus one; the low 32 bits go to R1.  CC as for ALR from the
# carry out of bit 0: 1 not zero and no carry (first operand was lower),
# 2 zero and carry (equal), 3 not zero and carry; CC 0 cannot occur.
# ---------------------------------------------------------------------------
def subtract_logical_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    s = g[r1] + (g[r2] ^ MASK32) + 1
    r = s & MASK32
    g[r1] = r
    m.cc = (2 if s >> 32 else 0) | (1 if r else 0)


# ---------------------------------------------------------------------------
# 5F SL    SUBTRACT LOGICAL                                      [RX]
# As SLR with the word at D2(X2,B2) as second operand.
# ---------------------------------------------------------------------------
def subtract_logical(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    s = g[r1] + (int.from_bytes(m.fetch(addr, 4), "big") ^ MASK32) + 1
    r = s & MASK32
    g[r1] = r
    m.cc = (2 if s >> 32 else 0) | (1 if r else 0)


# ---------------------------------------------------------------------------
# 1C MR    MULTIPLY                                              [RR]
# GA22-7000 ch.7 "Multiply": R1 names an even-odd pair (an odd R1 is a
# specification exception); the signed multiplicand in R1+1 times the signed
# R2 gives a 64-bit product in the pair (high half in R1).  CC unchanged; no
# overflow is possible.
# ---------------------------------------------------------------------------
def multiply_register(m: CPU, r1: int, r2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    p = _signed(g[r1 + 1]) * _signed(g[r2])
    g[r1] = (p >> 32) & MASK32
    g[r1 + 1] = p & MASK32


# ---------------------------------------------------------------------------
# 5C M     MULTIPLY                                              [RX]
# As MR with the word at D2(X2,B2) as multiplier.
# ---------------------------------------------------------------------------
def multiply(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    addr = m.address(x2, b2, d2)
    p = _signed(g[r1 + 1]) * int.from_bytes(m.fetch(addr, 4), "big", signed=True)
    g[r1] = (p >> 32) & MASK32
    g[r1 + 1] = p & MASK32


# ---------------------------------------------------------------------------
# 4C MH    MULTIPLY HALFWORD                                     [RX]
# GA22-7000 ch.7 "Multiply Halfword": R1 times the signed halfword at
# D2(X2,B2); the low 32 bits of the product replace R1.  Bits lost on the left
# are not detected (the sign of the result may be wrong); CC unchanged.
# ---------------------------------------------------------------------------
def multiply_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    h = int.from_bytes(m.fetch(addr, 2), "big", signed=True)
    g[r1] = (_signed(g[r1]) * h) & MASK32


def _divide(m: CPU, r1: int, divisor: int) -> None:
    """Divide the 64-bit signed pair R1, R1+1 by ``divisor`` (signed).

    GA22-7000 ch.7 "Divide": the quotient (truncated toward zero) goes to R1+1,
    the remainder (with the sign of the dividend) to R1.  A zero divisor or a
    quotient that does not fit 32 bits is a fixed-point-divide exception, and the
    operation is suppressed (nothing changes)."""
    g = m.gpr
    dividend = (g[r1] << 32) | g[r1 + 1]
    if dividend & SIGN64:
        dividend -= 1 << 64
    if divisor == 0:
        raise FixedPointDivide("division by zero")
    q = abs(dividend) // abs(divisor)
    rem = abs(dividend) - q * abs(divisor)
    if (dividend < 0) != (divisor < 0):
        q = -q
    if dividend < 0:
        rem = -rem
    if not -0x80000000 <= q <= 0x7FFFFFFF:
        raise FixedPointDivide("quotient too large")
    g[r1] = rem & MASK32
    g[r1 + 1] = q & MASK32


# ---------------------------------------------------------------------------
# 1D DR    DIVIDE                                                [RR]
# GA22-7000 ch.7 "Divide": see _divide.  R1 must be even (specification).
# ---------------------------------------------------------------------------
def divide_register(m: CPU, r1: int, r2: int) -> None:
    require_even_register(r1)
    _divide(m, r1, _signed(m.gpr[r2]))


# ---------------------------------------------------------------------------
# 5D D     DIVIDE                                                [RX]
# As DR with the word at D2(X2,B2) as divisor.
# ---------------------------------------------------------------------------
def divide(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    _divide(m, r1, int.from_bytes(m.fetch(m.address(x2, b2, d2), 4), "big", signed=True))


# ===========================================================================
# Comparison
# ===========================================================================

# ---------------------------------------------------------------------------
# 19 CR    COMPARE                                               [RR]
# GA22-7000 ch.7 "Compare": signed comparison; CC 0 equal, 1 first low,
# 2 first high.  (Flipping both sign bits turns a signed comparison into an
# unsigned one.)
# ---------------------------------------------------------------------------
def compare_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    a = g[r1] ^ SIGN
    b = g[r2] ^ SIGN
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 59 C     COMPARE                                               [RX]
# ---------------------------------------------------------------------------
def compare(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    a = g[r1] ^ SIGN
    b = int.from_bytes(m.fetch(addr, 4), "big") ^ SIGN
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 49 CH    COMPARE HALFWORD                                      [RX]
# GA22-7000 ch.7 "Compare Halfword": R1 is compared with the sign-extended
# halfword at D2(X2,B2) as signed numbers; CC as for C.
# ---------------------------------------------------------------------------
def compare_halfword(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    a = _signed(g[r1])
    b = int.from_bytes(m.fetch(addr, 2), "big", signed=True)
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 15 CLR   COMPARE LOGICAL                                       [RR]
# GA22-7000 ch.7 "Compare Logical": unsigned comparison; CC 0 equal, 1 first
# low, 2 first high.
# ---------------------------------------------------------------------------
def compare_logical_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    a = g[r1]
    b = g[r2]
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 55 CL    COMPARE LOGICAL                                       [RX]
# ---------------------------------------------------------------------------
def compare_logical(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    a = g[r1]
    b = int.from_bytes(m.fetch(addr, 4), "big")
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 95 CLI   COMPARE LOGICAL (immediate)                           [SI]
# GA22-7000 ch.7 "Compare Logical": the byte at D1(B1) (first operand) is
# compared with I2; CC 0 equal, 1 storage byte low, 2 storage byte high.
# ---------------------------------------------------------------------------
def compare_logical_immediate(m: CPU, i2: int, b1: int, d1: int) -> None:
    a = m.fetch(m.address(0, b1, d1), 1)[0]
    m.cc = 0 if a == i2 else (1 if a < i2 else 2)


# ---------------------------------------------------------------------------
# D5 CLC   COMPARE LOGICAL (character)                           [SS]
# GA22-7000 ch.7 "Compare Logical": L+1 bytes at D1(B1) and D2(B2) compared as
# unsigned binary, left to right; CC 0 equal, 1 first low, 2 first high.  Both
# operands are fetched whole.
# ---------------------------------------------------------------------------
def compare_logical_character(m: CPU, ln: int, b1: int, d1: int, b2: int,
                              d2: int) -> None:
    a = m.fetch(m.address(0, b1, d1), ln + 1)
    b = m.fetch(m.address(0, b2, d2), ln + 1)
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# BD CLM   COMPARE LOGICAL CHARACTERS UNDER MASK                 [RS]
# GA22-7000 ch.7 "Compare Logical Characters under Mask": the bytes of R1
# selected by M3 (left to right) are compared as one unsigned field with as many
# contiguous bytes at D2(B2).  CC 0 equal or mask zero, 1 selected bytes low,
# 2 high.  Mask zero: one byte is fetched (see the module text).
# ---------------------------------------------------------------------------
def compare_logical_characters_under_mask(m: CPU, r1: int, m3: int, b2: int,
                                          d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    if m3 == 0:
        m.fetch(addr, 1)
        m.cc = 0
        return
    v = g[r1]
    a = bytes(v >> (24 - 8 * pos) & 0xFF for pos in range(4) if m3 & (8 >> pos))
    b = m.fetch(addr, len(a))
    m.cc = 0 if a == b else (1 if a < b else 2)


# ---------------------------------------------------------------------------
# 91 TM    TEST UNDER MASK                                       [SI]
# GA22-7000 ch.7 "Test under Mask": the bits of the byte at D1(B1) selected by
# the ones of I2 are tested.  CC 0 selected bits all zero (or mask zero),
# 1 mixed, 3 all ones.
# ---------------------------------------------------------------------------
def test_under_mask(m: CPU, i2: int, b1: int, d1: int) -> None:
    sel = m.fetch(m.address(0, b1, d1), 1)[0] & i2
    m.cc = 0 if sel == 0 else (3 if sel == i2 else 1)


# ===========================================================================
# Logical operations (AND, OR, EXCLUSIVE OR): CC 0 result zero, 1 not zero
# ===========================================================================

# ---------------------------------------------------------------------------
# 14 NR    AND                                                   [RR]
# GA22-7000 ch.7 "And": the bitwise AND of the operands replaces R1.
# ---------------------------------------------------------------------------
def and_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    r = g[r1] & g[r2]
    g[r1] = r
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 54 N     AND                                                   [RX]
# ---------------------------------------------------------------------------
def and_(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    r = g[r1] & int.from_bytes(m.fetch(addr, 4), "big")
    g[r1] = r
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 16 OR    OR                                                    [RR]
# ---------------------------------------------------------------------------
def or_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    r = g[r1] | g[r2]
    g[r1] = r
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 56 O     OR                                                    [RX]
# ---------------------------------------------------------------------------
def or_(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    r = g[r1] | int.from_bytes(m.fetch(addr, 4), "big")
    g[r1] = r
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 17 XR    EXCLUSIVE OR                                          [RR]
# ---------------------------------------------------------------------------
def exclusive_or_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    r = g[r1] ^ g[r2]
    g[r1] = r
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 57 X     EXCLUSIVE OR                                          [RX]
# ---------------------------------------------------------------------------
def exclusive_or(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(x2, b2, d2)
    r = g[r1] ^ int.from_bytes(m.fetch(addr, 4), "big")
    g[r1] = r
    m.cc = 1 if r else 0


def _immediate_logical(m: CPU, i2: int, b1: int, d1: int,
                       op: Callable[[int, int], int]) -> None:
    """NI, OI, XI: the byte at D1(B1) is fetched, combined with I2 and stored."""
    addr = m.address(0, b1, d1)
    r = op(m.fetch(addr, 1)[0], i2)
    m.store(addr, bytes((r,)))
    m.cc = 1 if r else 0


# ---------------------------------------------------------------------------
# 94 NI    AND (immediate)                                       [SI]
# GA22-7000 ch.7 "And": the byte at D1(B1) AND I2 replaces the byte.
# ---------------------------------------------------------------------------
def and_immediate(m: CPU, i2: int, b1: int, d1: int) -> None:
    _immediate_logical(m, i2, b1, d1, int.__and__)


# ---------------------------------------------------------------------------
# 96 OI    OR (immediate)                                        [SI]
# ---------------------------------------------------------------------------
def or_immediate(m: CPU, i2: int, b1: int, d1: int) -> None:
    _immediate_logical(m, i2, b1, d1, int.__or__)


# ---------------------------------------------------------------------------
# 97 XI    EXCLUSIVE OR (immediate)                              [SI]
# ---------------------------------------------------------------------------
def exclusive_or_immediate(m: CPU, i2: int, b1: int, d1: int) -> None:
    _immediate_logical(m, i2, b1, d1, int.__xor__)


# ===========================================================================
# Storage-to-storage moves and logical operations (SS, one length L: L+1 bytes)
#
# GA22-7000 ch.7: the operands are processed left to right "as if one byte at a
# time": when the first operand starts to the right of the second inside it,
# result bytes already stored are fetched again as second-operand bytes (MVC
# with the destination one byte past the source propagates the first byte).
# ===========================================================================

def _ss_operands(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int,
                 fetch_first: bool) -> tuple[int, int, bytes, bytes, int]:
    """Addresses, first-operand bytes (if ``fetch_first``), second-operand bytes
    and the overlap distance of an SS instruction.

    The first operand's store access is checked first, then the operands are
    fetched, so every access exception comes before anything is stored.  The
    distance ``d`` is how far the first operand starts to the right of the second
    (modulo 2**24); ``0 < d < n`` means result bytes are reused as source bytes."""
    n = ln + 1
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    m.check_store(a1, n)
    first = m.fetch(a1, n) if fetch_first else b""
    second = m.fetch(a2, n)
    return a1, a2, first, second, (a1 - a2) & MASK24


def _ss_bytewise(first: bytes, second: bytes, d: int,
                 op: Callable[[int, int], int]) -> bytes:
    """Byte-at-a-time result for overlapping operands (0 < d < n): second-operand
    byte i is result byte i-d once i >= d."""
    out = bytearray(len(second))
    for i in range(len(second)):
        s = second[i] if i < d else out[i - d]
        out[i] = op(first[i] if first else 0, s)
    return bytes(out)


# ---------------------------------------------------------------------------
# D2 MVC   MOVE (character)                                      [SS]
# GA22-7000 ch.7 "Move": L+1 bytes are moved from D2(B2) to D1(B1), left to
# right, byte by byte.  CC unchanged.
# ---------------------------------------------------------------------------
def move_character(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, _, _, src, d = _ss_operands(m, ln, b1, d1, b2, d2, False)
    n = ln + 1
    if 0 < d < n:
        # Each stored byte is fetched again d bytes later: the first d bytes repeat.
        src = (src[:d] * (n // d + 1))[:n]
    m.store(a1, src)


# ---------------------------------------------------------------------------
# D1 MVN   MOVE NUMERICS                                         [SS]
# GA22-7000 ch.7 "Move Numerics": the low four bits of each second-operand byte
# replace those of the first-operand byte; the high four bits are unchanged.
# ---------------------------------------------------------------------------
def move_numerics(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, _, dst, src, d = _ss_operands(m, ln, b1, d1, b2, d2, True)
    if 0 < d < ln + 1:
        out = _ss_bytewise(dst, src, d, lambda f, s: (f & 0xF0) | (s & 0x0F))
    else:
        out = bytes((f & 0xF0) | (s & 0x0F) for f, s in zip(dst, src))
    m.store(a1, out)


# ---------------------------------------------------------------------------
# D3 MVZ   MOVE ZONES                                            [SS]
# GA22-7000 ch.7 "Move Zones": the high four bits of each second-operand byte
# replace those of the first-operand byte; the low four bits are unchanged.
# ---------------------------------------------------------------------------
def move_zones(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, _, dst, src, d = _ss_operands(m, ln, b1, d1, b2, d2, True)
    if 0 < d < ln + 1:
        out = _ss_bytewise(dst, src, d, lambda f, s: (s & 0xF0) | (f & 0x0F))
    else:
        out = bytes((s & 0xF0) | (f & 0x0F) for f, s in zip(dst, src))
    m.store(a1, out)


def _ss_logical(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int,
                op: Callable[[int, int], int]) -> None:
    """NC, OC, XC: first operand = first op second, byte by byte; CC 0 if the
    result is all zeros, else 1."""
    a1, _, dst, src, d = _ss_operands(m, ln, b1, d1, b2, d2, True)
    n = ln + 1
    if 0 < d < n:
        out = _ss_bytewise(dst, src, d, op)
    else:
        out = op(int.from_bytes(dst, "big"), int.from_bytes(src, "big")).to_bytes(n, "big")
    m.store(a1, out)
    m.cc = 1 if any(out) else 0


# ---------------------------------------------------------------------------
# D4 NC    AND (character)                                       [SS]
# ---------------------------------------------------------------------------
def and_character(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    _ss_logical(m, ln, b1, d1, b2, d2, int.__and__)


# ---------------------------------------------------------------------------
# D6 OC    OR (character)                                        [SS]
# ---------------------------------------------------------------------------
def or_character(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    _ss_logical(m, ln, b1, d1, b2, d2, int.__or__)


# ---------------------------------------------------------------------------
# D7 XC    EXCLUSIVE OR (character)                              [SS]
# XC of a field with itself (same address) sets it to zeros.
# ---------------------------------------------------------------------------
def exclusive_or_character(m: CPU, ln: int, b1: int, d1: int, b2: int,
                           d2: int) -> None:
    _ss_logical(m, ln, b1, d1, b2, d2, int.__xor__)


# ---------------------------------------------------------------------------
# 92 MVI   MOVE (immediate)                                      [SI]
# GA22-7000 ch.7 "Move": I2 is stored at D1(B1).
# ---------------------------------------------------------------------------
def move_immediate(m: CPU, i2: int, b1: int, d1: int) -> None:
    m.store(m.address(0, b1, d1), bytes((i2,)))


def _table_reader(m: CPU, table: int) -> Callable[[int], int]:
    """Function bytes of the 256-byte table at ``table``, fetched on first use
    of each part of the table that lies in one 2K block (the granule of every
    access check, so only the blocks the argument bytes select are accessed)."""
    split = 0x800 - (table & 0x7FF)  # first index in the next 2K block
    parts: dict[int, bytes] = {}

    def function_byte(arg: int) -> int:
        part = 0 if arg < split else 1
        data = parts.get(part)
        if data is None:
            start, end = (0, min(split, 256)) if part == 0 else (split, 256)
            data = parts[part] = m.fetch((table + start) & MASK24, end - start)
        return data[arg if part == 0 else arg - split]

    return function_byte


# ---------------------------------------------------------------------------
# DC TR    TRANSLATE                                             [SS]
# GA22-7000 ch.7 "Translate": each of the L+1 bytes at D1(B1), left to right, is
# replaced by the byte of the table at D2(B2) that it indexes.  A table byte
# that is itself part of the first operand and already translated is fetched in
# its translated form (one byte at a time).  CC unchanged.
# ---------------------------------------------------------------------------
def translate(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    n = ln + 1
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    m.check_store(a1, n)
    args = m.fetch(a1, n)
    table = _table_reader(m, a2)
    out = bytearray(n)
    for i, arg in enumerate(args):
        # Where the selected table byte lies in the first operand, at index j:
        # a byte already translated (j < i) is used in its new form.
        j = (a2 + arg - a1) & MASK24
        out[i] = out[j] if j < i else table(arg)
    m.store(a1, out)


# ---------------------------------------------------------------------------
# DD TRT   TRANSLATE AND TEST                                    [SS]
# GA22-7000 ch.7 "Translate and Test": the bytes at D1(B1) are used, left to
# right, to select function bytes from the table at D2(B2); nothing is stored.
# At the first nonzero function byte the operation stops: its argument's address
# replaces bits 8-31 of GR1 (bits 0-7 unchanged) and the function byte replaces
# bits 24-31 of GR2.  CC 0 all function bytes zero, 1 stopped before the last
# byte, 2 stopped on the last byte.
# ---------------------------------------------------------------------------
def translate_and_test(m: CPU, ln: int, b1: int, d1: int, b2: int, d2: int) -> None:
    g = m.gpr
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    args = m.fetch(a1, ln + 1)
    table = _table_reader(m, a2)
    for i, arg in enumerate(args):
        fb = table(arg)
        if fb:
            g[1] = (g[1] & HIGH8) | ((a1 + i) & MASK24)
            g[2] = (g[2] & 0xFFFFFF00) | fb
            m.cc = 2 if i == ln else 1
            return
    m.cc = 0


# ===========================================================================
# Long operands (MVCL, CLCL)
# ===========================================================================

def _long_operand(g: list[int], r: int) -> tuple[int, int]:
    """(address, length) of a long operand: address in bits 8-31 of R, length in
    bits 8-31 of R+1."""
    return g[r] & MASK24, g[r + 1] & MASK24


def _update_long(g: list[int], r: int, addr: int, length: int) -> None:
    """Write back a long operand: R gets the address with bits 0-7 zero, R+1 the
    length with its bits 0-7 (the padding byte for R2+1) unchanged."""
    g[r] = addr
    g[r + 1] = (g[r + 1] & HIGH8) | length


def _to_boundary(addr: int) -> int:
    """Bytes from ``addr`` to the next 2K boundary (the unit of MVCL/CLCL here)."""
    return 0x800 - (addr & 0x7FF)


# ---------------------------------------------------------------------------
# 0E MVCL  MOVE LONG                                             [RR]
# GA22-7000 ch.7 "Move Long": R1 and R2 name even-odd pairs (odd: specification).
# Bits 8-31 of R1/R2 address the operands, bits 8-31 of R1+1/R2+1 are their
# lengths, bits 0-7 of R2+1 the padding byte.  Bytes are moved left to right
# until the first operand is full; when the second operand runs out, the padding
# byte fills the rest.  CC 0 lengths equal, 1 first shorter, 2 first longer,
# 3 destructive overlap (the destination starts to the right of the source
# inside the bytes that would be moved): nothing is moved.  At completion the
# addresses are advanced and the lengths reduced by the bytes processed; bits 0-7
# of R1 and R2 are set to zeros (even for zero lengths), bits 0-7 of R1+1 and
# R2+1 are unchanged.  See the module text for interruptibility.
# ---------------------------------------------------------------------------
def move_long(m: CPU, r1: int, r2: int) -> None:
    require_even_register(r1)
    require_even_register(r2)
    g = m.gpr
    addr1, len1 = _long_operand(g, r1)
    addr2, len2 = _long_operand(g, r2)
    pad = g[r2 + 1] >> 24
    cc = 0 if len1 == len2 else (1 if len1 < len2 else 2)
    if 0 < (addr1 - addr2) & MASK24 < min(len1, len2):
        g[r1] = addr1
        g[r2] = addr2
        m.cc = 3
        return
    while len1:
        n = min(len1, _to_boundary(addr1))
        if len2:
            n = min(n, len2, _to_boundary(addr2))
            data = m.fetch(addr2, n)
        else:
            data = bytes((pad,)) * n
        m.store(addr1, data)
        addr1 = (addr1 + n) & MASK24
        len1 -= n
        if len2:
            addr2 = (addr2 + n) & MASK24
            len2 -= n
        _update_long(g, r1, addr1, len1)
        _update_long(g, r2, addr2, len2)
    g[r1] = addr1
    g[r2] = addr2
    m.cc = cc


# ---------------------------------------------------------------------------
# 0F CLCL  COMPARE LOGICAL LONG                                  [RR]
# GA22-7000 ch.7 "Compare Logical Long": operands as for MVCL; the shorter
# operand is extended with the padding byte (bits 0-7 of R2+1).  Comparison is
# unsigned, left to right, and stops at the first unequal byte: CC 0 equal (or
# both lengths zero), 1 first operand low, 2 first operand high.  The addresses
# are advanced and the lengths reduced by the number of bytes found equal (so
# on inequality they designate the first unequal bytes); an operand already
# exhausted keeps its address and a zero length.  Bits 0-7 of R1 and R2 become
# zero; bits 0-7 of R1+1 and R2+1 are unchanged.
# ---------------------------------------------------------------------------
def compare_logical_long(m: CPU, r1: int, r2: int) -> None:
    require_even_register(r1)
    require_even_register(r2)
    g = m.gpr
    addr1, len1 = _long_operand(g, r1)
    addr2, len2 = _long_operand(g, r2)
    pad = bytes((g[r2 + 1] >> 24,))
    cc = 0
    while len1 or len2:
        n = max(len1, len2)
        if len1:
            n = min(n, len1, _to_boundary(addr1))
        if len2:
            n = min(n, len2, _to_boundary(addr2))
        a = m.fetch(addr1, n) if len1 else pad * n
        b = m.fetch(addr2, n) if len2 else pad * n
        if a != b:
            i = next(k for k in range(n) if a[k] != b[k])
            cc = 1 if a[i] < b[i] else 2
            n = i
        if len1:
            addr1 = (addr1 + n) & MASK24
            len1 -= n
        if len2:
            addr2 = (addr2 + n) & MASK24
            len2 -= n
        _update_long(g, r1, addr1, len1)
        _update_long(g, r2, addr2, len2)
        if cc:
            break
    g[r1] = addr1
    g[r2] = addr2
    m.cc = cc


# ===========================================================================
# Shifts: the shift amount is bits 26-31 of the second-operand address D2(B2)
# (GA22-7000 ch.7); the address does not refer to storage.
# ===========================================================================

# ---------------------------------------------------------------------------
# 88 SRL   SHIFT RIGHT SINGLE LOGICAL                            [RS]
# All 32 bits of R1 shift right; zeros enter on the left.  CC unchanged.
# ---------------------------------------------------------------------------
def shift_right_single_logical(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    g[r1] >>= ((g[b2] if b2 else 0) + d2) & 63


# ---------------------------------------------------------------------------
# 89 SLL   SHIFT LEFT SINGLE LOGICAL                             [RS]
# All 32 bits of R1 shift left; zeros enter on the right.  CC unchanged.
# ---------------------------------------------------------------------------
def shift_left_single_logical(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    g[r1] = (g[r1] << (((g[b2] if b2 else 0) + d2) & 63)) & MASK32


# ---------------------------------------------------------------------------
# 8A SRA   SHIFT RIGHT SINGLE                                    [RS]
# The 31 numeric bits of R1 shift right; bits equal to the sign enter on the
# left.  CC 0 zero, 1 < 0, 2 > 0.
# ---------------------------------------------------------------------------
def shift_right_single(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    r = (_signed(g[r1]) >> (((g[b2] if b2 else 0) + d2) & 63)) & MASK32
    g[r1] = r
    _set_cc_arith(m, r)


# ---------------------------------------------------------------------------
# 8B SLA   SHIFT LEFT SINGLE                                     [RS]
# The 31 numeric bits of R1 shift left; zeros enter on the right; the sign bit
# is unchanged.  If a bit unlike the sign is shifted out of bit position 1, CC 3
# and, if program-mask bit 36 is one, a fixed-point-overflow exception (after
# the result is stored).  Otherwise CC 0 zero, 1 < 0, 2 > 0.  (No bit unlike
# the sign is lost exactly when value * 2**n still fits 32 signed bits.)
# ---------------------------------------------------------------------------
def shift_left_single(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    n = ((g[b2] if b2 else 0) + d2) & 63
    v = g[r1]
    shifted = _signed(v) << n
    r = (v & SIGN) | (shifted & 0x7FFFFFFF)
    g[r1] = r
    if not -0x80000000 <= shifted <= 0x7FFFFFFF:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
        return
    _set_cc_arith(m, r)


def _pair(g: list[int], r1: int) -> int:
    """The 64-bit value of the even-odd pair R1, R1+1 (unsigned)."""
    return (g[r1] << 32) | g[r1 + 1]


def _set_pair(g: list[int], r1: int, v: int) -> None:
    g[r1] = (v >> 32) & MASK32
    g[r1 + 1] = v & MASK32


# ---------------------------------------------------------------------------
# 8C SRDL  SHIFT RIGHT DOUBLE LOGICAL                            [RS]
# The 64 bits of the even-odd pair R1 (odd R1: specification) shift right;
# zeros enter on the left.  CC unchanged.
# ---------------------------------------------------------------------------
def shift_right_double_logical(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    _set_pair(g, r1, _pair(g, r1) >> (((g[b2] if b2 else 0) + d2) & 63))


# ---------------------------------------------------------------------------
# 8D SLDL  SHIFT LEFT DOUBLE LOGICAL                             [RS]
# ---------------------------------------------------------------------------
def shift_left_double_logical(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    _set_pair(g, r1, (_pair(g, r1) << (((g[b2] if b2 else 0) + d2) & 63)) & MASK64)


# ---------------------------------------------------------------------------
# 8E SRDA  SHIFT RIGHT DOUBLE                                    [RS]
# The 63 numeric bits of the pair shift right, the sign propagating.  CC 0 zero,
# 1 < 0, 2 > 0 (of the 64-bit result).
# ---------------------------------------------------------------------------
def shift_right_double(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    v = _pair(g, r1)
    if v & SIGN64:
        v -= 1 << 64
    r = (v >> (((g[b2] if b2 else 0) + d2) & 63)) & MASK64
    _set_pair(g, r1, r)
    m.cc = 0 if r == 0 else (1 if r & SIGN64 else 2)


# ---------------------------------------------------------------------------
# 8F SLDA  SHIFT LEFT DOUBLE                                     [RS]
# As SLA for the 63 numeric bits of the pair: sign unchanged, CC 3 and
# fixed-point overflow (if enabled, after the result is stored) when a bit
# unlike the sign leaves bit position 1.
# ---------------------------------------------------------------------------
def shift_left_double(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    g = m.gpr
    n = ((g[b2] if b2 else 0) + d2) & 63
    v = _pair(g, r1)
    signed = v - (1 << 64) if v & SIGN64 else v
    shifted = signed << n
    r = (v & SIGN64) | (shifted & (SIGN64 - 1))
    _set_pair(g, r1, r)
    if not -SIGN64 <= shifted < SIGN64:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
        return
    m.cc = 0 if r == 0 else (1 if r & SIGN64 else 2)


# ===========================================================================
# Branching
# ===========================================================================

# ---------------------------------------------------------------------------
# 47 BC    BRANCH ON CONDITION                                   [RX]
# GA22-7000 ch.7 "Branch on Condition": the branch is taken when the mask bit
# for the current CC is one (mask bit 8 for CC 0, 4 for CC 1, 2 for CC 2, 1 for
# CC 3).
# ---------------------------------------------------------------------------
def branch_on_condition(m: CPU, m1: int, x2: int, b2: int, d2: int) -> None:
    if m1 & (8 >> m.cc):
        g = m.gpr
        m.branch_to((g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2)


# ---------------------------------------------------------------------------
# 07 BCR   BRANCH ON CONDITION                                   [RR]
# As BC with the address in R2.  R2 zero: no branch, whatever the mask (BCR 15,0
# is the serialization idiom; this one-CPU model has nothing to serialize).
# ---------------------------------------------------------------------------
def branch_on_condition_register(m: CPU, m1: int, r2: int) -> None:
    if r2 and m1 & (8 >> m.cc):
        m.branch_to(m.gpr[r2])


# ---------------------------------------------------------------------------
# 46 BCT   BRANCH ON COUNT                                       [RX]
# GA22-7000 ch.7 "Branch on Count": one is subtracted from R1 (no overflow is
# recognized); the branch is taken when the result is not zero.  The branch
# address is computed before R1 changes.  CC unchanged.
# ---------------------------------------------------------------------------
def branch_on_count(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2
    v = (g[r1] - 1) & MASK32
    g[r1] = v
    if v:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 06 BCTR  BRANCH ON COUNT                                       [RR]
# As BCT with the address in R2 (taken before R1 changes).  R2 zero: R1 is
# decremented and no branch is taken.
# ---------------------------------------------------------------------------
def branch_on_count_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    target = g[r2]
    v = (g[r1] - 1) & MASK32
    g[r1] = v
    if v and r2:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 05 BALR  BRANCH AND LINK                                       [RR]
# GA22-7000 ch.7 "Branch and Link": link information replaces R1 (in BC and EC
# mode alike): bits 0-1 the instruction-length code, 2-3 the condition code,
# 4-7 the program mask, 8-31 the updated instruction address.  Then the branch is
# taken to the address in R2 (taken before R1 changes) unless R2 is zero.  When
# EXECUTE runs BALR, the ILC is that of EXECUTE (2) and the updated instruction
# address is the one following EXECUTE: EXECUTE passes ``ilc=2``.
# ---------------------------------------------------------------------------
def branch_and_link_register(m: CPU, r1: int, r2: int, ilc: int = 1) -> None:
    g = m.gpr
    target = g[r2]
    g[r1] = (ilc << 30) | (m.cc << 28) | (m.program_mask << 24) | m.ia
    if r2:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 45 BAL   BRANCH AND LINK                                       [RX]
# As BALR (ILC 2, also under EXECUTE) with the branch address D2(X2,B2),
# computed before R1 changes.
# ---------------------------------------------------------------------------
def branch_and_link(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2
    g[r1] = (2 << 30) | (m.cc << 28) | (m.program_mask << 24) | m.ia
    m.branch_to(target)


# ---------------------------------------------------------------------------
# 0D BASR  BRANCH AND SAVE                                       [RR]
# GA22-7000 ch.7 "Branch and Save": the updated instruction address replaces
# bits 8-31 of R1, bits 0-7 become zero; then the branch to the address in R2
# (taken before R1 changes) unless R2 is zero.
# ---------------------------------------------------------------------------
def branch_and_save_register(m: CPU, r1: int, r2: int) -> None:
    g = m.gpr
    target = g[r2]
    g[r1] = m.ia
    if r2:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 4D BAS   BRANCH AND SAVE                                       [RX]
# As BASR with the branch address D2(X2,B2).
# ---------------------------------------------------------------------------
def branch_and_save(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[x2] if x2 else 0) + (g[b2] if b2 else 0) + d2
    g[r1] = m.ia
    m.branch_to(target)


# ---------------------------------------------------------------------------
# 86 BXH   BRANCH ON INDEX HIGH                                  [RS]
# GA22-7000 ch.7 "Branch on Index High": the increment (R3) is added to R1
# (signed, overflow ignored) and the sum compared with the compare value, which
# is R3 if R3 is odd and R3+1 if R3 is even, taken before the addition.  Branch
# to D2(B2) (computed before the addition) if the sum is high.  CC unchanged.
# ---------------------------------------------------------------------------
def branch_on_index_high(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[b2] if b2 else 0) + d2
    increment = g[r3]
    compare_value = _signed(g[r3 | 1])
    s = (g[r1] + increment) & MASK32
    g[r1] = s
    if _signed(s) > compare_value:
        m.branch_to(target)


# ---------------------------------------------------------------------------
# 87 BXLE  BRANCH ON INDEX LOW OR EQUAL                          [RS]
# As BXH, branching when the sum is low or equal.
# ---------------------------------------------------------------------------
def branch_on_index_low_or_equal(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    target = (g[b2] if b2 else 0) + d2
    increment = g[r3]
    compare_value = _signed(g[r3 | 1])
    s = (g[r1] + increment) & MASK32
    g[r1] = s
    if _signed(s) <= compare_value:
        m.branch_to(target)


# ===========================================================================
# Other general instructions
# ===========================================================================

# ---------------------------------------------------------------------------
# 04 SPM   SET PROGRAM MASK                                      [RR]
# GA22-7000 ch.7 "Set Program Mask": bits 2-3 of R1 replace the condition code
# and bits 4-7 the program mask.  R2 is ignored.
# ---------------------------------------------------------------------------
def set_program_mask(m: CPU, r1: int, r2: int) -> None:
    v = m.gpr[r1]
    m.cc = v >> 28 & 3
    m.program_mask = v >> 24 & 15


# ---------------------------------------------------------------------------
# 0A SVC   SUPERVISOR CALL                                       [RR]
# GA22-7000 ch.7 "Supervisor Call": a supervisor-call interruption with bits
# 8-15 of the instruction as the interruption code.
# ---------------------------------------------------------------------------
def supervisor_call(m: CPU, r1: int, r2: int) -> None:
    raise SupervisorCall((r1 << 4) | r2)


# ---------------------------------------------------------------------------
# 44 EX    EXECUTE                                               [RX]
# GA22-7000 ch.7 "Execute": the instruction at D2(X2,B2) (the target) is
# fetched, bits 24-31 of R1 are ORed into its bits 8-15 (not when R1 is 0;
# only the copy changes), and it is executed.  The target's address must be
# even (specification); a target that is EXECUTE is an execute exception.  The
# instruction address stays the one following EX unless the target branches;
# the target's exceptions report the ILC of EX (2), as do BALR's link and an
# SVC target's interruption.
# ---------------------------------------------------------------------------
def execute_target(m: CPU, r1: int, x2: int, b2: int, d2: int) -> bytes:
    """The target of EXECUTE R1,D2(X2,B2) as it is executed: the instruction at
    the second-operand address, fetched with the PSW key (an instruction fetch),
    with bits 24-31 of R1 ORed into its bits 8-15 unless R1 is 0.  The exceptions
    come in the architected order: specification for an odd address, then the
    access exceptions of the fetch (the first halfword, then the rest of the
    length its first byte gives), then the execute exception for a target that
    is EXECUTE.  The VMCP decodes the target of a trapped EXECUTE with it too."""
    addr = m.address(x2, b2, d2)
    if addr & 1:
        raise SpecificationException("EXECUTE target at an odd address")
    code = bytearray(m.fetch(addr, 2))
    length = opcodes.instruction_length(code[0])
    if length > 2:
        code += m.fetch((addr + 2) & MASK24, length - 2)
    if r1:
        code[1] |= m.gpr[r1] & 0xFF
    if code[0] == 0x44:
        raise ExecuteException("EXECUTE of EXECUTE")
    return bytes(code)


def execute(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    code = execute_target(m, r1, x2, b2, d2)
    row = opcodes.lookup(code)
    handler = None if row is None else m._handlers.get(row.handler)
    if row is None or handler is None:
        raise OperationException(f"opcode {code[:2].hex()} under EXECUTE")
    fields = opcodes.decode_fields(row.layout, code)
    if row.mnemonic == "BALR":
        handler(m, *fields, ilc=2)
    else:
        handler(m, *fields)


# ---------------------------------------------------------------------------
# 93 TS    TEST AND SET                                          [S]
# GA22-7000 ch.7 "Test and Set": the byte at D2(B2) is fetched and set to all
# ones (interlocked); CC is its leftmost bit (0 or 1).  Store access is checked
# before the fetch, so an exception leaves the byte and CC unchanged.
# ---------------------------------------------------------------------------
def test_and_set(m: CPU, b2: int, d2: int) -> None:
    addr = m.address(0, b2, d2)
    m.check_store(addr, 1)
    old = m.fetch(addr, 1)[0]
    m.store(addr, b"\xff")
    m.cc = old >> 7


# ---------------------------------------------------------------------------
# BA CS    COMPARE AND SWAP                                      [RS]
# GA22-7000 ch.7 "Compare and Swap": the word at D2(B2) (on a word boundary,
# else specification) is compared with R1.  Equal: R3 is stored there, CC 0.
# Unequal: the word is loaded into R1, CC 1.  Interlocked (one CPU here).
# ---------------------------------------------------------------------------
def compare_and_swap(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    g = m.gpr
    addr = m.address(0, b2, d2)
    require_aligned(addr, 4)
    m.check_store(addr, 4)
    v = int.from_bytes(m.fetch(addr, 4), "big")
    if v == g[r1]:
        m.store(addr, g[r3].to_bytes(4, "big"))
        m.cc = 0
    else:
        g[r1] = v
        m.cc = 1


# ---------------------------------------------------------------------------
# BB CDS   COMPARE DOUBLE AND SWAP                               [RS]
# As CS for the doubleword at D2(B2) (doubleword boundary) and the even-odd
# pairs R1 and R3 (odd R1 or R3: specification).
# ---------------------------------------------------------------------------
def compare_double_and_swap(m: CPU, r1: int, r3: int, b2: int, d2: int) -> None:
    require_even_register(r1)
    require_even_register(r3)
    g = m.gpr
    addr = m.address(0, b2, d2)
    require_aligned(addr, 8)
    m.check_store(addr, 8)
    v = int.from_bytes(m.fetch(addr, 8), "big")
    if v == _pair(g, r1):
        m.store(addr, _pair(g, r3).to_bytes(8, "big"))
        m.cc = 0
    else:
        _set_pair(g, r1, v)
        m.cc = 1


# ---------------------------------------------------------------------------
# AF MC    MONITOR CALL                                          [SI]
# GA22-7000 ch.7 "Monitor Call": bits 8-11 of the instruction (the left half of
# I2) must be zero (specification); bits 12-15 are the monitor class.  If the
# class's mask bit in CR8 (bit 16 + class) is one, a monitor-event program
# interruption occurs with the class and, as the monitor code, the 24-bit
# address D1(B1); otherwise MC does nothing.
# ---------------------------------------------------------------------------
def monitor_call(m: CPU, i2: int, b1: int, d1: int) -> None:
    if i2 & 0xF0:
        raise SpecificationException("monitor class above 15")
    monitor_class = i2 & 15
    if m.cr[8] & (0x8000 >> monitor_class):
            raise MonitorEvent(monitor_class, m.address(0, b1, d1))


# ---------------------------------------------------------------------------
# B205 STCK  STORE CLOCK                                         [S]
# GA22-7000 ch.7 "Store Clock": the TOD clock's 64 bits are stored at D2(B2).
# CC 0 clock in the set state, 1 not-set state (this model's clock is never in
# the error or stopped state, CC 2 and 3).
# ---------------------------------------------------------------------------
def store_clock(m: CPU, b2: int, d2: int) -> None:
    m.store(m.address(0, b2, d2), m.tod().to_bytes(8, "big"))
    m.cc = 0 if m.tod_set else 1


def _add_signed(m: CPU, r1: int, b: int) -> None:
    """R1 + b (both 32-bit signed, b as an unsigned 32-bit value): the sum in R1,
    CC 0/1/2 by its sign, CC 3 on overflow (an overflow when both operands have one
    sign and the sum the other), and the fixed-point-overflow exception after the
    result is stored if program-mask bit 36 is one (GA22-7000 ch.7 "Add").  AR
    keeps the same steps inline: it is the hottest instruction of compute loops."""
    g = m.gpr
    a = g[r1]
    r = (a + b) & MASK32
    g[r1] = r
    if (a ^ r) & (b ^ r) & SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
    else:
        m.cc = 0 if r == 0 else (1 if r & SIGN else 2)


def _subtract_signed(m: CPU, r1: int, b: int) -> None:
    """R1 - b, with CC and overflow as for ``_add_signed`` (GA22-7000 ch.7
    "Subtract"); SR keeps the same steps inline."""
    g = m.gpr
    a = g[r1]
    r = (a - b) & MASK32
    g[r1] = r
    if (a ^ b) & (a ^ r) & SIGN:
        m.cc = 3
        if m.program_mask & 8:
            raise FixedPointOverflow()
    else:
        m.cc = 0 if r == 0 else (1 if r & SIGN else 2)
