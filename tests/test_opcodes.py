"""The opcode table itself: no overlapping rows, every row dispatches, round trips."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.arch import opcodes
from reference.arch.interrupts import Interruption, PrivilegedOperation
from reference.arch.opcodes import (
    BY_MNEMONIC,
    EXTENDED_OPCODES,
    LAYOUT_LENGTH,
    LAYOUT_PATTERNS,
    TABLE,
    decode_fields,
    encode,
    instruction_length,
    lookup,
)
from reference.machine.instructions import HANDLERS, control, decimal, general, io
from reference.machine.instructions.control import CR0_SSM_SUPPRESSION
from reference.machine.machine import Machine
from tests.support import make_machine

FIELD_WIDTHS = {  # bits of each field, in layout order
    "RR": (4, 4), "RRE": (4, 4), "RX": (4, 4, 4, 12), "RS": (4, 4, 4, 12),
    "SI": (8, 4, 12), "S": (4, 12), "SS": (8, 4, 12, 4, 12),
    "SS2": (4, 4, 4, 12, 4, 12), "SSE": (4, 12, 4, 12),
}


def test_no_two_rows_share_an_opcode_or_mnemonic():
    assert len({r.opcode for r in TABLE}) == len(TABLE)
    assert len({r.mnemonic for r in TABLE}) == len(TABLE)


def test_no_one_byte_opcode_overlaps_an_extended_opcode_group():
    for row in TABLE:
        if row.opcode <= 0xFF:
            assert row.opcode not in EXTENDED_OPCODES, row.mnemonic
        else:
            assert row.opcode >> 8 in EXTENDED_OPCODES, row.mnemonic


def test_every_row_names_a_handler_that_exists():
    missing = [r.mnemonic for r in TABLE if r.handler not in HANDLERS]
    assert missing == []


def test_every_instruction_function_belongs_to_a_row():
    # A public function of an instruction module that no row names is an
    # instruction the machine can never execute (a misspelt handler name), except
    # EXECUTE's target decoder, which EXECUTE and the VMCP share.
    used = {r.handler for r in TABLE}
    functions = {name for module in (general, decimal, control, io)
                 for name, fn in vars(module).items()
                 if callable(fn) and not name.startswith("_")
                 and getattr(fn, "__module__", "") == module.__name__}
    assert functions - used == {"execute_target"}
    assert set(HANDLERS) == used


def test_layout_length_agrees_with_the_first_two_opcode_bits():
    # GA22-7000 ch.5: bits 0-1 of the opcode give the instruction length.
    for row in TABLE:
        assert instruction_length(row.first_byte) == row.length, row.mnemonic


def test_operand_pattern_fits_the_layout():
    for row in TABLE:
        assert row.operands in LAYOUT_PATTERNS[row.layout], row.mnemonic


def test_privileged_rows_are_the_control_and_io_chapters():
    # ... and the machine's one extension, interpretive execution.
    for row in TABLE:
        if row.privileged or row.semiprivileged:
            assert "ch.10" in row.section or "ch.13" in row.section \
                or row.section == opcodes.SIE, row.mnemonic


# GA22-7000 appendix "Lists of Instructions" and chapters 10 and 13: the privileged
# instructions of this machine (code P in the lists) and the semiprivileged ones
# (privileged only under a control-register or PSW-key-mask condition).
MANUAL_PRIVILEGED = {
    "SSK", "ISK", "SSM", "LPSW", "DIAG", "STNSM", "STOSM", "SIGP", "LRA", "STCTL", "LCTL",
    "STIDP", "SCK", "SCKC", "STCKC", "SPT", "STPT", "PTLB", "SPX", "STPX", "STAP", "RRB",
    "IPTE", "TPROT", "SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC"}
MANUAL_SEMIPRIVILEGED = {"SPKA", "IPK", "MVCK", "MVCP", "MVCS"}
PRIVILEGED_ROWS = [r for r in TABLE if r.privileged]
OTHER_ROWS = [r for r in TABLE if not r.privileged and not r.semiprivileged]


def test_privileged_rows_are_the_manuals_privileged_instructions():
    # Besides them: START INTERPRETIVE EXECUTION (docs/interpretive-execution.md).
    assert {r.mnemonic for r in TABLE if r.privileged} == MANUAL_PRIVILEGED | {"SIE"}
    assert [r.opcode for r in TABLE if r.section == opcodes.SIE] == [0xB214]
    assert {r.mnemonic for r in TABLE if r.semiprivileged} == MANUAL_SEMIPRIVILEGED


def _machine(*, problem: bool) -> Machine:
    """A machine in the EC mode, in the problem or the supervisor state, whose
    registers all hold X'7FFFF8': with every field of an instruction 1, each
    operand address is odd and beyond the 64K of storage."""
    m = make_machine(b"", ec=True, problem=problem, end=False)
    m.gpr[:] = [0x7FFFF8] * 16
    return m


def _ones(row: opcodes.Instruction) -> tuple[int, ...]:
    return tuple(1 for _ in decode_fields(row.layout, bytes(6)))


@pytest.mark.parametrize("row", PRIVILEGED_ROWS, ids=lambda r: r.mnemonic)
def test_every_privileged_row_is_a_privileged_operation_in_the_problem_state(row):
    # GA22-7000 ch.6 "Privileged-Operation Exception": suppression, nothing changed.
    # Its priority is above the specification and access exceptions of the
    # operands (ch.6 "Priority of Program Interruption Conditions"): the operand
    # addresses here are odd and beyond storage.  The SSM-suppression control is
    # on: SSM's special-operation exception is one of the supervisor state
    # (ch.10 "Set System Mask").
    m = _machine(problem=True)
    m.cr[0] |= CR0_SSM_SUPPRESSION
    before = m.state()
    with pytest.raises(PrivilegedOperation):
        HANDLERS[row.handler](m, *_ones(row))
    assert m.state() == before


@pytest.mark.parametrize("row", PRIVILEGED_ROWS, ids=lambda r: r.mnemonic)
def test_no_privileged_row_is_a_privileged_operation_in_the_supervisor_state(row):
    m = _machine(problem=False)
    try:
        HANDLERS[row.handler](m, *_ones(row))
    except PrivilegedOperation:  # pragma: no cover - the failure being tested for
        pytest.fail(f"{row.mnemonic} in the supervisor state")
    except Interruption:
        pass  # the operands' exceptions: odd and beyond storage


@pytest.mark.parametrize("row", OTHER_ROWS, ids=lambda r: r.mnemonic)
def test_no_other_row_is_a_privileged_operation_in_the_problem_state(row):
    # Fields zero: operands at address 0 (the EXECUTE target there is the PSW's
    # first halfword, X'0009', opcode 00: an operation exception).
    m = make_machine(b"", ec=True, problem=True, end=False)
    try:
        HANDLERS[row.handler](m, *(0 for _ in decode_fields(row.layout, bytes(6))))
    except PrivilegedOperation:  # pragma: no cover - the failure being tested for
        pytest.fail(f"{row.mnemonic} is not privileged")
    except Interruption:
        pass


def test_only_the_privileged_rows_run_behind_the_guard():
    # The module's function is what the VMCP applies to a virtual machine in the
    # virtual supervisor state; the machine executes it behind the guard.
    for row in TABLE:
        fn = HANDLERS[row.handler]
        if row.privileged:
            assert inspect.unwrap(fn) is not fn, row.mnemonic
            assert inspect.unwrap(fn).__name__ == row.handler
        else:
            assert inspect.unwrap(fn) is fn, row.mnemonic


def test_known_encodings_from_the_manual():
    # Encodings written out by hand from GA22-7000 (format diagrams).
    assert encode(BY_MNEMONIC["AR"], (1, 2)) == bytes.fromhex("1A12")
    assert encode(BY_MNEMONIC["L"], (3, 4, 5, 0x678)) == bytes.fromhex("58345678")
    assert encode(BY_MNEMONIC["MVI"], (0xC1, 12, 0x10)) == bytes.fromhex("92C1C010")
    assert encode(BY_MNEMONIC["MVC"], (7, 1, 2, 3, 4)) == bytes.fromhex("D20710023004")
    assert encode(BY_MNEMONIC["AP"], (3, 2, 1, 0x10, 2, 0x20)) == bytes.fromhex("FA3210102020")
    assert encode(BY_MNEMONIC["STCK"], (13, 0x100)) == bytes.fromhex("B205D100")
    assert encode(BY_MNEMONIC["LPSW"], (0, 0x1F0)) == bytes.fromhex("820001F0")
    assert encode(BY_MNEMONIC["IPTE"], (1, 2)) == bytes.fromhex("B2210012")
    assert encode(BY_MNEMONIC["TPROT"], (1, 2, 3, 4)) == bytes.fromhex("E50110023004")


@st.composite
def row_and_fields(draw):
    row = draw(st.sampled_from(TABLE))
    fields = tuple(draw(st.integers(0, (1 << w) - 1)) for w in FIELD_WIDTHS[row.layout])
    return row, fields


@given(row_and_fields())
def test_encode_then_decode_gives_the_same_row_and_fields(rf):
    row, fields = rf
    code = encode(row, fields)
    assert len(code) == LAYOUT_LENGTH[row.layout]
    assert lookup(code) is row
    assert decode_fields(row.layout, code) == fields


@given(st.binary(min_size=6, max_size=6))
def test_any_bytes_either_decode_to_one_row_or_to_none(code):
    row = lookup(code)
    if row is None:
        return
    fields = decode_fields(row.layout, code)
    # Re-encoding keeps every bit that the layout defines.
    again = encode(row, fields)
    assert lookup(again) is row
    assert decode_fields(row.layout, again) == fields


def test_extended_mnemonics_name_branch_masks():
    assert opcodes.EXTENDED_MNEMONICS["BE"] == ("BC", 8)
    assert opcodes.EXTENDED_MNEMONICS["BNER"] == ("BCR", 7)
    assert opcodes.EXTENDED_MNEMONICS["B"] == ("BC", 15)
    assert opcodes.EXTENDED_MNEMONICS["NOPR"] == ("BCR", 0)
    assert opcodes.EXTENDED_MNEMONICS["BO"] == ("BC", 1)
