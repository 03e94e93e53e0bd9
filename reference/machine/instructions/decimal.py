"""Decimal instructions (GA22-7000 chapter 8) and the decimal-related general
instructions of chapter 7: CONVERT TO BINARY, CONVERT TO DECIMAL, PACK, UNPACK and
MOVE WITH OFFSET.

Packed-decimal format (GA22-7000 ch.8 "Decimal-Number Formats"): each byte holds two
four-bit codes; the rightmost four bits of the rightmost byte are the sign, every
other code is a digit.  Digit codes are 0000-1001; sign codes 1010, 1100, 1110 and
1111 are plus, 1011 and 1101 are minus; the preferred codes, which every result of
this machine carries, are 1100 (plus) and 1101 (minus).  An operand of L+1 bytes
(the instruction holds L, the length minus one) has 2L+1 digits.

How the handlers in this module order their work, and why:

1. Specification exceptions (MP, DP lengths) come first: nothing is accessed.
2. Every storage operand is then accessed: the source operands are fetched and the
   result location is checked for storing (``m.check_store``).  An access exception
   therefore suppresses the instruction: nothing is stored and the condition code
   is unchanged.
3. Then the data exceptions (invalid sign or digit codes, improper overlap, too few
   leftmost zeros in the multiplicand, an invalid SRP rounding digit) and the
   decimal-divide exception are recognized, before anything is stored.  The manual
   lets the operation be terminated, with unpredictable results, when only digit
   codes are invalid (GA22-7000 ch.6 "Data Exception", programming note 1); this
   machine always suppresses, which is one of the permitted outcomes.
4. The result is stored, the condition code set, and last of all a decimal-overflow
   exception is recognized if the program mask allows (the operation is completed).

Operand overlap (GA22-7000 ch.8 "Decimal-Arithmetic Instructions"): the operands
of AP, CP, DP, MP and SP may overlap only with coincident rightmost bytes; those of
ZAP also when the rightmost byte of the first operand is to the right of the
rightmost byte of the second.  Improper overlap is recognized as a data exception:
the 1975 edition (GA22-7000-4) lists it among the causes in ch.6 "Data Exception",
and the 1987 edition (-10) says in ch.8 that "improperly overlapping operands are
recognized as data exceptions".  This machine checks the addresses, so the
exception does not depend on the data (Hercules makes no such check: its results
for improper overlap differ).  For the permitted overlaps a result computed from
operands fetched whole equals the right-to-left byte-by-byte result.

Model-dependent points, chosen here and not asserted by the tests: access
exceptions are recognized before data exceptions (step 2 before 3); on a data
exception nothing is stored (EDIT included, where Hercules stores the bytes edited
before the invalid digit: termination allows either); PACK, UNPACK and MOVE WITH
OFFSET access the whole second operand even when the first is too short to use all
of it.

PACK, UNPACK, MOVE WITH OFFSET, EDIT and EDIT AND MARK are defined byte by byte
(right to left for the first three, left to right for the edits), and overlapping
operands see the bytes already stored.  The handlers run that definition over a
private view of storage (``_Bytes``) in which stored bytes are seen by later
fetches, and then store the whole result at once: the outcome is the byte-by-byte
outcome, and an access exception still changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reference.arch.interrupts import (
    DataException,
    DecimalDivide,
    DecimalOverflow,
    FixedPointDivide,
    SpecificationException,
)
from reference.arch.lowcore import MASK24, MASK32
from reference.machine.instructions.common import signed32

if TYPE_CHECKING:
    from reference.machine.cpu import CPU

PLUS, MINUS = 0x0C, 0x0D          # preferred sign codes
MINUS_CODES = (0x0B, 0x0D)        # every code from 0xA up is a sign; these are minus
DECIMAL_OVERFLOW_MASK = 0x4       # program-mask bit for decimal overflow (PSW bit 37/21)

DIGIT_SELECTOR, SIGNIFICANCE_STARTER, FIELD_SEPARATOR = 0x20, 0x21, 0x22


# ---------------------------------------------------------------------------
# Packed-decimal helpers
# ---------------------------------------------------------------------------
def _packed(data: bytes) -> tuple[int, bool]:
    """(magnitude, negative) of a packed-decimal operand.

    Data exception when a digit code is 1010-1111 or the sign code is 0000-1001
    (GA22-7000 ch.8 "Decimal-Number Formats")."""
    magnitude = 0
    last = len(data) - 1
    for i, byte in enumerate(data):
        high, low = byte >> 4, byte & 0x0F
        if high > 9:
            raise DataException("invalid digit code")
        magnitude = magnitude * 10 + high
        if i < last:
            if low > 9:
                raise DataException("invalid digit code")
            magnitude = magnitude * 10 + low
        elif low < 0x0A:
            raise DataException("invalid sign code")
    return magnitude, data[-1] & 0x0F in MINUS_CODES


def _to_packed(magnitude: int, negative: bool, length: int) -> bytes:
    """``length`` bytes of packed decimal: the rightmost 2*length-1 digits of
    ``magnitude`` and the preferred sign code."""
    count = 2 * length - 1
    digits = magnitude % 10 ** count
    return bytes.fromhex(f"{digits:0{count}d}{MINUS if negative else PLUS:X}")


def _signed(magnitude: int, negative: bool) -> int:
    """The value as a Python integer (a negative zero is zero)."""
    return -magnitude if negative else magnitude


def _overlap(a1: int, n1: int, a2: int, n2: int) -> bool:
    """Whether the byte ranges [a1, a1+n1) and [a2, a2+n2) share a byte (24-bit
    addresses, wrapping from 2**24-1 to 0)."""
    return (a2 - a1) & MASK24 < n1 or (a1 - a2) & MASK24 < n2


def _check_overlap(a1: int, l1: int, a2: int, l2: int, *, zap: bool = False) -> None:
    """Data exception for improperly overlapping decimal-arithmetic operands.

    Allowed: no overlap, or coincident rightmost bytes; for ZAP also the rightmost
    byte of the first operand to the right of that of the second."""
    if not _overlap(a1, l1 + 1, a2, l2 + 1):
        return
    # Overlapping fields of at most 16 bytes: their rightmost bytes are less than
    # 32 bytes apart, so a small non-negative difference means "to the right".
    right1_minus_right2 = ((a1 + l1) - (a2 + l2)) & MASK24
    if right1_minus_right2 == 0 or (zap and right1_minus_right2 < 0x800000):
        return
    raise DataException("improperly overlapping operands")


def _store_arithmetic_result(m: CPU, a1: int, l1: int, result: int) -> None:
    """Store an AP, SP or ZAP result in the first operand and set the CC.

    The result has 2*L1+1 digits.  When nonzero digits are lost (decimal overflow)
    the rightmost digits are stored, CC 3 is set and, if the program mask allows, a
    decimal-overflow exception is recognized after the result is stored.  A zero
    result is positive; after overflow the sign is that of the true result, even
    when the digits stored are all zero (GA22-7000 ch.8 "ADD DECIMAL")."""
    magnitude = abs(result)
    overflow = magnitude >= 10 ** (2 * l1 + 1)
    m.store(a1, _to_packed(magnitude, result < 0, l1 + 1))
    _result_condition(m, overflow, result == 0, result < 0)


def _result_condition(m: CPU, overflow: bool, zero: bool, negative: bool) -> None:
    """The condition code of a stored AP, SP, ZAP or SRP result: CC 3 on decimal
    overflow, then a decimal-overflow exception if the program mask allows (the
    operation is completed); otherwise CC 0 zero, 1 less than zero, 2 greater."""
    if overflow:
        m.cc = 3
        if m.program_mask & DECIMAL_OVERFLOW_MASK:
            raise DecimalOverflow()
    else:
        m.cc = 0 if zero else (1 if negative else 2)


def _two_operands(m: CPU, l1: int, b1: int, d1: int, l2: int, b2: int, d2: int,
                  *, store: bool
                  ) -> tuple[int, bytes, tuple[int, bool], tuple[int, bool]]:
    """AP, SP, CP, MP, DP: the two packed operands, in the order of the module
    text.  Both are fetched (with ``store`` the first operand is also checked for
    storing); then improper overlap and invalid codes are data exceptions.
    Returns the first-operand address, its bytes, and each operand's (magnitude,
    negative)."""
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    op1 = m.fetch(a1, l1 + 1)
    op2 = m.fetch(a2, l2 + 1)
    if store:
        m.check_store(a1, l1 + 1)
    _check_overlap(a1, l1, a2, l2)
    return a1, op1, _packed(op1), _packed(op2)


def _check_factor_lengths(l1: int, l2: int, mnemonic: str) -> None:
    """MP, DP: specification exception when L2 > 7 (a second operand of more than
    15 digits and sign) or L2 >= L1."""
    if l2 > 7 or l2 >= l1:
        raise SpecificationException(f"{mnemonic} operand lengths")


# ---------------------------------------------------------------------------
# FA AP    ADD DECIMAL                                            [SS, L1 L2]
# GA22-7000 ch.8 "ADD DECIMAL": the second operand is added to the first and the
# sum replaces the first operand.  Both operands are checked for valid codes.
# CC 0 zero, 1 < 0, 2 > 0, 3 overflow.  Decimal-overflow exception if the program
# mask allows (the sum is stored first).
# ---------------------------------------------------------------------------
def add_decimal(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, _, first, second = _two_operands(m, l1, b1, d1, l2, b2, d2, store=True)
    _store_arithmetic_result(m, a1, l1, _signed(*first) + _signed(*second))


# ---------------------------------------------------------------------------
# FB SP    SUBTRACT DECIMAL                                       [SS, L1 L2]
# GA22-7000 ch.8 "SUBTRACT DECIMAL": as ADD DECIMAL with the sign of the second
# operand inverted.  SP X,X (coincident operands) sets X to positive zero.
# ---------------------------------------------------------------------------
def subtract_decimal(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                     d2: int) -> None:
    a1, _, first, second = _two_operands(m, l1, b1, d1, l2, b2, d2, store=True)
    _store_arithmetic_result(m, a1, l1, _signed(*first) - _signed(*second))


# ---------------------------------------------------------------------------
# F8 ZAP   ZERO AND ADD                                           [SS, L1 L2]
# GA22-7000 ch.8 "ZERO AND ADD": the second operand is placed in the first-operand
# location (an addition to zero).  Only the second operand is checked for valid
# codes; the first operand is not fetched.  CC and overflow as ADD DECIMAL; a zero
# result is positive, and after overflow has the sign of the second operand.
# ---------------------------------------------------------------------------
def zero_and_add(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    op2 = m.fetch(a2, l2 + 1)
    m.check_store(a1, l1 + 1)
    _check_overlap(a1, l1, a2, l2, zap=True)
    _store_arithmetic_result(m, a1, l1, _signed(*_packed(op2)))


# ---------------------------------------------------------------------------
# F9 CP    COMPARE DECIMAL                                        [SS, L1 L2]
# GA22-7000 ch.8 "COMPARE DECIMAL": the first operand is compared with the second
# algebraically; positive and negative zero compare equal.  Nothing is stored.
# CC 0 equal, 1 first low, 2 first high.
# ---------------------------------------------------------------------------
def compare_decimal(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                    d2: int) -> None:
    _, _, first, second = _two_operands(m, l1, b1, d1, l2, b2, d2, store=False)
    v1, v2 = _signed(*first), _signed(*second)
    m.cc = 0 if v1 == v2 else (1 if v1 < v2 else 2)


# ---------------------------------------------------------------------------
# FC MP    MULTIPLY DECIMAL                                       [SS, L1 L2]
# GA22-7000 ch.8 "MULTIPLY DECIMAL": the product of the multiplier (second
# operand) and the multiplicand (first operand) replaces the multiplicand.
# Specification exception when L2 > 7 (more than 15 digits and sign) or L2 >= L1.
# Data exception unless the multiplicand has at least as many bytes of leftmost
# zeros as the multiplier has bytes (then the product cannot overflow).  The sign
# follows the rules of algebra even when the product is zero.  CC unchanged.
# ---------------------------------------------------------------------------
def multiply_decimal(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                     d2: int) -> None:
    _check_factor_lengths(l1, l2, "MP")
    a1, op1, (magnitude1, negative1), (magnitude2, negative2) = _two_operands(
        m, l1, b1, d1, l2, b2, d2, store=True)
    # The leftmost L2+1 bytes of the multiplicand hold digits only (L2 < L1):
    # 2*(L2+1) leftmost zero digits is the same as L2+1 bytes of X'00'.
    if any(op1[:l2 + 1]):
        raise DataException("multiplicand has too few leftmost zeros")
    m.store(a1, _to_packed(magnitude1 * magnitude2, negative1 != negative2, l1 + 1))


# ---------------------------------------------------------------------------
# FD DP    DIVIDE DECIMAL                                         [SS, L1 L2]
# GA22-7000 ch.8 "DIVIDE DECIMAL": the dividend (first operand) is divided by the
# divisor (second operand); the quotient (L1-L2 bytes) is placed leftmost and the
# remainder (L2+1 bytes) rightmost in the first-operand location.  The quotient
# sign follows the rules of algebra, the remainder has the dividend's sign, both
# even when zero.  Specification exception when L2 > 7 or L2 >= L1.  Decimal-
# divide exception (suppression) when the divisor is zero or the quotient does not
# fit: the divisor, its leftmost digit aligned one digit right of the leftmost
# dividend digit, is not greater than the dividend.  CC unchanged.
# ---------------------------------------------------------------------------
def divide_decimal(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                   d2: int) -> None:
    _check_factor_lengths(l1, l2, "DP")
    a1, _, (dividend, dividend_negative), (divisor, divisor_negative) = _two_operands(
        m, l1, b1, d1, l2, b2, d2, store=True)
    quotient_digits = 2 * (l1 - l2) - 1
    if dividend >= divisor * 10 ** quotient_digits:     # includes divisor zero
        raise DecimalDivide()
    quotient, remainder = divmod(dividend, divisor)
    m.store(a1, _to_packed(quotient, dividend_negative != divisor_negative, l1 - l2)
            + _to_packed(remainder, dividend_negative, l2 + 1))


# ---------------------------------------------------------------------------
# F0 SRP   SHIFT AND ROUND DECIMAL                            [SS, L1 I3]
# GA22-7000 ch.8 "SHIFT AND ROUND DECIMAL": the digits of the first operand are
# shifted by the six-bit signed value in bits 26-31 of the second-operand address
# (positive: left, negative: right, 32 digits at most).  On a right shift the
# rounding digit I3 is added to the leftmost digit shifted out.  Data exception for
# invalid codes in the operand or I3 > 9, even when no shift or rounding is done.
# Nonzero digits lost on a left shift: decimal overflow (CC 3, result sign the
# original sign); otherwise a zero result is positive.  CC 0 zero, 1 < 0, 2 > 0.
# ---------------------------------------------------------------------------
def shift_and_round_decimal(m: CPU, l1: int, i3: int, b1: int, d1: int, b2: int,
                            d2: int) -> None:
    a1 = m.address(0, b1, d1)
    shift = m.address(0, b2, d2) & 0x3F
    op1 = m.fetch(a1, l1 + 1)
    m.check_store(a1, l1 + 1)
    magnitude, negative = _packed(op1)
    if i3 > 9:
        raise DataException("invalid rounding digit")
    limit = 10 ** (2 * l1 + 1)
    if shift < 32:                                  # left (or no) shift
        result = magnitude * 10 ** shift
        overflow = result >= limit
    else:                                           # right shift of 64-shift digits
        count = 64 - shift
        result = (magnitude + i3 * 10 ** (count - 1)) // 10 ** count
        overflow = False
    result %= limit
    m.store(a1, _to_packed(result, negative and (overflow or result != 0), l1 + 1))
    _result_condition(m, overflow, result == 0, negative)


# ---------------------------------------------------------------------------
# A private view of storage for the byte-by-byte instructions
# ---------------------------------------------------------------------------
class _Bytes:
    """Bytes fetched by an instruction, with the bytes it has stored so far
    seen by its later fetches; ``result`` is then stored in one piece."""

    def __init__(self, m: CPU) -> None:
        self.m = m
        self.fetched: dict[int, int] = {}
        self.stored: dict[int, int] = {}

    def preload(self, addr: int, data: bytes) -> None:
        for i, byte in enumerate(data):
            self.fetched[(addr + i) & MASK24] = byte

    def fetch(self, addr: int) -> int:
        addr &= MASK24
        if addr in self.stored:
            return self.stored[addr]
        if addr not in self.fetched:
            self.fetched[addr] = self.m.fetch(addr, 1)[0]
        return self.fetched[addr]

    def store(self, addr: int, value: int) -> None:
        self.stored[addr & MASK24] = value

    def result(self, addr: int, length: int) -> bytes:
        return bytes(self.stored[(addr + i) & MASK24] for i in range(length))


def _zoned_packed_start(m: CPU, l1: int, b1: int, d1: int, l2: int, b2: int,
                        d2: int) -> tuple[int, int, _Bytes]:
    """PACK and UNPACK up to their rightmost byte: the operand addresses and the
    private view, in which the second operand is fetched whole, the first operand
    has been checked for storing, and the rightmost result byte is stored: the
    rightmost source byte with its two halves exchanged."""
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    view = _Bytes(m)
    view.preload(a2, m.fetch(a2, l2 + 1))
    m.check_store(a1, l1 + 1)
    rightmost = view.fetch(a2 + l2)
    view.store(a1 + l1, ((rightmost << 4) | (rightmost >> 4)) & 0xFF)
    return a1, a2, view


# ---------------------------------------------------------------------------
# F2 PACK  PACK                                                   [SS, L1 L2]
# GA22-7000 ch.7 "PACK": the second operand (zoned) is changed to packed and placed
# in the first-operand location.  The two halves of the rightmost byte are
# exchanged (zone becomes sign); the numeric halves of the other bytes, right to
# left, become the digits.  Zones are ignored and no code is checked.  The first
# operand is filled with zeros on the left, or the leftmost source digits are
# ignored.  The operands are processed right to left a byte at a time, each result
# byte stored as soon as the source bytes it needs are fetched, so overlapping
# operands (PACK X,X) behave accordingly.  CC unchanged.
# ---------------------------------------------------------------------------
def pack(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, a2, view = _zoned_packed_start(m, l1, b1, d1, l2, b2, d2)
    j = l2                                          # source bytes left of j remain
    for i in range(l1 - 1, -1, -1):
        byte = 0
        if j > 0:
            j -= 1
            byte = view.fetch(a2 + j) & 0x0F
            if j > 0:
                j -= 1
                byte |= (view.fetch(a2 + j) & 0x0F) << 4
        view.store(a1 + i, byte)
    m.store(a1, view.result(a1, l1 + 1))


# ---------------------------------------------------------------------------
# F3 UNPK  UNPACK                                                 [SS, L1 L2]
# GA22-7000 ch.7 "UNPACK": the second operand (packed) is changed to zoned and
# placed in the first-operand location.  The halves of the rightmost byte are
# exchanged (sign becomes zone); every other digit becomes a byte with zone 1111.
# No code is checked.  The first operand is filled on the left with X'F0', or the
# leftmost source digits are ignored.  Right to left a byte at a time, as PACK.
# CC unchanged.
# ---------------------------------------------------------------------------
def unpack(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int, d2: int) -> None:
    a1, a2, view = _zoned_packed_start(m, l1, b1, d1, l2, b2, d2)
    i, j = l1 - 1, l2
    while i >= 0:
        right = left = 0xF0
        if j > 0:
            j -= 1
            source = view.fetch(a2 + j)
            right, left = 0xF0 | (source & 0x0F), 0xF0 | (source >> 4)
        view.store(a1 + i, right)
        i -= 1
        if i >= 0:
            view.store(a1 + i, left)
            i -= 1
    m.store(a1, view.result(a1, l1 + 1))


# ---------------------------------------------------------------------------
# F1 MVO   MOVE WITH OFFSET                                       [SS, L1 L2]
# GA22-7000 ch.7 "MOVE WITH OFFSET": the second operand is placed to the left of
# and adjacent to the rightmost four bits of the first operand, which are kept;
# the result replaces the first operand.  Zeros fill on the left, or the leftmost
# source digits are ignored.  No code is checked.  Right to left a byte at a
# time, as PACK.  CC unchanged.
# ---------------------------------------------------------------------------
def move_with_offset(m: CPU, l1: int, l2: int, b1: int, d1: int, b2: int,
                     d2: int) -> None:
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    view = _Bytes(m)
    view.preload(a2, m.fetch(a2, l2 + 1))
    view.preload((a1 + l1) & MASK24, m.fetch((a1 + l1) & MASK24, 1))
    m.check_store(a1, l1 + 1)
    source = view.fetch(a2 + l2)
    view.store(a1 + l1, ((source & 0x0F) << 4) | (view.fetch(a1 + l1) & 0x0F))
    j = l2
    for i in range(l1 - 1, -1, -1):
        byte = source >> 4
        source = 0
        if j > 0:
            j -= 1
            source = view.fetch(a2 + j)
        view.store(a1 + i, byte | ((source & 0x0F) << 4))
    m.store(a1, view.result(a1, l1 + 1))


# ---------------------------------------------------------------------------
# The edit algorithm shared by ED and EDMK
# ---------------------------------------------------------------------------
def _edit(m: CPU, length: int, b1: int, d1: int, b2: int, d2: int) -> int | None:
    """Perform EDIT; return the address EDMK records in GR1, or None.

    GA22-7000 ch.8 "EDIT".  The first pattern byte is the fill byte.  Left to
    right, each pattern byte is replaced:

    - digit selector X'20' or significance starter X'21': the next source digit
      (left half of a source byte first, then its right half) is examined; a left
      half of 1010-1111 is a data exception.  The byte becomes the zoned digit
      (X'F0' + digit) when the significance indicator is on or the digit is not
      zero, else the fill byte.  Then the indicator is turned on by a nonzero digit
      or a significance starter.  After a left digit is used, a right half of
      1010-1111 is a sign: plus turns the indicator off, minus leaves it; the next
      digit then comes from the next source byte.
    - field separator X'22': becomes the fill byte; indicator off; the condition
      code starts anew for the next field.
    - any other byte (message byte): kept if the indicator is on, else the fill byte.

    CC for the last field: 0 all its digits zero (or none), 1 nonzero and the
    indicator on at the end (a minus sign), 2 nonzero and the indicator off.
    EDMK: the address of each result byte where a nonzero digit turns the
    indicator on is recorded; the last one recorded goes into GR1.
    """
    a1 = m.address(0, b1, d1)
    a2 = m.address(0, b2, d2)
    pattern = m.fetch(a1, length + 1)
    m.check_store(a1, length + 1)
    view = _Bytes(m)                        # source fetches see result bytes stored
    fill = pattern[0]
    significance = False
    nonzero = False
    mark: int | None = None
    source_addr = a2
    right: int | None = None                # right half of the current source byte
    for i, code in enumerate(pattern):
        addr = (a1 + i) & MASK24
        if code in (DIGIT_SELECTOR, SIGNIFICANCE_STARTER):
            if right is None:                   # the left half of a new source byte
                source = view.fetch(source_addr)
                source_addr = (source_addr + 1) & MASK24
                digit, right, left_used = source >> 4, source & 0x0F, True
                if digit > 9:
                    raise DataException("invalid source digit in EDIT")
            else:                               # the right half of the last one
                digit, right, left_used = right, None, False
            if digit and not significance:
                mark = addr
            out = 0xF0 | digit if (significance or digit) else fill
            if digit:
                nonzero = True
            if digit or code == SIGNIFICANCE_STARTER:
                significance = True
            if left_used and right is not None and right > 9:
                if right not in MINUS_CODES:
                    significance = False
                right = None
        elif code == FIELD_SEPARATOR:
            out = fill
            significance = False
            nonzero = False
        else:
            out = code if significance else fill
        view.store(addr, out)
    m.store(a1, view.result(a1, length + 1))
    m.cc = (1 if significance else 2) if nonzero else 0
    return mark


# ---------------------------------------------------------------------------
# DE ED    EDIT                                                   [SS, L]
# GA22-7000 ch.8 "EDIT": the packed source (second operand) is edited under
# control of the pattern (first operand), which the result replaces.  The pattern
# length (L+1) determines how many source bytes are used.  See ``_edit``.
# Source digits are checked only as they are used; signs are never invalid.
# ---------------------------------------------------------------------------
def edit(m: CPU, length: int, b1: int, d1: int, b2: int, d2: int) -> None:
    _edit(m, length, b1, d1, b2, d2)


# ---------------------------------------------------------------------------
# DF EDMK  EDIT AND MARK                                          [SS, L]
# GA22-7000 ch.8 "EDIT AND MARK": as EDIT; in addition, when a nonzero source digit
# turns on the significance indicator, the address of its result byte is placed
# in bits 8-31 of general register 1 (bits 0-7 unchanged).  When significance is
# started by a significance starter, or no digit starts it, GR1 is unchanged.
# ---------------------------------------------------------------------------
def edit_and_mark(m: CPU, length: int, b1: int, d1: int, b2: int, d2: int) -> None:
    mark = _edit(m, length, b1, d1, b2, d2)
    if mark is not None:
        m.gpr[1] = (m.gpr[1] & 0xFF000000) | mark


# ---------------------------------------------------------------------------
# 4F CVB   CONVERT TO BINARY                                      [RX]
# GA22-7000 ch.7 "CONVERT TO BINARY": the eight-byte packed-decimal second
# operand (no alignment required) is converted to a 32-bit signed binary integer
# in R1.  Invalid codes: data exception (R1 unchanged).  Outside -2**31..2**31-1:
# the operation is completed with the rightmost 32 bits of the result in R1, and a
# fixed-point-divide exception is recognized.  CC unchanged.
# ---------------------------------------------------------------------------
def convert_to_binary(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    value = _signed(*_packed(m.fetch(m.address(x2, b2, d2), 8)))
    m.gpr[r1] = value & MASK32
    if not -0x80000000 <= value <= 0x7FFFFFFF:
        raise FixedPointDivide("CVB result exceeds 31 bits")


# ---------------------------------------------------------------------------
# 4E CVD   CONVERT TO DECIMAL                                     [RX]
# GA22-7000 ch.7 "CONVERT TO DECIMAL": R1, a 32-bit signed binary integer, is
# stored at the second-operand location as eight bytes of packed decimal with
# sign 1100 (plus, also for zero) or 1101 (minus).  CC unchanged.
# ---------------------------------------------------------------------------
def convert_to_decimal(m: CPU, r1: int, x2: int, b2: int, d2: int) -> None:
    value = signed32(m.gpr[r1])
    m.store(m.address(x2, b2, d2), _to_packed(abs(value), value < 0, 8))
