"""Tests of reference.asm.assembler.

Expected bytes are derived by hand from the instruction formats of GA22-7000
(chapter 5, "Instruction Formats"; the opcodes from appendix B) and from the
HLASM rules for constants, literals and USING; the arithmetic is written in the
tests.  Independent oracles: the code page 037 chart for the EBCDIC table, GNU as
for s390x for encodings, Hercules for running the bundled example.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference.asm.assembler as asm
from reference.arch.opcodes import BY_MNEMONIC, EXTENDED_MNEMONICS, TABLE
from reference.asm.assembler import LAYOUT_FIELDS, AssemblyError, assemble, operand_items
from reference.machine.instructions import HANDLERS
from reference.machine.machine import Machine

REPO = Path(__file__).resolve().parent.parent
HELLO = REPO / "examples" / "hello.asm"


def src(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def code(*lines: str) -> bytes:
    """The image of unlabelled statements (each line gets a leading blank)."""
    return assemble(src(*(" " + line for line in lines))).image


def error(source: str, filename: str = "prog.asm") -> str:
    with pytest.raises(AssemblyError) as info:
        assemble(source, filename)
    return str(info.value)


# ---------------------------------------------------------------------------
# Source format
# ---------------------------------------------------------------------------
def test_comment_and_blank_lines_assemble_to_nothing() -> None:
    a = assemble(src("* a comment", ".* another", "", "   ", "*LR 1,2"))
    assert a.image == b""
    assert a.symbols == {}


def test_mnemonics_and_symbols_are_case_insensitive() -> None:
    # LR is opcode 18: R1=1, R2=2 -> 18 12; the label is upper-cased.
    a = assemble(src("here lr 1,2", " Lr 3,4"))
    assert a.image == bytes.fromhex("1812 1834")
    assert a.symbols == {"HERE": 0}


def test_remarks_after_operands_are_ignored() -> None:
    assert code("LR 1,2   remark with a quote ' and commas, (") == bytes.fromhex("1812")


def test_instruction_without_operands_takes_the_rest_as_remarks() -> None:
    # PTLB is B20D, S format with no operand: B20D 0000.
    assert code("PTLB  purge it's TLB") == bytes.fromhex("B20D0000")


def test_tab_separates_fields() -> None:
    assert assemble("X\tLR\t1,2\n").image == bytes.fromhex("1812")


def test_quoted_blank_does_not_end_the_operands() -> None:
    # C' A' is X'40C1' (EBCDIC blank, A).
    assert code("DC C' A'  remark") == bytes.fromhex("40C1")


def test_statements_after_end_are_not_read() -> None:
    assert assemble(src(" DC X'01'", " END", " GARBAGE !!")).image == b"\x01"




def test_character_outside_printable_ascii_is_an_error() -> None:
    assert error(src(" DC C'\u00e9'")).startswith("prog.asm:1: character")


# ---------------------------------------------------------------------------
# Instruction formats (GA22-7000 ch.5): opcode byte(s), then the fields.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("line,expected", [
    ("AR 1,2", "1A12"),                      # RR: 1A, R1=1, R2=2
    ("SPM 1", "0410"),                       # RR with R1 only
    ("SVC 200", "0AC8"),                     # I = 200 = X'C8'
    ("BCR 8,14", "078E"),                    # M1=8, R2=14
    ("L 1,500(2,12)", "5812C1F4"),           # RX: 500 = X'1F4', X2=2, B2=12
    ("LA 3,4095(0,15)", "4130FFFF"),         # largest displacement
    ("BC 8,4(3,2)", "47832004"),
    ("STM 14,12,12(13)", "90ECD00C"),        # RS: R1=14, R3=12, B2=13, D2=12
    ("SLL 1,4", "89100004"),                 # RS R1,D2(B2): R3 field zero
    ("SRDA 2,63(5)", "8E20503F"),
    ("ICM 1,7,8(2)", "BF172008"),            # RS R1,M3,D2(B2)
    ("MVI 0(5),C'A'", "92C15000"),           # SI: I2 = C'A' = X'C1'
    ("CLI 10(1),X'FF'", "95FF100A"),
    ("TM 7,B'10000001'", "91810007"),        # B'10000001' = X'81'; absolute 7, base 0
    ("LPSW X'1F0'", "820001F0"),             # S, one-byte opcode: byte 1 zero
    ("STCK 0(1)", "B2051000"),               # S, two-byte opcode
    ("IPK", "B20B0000"),
    ("MVC 0(256,5),16(6)", "D2FF50006010"),  # SS: L-1 = 255
    ("MVC 0(1,5),16(6)", "D20050006010"),
    ("XC 8(0,5),8(5)", "D70050085008"),      # length 0 assembles as 0 (HLASM)
    ("AP 0(3,1),4(2,2)", "FA2110002004"),    # SS2: L1-1=2, L2-1=1
    ("PACK 16(16,1),0(1,2)", "F2F010102000"),
    ("SRP 0(3,1),4(2),5", "F02510002004"),   # SS2 with I3 = 5
    ("MVCK 0(4,2),8(3),5", "D94520003008"),  # SS2 with R1 = 4 (true length), R3 = 5
    ("TPROT 0(1),4(2)", "E50110002004"),     # SSE
    ("IPTE 1,2", "B2210012"),                # RRE: bits 16-23 zero
    ("DIAG 1,2,4(3)", "83123004"),
])
def test_instruction_encodings(line: str, expected: str) -> None:
    assert code(line) == bytes.fromhex(expected)


@pytest.mark.parametrize("mnemonic,mask", [
    # The masks of GA22-7000 appendix (branch extended mnemonics): 8 equal/zero,
    # 4 low/minus, 2 high/plus, 1 overflow/ones; N... is the complement.
    ("B", 15), ("NOP", 0), ("BE", 8), ("BZ", 8), ("BNE", 7), ("BNZ", 7),
    ("BH", 2), ("BP", 2), ("BL", 4), ("BM", 4), ("BO", 1), ("BNO", 14),
    ("BNH", 13), ("BNP", 13), ("BNL", 11), ("BNM", 11),
])
def test_extended_branch_mnemonics(mnemonic: str, mask: int) -> None:
    # BC is 47: mask in bits 8-11; BCR is 07.
    assert code(f"{mnemonic} 4(3,2)") == bytes([0x47, mask << 4 | 3, 0x20, 0x04])
    assert code(f"{mnemonic}R 14") == bytes([0x07, mask << 4 | 14])


def test_every_extended_mnemonic_of_the_table_assembles() -> None:
    for name, (base, mask) in EXTENDED_MNEMONICS.items():
        operand = "14" if base == "BCR" else "0(0,12)"
        image = code(f"{name} {operand}")
        assert image[0] == BY_MNEMONIC[base].opcode
        assert image[1] >> 4 == mask


def test_registers_may_be_equated_symbols() -> None:
    # LR 1,15 -> 18 1F
    a = assemble(src("R1 EQU 1", "R15 EQU 15", " LR R1,R15"))
    assert a.image == bytes.fromhex("181F")


def test_instructions_are_aligned_on_halfwords_with_zero_padding() -> None:
    # C'A' = C1 at 0, pad 00 at 1, LR at 2.
    a = assemble(src(" DC C'A'", "X LR 1,2"))
    assert a.image == bytes.fromhex("C100 1812")
    assert a.symbols["X"] == 2


# ---------------------------------------------------------------------------
# Addresses: absolute displacements, USING, explicit forms
# ---------------------------------------------------------------------------
def test_absolute_address_below_4096_uses_base_zero() -> None:
    # LA 1,100: displacement 100 = X'064', base 0, index 0.
    assert code("LA 1,100") == bytes.fromhex("41100064")
    # With an index: 100(5) -> X2=5, B2=0.
    assert code("LA 1,100(5)") == bytes.fromhex("41150064")


def test_absolute_address_of_4096_or_more_is_out_of_range() -> None:
    assert error(src(" L 1,4100")) == "prog.asm:1: displacement 4100 out of range"


def test_explicit_displacement_out_of_range_names_the_line() -> None:
    msg = error(src("* comment", " LR 1,2", " L 1,4100(0,12)"))
    assert msg == "prog.asm:3: displacement 4100 out of range"


def test_using_star_resolves_labels() -> None:
    # BALR at X'200' (2 bytes), USING *,12: R12 = X'202'; L at 202 (4), BR at
    # 206 (2); DATA at 208 (a fullword boundary): displacement 208-202 = 6.
    a = assemble(src(
        " START 0",
        " ORG X'200'",
        " BALR 12,0",
        " USING *,12",
        " L 1,DATA",
        " BR 14",
        "DATA DC F'7'",
    ))
    assert a.symbols["DATA"] == 0x208
    assert a.image[0x200:] == bytes.fromhex("05C0 5810C006 07FE 00000007")


def test_using_with_index_register() -> None:
    # TABLE at X'10'; USING at 0 on R11: displacement X'10'; index 4.
    a = assemble(src(" USING *,11", " L 1,TABLE(4)", " DS 0F", " DS XL12",
                     "TABLE DC F'1'"))
    assert a.symbols["TABLE"] == 0x10
    assert a.image[:4] == bytes.fromhex("5814B010")


def test_using_chooses_smallest_displacement() -> None:
    # R11 based at 0, R12 at 100: X at 150 -> R12 with displacement 50 = X'32'.
    a = assemble(src(" USING BASE,11", " USING BASE+100,12", " L 1,X",
                     "BASE EQU 0", " ORG 150", "X DC F'0'"))
    assert a.symbols["X"] == 152   # aligned from 150 to a fullword
    assert a.image[:4] == bytes.fromhex("5810C034")   # 152 - 100 = 52 = X'34'


def test_using_tie_goes_to_the_highest_register() -> None:
    a = assemble(src(" USING *,5", " USING *,9", " L 1,X", "X DC F'0'"))
    # X = 4, same displacement from both: R9.
    assert a.image[:4] == bytes.fromhex("58109004")


def test_drop_removes_a_using() -> None:
    msg = error(src(" USING *,12", " DROP 12", " L 1,X", "X DC F'0'"))
    assert msg == "prog.asm:3: no USING for address 4"


def test_drop_without_operand_removes_all() -> None:
    msg = error(src(" USING *,12", " USING *,11", " DROP", " L 1,X", "X DC F'0'"))
    assert msg == "prog.asm:4: no USING for address 4"


def test_relocatable_address_without_using_is_an_error() -> None:
    msg = error(src(" START 0", " ORG X'2A00'", "HERE DS F", " L 1,HERE"), "p.asm")
    assert msg == "p.asm:4: no USING for address 2A00"


def test_address_beyond_using_range_is_an_error() -> None:
    # USING at 0 covers 0-4095; X at 4096 is out of reach.
    msg = error(src(" USING *,12", " L 1,X", " ORG 4096", "X DC F'0'"))
    assert msg == "prog.asm:2: no USING for address 1000"


def test_using_with_two_registers_covers_8k() -> None:
    # Second register based at 4096: X at 4100 -> R13, displacement 4.
    a = assemble(src(" USING *,12,13", " L 1,X", " ORG 4100", "X DC F'0'"))
    assert a.image[:4] == bytes.fromhex("5810D004")


def test_using_register_zero_needs_base_zero() -> None:
    assert "register 0" in error(src(" DS F", " USING *,0"))
    a = assemble(src(" USING *,0", " L 1,X", "X DC F'0'"))
    assert a.image[:4] == bytes.fromhex("58100004")


def test_explicit_base_forms() -> None:
    # D(B): SI and RS; D(,B) for RX (no index); D(L,B) with implicit length.
    assert code("MVI 4(7),0") == bytes.fromhex("92007004")
    assert code("L 1,8(,9)") == bytes.fromhex("58109008")
    # The implicit length is that of the first operand: L'0 = 1 (code 0), then
    # L'F = 12 (code 11 = X'0B').  F is at 12.
    a = assemble(src(" USING *,12", " MVC 0(,3),F", " MVC F,0(3)", "F DS CL12"))
    assert a.image[:12] == bytes.fromhex("D2003000C00C D20BC00C3000")


def test_implicit_lengths_of_ss_operands() -> None:
    # PACK P(5),Z(3): P at 6 (length 5), Z at 11 (length 3) -> L1-1=4, L2-1=2.
    a = assemble(src(" USING *,12", " PACK P,Z", "P DS PL5", "Z DS ZL3"))
    assert a.symbols["P"] == 6 and a.symbols["Z"] == 11
    assert a.image[:6] == bytes.fromhex("F242C006C00B")


def test_implicit_length_with_explicit_length_override() -> None:
    a = assemble(src(" USING *,12", " MVC F(2),F+4", "F DS CL8"))
    assert a.image[:6] == bytes.fromhex("D201C006C00A")


def test_sdt_character_as_immediate() -> None:
    # C'''' is one apostrophe = X'7D'.
    assert code("MVI 0(1),C''''") == bytes.fromhex("927D1000")


def test_location_counter_in_instruction() -> None:
    # * is the address of the instruction: B *+6 at 0 -> 6, base 0.
    a = assemble(src(" USING *,0", " B *+6"))
    assert a.image == bytes.fromhex("47F00006")


def test_length_attribute_of_star_is_the_instruction_length() -> None:
    # LA 1,L'* in a 4-byte instruction -> 4.
    assert code("LA 1,L'*") == bytes.fromhex("41100004")


# ---------------------------------------------------------------------------
# Directives
# ---------------------------------------------------------------------------
def test_start_origin() -> None:
    a = assemble(src("P START X'100'", " DC X'01'"))
    assert a.origin == 0x100
    assert a.image == bytes(0x100) + b"\x01"
    assert a.symbols["P"] == 0x100


def test_start_origin_is_rounded_up_to_a_doubleword() -> None:
    # HLASM rounds a START value up to a multiple of 8: 3 -> 8.
    assert assemble(src(" START 3", "X DC X'01'")).symbols["X"] == 8


def test_start_after_code_is_an_error() -> None:
    assert error(src(" DC X'01'", " START 0")).startswith("prog.asm:2: START")


def test_second_csect_starts_on_next_doubleword() -> None:
    a = assemble(src("A CSECT", " DC X'01'", "B CSECT", "Y DC X'02'"))
    assert a.symbols["B"] == 8 and a.symbols["Y"] == 8
    assert a.image == bytes.fromhex("0100000000000000 02")


def test_csect_resumes_after_dsect() -> None:
    a = assemble(src(
        "MAIN CSECT", " DC X'01'",
        "AREA DSECT", "FLD1 DS F", "FLD2 DS F",
        "MAIN CSECT", " USING AREA,5", " L 1,FLD2",
    ))
    # FLD2 is AREA+4: through USING AREA,5 -> 4(0,5).  L is aligned to 2.
    assert a.symbols["FLD2"] == 4
    assert a.image == bytes.fromhex("0100 58105004")


def test_dsect_produces_no_bytes_and_needs_its_own_using() -> None:
    msg = error(src("AREA DSECT", "F DS F", "C CSECT", " USING *,12", " L 1,F"))
    assert msg == "prog.asm:5: no USING for address 0"


def test_end_records_the_entry_point() -> None:
    a = assemble(src(" DC F'0'", "GO LR 1,2", " END GO"))
    assert a.entry == 4
    assert assemble(src(" LR 1,2", " END")).entry is None


def test_org_moves_and_returns_to_the_highest_location() -> None:
    # 01 02 at 0-1; ORG *-2 back to 0; 03 over 01; ORG to 2; 04.
    a = assemble(src(" DC X'0102'", " ORG *-2", " DC X'03'", " ORG", " DC X'04'"))
    assert a.image == bytes.fromhex("030204")


def test_org_below_section_start_is_an_error() -> None:
    assert "below" in error(src("S START 16", " ORG S-1"))


def test_equ_expression_and_length() -> None:
    a = assemble(src("A EQU 10", "B EQU A*2+X'10'", "C EQU 5,8", " LA 1,L'C"))
    # B = 10*2 + 16 = 36; L'C = 8.
    assert a.symbols["B"] == 36
    assert a.symbol_table["C"].length == 8
    assert a.image == bytes.fromhex("41100008")


def test_equ_forward_reference_is_resolved() -> None:
    a = assemble(src("A EQU B+1", "B EQU C*2", "C EQU 3", " LA 1,A"))
    assert a.symbols["A"] == 7
    assert a.image == bytes.fromhex("41100007")


def test_equ_star_is_relocatable() -> None:
    a = assemble(src(" DS H", "HERE EQU *", " DC A(HERE)"))
    assert a.symbols["HERE"] == 2
    assert a.symbol_table["HERE"].relocatable
    assert a.image == bytes.fromhex("0000 0000 00000002")


def test_circular_equs_are_one_line_error_naming_the_circle() -> None:
    assert error(src("A EQU B", "B EQU A")) == "prog.asm:1: circular EQU: A -> B -> A"
    assert error(src("A EQU A+1")) == "prog.asm:1: circular EQU: A -> A"
    # The error names the first EQU of the circle, not one that only waits for it.
    assert error(src("X EQU C", "C EQU D+1", "D EQU C")) == \
        "prog.asm:2: circular EQU: C -> D -> C"


def test_circle_of_a_thousand_equs_is_named_in_short() -> None:
    chain = [f"A{i} EQU A{i + 1}" for i in range(1, 1000)] + ["A1000 EQU A1"]
    assert error(src(*chain)) == \
        "prog.asm:1: circular EQU: A1 -> A2 -> A3 -> ... -> A1000 -> A1 (1000 symbols)"


def test_equ_chain_ending_in_an_undefined_symbol_names_the_line_using_it() -> None:
    assert error(src("A EQU B", "B EQU C*2", " LR 1,2")) == "prog.asm:2: undefined symbol C"


def test_chain_of_forward_equs_costs_a_linear_number_of_evaluations(monkeypatch) -> None:
    # Each EQU is evaluated when read, once more after pass 1, and once when the
    # symbol it waits for is defined: at most 3 evaluations each.  (Sweeping the
    # waiting EQUs in source order until none is left defines one per sweep here:
    # about n * n / 2 evaluations, some 2,000,000 for n = 2,000.)
    calls = 0
    equate = asm._Assembler.equate

    def counting(self, st):
        nonlocal calls
        calls += 1
        return equate(self, st)

    monkeypatch.setattr(asm._Assembler, "equate", counting)
    n = 2000
    a = assemble(src(*(f"A{i} EQU A{i + 1}+1" for i in range(1, n)), f"A{n} EQU 1"))
    assert a.symbols["A1"] == n            # A(n) = 1, each link adds 1
    assert calls <= 3 * n


def test_chain_of_20000_equs_resolves_without_recursion() -> None:
    # Deeper than the interpreter's recursion limit (1,000 by default), in an
    # order that is neither forwards nor backwards.
    n = 20_000
    chain = [f"A{i} EQU A{i + 1}+1" for i in range(1, n)] + [f"A{n} EQU 1"]
    random.Random(370).shuffle(chain)
    a = assemble(src(*chain))
    assert a.symbols["A1"] == n and a.symbols[f"A{n // 2}"] == n - n // 2 + 1


_DEEP = "(" * 100_000 + "1" + ")" * 100_000


@pytest.mark.parametrize("line", [
    f"A EQU {_DEEP}", f" DC A({_DEEP})", f" DC {_DEEP}F'1'", f" DC FL{_DEEP}'1'",
    f" LA 1,{_DEEP}", f" LA 1,0({_DEEP})", f" USING {_DEEP},12", f" DC S({_DEEP})",
    f" DS {_DEEP}C",
], ids=["EQU", "A-constant", "duplication", "length", "operand", "base", "USING",
        "S-constant", "DS"])
def test_parentheses_nested_100000_deep_are_one_line_error(line: str) -> None:
    assert error(src(line)) == "prog.asm:1: expression nested too deeply"


def test_cnop_pads_with_nopr() -> None:
    # At 2: CNOP 0,4 adds one 0700 to reach 4.
    assert code("LR 1,2", "CNOP 0,4", "LR 3,4") == bytes.fromhex("1812 0700 1834")
    assert code("CNOP 2,4", "LR 3,4") == bytes.fromhex("0700 1834")


def test_ignored_directives() -> None:
    assert code("TITLE 'A TITLE'", "EJECT", "SPACE 2", "PRINT NOGEN", "LR 1,2") == \
        bytes.fromhex("1812")


# ---------------------------------------------------------------------------
# DC and DS
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("operand,expected", [
    # C: EBCDIC (A=C1, B=C2, a=81, blank=40, '=7D, &=50); explicit length pads
    # with blanks on the right or truncates on the right.
    ("C'AB'", "C1C2"), ("CL4'AB'", "C1C24040"), ("CL1'AB'", "C1"), ("C'a'", "81"),
    ("C''''", "7D"), ("C'&&'", "50"), ("C'A,B'", "C16BC2"),
    # X: pads with zeros on the left, truncates on the left.
    ("X'1'", "01"), ("X'123'", "0123"), ("XL2'1'", "0001"), ("XL1'1234'", "34"),
    ("X'01,0203'", "01 0203"), ("2X'AB'", "ABAB"),
    # B: bits, padded on the left.
    ("B'101'", "05"), ("B'100000001'", "0101"), ("BL2'1'", "0001"),
    # F, H: two's complement.
    ("F'1'", "00000001"), ("F'-1'", "FFFFFFFF"), ("F'2147483647'", "7FFFFFFF"),
    ("F'-2147483648'", "80000000"), ("F'1,2'", "00000001 00000002"),
    ("3F'1'", "00000001" * 3), ("FL1'5'", "05"), ("FL3'-2'", "FFFFFE"),
    ("H'-2'", "FFFE"), ("H'32767'", "7FFF"), ("H'1,2'", "0001 0002"),
    # A, Y: address constants.
    ("A(X'123456')", "00123456"), ("A(1,2)", "00000001 00000002"),
    ("AL3(X'123456')", "123456"), ("AL1(255)", "FF"), ("Y(X'1234')", "1234"),
    ("A(-1)", "FFFFFFFF"), ("A(2*3+1)", "00000007"),
    # P: packed, sign C (plus) or D (minus) in the rightmost half byte.
    ("P'12'", "012C"), ("P'-12'", "012D"), ("P'123'", "123C"), ("P'+5'", "5C"),
    ("PL3'12'", "00012C"), ("P'0'", "0C"), ("P'1.25'", "125C"), ("P'1,-2'", "1C 2D"),
    ("PL1'123'", "3C"),
    # Z: zoned, zone F, sign C/D in the zone of the rightmost byte.
    ("Z'123'", "F1F2C3"), ("Z'-12'", "F1D2"), ("ZL3'5'", "F0F0C5"),
    # D, E: hexadecimal floating point.  1 = 1/16 * 16**1: characteristic 65
    # (X'41'), fraction X'1000..'; 0.5 = 8/16 * 16**0: X'40', fraction X'8000..';
    # -0.5: sign bit on: X'C0'.  100 = 6/16*16**2 + 4/16*16: X'42', fraction X'64'.
    ("D'0'", "0000000000000000"), ("D'1'", "4110000000000000"), ("E'0.5'", "40800000"),
    ("E'-0.5'", "C0800000"), ("E'100'", "42640000"), ("D'1E1'", "41A0000000000000"),
])
def test_dc_constants(operand: str, expected: str) -> None:
    assert code(f"DC {operand}") == bytes.fromhex(expected)


@pytest.mark.parametrize("operand,size", [
    ("CL80", 80), ("C", 1), ("F", 4), ("3F", 12), ("H", 2), ("D", 8), ("XL256", 256),
    ("PL8", 8), ("0F", 0), ("C'ABC'", 3), ("A", 4), ("Y", 2), ("E", 4),
])
def test_ds_reserves_storage(operand: str, size: int) -> None:
    a = assemble(src(f" DS {operand}", "END DC X'FF'"))
    assert a.symbols["END"] == size
    assert a.image == bytes(size) + b"\xFF"


@pytest.mark.parametrize("operand,boundary", [
    ("F'1'", 4), ("H'1'", 2), ("A(0)", 4), ("Y(0)", 2), ("D'0'", 8), ("E'0'", 4),
])
def test_dc_aligns_implicit_lengths(operand: str, boundary: int) -> None:
    a = assemble(src(" DC X'01'", f"X DC {operand}"))
    assert a.symbols["X"] == boundary
    assert a.image[1:boundary] == bytes(boundary - 1)


def test_explicit_length_disables_alignment() -> None:
    assert code("DC X'01'", "DC FL4'2'") == bytes.fromhex("01 00000002")


def test_zero_duplication_aligns_only() -> None:
    a = assemble(src(" DC C'A'", "W DS 0F", " DC X'FF'", " DS 0D", "D DS 0D"))
    assert a.symbols["W"] == 4 and a.symbols["D"] == 8
    # The alignment of DS 0D counts in the length: the image ends at 8.
    assert a.image == bytes.fromhex("C1000000FF000000")


def test_ds_0d_and_dc_xl8() -> None:
    a = assemble(src(" DC X'01'", "P DS 0D", " DC XL8'000A000000000000'"))
    assert a.symbols["P"] == 8
    assert a.image == bytes.fromhex("0100000000000000 000A000000000000")


def test_several_operands_each_aligned() -> None:
    # H'1' at 0-1, pad 2-3, F'2' at 4-7.
    a = assemble(src("X DC H'1',F'2'"))
    assert a.image == bytes.fromhex("0001 0000 00000002")
    assert a.symbol_table["X"].length == 2
    assert code("DC F'1',H'2'") == bytes.fromhex("00000001 0002")


def test_length_attribute_of_dc_and_ds_labels() -> None:
    a = assemble(src("A DS CL20", "B DC F'1,2'", "C DC C'ABC'", "D DS 0CL7", "E DC P'123'"))
    lengths = {n: a.symbol_table[n].length for n in "ABCDE"}
    assert lengths == {"A": 20, "B": 4, "C": 3, "D": 7, "E": 2}


def test_address_constant_with_relocatable_expression() -> None:
    # A(B-A+X) with A=0, B=8, X at 12: 8 + 12 = 20.
    a = assemble(src("A DC A(B-A+X)", " DC F'0'", "B DC F'0'", "X DC F'0'"))
    assert a.image[:4] == (20).to_bytes(4, "big")


def test_s_type_constant() -> None:
    # USING *,12 at 0; S(X) at 0, X at 2 -> base 12, displacement 2: X'C002'.
    a = assemble(src(" USING *,12", " DC S(X)", "X DC H'0'", " DC S(8(3))"))
    assert a.image == bytes.fromhex("C002 0000 3008")


@pytest.mark.parametrize("operand", [
    "F'2147483648'", "H'32768'", "AL1(256)", "Y(65536)", "F'X'", "P'1A'", "X'G'",
    "B'2'", "C''", "Q'1'", "F", "A(", "CL0'A'", "FL9'1'", "D'1E400'",
])
def test_invalid_constants(operand: str) -> None:
    assert error(src(f" DC {operand}")).startswith("prog.asm:1: ")


# ---------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------
def test_literals_pooled_at_end_and_deduplicated() -> None:
    # L at 0, L at 4, END pool at 8 (doubleword aligned): =F'1' once.
    a = assemble(src(" USING *,12", " L 1,=F'1'", " L 2,=F'1'", " END"))
    assert a.image == bytes.fromhex("5810C008 5820C008 00000001")


def test_literal_pool_at_ltorg_ordered_by_alignment() -> None:
    # Pool at 8 (after MVC's 6 bytes + align to 8): XL8 (8-byte group) first at 8,
    # F at 16, H at 20, C'A' at 22.
    a = assemble(src(
        " USING *,12",
        " CLC 0(1,1),=C'A'",
        " LTORG",
        " END",
    ))
    assert a.image == bytes.fromhex("D5001000C008 0000 C1")
    b = assemble(src(
        " USING *,12",
        " L 1,=F'3'",           # 0
        " LH 1,=H'2'",          # 4
        " CLI =C'A',0",         # 8
        " MVC 0(8,1),=XL8'FF'",  # 12
        "POOL LTORG",            # 18 -> 24
    ))
    assert b.symbols["POOL"] == 24
    assert b.image[24:] == bytes.fromhex("00000000000000FF 00000003 0002 C1")
    # L refers to 32 = X'20', LH to 36 = X'24', CLI to 38 = X'26', MVC to 24 = X'18'.
    assert b.image[:18] == bytes.fromhex("5810C020 4810C024 9500C026 D2071000C018")


def test_literals_after_ltorg_go_to_the_next_pool() -> None:
    a = assemble(src(" USING *,12", " L 1,=F'1'", " LTORG", " L 2,=F'1'", " END"))
    # First pool at 8, second L at 12, second pool at 16.
    assert a.image == bytes.fromhex("5810C008 00000000 00000001 5820C010 00000001")


def test_address_literal() -> None:
    a = assemble(src(" USING *,12", " L 1,=A(X)", "X DC H'5'", " END"))
    # X at 4, pool at 8: =A(X) = 00000004.
    assert a.image == bytes.fromhex("5810C008 0005 0000 00000004")


def test_packed_and_halfword_literals() -> None:
    a = assemble(src(" USING *,12", " AP 0(3,1),=P'-5'", " AH 1,=H'7'", " END"))
    # AP at 0 (6), AH at 6 (4), pool at 16: =H'7' (2-group) at 16, =P'-5' (1 byte)
    # at 18.  AP: L1-1 = 2, L2-1 = L'=P'-5' - 1 = 0 -> X'20'.
    assert a.image == bytes.fromhex("FA201000C012 4A10C010 000000000000 0007 5D")


def test_literal_not_allowed_as_register() -> None:
    assert "literal" in error(src(" LR 1,=F'1'"))


# ---------------------------------------------------------------------------
# Expressions
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("expr,value", [
    ("2+3*4", 14), ("(2+3)*4", 20), ("7/2", 3), ("-7/2", -3), ("5/0", 0),
    ("X'1F'", 31), ("C'A'", 0xC1), ("C'AB'", 0xC1C2), ("B'101'", 5), ("-(3-5)", 2),
    ("10-2-3", 5), ("2*-3", -6), ("100/7*7", 98),
])
def test_expression_values(expr: str, value: int) -> None:
    assert assemble(src(f"V EQU {expr}")).symbols["V"] == value


def test_difference_of_relocatables_is_absolute() -> None:
    a = assemble(src("A DS F", "B DS F", "N EQU B-A", " LA 1,N"))
    assert not a.symbol_table["N"].relocatable
    assert a.image[8:] == bytes.fromhex("41100004")


def test_multiplying_a_relocatable_is_an_error() -> None:
    assert "relocatable" in error(src("A DS F", "N EQU A*2"))


def test_sum_of_relocatables_is_complex() -> None:
    assert "complex" in error(src("A DS F", " DC A(A+A)"))


# ---------------------------------------------------------------------------
# Errors: 'file:line: message'
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("source,message", [
    (src(" LR 1,2", " XYZ 1"), "prog.asm:2: unknown operation XYZ"),
    (src(" L 1,FOO"), "prog.asm:1: undefined symbol FOO"),
    (src("A DS F", "A DS F"), "prog.asm:2: symbol A already defined at line 1"),
    (src(" LR 16,1"), "prog.asm:1: register R1 16 out of range (0-15)"),
    (src(" MVI 0(1),256"), "prog.asm:1: immediate I2 256 out of range (0-255)"),
    (src(" EQU 5"), "prog.asm:1: EQU needs a label"),
    (src("1ABC LR 1,2"), "prog.asm:1: invalid label '1ABC'"),
    (src("LABEL"), "prog.asm:1: missing operation"),
    (src(" DC C'ABC"), "prog.asm:1: missing closing apostrophe"),
    (src(" MVC 0(257,1),0(2)"), "prog.asm:1: length 257 out of range (0-256)"),
])
def test_error_messages(source: str, message: str) -> None:
    assert error(source) == message


def test_wrong_operand_count() -> None:
    assert error(src(" LR 1")).startswith("prog.asm:1: LR needs 2 operand(s)")


def test_error_has_file_and_line_attributes() -> None:
    with pytest.raises(AssemblyError) as info:
        assemble(src("", "", " BOGUS"), "x.asm")
    assert (info.value.filename, info.value.line) == ("x.asm", 3)
    assert info.value.message == "unknown operation BOGUS"


def test_error_in_literal_names_the_referencing_line() -> None:
    assert error(src(" USING *,12", " L 1,=A(NOPE)")) == "prog.asm:2: undefined symbol NOPE"


_OPS = [row.mnemonic for row in TABLE] + list(EXTENDED_MNEMONICS) + [
    "DC", "DS", "EQU", "ORG", "USING", "DROP", "LTORG", "START", "CSECT", "DSECT", "END",
    "CNOP"]
_OPERAND_CHARS = "0123456789ABCFHLPXZ'(),+-*/=. R"


@st.composite
def _statement(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=40))
    label = draw(st.sampled_from(["", "A", "B", "R1", "X"]))
    op = draw(st.sampled_from(_OPS))
    operands = draw(st.text(alphabet=_OPERAND_CHARS, max_size=25))
    return f"{label} {op} {operands}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statement(), max_size=8))
def test_any_text_raises_only_assembly_error(lines: list[str]) -> None:
    try:
        assemble("\n".join(lines), "fuzz.asm")
    except AssemblyError as exc:
        assert re.match(r"fuzz\.asm:\d+: .", str(exc))


# ---------------------------------------------------------------------------
# Listing and symbols
# ---------------------------------------------------------------------------
def test_listing_shows_address_object_code_and_source() -> None:
    a = assemble(src(" USING *,12", "FIRST LR 1,2", " L 3,=F'9'", " END"), "l.asm")
    lines = a.listing.splitlines()
    assert any(re.match(r"000000\s+1812\s+2\s+FIRST LR 1,2$", ln) for ln in lines)
    assert any(re.match(r"000008\s+00000009\s+=F'9'$", ln) for ln in lines)
    assert any(ln.startswith("FIRST") and "000000" in ln for ln in lines)


# ---------------------------------------------------------------------------
# Cross-check against GNU as (s390x, 31-bit, ESA, G5 instruction set)
# ---------------------------------------------------------------------------
# Instructions GNU as does not know (GNU binutils, see shared/oracles/HERCULES.md).
GNU_UNKNOWN = {"ISK", "SSK", "RRB", "SIO", "SIOF", "TIO", "HIO", "HDV", "TCH", "CLRIO",
               "CLRCH", "STIDC", "WRD", "RDD"}
_WIDTH = {"R1": 4, "R2": 4, "R3": 4, "X2": 4, "B1": 4, "B2": 4, "L1": 4, "L2": 4,
          "D1": 12, "D2": 12, "L": 8, "I2": 8}


def _random_fields(rng: random.Random, layout: str) -> list[int]:
    return [rng.randrange(1 << _WIDTH[name]) for name in LAYOUT_FIELDS[layout]]


def _operand_texts(row_layout: str, pattern: str, f: list[int], gnu: bool) -> str:
    reg = "%r{}" if gnu else "{}"
    out = []
    for it in operand_items(row_layout, pattern):
        if it.kind == "svc":
            out.append(str(f[0] << 4 | f[1]))
        elif it.kind == "reg":
            out.append(reg.format(f[it.slot]))
        elif it.kind != "storage":
            out.append(str(f[it.slot]))
        elif it.middle == "":
            out.append(f"{f[it.slot]}({reg.format(f[it.base])})")
        elif it.middle in ("X", "R"):
            out.append(f"{f[it.slot]}({reg.format(f[it.mslot])},{reg.format(f[it.base])})")
        else:
            out.append(f"{f[it.slot]}({f[it.mslot] + 1},{reg.format(f[it.base])})")
    return ",".join(out)


EXTENDED_FLOATING = {"AXR", "SXR", "MXR", "MXDR", "MXD", "LRDR"}


@pytest.mark.skipif(shutil.which("s390x-linux-gnu-as") is None,
                    reason="s390x-linux-gnu-as not installed")
def test_encodings_agree_with_gnu_as() -> None:
    rng = random.Random(370)
    rows = [row for row in TABLE if row.mnemonic not in GNU_UNKNOWN]
    gnu_lines, our_lines = [], []
    for row in rows:
        for _ in range(3):
            f = _random_fields(rng, row.layout)
            for it in operand_items(row.layout, row.operands):
                if it.kind == "reg" and row.floating_point:
                    # GNU as checks floating-point pairs: S/370 has registers
                    # 0, 2, 4, 6 and the extended pairs 0 and 4
                    f[it.slot] &= 4 if row.mnemonic in EXTENDED_FLOATING else 6
                elif it.kind == "reg":
                    f[it.slot] &= 14         # GNU as checks even registers of pairs
                if it.middle == "R":
                    f[it.mslot] &= 14
            gnu_lines.append(f" {row.mnemonic.lower()} "
                             f"{_operand_texts(row.layout, row.operands, f, True)}")
            our_lines.append(f" {row.mnemonic} "
                             f"{_operand_texts(row.layout, row.operands, f, False)}")
    ours = assemble(src(*our_lines)).image
    with tempfile.TemporaryDirectory() as tmp:
        s, o, b = (Path(tmp) / n for n in ("t.s", "t.o", "t.bin"))
        s.write_text(src(*gnu_lines))
        subprocess.run(["s390x-linux-gnu-as", "-m31", "-mesa", "-march=g5", "-o", str(o),
                        str(s)], check=True, capture_output=True)
        subprocess.run(["s390x-linux-gnu-objcopy", "-O", "binary", "-j", ".text", str(o),
                        str(b)], check=True, capture_output=True)
        theirs = b.read_bytes()
    assert len(ours) == sum(row.length for row in rows) * 3
    offset = 0
    for line, row in zip(our_lines, [r for r in rows for _ in range(3)]):
        assert ours[offset:offset + row.length] == theirs[offset:offset + row.length], line
        offset += row.length


# ---------------------------------------------------------------------------
# The bundled example
# ---------------------------------------------------------------------------
def test_hello_example_assembles() -> None:
    a = assemble(HELLO.read_text(), "hello.asm")
    assert a.origin == 0
    # Restart PSW at 0: EC mode (byte 1 = X'08'), instruction address X'200'.
    assert a.image[:8] == bytes.fromhex("0008000000000200")
    assert a.image[8:16] == bytes(8)           # the restart old PSW goes here
    assert a.entry == 0x200
    assert a.image[0x200:0x202] == bytes.fromhex("05C0")   # BALR 12,0


def test_hello_example_runs_on_the_reference_machine() -> None:
    a = assemble(HELLO.read_text(), "hello.asm")
    needed = {row.handler for row in TABLE if row.mnemonic in
              ("BALR", "SR", "LA", "AR", "BCT", "ST", "CVD", "UNPK", "OI", "MVC", "CLC",
               "BC", "LPSW")}
    missing = needed - set(HANDLERS)
    if missing:
        pytest.skip(f"instructions not implemented yet: {sorted(missing)}")
    m = Machine(64 * 1024)
    m.load_image(a.image, 0)
    m.restart_interruption()
    m.run(10_000)
    assert m.wait
    assert m.gpr[2] == 5050 and m.gpr[1] == 0      # 1 + 2 + ... + 100 = 100*101/2
    line = a.symbols["LINE"]
    assert m.fetch(line, 17) == "SUM 1..100 = 5050".encode("cp037")
    assert m.fetch(a.symbols["SUM"], 4) == bytes.fromhex("000013BA")
    assert m.ia == 0                                # the good wait PSW, not X'BAD'


@pytest.mark.hercules
@pytest.mark.skipif(shutil.which("hercules") is None, reason="hercules not installed")
def test_hello_example_runs_on_hercules() -> None:
    a = assemble(HELLO.read_text(), "hello.asm")
    line = a.symbols["LINE"]
    first = line & ~15          # 'r' shows whole 16-byte lines from here
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "prog.bin").write_bytes(a.image)
        (d / "s370.cnf").write_text("CPUSERIAL 000001\nCPUMODEL  3033\nMAINSIZE  2\n"
                                    "NUMCPU    1\nARCHMODE  S/370\nPANRATE   SLOW\n"
                                    "000E 1403 /dev/null\n")
        (d / "run.rc").write_text("hao tgt HHCCP011I\nhao cmd script dump.rc\n"
                                  "loadcore prog.bin 0\nrestart\n")
        (d / "dump.rc").write_text(f"psw\ngpr\nr {first:X}-{first + 47:X}\nquit\n")
        env = dict(os.environ, HERCULES_RC="run.rc")
        proc = subprocess.run(["timeout", "20", "hercules", "-f", "s370.cnf", "-d"],
                              cwd=d, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, errors="replace")
    log = proc.stdout + proc.stderr
    assert "HHCCP011I" in log
    assert "GR02=000013BA" in log
    storage = {}
    for addr, words in re.findall(r"R:([0-9A-F]{8}):K:[0-9A-F]{2}=((?:[0-9A-F]{8} ?){4})", log):
        for k, byte in enumerate(bytes.fromhex(words.replace(" ", ""))):
            storage[int(addr, 16) + k] = byte
    shown = bytes(storage.get(line + k, 0) for k in range(17))
    assert shown == "SUM 1..100 = 5050".encode("cp037")
    psws = re.findall(r"PSW=([0-9A-F]{8} [0-9A-F]{8})", log)
    assert psws and psws[-1] == "000A0000 00000000"


# EBCDIC code page 037 for the printable ASCII characters X'20' to X'7E', from the
# code page's chart (IBM CDRA, CCSID 37), sixteen characters a row.
CP037_PRINTABLE = bytes.fromhex(
    "405A7F7B5B6C507D4D5D5C4E6B604B61"    # space ! " # $ % & ' ( ) * + , - . /
    "F0F1F2F3F4F5F6F7F8F97A5E4C7E6E6F"    # 0-9 : ; < = > ?
    "7CC1C2C3C4C5C6C7C8C9D1D2D3D4D5D6"    # @ A-O
    "D7D8D9E2E3E4E5E6E7E8E9BAE0BBB06D"    # P-Z [ \ ] ^ _
    "79818283848586878889919293949596"    # ` a-o
    "979899A2A3A4A5A6A7A8A9C04FD0A1")     # p-z { | } ~


def test_character_constants_are_code_page_037_for_every_printable_character():
    text = bytes(range(0x20, 0x7F)).decode("ascii")
    assert assemble(f"         DC    C'{text.replace(chr(39), chr(39) * 2)}'\n", "<c>").image \
        == CP037_PRINTABLE


def test_a_character_without_an_ebcdic_code_in_the_assembler_is_refused():
    with pytest.raises(AssemblyError, match="no EBCDIC code"):
        assemble("         DC    C'\u00e9'\n", "<c>")


# ---------------------------------------------------------------------------
# Hexadecimal floating-point constants E, D and L
# ---------------------------------------------------------------------------
# GNU as for s390x has no directive for hexadecimal floating point (.float, .double
# and .dc.d give IEEE: `.float 1.0` is X'3F800000'), so the bytes here are derived
# by hand.  The rule: value = fraction * 16**(characteristic - 64), 1/16 <= fraction
# < 1; the fraction's digits are floor(value * 16**(digits - e) + 1/2) (HLASM's
# rounding mode 1: add one in the first lost bit); E keeps 6 digits, D 14, L 28.
@pytest.mark.parametrize("operand,expected", [
    # Zero is a true zero; -0 keeps its sign bit (z390's choice; the manual is silent).
    ("E'0'", "00000000"), ("E'-0'", "80000000"), ("D'-0.0'", "8000000000000000"),
    ("L'0'", "00000000000000000000000000000000"),
    ("L'-0'", "80000000000000000000000000000000"),
    # 1 = 1/16 * 16**1: characteristic 64+1 = X'41', fraction X'100000'; -1 sets bit 0.
    ("E'1'", "41100000"), ("E'-1'", "C1100000"), ("E'+1'", "41100000"),
    # 0.5 = 8/16 * 16**0: X'40', fraction X'800000'; written .5 or 5E-1 alike.
    ("E'0.5'", "40800000"), ("E'.5'", "40800000"), ("E'5E-1'", "40800000"),
    # 2.5 = X'2.8' = 0.28 (hex) * 16**1; 20 = X'14' = 0.14 (hex) * 16**2: X'42'.
    ("E'2.5'", "41280000"), ("E'+2E+1'", "42140000"),
    # 0.1 = X'0.1999...' (9 repeating) = 0.1999.. * 16**0: X'40'.  The first lost
    # digit is 9, its first bit 1: the last kept 9 becomes A.
    ("E'0.1'", "4019999A"), ("D'0.1'", "401999999999999A"), ("D'-0.1'", "C01999999999999A"),
    # L'0.1': 28 digits 1999..99A; digits 1-14 after X'40', digits 15-28 after the
    # second characteristic X'40' - 14 = X'32'.
    ("L'0.1'", "4019999999999999 329999999999999A"),
    # L'1', L'3': second doubleword characteristic X'41' - 14 = X'33', fraction 0;
    # L'-1': both doublewords carry the sign: X'C1', X'B3'.
    ("L'1'", "4110000000000000 3300000000000000"),
    ("L'3'", "4130000000000000 3300000000000000"),
    ("L'-1'", "C110000000000000 B300000000000000"),
    # 1E10 = X'2540BE400' (9 digits) = 0.2540BE400 * 16**9: X'49'; 10**10 / 16**3 =
    # 2441406.25 -> 2441406 = X'2540BE' (the lost digit 4 rounds down).
    ("E'1E10'", "492540BE"),
    # 1.5E-3 = 0.384 * 16**-2: X'3E'; 0.384 * 16**6 = 6442450.944 -> 6442451 = X'624DD3'.
    ("E'1.5E-3'", "3E624DD3"),
    # 0.99999999 * 16**6 = 16777215.83 -> 16777216 = 16**6: the carry renormalizes
    # to 1/16 * 16**1 = E'1'.
    ("E'0.99999999'", "41100000"),
    # Ties: 1 + 2**-21 lies half-way between X'41100000' and X'41100001' (the ulp of
    # E at X'41' is 16**-5 = 2**-20).  Mode 1 rounds the magnitude up (ties to even
    # would keep X'100000'); the sign does not change the magnitude's rounding.
    ("E'1.000000476837158203125'", "41100001"), ("E'-1.000000476837158203125'", "C1100001"),
    # Near the smallest, 16**-65 = 5.3976E-79 (X'00100000'): 1E-78 * 16**64 * 16**6 =
    # 1942668.89 -> 1942669 = X'1DA48D'; 5.4E-79 -> 1049041.20 -> X'1001D1'.
    ("E'1E-78'", "001DA48D"), ("E'5.4E-79'", "001001D1"),
    # Near the largest, (1 - 16**-6) * 16**63 = 7.237005E75 (X'7FFFFFFF'): 7.2E75 /
    # 16**63 * 16**6 = 16691427.68 -> 16691428 = X'FEB0E4'.
    ("E'7.2E75'", "7FFEB0E4"),
    # 7.2370055E75 / 16**63 = 0.99999998931: too close to 1 for E (below), but D
    # keeps 14 digits: * 16**14 = 72057593267944177.23 -> X'FFFFFFD21AFAF1'.
    ("D'7.2370055E75'", "7FFFFFFFD21AFAF1"),
    # Several nominal values, duplication (applied after assembling the value).
    ("E'1,2.5,-3'", "41100000 41280000 C1300000"), ("2E'1'", "41100000 41100000"),
    ("2D'1,-1'", "4110000000000000 C110000000000000" * 2),
    # Explicit lengths: 2 * (n - 1) fraction digits, rounded there.  EL3'0.1': 1999|9
    # -> 199A; EL8 is laid out as D, DL4 as E.
    ("EL2'1'", "4110"), ("EL3'0.1'", "40199A"), ("EL8'0.1'", "401999999999999A"),
    ("DL4'0.1'", "4019999A"), ("DL2'-1'", "C110"),
])
def test_hexadecimal_floating_point_constants(operand: str, expected: str) -> None:
    assert code(f"DC {operand}") == bytes.fromhex(expected)


def test_hexadecimal_floating_point_alignment_and_lengths() -> None:
    # E on a fullword (X'01' at 0, pad 1-3, E at 4), D and L on a doubleword.
    a = assemble(src(" DC X'01'", "E DC E'1'", " DC X'02'", "D DC D'1'", " DC X'03'",
                     "L DC L'1'", " DC X'04'", "N DC EL4'1'"))
    assert (a.symbols["E"], a.symbols["D"], a.symbols["L"], a.symbols["N"]) == (4, 16, 32, 49)
    lengths = {n: a.symbol_table[n].length for n in "EDLN"}
    assert lengths == {"E": 4, "D": 8, "L": 16, "N": 4}
    assert a.image == bytes.fromhex(
        "01000000 41100000 02000000 00000000 4110000000000000 03000000 00000000"
        "4110000000000000 3300000000000000 04 41100000")


@pytest.mark.parametrize("operand,size,boundary", [
    ("L", 16, 8), ("2L", 32, 8), ("0L", 0, 8), ("E", 4, 4), ("3E", 12, 4), ("D", 8, 8),
    ("EL2", 2, 1), ("DL5", 5, 1), ("LL16", 16, 1),
])
def test_ds_of_floating_point_types(operand: str, size: int, boundary: int) -> None:
    a = assemble(src(" DC X'FF'", f"X DS {operand}", "END DC X'EE'"))
    assert a.symbols["X"] == boundary
    assert a.symbols["END"] == boundary + size


def test_floating_point_literals_are_pooled() -> None:
    # L at 0, LM at 4, MVC at 8-13, the pool at 16: the 8-byte group in order of
    # appearance, =D'0.1' at 16 and =L'1' (16 bytes) at 24, then =E'0.1' at 40.
    a = assemble(src(" USING *,12", " L 1,=E'0.1'", " LM 2,3,=D'0.1'", " MVC 0(16,1),=L'1'",
                     " END"))
    assert a.image == bytes.fromhex(
        "5810C028 9823C010 D20F1000C018 0000"
        "401999999999999A 4110000000000000 3300000000000000 4019999A")


@pytest.mark.parametrize("operand,message", [
    # Outside the exponent range HLASM allows in a nominal value, -85 to +75.
    ("E'1E80'", "exponent 80 of floating-point value 1E80 is outside -85 to +75"),
    ("D'1E-86'", "exponent -86 of floating-point value 1E-86 is outside -85 to +75"),
    # Above (1 - 16**-6) * 16**63 = 7.237005E75: characteristic 128.
    ("E'7.3E75'", "floating-point value 7.3E75 too large for type E (characteristic 128"),
    # 7.2370055E75 is below 16**63 but rounds up to it in 6 digits (16777215.82).
    ("E'7.2370055E75'", "value 7.2370055E75 too large for type E"),
    # Below 16**-65 = 5.3976E-79 (5E-79 = 0.926 * 16**-65): characteristic -1.
    ("E'5E-79'", "floating-point value 5E-79 too small for type E (characteristic -1"),
    ("L'-1E-79'", "floating-point value -1E-79 too small for type L"),
    # Malformed numbers.
    ("E'1.2.3'", "invalid floating-point value '1.2.3'"), ("E'E5'", "invalid floating-point"),
    ("E''", "invalid floating-point value ''"), ("E'1,'", "invalid floating-point value ''"),
    ("D'1E'", "invalid floating-point value '1E'"), ("E'-'", "invalid floating-point"),
    ("E'.'", "invalid floating-point"), ("E'1 '", "invalid"), ("L'0X1'", "invalid floating"),
    ("E'1" + "0" * 100 + "'", "invalid floating-point"),
    # Lengths: HLASM takes 1-8 bytes for E and D and 1-16 for L; this assembler
    # 2-8 for E and D and 16 for L.
    ("EL9'1'", "length 9 not allowed for type E"), ("DL17'1'", "length 17 not allowed"),
    ("EL1'1'", "length 1 not supported for type E"), ("LL8'1'", "length 8 not supported"),
    ("EL.12'1'", "invalid length modifier"), ("EH'1'", "invalid nominal value"),
])
def test_invalid_floating_point_constants(operand: str, message: str) -> None:
    text = error(src(f" DC {operand}"))
    assert text.startswith("prog.asm:1: ") and message in text


def _hfp(data: bytes) -> Fraction:
    """The value of a short or long hexadecimal floating-point number."""
    magnitude = Fraction(int.from_bytes(data[1:], "big"), 16 ** (2 * len(data) - 2))
    value = magnitude * Fraction(16) ** ((data[0] & 0x7F) - 64)
    return -value if data[0] & 0x80 else value


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["E", "D"]), st.sampled_from(["", "-"]),
       st.integers(1, 10 ** 20), st.integers(-60, 50))
def test_floating_point_constants_round_to_nearest_ties_away(
        kind: str, sign: str, mantissa: int, exponent: int) -> None:
    # Decoding is independent of the encoder: the result is normalized, within half
    # an ulp of the exact value and, on a tie, the larger magnitude.
    data = code(f"DC {kind}'{sign}{mantissa}E{exponent}'")
    exact = Fraction(mantissa) * Fraction(10) ** exponent
    got = _hfp(data)
    assert data[1] >> 4 != 0 and (got < 0) == (sign == "-")
    ulp = Fraction(16) ** ((data[0] & 0x7F) - 64 - 2 * (len(data) - 1))
    error_ = abs(got) - exact
    assert -ulp / 2 < error_ <= ulp / 2


# ---------------------------------------------------------------------------
# External symbols: EXTRN, WXTRN, ENTRY and V-type constants
# ---------------------------------------------------------------------------
def test_v_constant_of_a_symbol_of_the_source_is_its_address_in_the_image():
    a = assemble("P        START 0\n         DC    V(X),VL3(X)\nX        DC    F'1'\n"
                 "         END\n")
    assert a.image[:7] == bytes.fromhex("00000008" "000008")


def test_v_constant_of_an_undefined_symbol_in_an_image_is_an_error_naming_it():
    assert error("P        START 0\n         DC    V(NOWHERE)\n         END\n") == (
        "prog.asm:2: external symbol NOWHERE is unresolved: an image has no linker "
        "(assemble to an object deck)")


def test_v_constant_needs_a_symbol_and_a_length_of_3_or_4():
    assert "V-type constant needs a symbol" in error(" DC V(X+4)\n")
    assert "length 2 not allowed for type V" in error(" DC VL2(X)\n")


def test_extrn_of_a_symbol_defined_in_the_source_is_an_error():
    assert "already defined" in error("X        DC    F'1'\n         EXTRN X\n")
    assert "declared external at line 1" in error("         EXTRN X\nX        DC    F'1'\n")


def test_external_symbol_in_an_instruction_or_equ_is_an_error():
    source = "P        START 0\n         EXTRN X\n{}\n         END\n"
    for line in ("         L     1,X", "Y        EQU   X+4"):
        with pytest.raises(AssemblyError, match="prog.asm:3: "):
            assemble(source.format(line), "prog.asm", object_module=True)


def test_entry_must_name_a_symbol_of_a_control_section():
    assert error("         ENTRY NOWHERE\n         END\n") == \
        "prog.asm:1: ENTRY symbol NOWHERE is not defined"
    assert error("N        EQU   5\n         ENTRY N\n         END\n") == \
        "prog.asm:2: ENTRY symbol N is not in a control section"


def test_external_names_in_an_object_module_have_at_most_8_characters():
    with pytest.raises(AssemblyError, match="prog.asm:2: external name LONGNAME9"):
        assemble("P        START 0\n         EXTRN LONGNAME9\n         END\n", "prog.asm",
                 object_module=True)


def test_image_assembly_declaring_unused_externals_is_fine():
    assert assemble(" EXTRN X\n WXTRN Y\n DC F'1'\n").image == bytes.fromhex("00000001")
