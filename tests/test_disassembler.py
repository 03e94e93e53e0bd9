"""Tests of reference.asm.disassembler.

Expected texts are derived by hand from the instruction formats of GA22-7000
(chapter 5) and the opcodes of its appendix; the round-trip properties check that
every line the disassembler prints assembles back (reference.asm.assembler) to the
bytes it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.arch.opcodes import TABLE, Instruction, encode
from reference.asm.assembler import LAYOUT_FIELDS, assemble, operand_items
from reference.asm.disassembler import decode_one, disassemble, format_instruction

# Field widths in bits (GA22-7000 ch.5): registers, masks and 4-bit lengths 4,
# the SS length and the immediate byte 8, displacements 12.
_WIDTH = {"R1": 4, "R2": 4, "R3": 4, "X2": 4, "B1": 4, "B2": 4, "L1": 4, "L2": 4,
          "D1": 12, "D2": 12, "L": 8, "I2": 8}
_LINE = re.compile(r"([0-9A-F]{6})  ([0-9A-F]+) +(.*)")


def shown_fields(row: Instruction) -> set[str]:
    """The layout fields that the row's operand pattern shows (the others are
    ignored by the instruction and assemble as zeros)."""
    names = LAYOUT_FIELDS[row.layout]
    used: set[str] = set()
    for item in operand_items(row.layout, row.operands):
        if item.kind == "svc":
            used |= {names[0], names[1]}
        else:
            used |= {names[k] for k in (item.slot, item.base, item.mslot) if k >= 0}
    return used


def random_fields(row: Instruction, value: Callable[[str], int]) -> tuple[int, ...]:
    shown = shown_fields(row)
    return tuple(value(n) if n in shown else 0 for n in LAYOUT_FIELDS[row.layout])


def reassemble(text: str) -> bytes:
    return assemble(f" {text}\n", "dis.asm").image


@pytest.mark.parametrize("hexcode,text", [
    ("1A12", "AR    1,2"),                        # RR
    ("0410", "SPM   1"),
    ("0AC8", "SVC   200"),                        # I = X'C8' = 200
    ("5812C1F4", "L     1,500(2,12)"),            # X'1F4' = 500
    ("90ECD00C", "STM   14,12,12(13)"),
    ("89100004", "SLL   1,4(0)"),
    ("BF172008", "ICM   1,7,8(2)"),
    ("95FF100A", "CLI   10(1),X'FF'"),
    ("820001F0", "LPSW  496(0)"),                 # X'1F0' = 496
    ("B2051000", "STCK  0(1)"),
    ("B20B0000", "IPK"),
    ("B2210012", "IPTE  1,2"),
    ("D2FF50006010", "MVC   0(256,5),16(6)"),     # length code 255 -> 256
    ("FA2110002004", "AP    0(3,1),4(2,2)"),
    ("F02510002004", "SRP   0(3,1),4(2),5"),
    ("D94520003008", "MVCK  0(4,2),8(3),5"),      # R1 = 4 is a register, not a length
    ("E50110002004", "TPROT 0(1),4(2)"),
    # Branch on condition with the extended mnemonics (mask in bits 8-11).
    ("47F0C000", "B     0(0,12)"),
    ("07FE", "BR    14"),
    ("4780C010", "BE    16(0,12)"),
    ("4770C010", "BNE   16(0,12)"),
    ("4720C010", "BH    16(0,12)"),
    ("4740C010", "BL    16(0,12)"),
    ("4710C010", "BO    16(0,12)"),
    ("47E0C010", "BNO   16(0,12)"),
    ("47D0C010", "BNH   16(0,12)"),
    ("47B0C010", "BNL   16(0,12)"),
    ("47000000", "NOP   0(0,0)"),
    ("0700", "NOPR  0"),
    ("4730C010", "BC    3,16(0,12)"),             # no extended mnemonic for mask 3
    ("0759", "BCR   5,9"),
])
def test_format_instruction(hexcode: str, text: str) -> None:
    assert format_instruction(bytes.fromhex(hexcode)) == text


@pytest.mark.parametrize("hexcode", [
    "0000",            # opcode 00: not an instruction (2 bytes by bits 0-1)
    "01FF",
    "B2FF0000",        # B2 with an unassigned second byte (4 bytes)
    "E5FF00000000",    # E5 with an unassigned second byte (6 bytes)
    "FF0000000000",    # FF: unassigned, 6 bytes (bits 0-1 = 11)
    "5810",            # RX cut short: 2 of 4 bytes
    "82120000",        # LPSW with bits 8-15 (ignored) not zero
    "B221FF12",        # IPTE with bits 16-23 (ignored) not zero
    "04FF",            # SPM with bits 12-15 (ignored, not an operand) not zero
    "89120004",        # SLL with the R3 field (ignored) not zero
])
def test_bytes_that_are_not_an_instruction_print_as_dc(hexcode: str) -> None:
    code = bytes.fromhex(hexcode)
    assert format_instruction(code) == f"DC    X'{hexcode}'"
    assert reassemble(format_instruction(code)) == code


def test_unknown_opcode_length_follows_bits_0_and_1() -> None:
    # X'00' -> 2 bytes, X'B2FF' -> 4, X'FF' -> 6 (GA22-7000 ch.5).
    assert decode_one(bytes.fromhex("0000 1A12")) == (2, "DC    X'0000'")
    assert decode_one(bytes.fromhex("B2FF00001A12"))[0] == 4
    assert decode_one(bytes.fromhex("FF00000000001A12"))[0] == 6


def test_disassemble_lines_with_origin() -> None:
    image = bytes.fromhex("1A12 5812C1F4 0000")
    assert disassemble(image, origin=0x200) == [
        "000200  1A12          AR    1,2",
        "000202  5812C1F4      L     1,500(2,12)",
        "000206  0000          DC    X'0000'",
    ]


def test_disassemble_range() -> None:
    image = bytes.fromhex("1A12 1A34 1A56 1A78")
    lines = disassemble(image, start=2, end=6)
    assert lines == ["000002  1A34          AR    3,4", "000004  1A56          AR    5,6"]
    # A start below the origin begins at the origin.
    assert disassemble(image, start=0, end=0x102, origin=0x100) == [
        "000100  1A12          AR    1,2"]


def test_disassemble_cut_instruction_at_end() -> None:
    assert disassemble(bytes.fromhex("1A12 58"))[-1] == "000002  58            DC    X'58'"


def test_every_table_row_round_trips_with_extreme_fields() -> None:
    for row in TABLE:
        for fields in (random_fields(row, lambda n: 0),
                       random_fields(row, lambda n: (1 << _WIDTH[n]) - 1)):
            code = encode(row, fields)
            text = format_instruction(code)
            assert not text.startswith("DC"), (row.mnemonic, text)
            assert reassemble(text) == code, (row.mnemonic, text)


@st.composite
def _instruction(draw: st.DrawFn) -> bytes:
    row = draw(st.sampled_from(TABLE))
    return encode(row, random_fields(row, lambda n: draw(st.integers(0, (1 << _WIDTH[n]) - 1))))


@settings(max_examples=500, deadline=None)
@given(_instruction())
def test_encode_disassemble_assemble_round_trip(code: bytes) -> None:
    text = format_instruction(code)
    assert not text.startswith("DC")
    assert reassemble(text) == code


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_any_bytes_disassemble_to_source_that_reassembles(data: bytes) -> None:
    lines = disassemble(data)
    source = []
    address = 0
    for line in lines:
        m = _LINE.fullmatch(line)
        assert m is not None, line
        assert int(m.group(1), 16) == address
        address += len(m.group(2)) // 2
        source.append(" " + m.group(3))
    assert address == len(data)
    assert assemble("\n".join(source) + "\n").image == data
