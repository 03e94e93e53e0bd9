"""Tests for reference/machine/instructions/decimal.py: the decimal instructions (GA22-7000
chapter 8) and CVB, CVD, PACK, UNPK and MVO (chapter 7).

Every expected value is derived by hand from the Principles of Operation; the
arithmetic is written next to it.  Packed operands are written as hex strings:
"38460D" is -38460 (digits 3 8 4 6 0, sign D = minus).  Many examples are the ones
of GA22-7000 Appendix A ("Decimal Instructions", "Editing").

Each test runs a single instruction at X'200' on a fresh machine (``execute``) whose
program-new PSW is a disabled wait, so a program interruption stops the machine and
the old PSW at X'28' keeps the condition code and interruption code.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from reference.machine.machine import Machine
from tests.support import ins, make_machine

DATA_EXC, SPEC, ADDRESSING, PROTECTION = 0x07, 0x06, 0x05, 0x04
FIXED_DIVIDE, DECIMAL_OVERFLOW, DECIMAL_DIVIDE = 0x09, 0x0A, 0x0B
PROGRAM_NEW = 0x68
DISABLED_WAIT = 0x0002000000000000   # BC mode, wait, all interruptions disabled
DECIMAL_MASK = 0x4                   # program-mask bit for decimal overflow (PSW bit 37)

A, B = 0x400, 0x500                  # operand areas used by most tests


@dataclass
class Outcome:
    m: Machine
    code: int | None      # program-interruption code, None if the instruction ended
    cc: int               # condition code after the instruction (old PSW if interrupted)

    def at(self, addr: int, n: int) -> str:
        """``n`` bytes of storage at ``addr`` as upper-case hex."""
        return self.m.mem[addr:addr + n].hex().upper()


def execute(code: bytes, data: dict[int, bytes] | None = None, *, program_mask: int = 0,
            cc: int = 0, gpr: dict[int, int] | None = None, steps: int = 1,
            **machine: object) -> Outcome:
    """Run ``code`` (``steps`` instructions) with ``data`` loaded; the PSW starts
    with ``cc`` and ``program_mask``."""
    m = make_machine(code, data=data or {}, end=False, **machine)  # type: ignore[arg-type]
    m.load_image(DISABLED_WAIT.to_bytes(8, "big"), PROGRAM_NEW)
    m.cc = cc
    m.program_mask = program_mask
    for r, v in (gpr or {}).items():
        m.gpr[r] = v
    m.interruption_log = []
    m.run(steps)
    programs = [rec for rec in m.interruption_log if rec.kind == "program"]
    if programs:
        old = programs[0].old_psw
        return Outcome(m, programs[0].code, (old >> 28) & 3)
    return Outcome(m, None, m.cc)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def ss(mnemonic: str, l1: int, l2: int, a1: int = A, a2: int = B) -> bytes:
    """An SS instruction with two lengths (the true lengths; encoded minus one)."""
    return ins(mnemonic, l1 - 1, l2 - 1, 0, a1, 0, a2)


# ===========================================================================
# ADD DECIMAL
# ===========================================================================
def test_ap_manual_example_opposite_signs():
    # Appendix A: 38460- + 112345+ = 73885+, fits in 3 bytes (5 digits): CC 2.
    o = execute(ss("AP", 3, 4), {A: h("38460D"), B: h("0112345C")})
    assert (o.code, o.at(A, 3), o.cc) == (None, "73885C", 2)
    assert o.at(B, 4) == "0112345C"                      # second operand unchanged


def test_ap_negative_sum_sets_cc1():
    # 1 + (-3) = -2
    o = execute(ss("AP", 1, 1), {A: h("1C"), B: h("3D")})
    assert (o.at(A, 1), o.cc) == ("2D", 1)


def test_ap_zero_sum_is_positive():
    # 5 + (-5) = 0: "a zero sum is always positive"
    o = execute(ss("AP", 2, 1), {A: h("005D"), B: h("5C")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)


def test_ap_accepts_every_sign_code_and_stores_preferred():
    # A, E, F are plus, B is minus: 1(A) + 2(F) = 3 -> C;  -1(B) + -2(B) = -3 -> D
    o = execute(ss("AP", 1, 1), {A: h("1A"), B: h("2F")})
    assert o.at(A, 1) == "3C"
    o = execute(ss("AP", 1, 1), {A: h("1B"), B: h("2B")})
    assert o.at(A, 1) == "3D"
    o = execute(ss("AP", 1, 1), {A: h("1E"), B: h("0C")})
    assert o.at(A, 1) == "1C"


def test_ap_overflow_with_mask_off_sets_cc3_and_stores_truncated_sum():
    # 999 + 1 = 1000 needs 4 digits, the field has 3: 000 is stored, CC 3.
    o = execute(ss("AP", 2, 1), {A: h("999C"), B: h("1C")})
    assert (o.code, o.at(A, 2), o.cc) == (None, "000C", 3)


def test_ap_overflow_with_mask_on_interrupts_after_storing():
    # Same sum; decimal-overflow mask on: the result is stored, then code X'000A'.
    o = execute(ss("AP", 2, 1), {A: h("999C"), B: h("1C")}, program_mask=DECIMAL_MASK)
    assert (o.code, o.at(A, 2), o.cc) == (DECIMAL_OVERFLOW, "000C", 3)


def test_ap_overflow_not_masked_by_fixed_point_mask():
    # Program-mask bit 36 (value 8) is fixed-point overflow, not decimal.
    o = execute(ss("AP", 2, 1), {A: h("999C"), B: h("1C")}, program_mask=0x8 | 0x2 | 0x1)
    assert (o.code, o.cc) == (None, 3)


def test_ap_overflow_zero_result_keeps_sign_of_true_sum():
    # -999 + -1 = -1000: digits 000 stored with the minus sign of the true sum.
    o = execute(ss("AP", 2, 1), {A: h("999D"), B: h("1D")})
    assert (o.at(A, 2), o.cc) == ("000D", 3)


def test_ap_longer_second_operand_without_overflow():
    # 5 + 0000004 = 9: the second operand is longer, but no nonzero digit is lost.
    o = execute(ss("AP", 1, 4), {A: h("5C"), B: h("0000004C")})
    assert (o.at(A, 1), o.cc) == ("9C", 2)


def test_ap_invalid_sign_in_first_operand_is_data_exception_nothing_changed():
    o = execute(ss("AP", 2, 1), {A: h("1234"), B: h("1C")}, cc=2)
    assert (o.code, o.at(A, 2), o.cc) == (DATA_EXC, "1234", 2)


def test_ap_invalid_digit_in_second_operand_is_data_exception():
    # Only a digit is invalid: the operation may be terminated, so the first
    # operand and the CC are unpredictable (GA22-7000 ch.6 "Data Exception").
    o = execute(ss("AP", 2, 2), {A: h("001C"), B: h("1A2C")}, cc=1)
    assert o.code == DATA_EXC


def test_ap_invalid_digit_in_sign_byte_left_half():
    # The left half of the rightmost byte is a digit: F is invalid there.
    o = execute(ss("AP", 1, 1), {A: h("FC"), B: h("1C")})
    assert o.code == DATA_EXC


def test_ap_coincident_rightmost_bytes_allowed():
    # Second operand = rightmost 2 bytes of the first (00123C): 123 + 123 = 246.
    o = execute(ss("AP", 3, 2, A, A + 1), {A: h("00123C")})
    assert (o.code, o.at(A, 3), o.cc) == (None, "00246C", 2)


def test_ap_improper_overlap_is_data_exception():
    # Operand 1 = 400-402, operand 2 = 401-403: they overlap, rightmost bytes differ.
    # (Terminated: the result field is unpredictable and is not checked.)
    o = execute(ss("AP", 3, 3, A, A + 1), {A: h("00123C0C")})
    assert o.code == DATA_EXC


def test_ap_addressing_exception_suppresses():
    # First operand beyond the 64K of storage; nothing stored anywhere.
    # GR5 = X'FFFF': operand 1 = FFFF-10000 (D1 is only 12 bits, so via a base).
    o = execute(ins("AP", 1, 0, 5, 0, 0, B), {B: h("1C")}, cc=1, gpr={5: 0xFFFF})
    assert (o.code, o.cc) == (ADDRESSING, 1)


def test_ap_store_protection_suppresses():
    # PSW key 2; the block at X'800' has key 1: store protection, nothing stored.
    m_data = {0x800: h("001C"), B: h("1C")}
    m = make_machine(ss("AP", 2, 1, 0x800, B), data=m_data, end=False, key=2)
    m.load_image(DISABLED_WAIT.to_bytes(8, "big"), PROGRAM_NEW)
    m.keys[0x800 >> 11] = 0x10
    m.interruption_log = []
    m.run(1)
    assert [r.code for r in m.interruption_log] == [PROTECTION]
    assert m.mem[0x800:0x802] == h("001C")


# ===========================================================================
# SUBTRACT DECIMAL
# ===========================================================================
def test_sp_basic_difference():
    # 5 - 7 = -2
    o = execute(ss("SP", 1, 1), {A: h("5C"), B: h("7C")})
    assert (o.at(A, 1), o.cc) == ("2D", 1)


def test_sp_field_minus_itself_is_positive_zero():
    # -123 - (-123) = 0, positive: the classic way to clear a field.
    o = execute(ss("SP", 2, 2, A, A), {A: h("123D")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)


def test_sp_overflow_from_oversized_result():
    # 1 - (-10) = 11, one digit available: 1 stored, CC 3.
    o = execute(ss("SP", 1, 2), {A: h("1C"), B: h("010D")})
    assert (o.at(A, 1), o.cc, o.code) == ("1C", 3, None)


def test_sp_overflow_with_mask_on():
    o = execute(ss("SP", 1, 2), {A: h("1C"), B: h("010D")}, program_mask=DECIMAL_MASK)
    assert (o.at(A, 1), o.cc, o.code) == ("1C", 3, DECIMAL_OVERFLOW)


def test_sp_overflow_zero_digits_keep_sign_of_true_difference():
    # -1 - 9 = -10: one digit available, 0 stored with minus sign, CC 3.
    o = execute(ss("SP", 1, 1), {A: h("1D"), B: h("9C")})
    assert (o.at(A, 1), o.cc) == ("0D", 3)


# ===========================================================================
# ZERO AND ADD
# ===========================================================================
def test_zap_manual_example_extends_with_zeros():
    # Appendix A: 38460- moved into 5 bytes: 0000038460-; CC 1.
    o = execute(ss("ZAP", 5, 3), {A: h("FFFFFFFFFF"), B: h("38460D")})
    assert (o.code, o.at(A, 5), o.cc) == (None, "000038460D", 1)


def test_zap_first_operand_is_not_checked():
    # The first operand's old contents (FFFF) are invalid packed data: ignored.
    o = execute(ss("ZAP", 2, 1), {A: h("FFFF"), B: h("5F")})
    assert (o.code, o.at(A, 2), o.cc) == (None, "005C", 2)


def test_zap_negative_zero_becomes_positive():
    o = execute(ss("ZAP", 1, 2), {A: h("99"), B: h("000D")})
    assert (o.at(A, 1), o.cc) == ("0C", 0)


def test_zap_overflow_keeps_rightmost_digits():
    # 12345 into 2 bytes (3 digits): 345, CC 3.
    o = execute(ss("ZAP", 2, 3), {B: h("12345C")})
    assert (o.at(A, 2), o.cc, o.code) == ("345C", 3, None)


def test_zap_overflow_zero_result_has_sign_of_second_operand():
    # -12000 into 3 digits: 000 with the minus sign of the second operand.
    o = execute(ss("ZAP", 2, 3), {B: h("12000D")}, program_mask=DECIMAL_MASK)
    assert (o.at(A, 2), o.cc, o.code) == ("000D", 3, DECIMAL_OVERFLOW)


def test_zap_invalid_second_operand_is_data_exception():
    o = execute(ss("ZAP", 2, 2), {A: h("111C"), B: h("12")})
    assert (o.code, o.at(A, 2)) == (DATA_EXC, "111C")


def test_zap_overlap_with_first_operand_extending_right_is_allowed():
    # Operand 2 = 400-401 (123+), operand 1 = 400-403: rightmost byte of operand 1
    # is to the right of operand 2's.  Result 0000123+ as if processed right to left.
    o = execute(ss("ZAP", 4, 2, A, A), {A: h("123CEEEE")})
    assert (o.code, o.at(A, 4), o.cc) == (None, "0000123C", 2)


def test_zap_overlap_with_second_operand_extending_right_is_data_exception():
    # Operand 1 = 400-401, operand 2 = 400-403: operand 2 ends further right.
    o = execute(ss("ZAP", 2, 4, A, A), {A: h("0000123C")})
    assert o.code == DATA_EXC


# ===========================================================================
# COMPARE DECIMAL
# ===========================================================================
def test_cp_manual_example_first_low():
    # Appendix A: -1725356 compared with -72142: first operand low, CC 1.
    o = execute(ss("CP", 4, 3), {A: h("1725356D"), B: h("72142D")})
    assert (o.code, o.cc) == (None, 1)
    assert (o.at(A, 4), o.at(B, 3)) == ("1725356D", "72142D")   # nothing stored


def test_cp_first_high():
    o = execute(ss("CP", 1, 2), {A: h("5C"), B: h("003F")})
    assert o.cc == 2


def test_cp_positive_and_negative_zero_are_equal():
    o = execute(ss("CP", 1, 2), {A: h("0C"), B: h("000D")})
    assert o.cc == 0


def test_cp_negative_less_than_positive():
    o = execute(ss("CP", 1, 1), {A: h("1D"), B: h("0C")})
    assert o.cc == 1


def test_cp_invalid_data_is_data_exception_cc_unchanged():
    o = execute(ss("CP", 1, 1), {A: h("1C"), B: h("C1")}, cc=3)
    assert (o.code, o.cc) == (DATA_EXC, 3)


# ===========================================================================
# MULTIPLY DECIMAL
# ===========================================================================
def test_mp_manual_example():
    # Appendix A: multiplicand 0000038460- (5 bytes) times 321- = +12345660
    # (38460 * 321 = 11538000 + 807660 = 12345660; minus times minus is plus).
    o = execute(ss("MP", 5, 2), {A: h("000038460D"), B: h("321D")}, cc=2)
    assert (o.code, o.at(A, 5)) == (None, "012345660C")
    assert o.cc == 2                                     # CC unchanged


def test_mp_zero_product_sign_follows_rules_of_algebra():
    # 0 * -5 = -0: the sign is minus even for a zero product.
    o = execute(ss("MP", 3, 1), {A: h("00000C"), B: h("5D")})
    assert o.at(A, 3) == "00000D"


def test_mp_multiplier_longer_than_8_bytes_is_specification():
    o = execute(ss("MP", 16, 9), {A: bytes(15) + h("1C"), B: bytes(8) + h("1C")})
    assert (o.code, o.at(A, 16)) == (SPEC, "00" * 15 + "1C")


def test_mp_multiplier_not_shorter_than_multiplicand_is_specification():
    o = execute(ss("MP", 2, 2), {A: h("001C"), B: h("001C")})
    assert o.code == SPEC


def test_mp_specification_comes_before_data_checks():
    # Invalid data everywhere, but the length check comes first.
    o = execute(ss("MP", 1, 1), {A: h("FF"), B: h("FF")})
    assert o.code == SPEC


def test_mp_multiplicand_with_too_few_leftmost_zero_bytes_is_data_exception():
    # Multiplier 2 bytes: the multiplicand needs 2 bytes of leftmost zeros; it has 1.
    o = execute(ss("MP", 4, 2), {A: h("0012345C"), B: h("100C")})
    assert o.code == DATA_EXC


def test_mp_multiplicand_with_exactly_enough_zero_bytes():
    # 0000345C: 2 zero bytes for a 2-byte multiplier. 345 * 100 = 34500.
    o = execute(ss("MP", 4, 2), {A: h("0000345C"), B: h("100C")})
    assert (o.code, o.at(A, 4)) == (None, "0034500C")


def test_mp_largest_product_fits():
    # 999 (2 zero bytes + 3 digits) * -999 = -998001
    o = execute(ss("MP", 4, 2), {A: h("0000999C"), B: h("999D")})
    assert o.at(A, 4) == "0998001D"


# ===========================================================================
# DIVIDE DECIMAL
# ===========================================================================
def test_dp_manual_example():
    # Appendix A: 12345678+ / 321- : 321 * 38460 = 12345660, remainder 18.
    # Quotient (L1-L2 = 3 bytes) 38460-, remainder (2 bytes) 018+ (dividend's sign).
    o = execute(ss("DP", 5, 2), {A: h("012345678C"), B: h("321D")}, cc=1)
    assert (o.code, o.at(A, 5), o.cc) == (None, "38460D018C", 1)


def test_dp_zero_remainder_keeps_dividend_sign():
    # -6 / 2 = -3 remainder -0: quotient 1 byte "3D", remainder 1 byte "0D".
    o = execute(ss("DP", 2, 1), {A: h("006D"), B: h("2C")})
    assert (o.code, o.at(A, 2)) == (None, "3D0D")


def test_dp_zero_quotient_sign_follows_rules_of_algebra():
    # -1 / 5 = -0 remainder -1
    o = execute(ss("DP", 2, 1), {A: h("001D"), B: h("5C")})
    assert o.at(A, 2) == "0D1D"


def test_dp_largest_quotient_that_fits():
    # 00999+ / 1+: quotient field 2 bytes = 3 digits, 999 fits; remainder 0.
    o = execute(ss("DP", 3, 1), {A: h("00999C"), B: h("1C")})
    assert (o.code, o.at(A, 3)) == (None, "999C0C")


def test_dp_quotient_too_large_is_decimal_divide_nothing_changed():
    # 01000+ / 1+ = 1000 needs 4 digits, the field has 3 (1 * 10**3 <= 1000).
    o = execute(ss("DP", 3, 1), {A: h("01000C"), B: h("1C")}, cc=2)
    assert (o.code, o.at(A, 3), o.cc) == (DECIMAL_DIVIDE, "01000C", 2)


def test_dp_zero_divisor_is_decimal_divide():
    o = execute(ss("DP", 3, 1), {A: h("00005C"), B: h("0D")})
    assert (o.code, o.at(A, 3)) == (DECIMAL_DIVIDE, "00005C")


def test_dp_invalid_data_comes_before_decimal_divide():
    # Zero divisor, but the dividend's sign is invalid: data exception.
    o = execute(ss("DP", 3, 1), {A: h("000051"), B: h("0C")})
    assert o.code == DATA_EXC


def test_dp_specification_cases():
    assert execute(ss("DP", 16, 9), {A: bytes(15) + h("1C"), B: bytes(8) + h("1C")}).code \
        == SPEC
    assert execute(ss("DP", 2, 2), {A: h("001C"), B: h("001C")}).code == SPEC
    assert execute(ss("DP", 1, 2), {A: h("1C"), B: h("001C")}).code == SPEC


def test_dp_divisor_of_8_bytes_is_allowed():
    # L2 = 7 (8 bytes, 15 digits) with a 16-byte dividend: 100000000000000 / 1 fits.
    dividend = bytes(8) + h("100000000000000C")       # 1 followed by 14 zeros
    o = execute(ss("DP", 16, 8), {A: dividend, B: bytes(7) + h("1C")})
    # quotient field 8 bytes: 100000000000000+ ; remainder 8 bytes: 0+
    assert (o.code, o.at(A, 16)) == (None, "100000000000000C" + "000000000000000C")


# ===========================================================================
# SHIFT AND ROUND DECIMAL
# ===========================================================================
def srp(l1: int, shift_address: int, i3: int, a1: int = A) -> bytes:
    return ins("SRP", l1 - 1, i3, 0, a1, 0, shift_address)


def test_srp_left_shift_three_digits():
    # Appendix A: 12345678+ (6 bytes, 11 digits) shifted left 3: 12345678000+.
    o = execute(srp(6, 3, 0), {A: h("00012345678C")})
    assert (o.code, o.at(A, 6), o.cc) == (None, "12345678000C", 2)


def test_srp_right_shift_with_rounding():
    # Appendix A style: 12345678+ shifted right 3 (shift value 61 = -3), rounding 5:
    # 12345678 + 500 = 12346178, shifted right 3 digits: 12346 (12345.678 rounded).
    o = execute(srp(5, 61, 5), {A: h("012345678C")})
    assert (o.code, o.at(A, 5), o.cc) == (None, "000012346C", 2)


def test_srp_right_shift_without_rounding_truncates():
    # -12345678 right 3 with rounding digit 0: -12345.
    o = execute(srp(5, 61, 0), {A: h("012345678D")})
    assert (o.at(A, 5), o.cc) == ("000012345D", 1)


def test_srp_shift_value_is_low_six_bits_of_address():
    # D2 = X'FC3': bits 26-31 are 000011 = left 3; the rest is ignored.
    o = execute(srp(3, 0xFC3, 0), {A: h("00012C")})
    assert o.at(A, 3) == "12000C"


def test_srp_shift_value_taken_from_base_register():
    # GR5 = X'0000003F' (63 = one digit right); 12345+ -> 1235+ with rounding 5.
    o = execute(ins("SRP", 2, 5, 0, A, 5, 0), {A: h("12345C")}, gpr={5: 0x3F})
    assert o.at(A, 3) == "01235C"


def test_srp_rounding_carry_propagates():
    # -999 right 1 with rounding 5: 999 + 5 = 1004 -> 100, negative: CC 1.
    o = execute(srp(2, 63, 5), {A: h("999D")})
    assert (o.at(A, 2), o.cc) == ("100D", 1)


def test_srp_right_shift_to_zero_makes_sign_positive():
    # -4 right 1 with rounding 5: 4 + 5 = 9 -> 0; zero result is positive.
    o = execute(srp(2, 63, 5), {A: h("004D")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)


def test_srp_right_shift_32_gives_zero():
    # Shift value 100000 = 32 digits right: every digit is shifted out.
    o = execute(srp(2, 32, 9), {A: h("999C")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)


def test_srp_no_shift_still_checks_and_normalizes_sign():
    # Shift 0 of -0 with sign B: the zero result is made positive (preferred C).
    o = execute(srp(2, 0, 0), {A: h("000B")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)
    # shift 0 of 5 (sign F): preferred sign C, CC 2
    o = execute(srp(1, 0, 0), {A: h("5F")})
    assert (o.at(A, 1), o.cc) == ("5C", 2)


def test_srp_left_shift_overflow_mask_off():
    # 123 left 1 = 1230, 3 digits available: 230, CC 3, sign unchanged.
    o = execute(srp(2, 1, 0), {A: h("123D")})
    assert (o.code, o.at(A, 2), o.cc) == (None, "230D", 3)


def test_srp_left_shift_overflow_mask_on():
    o = execute(srp(2, 1, 0), {A: h("123D")}, program_mask=DECIMAL_MASK)
    assert (o.code, o.at(A, 2), o.cc) == (DECIMAL_OVERFLOW, "230D", 3)


def test_srp_left_shift_overflow_zero_digits_keep_original_sign():
    # -100 left 1 = -1000: digits 000 remain, with the original (minus) sign.
    o = execute(srp(2, 1, 0), {A: h("100D")})
    assert (o.at(A, 2), o.cc) == ("000D", 3)


def test_srp_left_shift_of_zero_is_not_overflow():
    o = execute(srp(2, 31, 0), {A: h("000D")})
    assert (o.at(A, 2), o.cc) == ("000C", 0)


def test_srp_invalid_rounding_digit_is_data_exception_even_on_left_shift():
    o = execute(srp(2, 1, 10), {A: h("001C")})
    assert o.code == DATA_EXC


def test_srp_invalid_operand_is_data_exception_even_without_shift():
    o = execute(srp(2, 0, 0), {A: h("0A1C")})
    assert o.code == DATA_EXC


# ===========================================================================
# EDIT and EDIT AND MARK
# ===========================================================================
# Appendix A "EDIT": pattern at X'1000', 13 bytes:
#   40 20 20 6B 20 21 20 4B 20 20 40 C3 D9
#   fill(blank) d d , d ( d . d d blank C R      (d: digit selector, (: starter)
# GR12 holds X'1000'; the pattern is at 0(GR12), the source at X'200'(GR12).
PATTERN = h("4020206B2021204B202040C3D9")
P, S = 0x1000, 0x1200


def ed(mnemonic: str, length: int) -> bytes:
    """ED or EDMK 0(length,12),X'200'(12)."""
    return ins(mnemonic, length - 1, 12, 0, 12, 0x200)


def edit_run(mnemonic: str, length: int, pattern: bytes, source: bytes,
             gr1: int | None = None, cc: int = 0) -> Outcome:
    gpr = {12: P} if gr1 is None else {12: P, 1: gr1}
    return execute(ed(mnemonic, length), {P: pattern, S: source}, gpr=gpr, cc=cc)


def test_ed_manual_example_positive():
    # Source 0257426+.  Byte by byte:
    #   40 fill -> 40;  20 d0 -> fill 40;  20 d2 -> F2 (significance on);  6B -> 6B;
    #   20 d5 -> F5;  21 d7 -> F7;  20 d4 -> F4;  4B -> 4B;  20 d2 -> F2;
    #   20 d6 -> F6, then sign C (plus) turns significance off;
    #   40, C3, D9 with significance off -> fill 40.
    # Prints "  2,574.26   "; CC 2 (nonzero, significance off at the end).
    o = edit_run("ED", 13, PATTERN, h("0257426C"))
    assert (o.code, o.at(P, 13), o.cc) == (None, "4040F26BF5F7F44BF2F6404040", 2)
    assert o.at(S, 4) == "0257426C"                      # source unchanged


def test_ed_manual_example_negative_with_significance_starter():
    # Source 0000026-: digits 0 0 0 0 0 2 6, sign D.
    #   40 -> 40; d0 -> 40; d0 -> 40; 6B -> 40; d0 -> 40;
    #   21 d0 -> fill 40, then significance on (starter);  20 d0 -> F0;  4B -> 4B;
    #   d2 -> F2;  d6 -> F6, sign D (minus) leaves significance on;
    #   40 -> 40 (kept); C3 -> C3; D9 -> D9.   Prints "      0.26 CR"; CC 1.
    o = edit_run("ED", 13, PATTERN, h("0000026D"))
    assert (o.code, o.at(P, 13), o.cc) == (None, "404040404040F04BF2F640C3D9", 1)


def test_ed_zero_source_gives_cc0():
    # Source 0000000+ : the starter keeps "0.00"; the plus sign turns significance
    # off so " CR" becomes fill.  Field is zero: CC 0.
    #   40 40 40 40 40 | 21 d0 -> 40 | d0 -> F0 | 4B | d0 -> F0 | d0 -> F0 | 40 40 40
    o = edit_run("ED", 13, PATTERN, h("0000000C"))
    assert (o.at(P, 13), o.cc) == ("404040404040F04BF0F0404040", 0)


def test_edmk_marks_first_significant_digit():
    # As the positive example: the digit 2 at pattern offset 2 (X'1002') turns
    # significance on, so GR1 bits 8-31 become 001002; bits 0-7 (AB) are kept.
    o = edit_run("EDMK", 13, PATTERN, h("0257426C"), gr1=0xAB123456)
    assert o.at(P, 13) == "4040F26BF5F7F44BF2F6404040"
    assert (o.m.gpr[1], o.cc) == (0xAB001002, 2)


def test_edmk_leaves_gr1_when_significance_is_started_by_the_starter():
    # Negative example: significance is forced by X'21', not by a digit: GR1 unchanged.
    o = edit_run("EDMK", 13, PATTERN, h("0000026D"), gr1=0xAB123456)
    assert (o.m.gpr[1], o.cc) == (0xAB123456, 1)


def test_ed_field_separator_cc_from_last_field():
    # Pattern 40 20 20 22 20 20, source 12 00 0C:
    #   40 -> 40; d1 -> F1 (on); d2 -> F2; 22 -> fill 40, significance off, new field;
    #   d0 -> 40; d0 -> 40.   Last field is zero: CC 0 although the first was not.
    o = edit_run("ED", 6, h("402020222020"), h("12000C"))
    assert (o.at(P, 6), o.cc) == ("40F1F2404040", 0)


def test_ed_last_field_nonzero_without_sign_gives_cc1():
    # Pattern 40 20 20 22 20 20, source 00 12: second field digits 1 2, no sign
    # reached, significance still on at the end: CC 1.
    #   40 -> 40; d0 -> 40; d0 -> 40; 22 -> 40; d1 -> F1 (on); d2 -> F2.
    o = edit_run("ED", 6, h("402020222020"), h("0012"))
    assert (o.at(P, 6), o.cc) == ("40404040F1F2", 1)


def test_ed_fill_byte_may_be_a_digit_selector():
    # Pattern 20 20 20 (fill byte X'20' is also the first digit selector).
    # Source 1F 2C 0C:  d1 -> F1 (on), sign F plus -> off;  d2 -> F2 (on), sign C -> off;
    # d0 with significance off -> fill X'20'.  Last digit seen nonzero, off: CC 2.
    o = edit_run("ED", 3, h("202020"), h("1F2C0C"))
    assert (o.at(P, 3), o.cc) == ("F1F220", 2)


def test_ed_message_bytes_only():
    # No digit selector: nothing is fetched from the source; all replaced by fill.
    o = edit_run("ED", 4, h("5C4B6BC3"), h("FF"))
    assert (o.code, o.at(P, 4), o.cc) == (None, "5C5C5C5C", 0)


def test_ed_invalid_source_digit_is_data_exception():
    # Left half A of the first source byte is not a digit.  EDIT is terminated:
    # the pattern field and the CC are unpredictable and are not checked.
    o = edit_run("ED", 2, h("4020"), h("A1"), cc=2)
    assert o.code == DATA_EXC


def test_edmk_with_two_fields_marks_each_start_of_significance():
    # Pattern 40 20 20 22 20 20 at X'1000', source 01 02: the second field's digit 2
    # at X'1005' turns significance on after the first field's 1 at X'1002': the
    # last address recorded is X'1005'.
    o = edit_run("EDMK", 6, h("402020222020"), h("0102"), gr1=0)
    assert o.at(P, 6) == "4040F14040F2"
    assert o.m.gpr[1] == 0x1005


# ===========================================================================
# PACK, UNPACK, MOVE WITH OFFSET
# ===========================================================================
def test_pack_zoned_to_packed_with_leading_zeros():
    # F1 F2 F3 F4 C5: rightmost byte exchanged -> 5C; digits 4 3 -> 34; 2 1 -> 12;
    # then zeros: 00 12 34 5C.
    o = execute(ss("PACK", 4, 5), {A: h("EEEEEEEE"), B: h("F1F2F3F4C5")}, cc=3)
    assert (o.code, o.at(A, 4), o.cc) == (None, "0012345C", 3)


def test_pack_short_first_operand_drops_leftmost_digits():
    o = execute(ss("PACK", 2, 5), {B: h("F1F2F3F4C5")})
    assert o.at(A, 2) == "345C"


def test_pack_does_not_check_codes():
    # AB CD: rightmost exchanged -> DC; left byte: numeric B, nothing more -> 0B.
    o = execute(ss("PACK", 2, 2), {B: h("ABCD")})
    assert (o.code, o.at(A, 2)) == (None, "0BDC")


def test_pack_in_place_overlap():
    # PACK X(4),X(4) with X = F1 F2 F3 C4, right to left:
    #   byte 3 <- exchange(C4) = 4C; byte 2 <- digits of bytes 1,2 = 23 (read before
    #   byte 2 is stored); byte 1 <- digit of byte 0 = 01; byte 0 <- 00.
    o = execute(ss("PACK", 4, 4, A, A), {A: h("F1F2F3C4")})
    assert o.at(A, 4) == "0001234C"


def test_unpk_packed_to_zoned():
    # 12 34 5C -> F1 F2 F3 F4 C5
    o = execute(ss("UNPK", 5, 3), {B: h("12345C")})
    assert (o.code, o.at(A, 5)) == (None, "F1F2F3F4C5")


def test_unpk_longer_first_operand_fills_with_zoned_zeros():
    o = execute(ss("UNPK", 7, 3), {B: h("12345D")})
    assert o.at(A, 7) == "F0F0F1F2F3F4D5"


def test_unpk_short_first_operand():
    # 3 bytes: rightmost byte 5C exchanged -> C5, then digits 4 -> F4, 3 -> F3.
    o = execute(ss("UNPK", 3, 3), {B: h("12345C")})
    assert o.at(A, 3) == "F3F4C5"
    # 4 bytes: C5, F4, F3, then the right digit of 12 -> F2.
    o = execute(ss("UNPK", 4, 3), {B: h("12345C")})
    assert o.at(A, 4) == "F2F3F4C5"


def test_unpk_does_not_check_codes():
    # AB -> exchanged BA.
    o = execute(ss("UNPK", 1, 1), {B: h("AB")})
    assert (o.code, o.at(A, 1)) == (None, "BA")


def test_mvo_manual_example():
    # First operand 77 88 99 0C, second 12 34 56: the second operand is placed to
    # the left of the first operand's rightmost four bits (C): 01 23 45 6C.
    o = execute(ss("MVO", 4, 3), {A: h("7788990C"), B: h("123456")})
    assert (o.code, o.at(A, 4)) == (None, "0123456C")


def test_mvo_short_first_operand():
    # 2 bytes: 6F (rightmost F kept), then 45; digits 1 2 3 dropped.
    o = execute(ss("MVO", 2, 3), {A: h("000F"), B: h("123456")})
    assert o.at(A, 2) == "456F"


def test_mvo_same_field_shifts_right_one_digit():
    # MVO X(3),X(3) with X = 12 34 5C, right to left, each source byte fetched
    # before the result byte at its address is stored:
    #   byte 2 <- (low half of source byte 2 = C) then the kept low half C = CC;
    #   byte 1 <- high half of 5C = 5, with low half of 34 = 4 on its left = 45;
    #   byte 0 <- high half of 34 = 3, with low half of 12 = 2 on its left = 23.
    o = execute(ss("MVO", 3, 3, A, A), {A: h("12345C")})
    assert o.at(A, 3) == "2345CC"


# ===========================================================================
# CONVERT TO BINARY, CONVERT TO DECIMAL
# ===========================================================================
def cvb(r1: int, addr: int) -> bytes:
    return ins("CVB", r1, 0, 0, addr)


def cvd(r1: int, addr: int) -> bytes:
    return ins("CVD", r1, 0, 0, addr)


def test_cvb_positive():
    # 25594 = 6*4096 + 3*256 + 15*16 + 10 = X'63FA'; operand need not be aligned.
    o = execute(cvb(7, 0x403), {0x403: h("000000000025594C")})
    assert (o.code, o.m.gpr[7]) == (None, 0x000063FA)


def test_cvb_negative_is_twos_complement():
    # -25594 = 2**32 - X'63FA' = X'FFFF9C06'
    o = execute(cvb(7, 0x400), {0x400: h("000000000025594D")})
    assert o.m.gpr[7] == 0xFFFF9C06


def test_cvb_limits_fit():
    o = execute(cvb(1, 0x400), {0x400: h("000002147483647C")})
    assert (o.code, o.m.gpr[1]) == (None, 0x7FFFFFFF)
    o = execute(cvb(1, 0x400), {0x400: h("000002147483648D")})
    assert (o.code, o.m.gpr[1]) == (None, 0x80000000)


def test_cvb_too_large_stores_rightmost_bits_and_fixed_point_divide():
    # 2147483648 = 2**31: rightmost 32 bits X'80000000', then code 9.
    o = execute(cvb(1, 0x400), {0x400: h("000002147483648C")})
    assert (o.code, o.m.gpr[1]) == (FIXED_DIVIDE, 0x80000000)
    # 3000000000 = X'B2D05E00'
    o = execute(cvb(2, 0x400), {0x400: h("000003000000000C")})
    assert (o.code, o.m.gpr[2]) == (FIXED_DIVIDE, 0xB2D05E00)
    # -2147483649: two's complement of 2**31 + 1 in 64 bits ends in X'7FFFFFFF'
    o = execute(cvb(3, 0x400), {0x400: h("000002147483649D")})
    assert (o.code, o.m.gpr[3]) == (FIXED_DIVIDE, 0x7FFFFFFF)


def test_cvb_invalid_sign_is_data_exception_register_unchanged():
    o = execute(cvb(4, 0x400), {0x400: h("0000000000000012")}, gpr={4: 0x12345678})
    assert (o.code, o.m.gpr[4]) == (DATA_EXC, 0x12345678)


def test_cvb_invalid_digit_is_data_exception():
    o = execute(cvb(4, 0x400), {0x400: h("00000000000A001C")})
    assert o.code == DATA_EXC


def test_cvd_positive():
    # 1234567 -> 15 digits 000000001234567 and sign C.
    o = execute(cvd(3, 0x405), gpr={3: 1234567})
    assert (o.code, o.at(0x405, 8)) == (None, "000000001234567C")


def test_cvd_negative_and_zero():
    o = execute(cvd(3, 0x400), gpr={3: 0xFFFFFFFF})           # -1
    assert o.at(0x400, 8) == "000000000000001D"
    o = execute(cvd(3, 0x400), gpr={3: 0x80000000})           # -2147483648
    assert o.at(0x400, 8) == "000002147483648D"
    o = execute(cvd(3, 0x400), {0x400: h("FFFFFFFFFFFFFFFF")}, gpr={3: 0})
    assert o.at(0x400, 8) == "000000000000000C"


def test_cvd_cc_unchanged_and_addressing_exception_suppresses():
    # GR6 = X'FFFC': the 8-byte operand crosses the end of the 64K of storage.
    o = execute(ins("CVD", 3, 0, 6, 0), gpr={3: 5, 6: 0xFFFC}, cc=2)
    assert (o.code, o.cc) == (ADDRESSING, 2)
    assert o.at(0xFFFC, 4) == "00000000"


@settings(max_examples=150, deadline=None)
@given(st.integers(-0x80000000, 0x7FFFFFFF))
def test_cvd_then_cvb_round_trip(value: int) -> None:
    code = cvd(3, 0x400) + cvb(4, 0x400)
    o = execute(code, gpr={3: value & 0xFFFFFFFF}, steps=2)
    assert o.code is None
    assert o.m.gpr[4] == value & 0xFFFFFFFF
    digits = f"{abs(value):015d}"
    assert o.at(0x400, 8) == digits + ("D" if value < 0 else "C")


# ===========================================================================
# Properties: AP, SP, ZAP, CP, MP, DP against Python integer arithmetic
# ===========================================================================
PLUS_CODES = (0xA, 0xC, 0xE, 0xF)
MINUS_CODES = (0xB, 0xD)


@st.composite
def packed_operand(draw: st.DrawFn, max_length: int = 16,
                   length: int | None = None) -> tuple[int, bytes, int]:
    """(length, packed bytes, value); the value may be a negative zero."""
    n = length if length is not None else draw(st.integers(1, max_length))
    digits = 2 * n - 1
    magnitude = draw(st.one_of(st.integers(0, 10 ** digits - 1),
                               st.sampled_from([0, 1, 10 ** digits - 1])))
    negative = draw(st.booleans())
    sign = draw(st.sampled_from(MINUS_CODES if negative else PLUS_CODES))
    data = bytes.fromhex(f"{magnitude:0{digits}d}{sign:X}")
    return n, data, -magnitude if negative else magnitude


def expected_packed(value: int, n: int, negative: bool) -> str:
    """Rightmost 2n-1 digits of |value| with the preferred sign."""
    return f"{abs(value) % 10 ** (2 * n - 1):0{2 * n - 1}d}" + ("D" if negative else "C")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["AP", "SP", "ZAP"]), packed_operand(), packed_operand(),
       st.booleans())
def test_add_subtract_zap_agree_with_integers(mn: str, op1: tuple[int, bytes, int],
                                              op2: tuple[int, bytes, int],
                                              mask: bool) -> None:
    n1, b1, v1 = op1
    n2, b2, v2 = op2
    true = {"AP": v1 + v2, "SP": v1 - v2, "ZAP": v2}[mn]
    o = execute(ss(mn, n1, n2), {A: b1, B: b2}, program_mask=DECIMAL_MASK if mask else 0)
    overflow = abs(true) >= 10 ** (2 * n1 - 1)
    # a zero sum is positive; on overflow the sign of the true result is kept
    assert o.at(A, n1) == expected_packed(true, n1, true < 0)
    assert o.cc == (3 if overflow else 0 if true == 0 else 1 if true < 0 else 2)
    assert o.code == (DECIMAL_OVERFLOW if overflow and mask else None)
    assert o.at(B, n2) == b2.hex().upper()


@settings(max_examples=200, deadline=None)
@given(packed_operand(), packed_operand())
def test_cp_agrees_with_integers(op1: tuple[int, bytes, int],
                                 op2: tuple[int, bytes, int]) -> None:
    n1, b1, v1 = op1
    n2, b2, v2 = op2
    o = execute(ss("CP", n1, n2), {A: b1, B: b2})
    assert o.code is None
    assert o.cc == (0 if v1 == v2 else 1 if v1 < v2 else 2)


@st.composite
def mp_operands(draw: st.DrawFn) -> tuple[int, bytes, int, bool, int, bytes, int, bool]:
    n2 = draw(st.integers(1, 8))
    n1 = draw(st.integers(n2 + 1, 16))
    # multiplicand: n2 bytes of zeros, then n1-n2 bytes (2(n1-n2)-1 digits)
    free = 2 * (n1 - n2) - 1
    m1 = draw(st.integers(0, 10 ** free - 1))
    m2 = draw(st.integers(0, 10 ** (2 * n2 - 1) - 1))
    s1, s2 = draw(st.booleans()), draw(st.booleans())
    c1 = draw(st.sampled_from(MINUS_CODES if s1 else PLUS_CODES))
    c2 = draw(st.sampled_from(MINUS_CODES if s2 else PLUS_CODES))
    b1 = bytes.fromhex(f"{m1:0{2 * n1 - 1}d}{c1:X}")
    b2 = bytes.fromhex(f"{m2:0{2 * n2 - 1}d}{c2:X}")
    return n1, b1, m1, s1, n2, b2, m2, s2


@settings(max_examples=200, deadline=None)
@given(mp_operands(), st.integers(0, 3))
def test_mp_agrees_with_integers(ops: tuple[int, bytes, int, bool, int, bytes, int, bool],
                                 cc: int) -> None:
    n1, b1, m1, s1, n2, b2, m2, s2 = ops
    o = execute(ss("MP", n1, n2), {A: b1, B: b2}, cc=cc)
    assert o.code is None
    # sign by the rules of algebra, even for a zero product; CC unchanged
    assert o.at(A, n1) == expected_packed(m1 * m2, n1, s1 != s2)
    assert o.cc == cc


@settings(max_examples=250, deadline=None)
@given(st.integers(2, 16).flatmap(lambda n1: st.tuples(
    st.just(n1), st.integers(1, min(n1 - 1, 8)))).flatmap(lambda lens: st.tuples(
        packed_operand(length=lens[0]), packed_operand(length=lens[1]))))
def test_dp_agrees_with_integers(ops: tuple[tuple[int, bytes, int],
                                            tuple[int, bytes, int]]) -> None:
    (n1, b1, v1), (n2, b2, v2) = ops
    dividend_negative = b1[-1] & 0x0F in MINUS_CODES
    divisor_negative = b2[-1] & 0x0F in MINUS_CODES
    o = execute(ss("DP", n1, n2), {A: b1, B: b2})
    quotient_digits = 2 * (n1 - n2) - 1
    if v2 == 0 or abs(v1) // abs(v2) >= 10 ** quotient_digits:
        assert (o.code, o.at(A, n1)) == (DECIMAL_DIVIDE, b1.hex().upper())
        return
    q, r = divmod(abs(v1), abs(v2))
    assert o.code is None
    assert o.at(A, n1 - n2) == expected_packed(q, n1 - n2, dividend_negative != divisor_negative)
    assert o.at(A + n1 - n2, n2) == expected_packed(r, n2, dividend_negative)
    assert abs(v1) == q * abs(v2) + r


@settings(max_examples=200, deadline=None)
@given(packed_operand(), st.integers(0, 63), st.integers(0, 9), st.booleans())
def test_srp_agrees_with_integers(op: tuple[int, bytes, int], shift: int, rounding: int,
                                  mask: bool) -> None:
    n, b, v = op
    negative = b[-1] & 0x0F in MINUS_CODES
    o = execute(srp(n, shift, rounding), {A: b}, program_mask=DECIMAL_MASK if mask else 0)
    limit = 10 ** (2 * n - 1)
    if shift < 32:
        full = abs(v) * 10 ** shift
        overflow = full >= limit
    else:
        full = shift_right_rounded(abs(v), 64 - shift, rounding)
        overflow = False
    result = full % limit
    sign_negative = negative and (overflow or result != 0)
    assert o.at(A, n) == expected_packed(result, n, sign_negative)
    assert o.cc == (3 if overflow else 0 if result == 0 else 1 if negative else 2)
    assert o.code == (DECIMAL_OVERFLOW if overflow and mask else None)


def shift_right_rounded(magnitude: int, k: int, rounding: int) -> int:
    """Shift right k digits after adding ``rounding`` to the leftmost digit shifted
    out (written with string digits, independently of the implementation)."""
    text = str(magnitude).rjust(k + 1, "0")
    kept, dropped = text[:-k], text[-k:]
    return int(kept) + (int(dropped[0]) + rounding) // 10


# ===========================================================================
# Robustness: every field value ends in an architected outcome
# ===========================================================================
ALL = ["AP", "SP", "ZAP", "CP", "MP", "DP", "SRP", "ED", "EDMK", "PACK", "UNPK", "MVO",
       "CVB", "CVD"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ALL), st.integers(0, 15), st.integers(0, 15),
       st.integers(0, 0xFFF), st.integers(0, 0xFFF),
       st.binary(min_size=64, max_size=64), st.integers(0, 15))
def test_any_operands_end_in_an_architected_outcome(mn: str, f1: int, f2: int, d1: int,
                                                    d2: int, blob: bytes,
                                                    mask: int) -> None:
    # Operands anywhere in X'400'-X'13FF' (overlapping or not), filled with noise.
    if mn in ("ED", "EDMK"):
        code = ins(mn, (f1 << 4) | f2, 0, 0x400 + d1, 0, 0x400 + d2)
    elif mn in ("CVB", "CVD"):
        code = ins(mn, f1, 0, 0, 0x400 + d2)
    else:
        code = ins(mn, f1, f2, 0, 0x400 + d1, 0, 0x400 + d2)
    data = {0x400 + i * 64: blob for i in range(72)}
    o = execute(code, data, program_mask=mask)
    assert o.code in (None, DATA_EXC, SPEC, FIXED_DIVIDE, DECIMAL_OVERFLOW, DECIMAL_DIVIDE)
