"""Floating-point instructions (GA22-7000 chapter 9 "Floating-Point Instructions").

The floating-point facility adds four floating-point registers, 0, 2, 4 and 6, of
64 bits each (``CPU.fpr``: ``fpr[r >> 1]`` is register ``r``).  A short operand
occupies the leftmost 32 bits of a register, and a short result leaves the
rightmost 32 bits unchanged; a long operand occupies the whole register; an
extended operand occupies a pair, 0 with 2 or 4 with 6, named by its first
register (ch.9 "Floating-Point Registers").

The arithmetic itself (normalization, the guard digit, truncation, true zero, the
condition codes and which exception a result calls for) is
``reference.arch.hfp``; the functions here are the instructions: they check the
register numbers, fetch the operands, pass the program mask, store the result,
set the condition code and raise the exception.  Each function ends the same way
(``_complete``):

- floating-point divide is suppressed: nothing is stored, the condition code is
  unchanged;
- exponent overflow, exponent underflow (mask one) and significance (mask one)
  complete the operation: the result the arithmetic defines for that case is
  stored and the condition code set before the interruption.

Specification exception (ch.9 "Program Exceptions" of each instruction): a
register field that is not 0, 2, 4 or 6, and for an extended operand or result a
field that is not 0 or 4.  It is recognized before the storage operand is
accessed, so the operation is suppressed.  Storage operands need no alignment
(System/370 byte-oriented operands, ch.3 "Integral Boundaries"): a short operand
is any four bytes, a long one any eight.

Instructions are grouped as the manual's summary lists them, long and extended
forms (opcodes 20-2F, 60-6F) then short forms (30-3F, 70-7F).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference.arch import hfp
from reference.arch.interrupts import (
    ExponentOverflow,
    ExponentUnderflow,
    FloatingPointDivide,
    ProgramInterruption,
    Significance,
    SpecificationException,
)

if TYPE_CHECKING:
    from reference.machine.cpu import CPU

SHORT, LONG, EXTENDED = hfp.SHORT, hfp.LONG, hfp.EXTENDED

_LOW32 = 0xFFFFFFFF
_EXCEPTIONS: dict[int, type[ProgramInterruption]] = {
    hfp.EXPONENT_OVERFLOW: ExponentOverflow,
    hfp.EXPONENT_UNDERFLOW: ExponentUnderflow,
    hfp.SIGNIFICANCE: Significance,
    hfp.FLOATING_POINT_DIVIDE: FloatingPointDivide,
}


# ---------------------------------------------------------------------------
# Registers, operands and the end of every instruction
# ---------------------------------------------------------------------------
def require_register(r: int) -> None:
    """A floating-point register field must be 0, 2, 4 or 6."""
    if r & 9:
        raise SpecificationException(f"floating-point register {r}")


def require_extended_pair(r: int) -> None:
    """An extended operand's register field must be 0 or 4."""
    if r & 11:
        raise SpecificationException(f"floating-point register pair {r}")


def read(m: CPU, fmt: hfp.Format, r: int) -> int:
    """The ``fmt`` operand in register ``r`` (checked by the caller)."""
    f = m.fpr
    if fmt is LONG:
        return f[r >> 1]
    if fmt is SHORT:
        return f[r >> 1] >> 32
    return (f[r >> 1] << 64) | f[(r >> 1) + 1]


def write(m: CPU, fmt: hfp.Format, r: int, value: int) -> None:
    """Place a ``fmt`` result in register ``r``: a short one in the leftmost 32
    bits, the rest unchanged; an extended one in the pair."""
    f = m.fpr
    i = r >> 1
    if fmt is SHORT:
        f[i] = (value << 32) | (f[i] & _LOW32)
    elif fmt is LONG:
        f[i] = value
    else:
        f[i] = value >> 64
        f[i + 1] = value & 0xFFFFFFFFFFFFFFFF


def storage_operand(m: CPU, fmt: hfp.Format, x2: int, b2: int, d2: int) -> int:
    """The short or long operand at D2(X2,B2)."""
    return int.from_bytes(m.fetch(m.address(x2, b2, d2), fmt.bits >> 3), "big")


def _complete(m: CPU, fmt: hfp.Format, r1: int, result: hfp.Result) -> None:
    """Store the result, set the condition code, take the exception."""
    value, cc, interruption = result
    if value is not None:
        if fmt is LONG:
            m.fpr[r1 >> 1] = value
        else:
            write(m, fmt, r1, value)
    if cc is not None:
        m.cc = cc
    if interruption is not None:
        raise _EXCEPTIONS[interruption]()


def _underflow_mask(m: CPU) -> bool:
    """The program mask's exponent-underflow bit is one."""
    return bool(m.program_mask & hfp.EXPONENT_UNDERFLOW_MASK)


def _rr(r1: int, r2: int) -> None:
    """Both register fields of an RR instruction must be 0, 2, 4 or 6."""
    if (r1 | r2) & 9:
        raise SpecificationException(f"floating-point registers {r1}, {r2}")


def _add_rr(m: CPU, fmt: hfp.Format, r1: int, r2: int, subtract: bool) -> None:
    _rr(r1, r2)
    _add(m, fmt, r1, m.fpr[r2 >> 1] if fmt is LONG else read(m, fmt, r2), subtract)


def _add(m: CPU, fmt: hfp.Format, r1: int, b: int, subtract: bool) -> None:
    mask = m.program_mask
    _complete(m, fmt, r1, (hfp.subtract if subtract else hfp.add)(
        fmt, m.fpr[r1 >> 1] if fmt is LONG else read(m, fmt, r1), b,
        underflow_mask=bool(mask & hfp.EXPONENT_UNDERFLOW_MASK),
        significance_mask=bool(mask & hfp.SIGNIFICANCE_MASK)))


def _add_unnormalized(m: CPU, fmt: hfp.Format, r1: int, b: int, subtract: bool) -> None:
    op = hfp.subtract_unnormalized if subtract else hfp.add_unnormalized
    _complete(m, fmt, r1, op(fmt, read(m, fmt, r1), b,
                             significance_mask=bool(m.program_mask & hfp.SIGNIFICANCE_MASK)))


def _multiply(m: CPU, fmt: hfp.Format, product: hfp.Format, r1: int, b: int) -> None:
    _complete(m, product, r1, hfp.multiply(
        fmt, product, m.fpr[r1 >> 1] if fmt is LONG else read(m, fmt, r1), b,
        underflow_mask=_underflow_mask(m)))


def _divide(m: CPU, fmt: hfp.Format, r1: int, b: int) -> None:
    _complete(m, fmt, r1, hfp.divide(
        fmt, read(m, fmt, r1), b,
        underflow_mask=_underflow_mask(m)))


def _compare(m: CPU, fmt: hfp.Format, r1: int, b: int) -> None:
    m.cc = hfp.compare(fmt, read(m, fmt, r1), b)


def _store(m: CPU, fmt: hfp.Format, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    n = fmt.bits >> 3
    m.store(m.address(x2, b2, d2), read(m, fmt, r1).to_bytes(n, "big"))


# ---------------------------------------------------------------------------
# 20 LPDR  LOAD POSITIVE (long)                                  [RR]
# 30 LPER  LOAD POSITIVE (short)                                 [RR]
# GA22-7000 ch.9 "Load Positive": the second operand with its sign made plus is
# placed in R1.  CC 0 fraction zero, 2 greater than zero.  No exception other
# than specification; the fraction is not normalized.
# ---------------------------------------------------------------------------
def load_positive_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, LONG, r1, hfp.load_positive(LONG, read(m, LONG, r2)))


def load_positive_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.load_positive(SHORT, read(m, SHORT, r2)))


# ---------------------------------------------------------------------------
# 21 LNDR  LOAD NEGATIVE (long)                                  [RR]
# 31 LNER  LOAD NEGATIVE (short)                                 [RR]
# GA22-7000 ch.9 "Load Negative": the second operand with its sign made minus,
# even for a zero fraction.  CC 0 fraction zero, 1 less than zero.
# ---------------------------------------------------------------------------
def load_negative_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, LONG, r1, hfp.load_negative(LONG, read(m, LONG, r2)))


def load_negative_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.load_negative(SHORT, read(m, SHORT, r2)))


# ---------------------------------------------------------------------------
# 22 LTDR  LOAD AND TEST (long)                                  [RR]
# 32 LTER  LOAD AND TEST (short)                                 [RR]
# GA22-7000 ch.9 "Load and Test": the second operand is placed in R1 unchanged.
# CC 0 fraction zero, 1 less than zero, 2 greater than zero.
# ---------------------------------------------------------------------------
def load_and_test_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, LONG, r1, hfp.load_and_test(LONG, read(m, LONG, r2)))


def load_and_test_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.load_and_test(SHORT, read(m, SHORT, r2)))


# ---------------------------------------------------------------------------
# 23 LCDR  LOAD COMPLEMENT (long)                                [RR]
# 33 LCER  LOAD COMPLEMENT (short)                               [RR]
# GA22-7000 ch.9 "Load Complement": the second operand with its sign inverted,
# even for a zero fraction.  CC 0 fraction zero, 1 less, 2 greater than zero.
# ---------------------------------------------------------------------------
def load_complement_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, LONG, r1, hfp.load_complement(LONG, read(m, LONG, r2)))


def load_complement_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.load_complement(SHORT, read(m, SHORT, r2)))


# ---------------------------------------------------------------------------
# 24 HDR   HALVE (long)                                          [RR]
# 34 HER   HALVE (short)                                         [RR]
# GA22-7000 ch.9 "Halve": the second operand divided by two, normalized, is
# placed in R1.  CC unchanged.  Exponent underflow possible; a zero fraction
# gives a true zero.
# ---------------------------------------------------------------------------
def halve_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, LONG, r1, hfp.halve(LONG, read(m, LONG, r2),
                                     underflow_mask=_underflow_mask(m)))


def halve_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.halve(SHORT, read(m, SHORT, r2),
                                      underflow_mask=_underflow_mask(m)))


# ---------------------------------------------------------------------------
# 25 LRDR  LOAD ROUNDED (extended to long)                       [RR]
# 35 LRER  LOAD ROUNDED (long to short)                          [RR]
# GA22-7000 ch.9 "Load Rounded": the second operand rounded to the next shorter
# format is placed in R1.  CC unchanged.  Exponent overflow possible.  LRDR's
# R2 names an extended pair (0 or 4), its R1 any register.
# ---------------------------------------------------------------------------
def load_rounded_extended_to_long_register(m: CPU, r1: int, r2: int) -> None:
    require_register(r1)
    require_extended_pair(r2)
    _complete(m, LONG, r1, hfp.load_rounded(EXTENDED, read(m, EXTENDED, r2)))


def load_rounded_long_to_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _complete(m, SHORT, r1, hfp.load_rounded(LONG, read(m, LONG, r2)))


# ---------------------------------------------------------------------------
# 26 MXR   MULTIPLY (extended)                                   [RR]
# 27 MXDR  MULTIPLY (long to extended)                           [RR]
# 67 MXD   MULTIPLY (long to extended)                           [RX]
# GA22-7000 ch.9 "Multiply": the normalized product of the first and second
# operands replaces the first.  MXR: extended operands (R1, R2 0 or 4); MXDR,
# MXD: long operands, an extended product in the pair R1 (0 or 4), whose
# multiplicand is the high-order register.  CC unchanged.  Exponent overflow
# and underflow possible.
# ---------------------------------------------------------------------------
def multiply_extended_register(m: CPU, r1: int, r2: int) -> None:
    require_extended_pair(r1)
    require_extended_pair(r2)
    _multiply(m, EXTENDED, EXTENDED, r1, read(m, EXTENDED, r2))


def multiply_long_to_extended_register(m: CPU, r1: int, r2: int) -> None:
    require_extended_pair(r1)
    require_register(r2)
    _multiply(m, LONG, EXTENDED, r1, read(m, LONG, r2))


def multiply_long_to_extended(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_extended_pair(r1)
    _multiply(m, LONG, EXTENDED, r1, storage_operand(m, LONG, x2, b2, d2))


# ---------------------------------------------------------------------------
# 28 LDR   LOAD (long)                                           [RR]
# 38 LER   LOAD (short)                                          [RR]
# 68 LD    LOAD (long)                                           [RX]
# 78 LE    LOAD (short)                                          [RX]
# GA22-7000 ch.9 "Load": the second operand is placed in R1 unchanged (not
# normalized).  CC unchanged.  A short load leaves the rightmost 32 bits of R1.
# ---------------------------------------------------------------------------
def load_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    m.fpr[r1 >> 1] = m.fpr[r2 >> 1]


def load_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    write(m, SHORT, r1, read(m, SHORT, r2))


def load_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    m.fpr[r1 >> 1] = storage_operand(m, LONG, x2, b2, d2)


def load_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    write(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2))


# ---------------------------------------------------------------------------
# 29 CDR   COMPARE (long)                                        [RR]
# 39 CER   COMPARE (short)                                       [RR]
# 69 CD    COMPARE (long)                                        [RX]
# 79 CE    COMPARE (short)                                       [RX]
# GA22-7000 ch.9 "Compare": the first operand is compared with the second by
# the rules of normalized subtraction; CC 0 equal, 1 first low, 2 first high.
# No exception but specification and access.
# ---------------------------------------------------------------------------
def compare_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _compare(m, LONG, r1, read(m, LONG, r2))


def compare_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _compare(m, SHORT, r1, read(m, SHORT, r2))


def compare_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _compare(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2))


def compare_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _compare(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2))


# ---------------------------------------------------------------------------
# 2A ADR   ADD NORMALIZED (long)                                 [RR]
# 3A AER   ADD NORMALIZED (short)                                [RR]
# 36 AXR   ADD NORMALIZED (extended)                             [RR]
# 6A AD    ADD NORMALIZED (long)                                 [RX]
# 7A AE    ADD NORMALIZED (short)                                [RX]
# GA22-7000 ch.9 "Add Normalized": the second operand is added to the first and
# the normalized sum replaces the first.  CC 0 fraction zero, 1 less, 2 greater
# than zero.  Exponent overflow, exponent underflow and significance possible.
# ---------------------------------------------------------------------------
def add_normalized_long_register(m: CPU, r1: int, r2: int) -> None:
    _add_rr(m, LONG, r1, r2, False)


def add_normalized_short_register(m: CPU, r1: int, r2: int) -> None:
    _add_rr(m, SHORT, r1, r2, False)


def add_normalized_extended_register(m: CPU, r1: int, r2: int) -> None:
    require_extended_pair(r1)
    require_extended_pair(r2)
    _add(m, EXTENDED, r1, read(m, EXTENDED, r2), False)


def add_normalized_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2), False)


def add_normalized_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2), False)


# ---------------------------------------------------------------------------
# 2B SDR   SUBTRACT NORMALIZED (long)                            [RR]
# 3B SER   SUBTRACT NORMALIZED (short)                           [RR]
# 37 SXR   SUBTRACT NORMALIZED (extended)                        [RR]
# 6B SD    SUBTRACT NORMALIZED (long)                            [RX]
# 7B SE    SUBTRACT NORMALIZED (short)                           [RX]
# GA22-7000 ch.9 "Subtract Normalized": as ADD NORMALIZED with the sign of the
# second operand inverted.
# ---------------------------------------------------------------------------
def subtract_normalized_long_register(m: CPU, r1: int, r2: int) -> None:
    _add_rr(m, LONG, r1, r2, True)


def subtract_normalized_short_register(m: CPU, r1: int, r2: int) -> None:
    _add_rr(m, SHORT, r1, r2, True)


def subtract_normalized_extended_register(m: CPU, r1: int, r2: int) -> None:
    require_extended_pair(r1)
    require_extended_pair(r2)
    _add(m, EXTENDED, r1, read(m, EXTENDED, r2), True)


def subtract_normalized_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2), True)


def subtract_normalized_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2), True)


# ---------------------------------------------------------------------------
# 2C MDR   MULTIPLY (long)                                       [RR]
# 3C MER   MULTIPLY (short to long)                              [RR]
# 6C MD    MULTIPLY (long)                                       [RX]
# 7C ME    MULTIPLY (short to long)                              [RX]
# GA22-7000 ch.9 "Multiply": the normalized product replaces the first operand.
# MER, ME: short operands, a long product (the whole of R1).  CC unchanged.
# Exponent overflow and underflow possible.
# ---------------------------------------------------------------------------
def multiply_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _multiply(m, LONG, LONG, r1, read(m, LONG, r2))


def multiply_short_to_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _multiply(m, SHORT, LONG, r1, read(m, SHORT, r2))


def multiply_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _multiply(m, LONG, LONG, r1, storage_operand(m, LONG, x2, b2, d2))


def multiply_short_to_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _multiply(m, SHORT, LONG, r1, storage_operand(m, SHORT, x2, b2, d2))


# ---------------------------------------------------------------------------
# 2D DDR   DIVIDE (long)                                         [RR]
# 3D DER   DIVIDE (short)                                        [RR]
# 6D DD    DIVIDE (long)                                         [RX]
# 7D DE    DIVIDE (short)                                        [RX]
# GA22-7000 ch.9 "Divide": the first operand (dividend) divided by the second
# (divisor); the normalized quotient replaces the first, the remainder is not
# kept.  CC unchanged.  Exponent overflow and underflow possible; a zero divisor
# fraction is a floating-point-divide exception (suppressed).
# ---------------------------------------------------------------------------
def divide_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _divide(m, LONG, r1, read(m, LONG, r2))


def divide_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _divide(m, SHORT, r1, read(m, SHORT, r2))


def divide_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _divide(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2))


def divide_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _divide(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2))


# ---------------------------------------------------------------------------
# 2E AWR   ADD UNNORMALIZED (long)                               [RR]
# 3E AUR   ADD UNNORMALIZED (short)                              [RR]
# 6E AW    ADD UNNORMALIZED (long)                               [RX]
# 7E AU    ADD UNNORMALIZED (short)                              [RX]
# GA22-7000 ch.9 "Add Unnormalized": the sum, not normalized, replaces the
# first operand.  CC as ADD NORMALIZED.  Exponent overflow and significance
# possible, exponent underflow not.
# ---------------------------------------------------------------------------
def add_unnormalized_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _add_unnormalized(m, LONG, r1, read(m, LONG, r2), False)


def add_unnormalized_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _add_unnormalized(m, SHORT, r1, read(m, SHORT, r2), False)


def add_unnormalized_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add_unnormalized(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2), False)


def add_unnormalized_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add_unnormalized(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2), False)


# ---------------------------------------------------------------------------
# 2F SWR   SUBTRACT UNNORMALIZED (long)                          [RR]
# 3F SUR   SUBTRACT UNNORMALIZED (short)                         [RR]
# 6F SW    SUBTRACT UNNORMALIZED (long)                          [RX]
# 7F SU    SUBTRACT UNNORMALIZED (short)                         [RX]
# GA22-7000 ch.9 "Subtract Unnormalized": as ADD UNNORMALIZED with the sign of
# the second operand inverted.
# ---------------------------------------------------------------------------
def subtract_unnormalized_long_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _add_unnormalized(m, LONG, r1, read(m, LONG, r2), True)


def subtract_unnormalized_short_register(m: CPU, r1: int, r2: int) -> None:
    _rr(r1, r2)
    _add_unnormalized(m, SHORT, r1, read(m, SHORT, r2), True)


def subtract_unnormalized_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add_unnormalized(m, LONG, r1, storage_operand(m, LONG, x2, b2, d2), True)


def subtract_unnormalized_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    require_register(r1)
    _add_unnormalized(m, SHORT, r1, storage_operand(m, SHORT, x2, b2, d2), True)


# ---------------------------------------------------------------------------
# 60 STD   STORE (long)                                          [RX]
# 70 STE   STORE (short)                                         [RX]
# GA22-7000 ch.9 "Store": the first operand (the leftmost 32 bits of R1 for
# STE) is stored at D2(X2,B2) unchanged.  CC unchanged.
# ---------------------------------------------------------------------------
def store_long(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    _store(m, LONG, r1, x2, b2, d2)


def store_short(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    _store(m, SHORT, r1, x2, b2, d2)
