"""An exact, deliberately slow model of System/370 hexadecimal floating point.

This is an oracle for properties that compare the library's floating-point
instructions with the architecture.  It is written only from the rules of IBM
System/370 Principles of Operation, GA22-7000, chapter 9 "Floating-Point
Instructions" (sections cited beside each rule), and follows the manual's steps
literally: an operand is a sign, a characteristic and a tuple of hexadecimal
fraction digits; alignment is a right shift by whole digits with a guard digit;
results are normalized by left shifts and then truncated.  Multiplication and
division use exact Python integers and ``fractions.Fraction``.  Nothing here is
written for speed.

Every operation takes and returns raw bit patterns: short operands are 32-bit
integers, long operands 64-bit integers, and extended operands one 128-bit integer
whose leftmost 64 bits are the high-order part (the even register) and whose
rightmost 64 bits are the low-order part.  Each returns an ``Outcome``:

* ``bits``: the result to be placed at the first-operand location, or None when
  nothing is stored (the operation is suppressed, or the instruction is COMPARE);
* ``cc``: the condition code set, or None when the code remains unchanged;
* ``code``: the program-interruption code, or None when no interruption occurs:
  0x0C exponent overflow, 0x0D exponent underflow, 0x0E significance,
  0x0F floating-point divide.  Exponent overflow, exponent underflow and
  significance complete the operation (the result is stored and the condition code
  set) before the interruption; floating-point divide suppresses it.

``eu_mask`` and ``sg_mask`` are the exponent-underflow and significance bits of the
program mask, its third and fourth bits (PSW bits 38 and 39 in the BC mode, 22 and
23 in the EC mode; GA22-7000 ch.4 "Program Status Word").  Every operation accepts
both and ignores the one it cannot use.

Points where the manual leaves a result unpredictable or model-dependent get the
marker ``UNPREDICTABLE`` in place of a value.  Chapter 9's rules for the
instructions modelled here (as read for this model) leave none of their results
unpredictable, so no operation returns it; it exists so that properties can test
``is_unpredictable(outcome)`` uniformly.

Sources.  The rules were read in GA22-7000-10 (1987) pages 246 (data format), 250
(ADD NORMALIZED, exceptions), 252 (DIVIDE), 254 (LOAD AND TEST, COMPLEMENT,
NEGATIVE) and 256 (MULTIPLY), and in GA22-7000-4 (1975) pages 158-168 of the same
chapter.  Where neither page could be read, the same section was read in the IBM
4300 ECPS:VSE edition of the Principles of Operation (GA22-7070, chapter 9, whose
text is word for word that of GA22-7000-10 wherever both were read), and three
facts the readable text left open were checked in Hercules' float.c: the guard
digit of AXR, the zero test of ADD UNNORMALIZED, and the steps of HALVE.  Each such
place says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import NamedTuple

# Program-interruption codes (GA22-7000 ch.6 "Program Interruption", ch.9 "Floating-
# Point Instructions", program exceptions of each instruction).
EXPONENT_OVERFLOW = 0x0C
EXPONENT_UNDERFLOW = 0x0D
SIGNIFICANCE = 0x0E
FLOATING_POINT_DIVIDE = 0x0F


class _Unpredictable:
    """The marker for a result the manual leaves unpredictable or model-dependent."""

    def __repr__(self) -> str:
        return "UNPREDICTABLE"


UNPREDICTABLE = _Unpredictable()


class Outcome(NamedTuple):
    bits: int | None | _Unpredictable
    cc: int | None | _Unpredictable
    code: int | None


def is_unpredictable(outcome: Outcome) -> bool:
    """True when any part of ``outcome`` is the UNPREDICTABLE marker."""
    return outcome.bits is UNPREDICTABLE or outcome.cc is UNPREDICTABLE


@dataclass(frozen=True)
class Format:
    """A floating-point format: its number of hexadecimal fraction digits and of bits.

    GA22-7000 ch.9 "Floating-Point Data Format": the short format has a 6-digit
    fraction in 32 bits, the long format a 14-digit fraction in 64 bits, and the
    extended format a 28-digit fraction in two long numbers (128 bits).
    """

    name: str
    digits: int
    width: int

    def __repr__(self) -> str:
        return self.name.upper()


SHORT = Format("short", 6, 32)
LONG = Format("long", 14, 64)
EXTENDED = Format("extended", 28, 128)


@dataclass(frozen=True)
class Number:
    """A floating-point number as the manual describes it (ch.9 "Number Representation").

    ``sign`` is 0 for plus and 1 for minus; ``characteristic`` is the exponent plus 64
    (excess-64 notation), which intermediate results may carry outside 0-127;
    ``digits`` are the hexadecimal fraction digits, leftmost first, with the radix
    point to the left of the first.  The value is fraction * 16 ** (characteristic - 64).
    """

    sign: int
    characteristic: int
    digits: tuple[int, ...]


# ---------------------------------------------------------------------------------
# Digits, packing and unpacking
# ---------------------------------------------------------------------------------

def _digits_of(value: int, count: int) -> tuple[int, ...]:
    """``value`` written as ``count`` hexadecimal digits, leftmost first."""
    if not 0 <= value < 16 ** count:
        raise ValueError(f"{value:#x} does not fit in {count} hexadecimal digits")
    return tuple((value >> (4 * (count - 1 - i))) & 0xF for i in range(count))


def _value_of(digits: tuple[int, ...]) -> int:
    """The digits read as one hexadecimal integer."""
    value = 0
    for digit in digits:
        value = value * 16 + digit
    return value


def _zero(digits: tuple[int, ...]) -> bool:
    return not any(digits)


def _true_zero(fmt: Format) -> Number:
    # ch.9 "Number Representation": a number with a zero characteristic, a zero
    # fraction and a plus sign is a true zero.
    return Number(0, 0, (0,) * fmt.digits)


_FRACTION56 = (1 << 56) - 1
_WORD64 = (1 << 64) - 1


def unpack(fmt: Format, bits: int) -> Number:
    """The sign, characteristic and fraction digits of a number in format ``fmt``.

    ch.9 "Floating-Point Data Format": bit 0 is the sign, bits 1-7 the
    characteristic, the rest the fraction.  Of an extended operand, the sign and
    characteristic of the low-order part are ignored; its fraction holds digits
    15-28 of the 28-digit fraction.
    """
    if not 0 <= bits < 1 << fmt.width:
        raise ValueError(f"{bits:#x} is not a {fmt.name} floating-point number")
    if fmt is EXTENDED:
        high, low = bits >> 64, bits & _WORD64
        fraction = ((high & _FRACTION56) << 56) | (low & _FRACTION56)
        return Number(high >> 63, (high >> 56) & 0x7F, _digits_of(fraction, 28))
    fraction_bits = fmt.width - 8
    return Number(
        bits >> (fmt.width - 1),
        (bits >> fraction_bits) & 0x7F,
        _digits_of(bits & ((1 << fraction_bits) - 1), fmt.digits),
    )


def pack(fmt: Format, number: Number) -> int:
    """The bit pattern of a result in format ``fmt``.

    ch.9 "Floating-Point Data Format": when an extended result is placed in a
    register pair, the low-order part gets the sign of the high-order part and,
    unless the result is a true zero, a characteristic 14 less than the high-order
    characteristic; when that subtraction would go below zero the characteristic is
    made 128 greater than the correct value.  The rule is applied to the high-order
    characteristic as stored, so the low-order characteristic is (high - 14) mod 128.
    This also gives the two special statements of the manual: after exponent
    overflow in AXR "the characteristic of the low-order part remains correct"
    (GA22-7000-10 p.250), and in MULTIPLY "if, for extended results, the low-order
    characteristic would also exceed 127, it, too, is decreased by 128" (ch.9
    "MULTIPLY").
    """
    if len(number.digits) != fmt.digits:
        raise ValueError(f"a {fmt.name} result has {fmt.digits} fraction digits")
    if not 0 <= number.characteristic <= 127:
        raise ValueError(f"characteristic {number.characteristic} is not 0-127")
    if fmt is EXTENDED:
        fraction = _value_of(number.digits)
        high = (number.sign << 63) | (number.characteristic << 56) | (fraction >> 56)
        if high == 0 and fraction == 0:
            return 0
        low_characteristic = (number.characteristic - 14) % 128
        low = (number.sign << 63) | (low_characteristic << 56) | (fraction & _FRACTION56)
        return (high << 64) | low
    fraction_bits = fmt.width - 8
    return (
        (number.sign << (fmt.width - 1))
        | (number.characteristic << fraction_bits)
        | _value_of(number.digits)
    )


def value(fmt: Format, bits: int) -> Fraction:
    """The exact value of a number: fraction * 16 ** (characteristic - 64)."""
    number = unpack(fmt, bits)
    fraction = Fraction(_value_of(number.digits), 16 ** fmt.digits)
    magnitude = fraction * Fraction(16) ** (number.characteristic - 64)
    return -magnitude if number.sign else magnitude


def _cc(number: Number) -> int:
    """Condition code 0 (result fraction zero), 1 (less than zero), 2 (greater)."""
    if _zero(number.digits):
        return 0
    return 1 if number.sign else 2


def _check(fmt: Format, allowed: tuple[Format, ...], what: str) -> None:
    if fmt not in allowed:
        raise ValueError(f"{what} has no {fmt.name} form in System/370")


# ---------------------------------------------------------------------------------
# Steps shared by several instructions
# ---------------------------------------------------------------------------------

def _shift_right(digits: tuple[int, ...], places: int) -> tuple[int, ...]:
    """Shift the digits right by whole digit positions, keeping their number.

    Zeros enter on the left; digits moved past the rightmost position are lost.
    """
    return ((0,) * places + digits)[: len(digits)]


def _normalize(number: Number) -> Number:
    """ch.9 "Normalization": shift the fraction left one digit at a time until the
    leftmost digit is nonzero, filling vacated rightmost positions with zeros and
    reducing the characteristic by one for each digit shifted.  A zero fraction
    cannot be normalized; it is returned unchanged.  The characteristic may become
    negative here; whether that is an exception is each instruction's rule.
    """
    digits, characteristic = number.digits, number.characteristic
    if _zero(digits):
        return number
    while digits[0] == 0:
        digits = digits[1:] + (0,)
        characteristic -= 1
    return Number(number.sign, characteristic, digits)


def _intermediate_sum(fmt: Format, first: Number, second: Number) -> Number:
    """The intermediate sum of ADD NORMALIZED, ADD UNNORMALIZED and COMPARE.

    ch.9 "ADD NORMALIZED": the characteristics are compared and the fraction of the
    operand with the smaller characteristic is shifted right, its characteristic
    being increased by one for each hexadecimal digit of shift, until the two
    characteristics agree.  One guard digit takes part: each fraction is extended
    on the right by one digit position, zero in the unshifted fraction; in the
    shifted fraction it holds the digit shifted just past the rightmost fraction
    position, and digits shifted further are lost.  The fractions are then added
    algebraically.  If a carry out of the leftmost digit occurs, the intermediate
    sum is shifted right one digit position (the carry becomes the leftmost digit)
    and the characteristic is increased by one.

    The result has fmt.digits + 1 digits: the fraction and the guard digit.  Its
    sign follows the rules of algebra (plus when the sum is zero).

    The page of GA22-7000-10 with the first half of this description (p.249) could
    not be read for this model; the guard digit of all three formats follows from
    p.250 ("The result fraction is zero when the intermediate-sum fraction,
    including the guard digit, is zero", said of AER, ADR and AXR alike), and
    Hercules' float.c add_sf, add_lf and add_ef keep one guard digit likewise.
    """
    width = fmt.digits + 1
    if first.characteristic >= second.characteristic:
        unshifted, shifted = first, second
    else:
        unshifted, shifted = second, first
    places = unshifted.characteristic - shifted.characteristic
    unshifted_digits = unshifted.digits + (0,)
    shifted_digits = _shift_right(shifted.digits + (0,), places)

    def signed(sign: int, digits: tuple[int, ...]) -> int:
        return -_value_of(digits) if sign else _value_of(digits)

    total = signed(unshifted.sign, unshifted_digits) + signed(shifted.sign, shifted_digits)
    sign = 1 if total < 0 else 0
    magnitude = abs(total)
    characteristic = unshifted.characteristic
    if magnitude >= 16 ** width:
        with_carry = _digits_of(magnitude, width + 1)
        digits = with_carry[:width]
        characteristic += 1
    else:
        digits = _digits_of(magnitude, width)
    return Number(sign, characteristic, digits)


def _exponent_exceptions(number: Number, eu_mask: bool) -> tuple[Number, int | None]:
    """Exponent overflow and underflow of a result with a nonzero fraction.

    ch.9 (ADD NORMALIZED, DIVIDE, HALVE, LOAD ROUNDED, MULTIPLY): exponent overflow
    is recognized when the final characteristic would exceed 127 and the fraction
    is not zero; the operation is completed with the characteristic 128 less than
    the correct value, sign and fraction correct, and an interruption occurs (the
    exception cannot be masked).  Exponent underflow is recognized when the final
    characteristic would be less than zero and the fraction is not zero; with the
    exponent-underflow mask one the characteristic is made 128 greater than the
    correct value and an interruption occurs; with the mask zero the result is made
    a true zero and no interruption occurs.
    """
    if _zero(number.digits):
        return number, None
    characteristic = number.characteristic
    if characteristic > 127:
        assert characteristic - 128 <= 127
        return Number(number.sign, characteristic - 128, number.digits), EXPONENT_OVERFLOW
    if characteristic < 0:
        if eu_mask:
            assert characteristic + 128 >= 0
            wrapped = Number(number.sign, characteristic + 128, number.digits)
            return wrapped, EXPONENT_UNDERFLOW
        return Number(0, 0, (0,) * len(number.digits)), None
    return number, None


def _negated(number: Number) -> Number:
    return Number(1 - number.sign, number.characteristic, number.digits)


# ---------------------------------------------------------------------------------
# ADD NORMALIZED and SUBTRACT NORMALIZED (AER AE ADR AD AXR, SER SE SDR SD SXR)
# ---------------------------------------------------------------------------------

def _add_normalized(
    fmt: Format, first: Number, second: Number, eu_mask: bool, sg_mask: bool
) -> Outcome:
    n = fmt.digits
    total = _intermediate_sum(fmt, first, second)
    if _zero(total.digits):
        # GA22-7000-10 p.250: the result fraction is zero when the intermediate-sum
        # fraction, including the guard digit, is zero.  With the significance mask
        # one, no normalization occurs, the intermediate and final characteristics
        # are the same and an interruption for significance occurs; with the mask
        # zero the result is made a true zero.  ch.9 "Number Representation": the
        # sign of a sum or difference with a zero fraction is plus.
        if sg_mask:
            kept = Number(0, total.characteristic, (0,) * n)
            return Outcome(pack(fmt, kept), 0, SIGNIFICANCE)
        return Outcome(pack(fmt, _true_zero(fmt)), 0, None)
    # The intermediate sum (with its guard digit) is normalized, then truncated to
    # the result-fraction length.
    normalized = _normalize(total)
    result = Number(normalized.sign, normalized.characteristic, normalized.digits[:n])
    # For AXR, no exponent underflow is recognized when only the low-order
    # characteristic would be below zero (p.250): only the high-order (that is, the
    # number's) characteristic is tested here; pack() wraps the low-order one.
    result, code = _exponent_exceptions(result, eu_mask)
    return Outcome(pack(fmt, result), _cc(result), code)


def add_normalized(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """AER/AE (SHORT), ADR/AD (LONG), AXR (EXTENDED): op1 + op2, normalized."""
    _check(fmt, (SHORT, LONG, EXTENDED), "ADD NORMALIZED")
    return _add_normalized(fmt, unpack(fmt, op1), unpack(fmt, op2), eu_mask, sg_mask)


def subtract_normalized(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """SER/SE (SHORT), SDR/SD (LONG), SXR (EXTENDED): op1 - op2, normalized.

    ch.9 "SUBTRACT NORMALIZED": the same as ADD NORMALIZED except that the sign of
    the second operand is inverted before the addition.
    """
    _check(fmt, (SHORT, LONG, EXTENDED), "SUBTRACT NORMALIZED")
    second = _negated(unpack(fmt, op2))
    return _add_normalized(fmt, unpack(fmt, op1), second, eu_mask, sg_mask)


# ---------------------------------------------------------------------------------
# ADD UNNORMALIZED and SUBTRACT UNNORMALIZED (AUR AU AWR AW, SUR SU SWR SW)
# ---------------------------------------------------------------------------------

def _add_unnormalized(fmt: Format, first: Number, second: Number, sg_mask: bool) -> Outcome:
    n = fmt.digits
    total = _intermediate_sum(fmt, first, second)
    # ch.9 "ADD UNNORMALIZED" (read in GA22-7070 p.9-7, whose page breaks off
    # after item 1): execution is that of ADD NORMALIZED except that (1) when no
    # carry is present the intermediate-sum fraction is truncated to the result-fraction
    # length without a left shift to eliminate leading zeros and without reducing
    # the characteristic; (2) exponent underflow cannot occur; (3) the guard digit
    # does not take part in recognizing a zero result fraction.  Items 2 and 3 lie
    # beyond the part of the page read; Hercules' float.c add_sf and add_lf do them
    # so (unnormalized path: the guard digit is dropped, then the zero test), and
    # item 2 follows from item 1.  After a carry the sum was already
    # shifted right, so truncation is the only step left in either case.
    result = Number(total.sign, total.characteristic, total.digits[:n])
    if _zero(result.digits):
        # Significance as for ADD NORMALIZED; the zero result has a plus sign.
        if sg_mask:
            kept = Number(0, total.characteristic, (0,) * n)
            return Outcome(pack(fmt, kept), 0, SIGNIFICANCE)
        return Outcome(pack(fmt, _true_zero(fmt)), 0, None)
    assert result.characteristic >= 0
    result, code = _exponent_exceptions(result, eu_mask=False)
    return Outcome(pack(fmt, result), _cc(result), code)


def add_unnormalized(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """AUR/AU (SHORT), AWR/AW (LONG): op1 + op2, unnormalized."""
    _check(fmt, (SHORT, LONG), "ADD UNNORMALIZED")
    return _add_unnormalized(fmt, unpack(fmt, op1), unpack(fmt, op2), sg_mask)


def subtract_unnormalized(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """SUR/SU (SHORT), SWR/SW (LONG): op1 - op2, unnormalized.

    ch.9 "SUBTRACT UNNORMALIZED": ADD UNNORMALIZED with the sign of the second
    operand inverted before the addition.
    """
    _check(fmt, (SHORT, LONG), "SUBTRACT UNNORMALIZED")
    second = _negated(unpack(fmt, op2))
    return _add_unnormalized(fmt, unpack(fmt, op1), second, sg_mask)


# ---------------------------------------------------------------------------------
# COMPARE (CER CE CDR CD)
# ---------------------------------------------------------------------------------

def compare(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """CER/CE (SHORT), CDR/CD (LONG): the condition code of op1 compared with op2.

    ch.9 "COMPARE": the comparison is algebraic and follows the procedure of
    normalized subtraction, the difference being discarded.  When the difference,
    including the guard digit, is zero the operands are equal (CC 0); when a
    nonzero difference is negative the first operand is low (CC 1), when positive
    high (CC 2).  No exponent-overflow, exponent-underflow or significance
    exception can occur, and nothing is stored (``bits`` is None).
    """
    _check(fmt, (SHORT, LONG), "COMPARE")
    difference = _intermediate_sum(fmt, unpack(fmt, op1), _negated(unpack(fmt, op2)))
    if _zero(difference.digits):
        return Outcome(None, 0, None)
    return Outcome(None, 1 if difference.sign else 2, None)


# ---------------------------------------------------------------------------------
# HALVE (HER HDR)
# ---------------------------------------------------------------------------------

def halve(fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False) -> Outcome:
    """HER (SHORT), HDR (LONG): op2 divided by 2, normalized.  The CC is unchanged.

    ch.9 "HALVE": the fraction of the second operand is shifted right one bit
    position, its rightmost bit going into the guard-digit position; sign and
    characteristic are unchanged; the intermediate result, guard digit included,
    is normalized and then truncated.  Exponent underflow follows the common rule.
    ch.9 "Number Representation": when the operand of HALVE has a zero fraction
    the result is made a true zero.  The body of this section could not be read
    for this model; its programming notes were (GA22-7000-4 p.165, GA22-7070
    p.9-10): the one bit of a fraction that is zero except for its rightmost bit
    "is preserved in the guard-digit position and becomes the leftmost bit after
    normalization", the result is zero only for a zero fraction or an exponent
    underflow with the mask zero, and the operation is identical to DIVIDE by 2.
    Hercules' float.c halve_float_short_reg and halve_float_long_reg do the same.
    """
    _check(fmt, (SHORT, LONG), "HALVE")
    number = unpack(fmt, op2)
    if _zero(number.digits):
        return Outcome(pack(fmt, _true_zero(fmt)), None, None)
    with_guard = _value_of(number.digits + (0,))
    shifted_digits = _digits_of(with_guard >> 1, fmt.digits + 1)
    shifted = Number(number.sign, number.characteristic, shifted_digits)
    normalized = _normalize(shifted)
    result = Number(normalized.sign, normalized.characteristic, normalized.digits[: fmt.digits])
    result, code = _exponent_exceptions(result, eu_mask)
    return Outcome(pack(fmt, result), None, code)


# ---------------------------------------------------------------------------------
# LOAD ROUNDED (LRER LRDR)
# ---------------------------------------------------------------------------------

def load_rounded(
    fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """LRER (``fmt`` LONG: long operand, short result), LRDR (``fmt`` EXTENDED:
    extended operand, long result).  The CC is unchanged.

    ch.9 "LOAD ROUNDED" (GA22-7000-4 p.167): rounding consists in adding a one in
    bit position 32 of the long operand, or 72 of the extended operand (the
    leftmost bit of the first fraction digit dropped), and propagating the carry to
    the left; the sign is ignored and the addition is done as if the fraction were
    positive.  The fraction is then truncated to the result length.  If rounding
    causes a carry out of the leftmost digit, the fraction is shifted right one
    digit and the characteristic increased by one; when that makes it exceed 127,
    exponent overflow: the characteristic is made 128 less than correct, the result
    is stored and an interruption occurs.  The sign is that of the operand; there
    is no normalization; exponent underflow and significance cannot occur.
    """
    _check(fmt, (LONG, EXTENDED), "LOAD ROUNDED (operand)")
    result_fmt = SHORT if fmt is LONG else LONG
    number = unpack(fmt, op2)
    kept, dropped = result_fmt.digits, fmt.digits - result_fmt.digits
    rounded = _value_of(number.digits) + 8 * 16 ** (dropped - 1)
    characteristic = number.characteristic
    if rounded >= 16 ** fmt.digits:
        digits = _digits_of(rounded, fmt.digits + 1)[: fmt.digits]
        characteristic += 1
    else:
        digits = _digits_of(rounded, fmt.digits)
    result = Number(number.sign, characteristic, digits[:kept])
    result, code = _exponent_exceptions(result, eu_mask=False)
    return Outcome(pack(result_fmt, result), None, code)


# ---------------------------------------------------------------------------------
# MULTIPLY (MER ME, MDR MD, MXDR MXD, MXR)
# ---------------------------------------------------------------------------------

_MULTIPLY_FORMATS = {
    (SHORT, LONG): "MER/ME",
    (LONG, LONG): "MDR/MD",
    (LONG, EXTENDED): "MXDR/MXD",
    (EXTENDED, EXTENDED): "MXR",
}


def multiply(
    fmt: Format,
    product_fmt: Format,
    op1: int,
    op2: int,
    *,
    eu_mask: bool = False,
    sg_mask: bool = False,
) -> Outcome:
    """op1 * op2, normalized; the CC is unchanged.  ``fmt`` is the operands' format,
    ``product_fmt`` the product's: MER/ME (SHORT, LONG), MDR/MD (LONG, LONG),
    MXDR/MXD (LONG, EXTENDED), MXR (EXTENDED, EXTENDED).

    ch.9 "MULTIPLY" (GA22-7000-10 p.256, GA22-7000-4 p.168): the operands are first
    normalized; the sum of their characteristics less 64 is the characteristic of
    the intermediate product, whose fraction is the exact product of the operand
    fractions.  When it has one leading zero digit it is shifted left one digit
    (bringing the guard digit into the result) and the characteristic reduced by
    one; the fraction is then truncated to the result length (MER/ME: the 12-digit
    product fills 14 digits, the two rightmost zero; MXDR/MXD: exact).  Exponent
    overflow and underflow follow the common rule and are judged on the final
    characteristic, so an intermediate characteristic of 128 brought back by the
    normalization is no overflow (GA22-7070 p.9-13), and a characteristic below
    zero during the normalization of the operands is no underflow.  ch.9 "Number
    Representation": when one or both operand fractions are zero the product is a
    true zero, without exception; the sign of a zero product is plus.
    """
    if (fmt, product_fmt) not in _MULTIPLY_FORMATS:
        raise ValueError(f"no MULTIPLY of {fmt.name} operands gives a {product_fmt.name} product")
    first, second = unpack(fmt, op1), unpack(fmt, op2)
    m = product_fmt.digits
    if _zero(first.digits) or _zero(second.digits):
        return Outcome(pack(product_fmt, _true_zero(product_fmt)), None, None)
    first, second = _normalize(first), _normalize(second)
    characteristic = first.characteristic + second.characteristic - 64
    product = _digits_of(_value_of(first.digits) * _value_of(second.digits), 2 * fmt.digits)
    # Both fractions are at least 1/16, so the product is at least 1/256: at most
    # one leading zero digit.
    assert product[0] != 0 or product[1] != 0
    if product[0] == 0:
        product = product[1:] + (0,)
        characteristic -= 1
    digits = (product + (0,) * m)[:m]
    result = Number(first.sign ^ second.sign, characteristic, digits)
    result, code = _exponent_exceptions(result, eu_mask)
    return Outcome(pack(product_fmt, result), None, code)


# ---------------------------------------------------------------------------------
# DIVIDE (DER DE DDR DD)
# ---------------------------------------------------------------------------------

def divide(
    fmt: Format, op1: int, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """DER/DE (SHORT), DDR/DD (LONG): op1 (dividend) / op2 (divisor), normalized.

    ch.9 "DIVIDE" (GA22-7000-10 p.252, GA22-7070 pp.9-8 and 9-9): a zero divisor fraction
    (zero dividend included) is a floating-point-divide exception: the operation is
    suppressed.  A zero dividend fraction with a nonzero divisor gives a true zero,
    with no overflow or underflow.  Otherwise the operands are first normalized;
    the difference of their characteristics plus 64 is the characteristic of the
    intermediate quotient; all digits take part, the quotient fraction has no
    leading zero digit, but a right shift of one digit (characteristic plus one)
    may be needed; it is then truncated.  Exponent overflow and underflow follow
    the common rule on the final characteristic.  The sign follows the rules of
    algebra, plus for a true zero.  The CC is unchanged.
    """
    _check(fmt, (SHORT, LONG), "DIVIDE")
    dividend, divisor = unpack(fmt, op1), unpack(fmt, op2)
    if _zero(divisor.digits):
        return Outcome(None, None, FLOATING_POINT_DIVIDE)
    if _zero(dividend.digits):
        return Outcome(pack(fmt, _true_zero(fmt)), None, None)
    dividend, divisor = _normalize(dividend), _normalize(divisor)
    characteristic = dividend.characteristic - divisor.characteristic + 64
    quotient = Fraction(_value_of(dividend.digits), _value_of(divisor.digits))
    if quotient >= 1:
        quotient /= 16
        characteristic += 1
    assert Fraction(1, 16) <= quotient < 1
    digits = _digits_of(int(quotient * 16 ** fmt.digits), fmt.digits)
    result = Number(dividend.sign ^ divisor.sign, characteristic, digits)
    result, code = _exponent_exceptions(result, eu_mask)
    return Outcome(pack(fmt, result), None, code)


# ---------------------------------------------------------------------------------
# LOAD POSITIVE, LOAD NEGATIVE, LOAD COMPLEMENT, LOAD AND TEST
# (LPER LPDR, LNER LNDR, LCER LCDR, LTER LTDR)
# ---------------------------------------------------------------------------------

def _load_with_sign(fmt: Format, op2: int, new_sign: Callable[[int], int]) -> Outcome:
    # ch.9 LOAD POSITIVE / NEGATIVE / COMPLEMENT / AND TEST (GA22-7000-10 p.254):
    # only the sign bit may change, even when the fraction is zero; characteristic
    # and fraction are unchanged; no normalization and no exception.  CC 0 when the
    # result fraction is zero (whatever the sign), 1 when less than zero, 2 when
    # greater.
    _check(fmt, (SHORT, LONG), "LOAD POSITIVE/NEGATIVE/COMPLEMENT/AND TEST")
    number = unpack(fmt, op2)
    result = Number(new_sign(number.sign), number.characteristic, number.digits)
    return Outcome(pack(fmt, result), _cc(result), None)


def load_positive(
    fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """LPER (SHORT), LPDR (LONG): the sign bit is made zero."""
    return _load_with_sign(fmt, op2, lambda sign: 0)


def load_negative(
    fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """LNER (SHORT), LNDR (LONG): the sign bit is made one, even for a zero fraction."""
    return _load_with_sign(fmt, op2, lambda sign: 1)


def load_complement(
    fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """LCER (SHORT), LCDR (LONG): the sign bit is inverted, even for a zero fraction."""
    return _load_with_sign(fmt, op2, lambda sign: 1 - sign)


def load_and_test(
    fmt: Format, op2: int, *, eu_mask: bool = False, sg_mask: bool = False
) -> Outcome:
    """LTER (SHORT), LTDR (LONG): the operand unchanged, its sign and magnitude tested."""
    return _load_with_sign(fmt, op2, lambda sign: sign)


# ---------------------------------------------------------------------------------
# The instructions by mnemonic
# ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Instruction:
    """One instruction of the model: its operand formats, the format of the bits it
    returns (None for COMPARE, which stores nothing) and its function.  Calling it
    with the operand bit patterns gives the Outcome.  The RR and RX forms of an
    instruction compute the same thing and share an entry.
    """

    mnemonic: str
    operands: tuple[Format, ...]
    result: Format | None
    function: Callable[..., Outcome]

    def __call__(self, *operands: int, eu_mask: bool = False, sg_mask: bool = False) -> Outcome:
        if len(operands) != len(self.operands):
            raise TypeError(f"{self.mnemonic} takes {len(self.operands)} operands")
        return self.function(*operands, eu_mask=eu_mask, sg_mask=sg_mask)


def _instructions() -> dict[str, Instruction]:
    table: list[Instruction] = []

    def add(names: str, operands: tuple[Format, ...], result: Format | None, fn) -> None:
        for name in names.split():
            table.append(Instruction(name, operands, result, fn))

    for fmt, suffix in ((SHORT, "E"), (LONG, "D")):
        pair = (fmt, fmt)
        add(f"A{suffix}R A{suffix}", pair, fmt, partial(add_normalized, fmt))
        add(f"S{suffix}R S{suffix}", pair, fmt, partial(subtract_normalized, fmt))
        add(f"C{suffix}R C{suffix}", pair, None, partial(compare, fmt))
        add(f"D{suffix}R D{suffix}", pair, fmt, partial(divide, fmt))
        add(f"H{suffix}R", (fmt,), fmt, partial(halve, fmt))
        add(f"LP{suffix}R", (fmt,), fmt, partial(load_positive, fmt))
        add(f"LN{suffix}R", (fmt,), fmt, partial(load_negative, fmt))
        add(f"LC{suffix}R", (fmt,), fmt, partial(load_complement, fmt))
        add(f"LT{suffix}R", (fmt,), fmt, partial(load_and_test, fmt))
    add("AUR AU", (SHORT, SHORT), SHORT, partial(add_unnormalized, SHORT))
    add("AWR AW", (LONG, LONG), LONG, partial(add_unnormalized, LONG))
    add("SUR SU", (SHORT, SHORT), SHORT, partial(subtract_unnormalized, SHORT))
    add("SWR SW", (LONG, LONG), LONG, partial(subtract_unnormalized, LONG))
    add("AXR", (EXTENDED, EXTENDED), EXTENDED, partial(add_normalized, EXTENDED))
    add("SXR", (EXTENDED, EXTENDED), EXTENDED, partial(subtract_normalized, EXTENDED))
    add("LRER", (LONG,), SHORT, partial(load_rounded, LONG))
    add("LRDR", (EXTENDED,), LONG, partial(load_rounded, EXTENDED))
    add("MER ME", (SHORT, SHORT), LONG, partial(multiply, SHORT, LONG))
    add("MDR MD", (LONG, LONG), LONG, partial(multiply, LONG, LONG))
    add("MXDR MXD", (LONG, LONG), EXTENDED, partial(multiply, LONG, EXTENDED))
    add("MXR", (EXTENDED, EXTENDED), EXTENDED, partial(multiply, EXTENDED, EXTENDED))
    return {instruction.mnemonic: instruction for instruction in table}


INSTRUCTIONS: dict[str, Instruction] = _instructions()
