"""The opcode table: every instruction of the machine, defined once.

One row per instruction drives the decoder (``decode``), the executor (the row's
``handler`` names the function that performs the instruction), the assembler
(``encode`` and the row's operand syntax) and the disassembler.  The table follows
the Principles of Operation, GA22-7000 (IBM System/370 Principles of Operation):
chapter 7 (general instructions), chapter 8 (decimal instructions), chapter 10
(control instructions), chapter 9 (floating-point instructions, rows marked with
the ``floating_point`` trait: a machine without the facility treats their opcodes
as unassigned, see ``reference.machine.machine.Machine``) and chapter 13
(input/output instructions).

Layouts (bit positions as the manual numbers them, bit 0 leftmost):

======  =====  ===================================================
layout  bytes  fields
======  =====  ===================================================
RR      2      OP(0-7) R1(8-11) R2(12-15)
RRE     4      OP(0-15) ////(16-23) R1(24-27) R2(28-31)
RX      4      OP(0-7) R1(8-11) X2(12-15) B2(16-19) D2(20-31)
RS      4      OP(0-7) R1(8-11) R3(12-15) B2(16-19) D2(20-31)
SI      4      OP(0-7) I2(8-15) B1(16-19) D1(20-31)
S       4      OP(0-15) B2(16-19) D2(20-31) (or OP(0-7) with 8-15 ignored)
SS      6      OP(0-7) L(8-15) B1 D1 B2 D2
SS2     6      OP(0-7) L1/R1(8-11) L2/R3/I3(12-15) B1 D1 B2 D2
SSE     6      OP(0-15) B1(16-19) D1(20-31) B2(32-35) D2(36-47)
======  =====  ===================================================

Each layout decodes to a tuple of small integers, in the order of the table above;
the executor calls ``handler(cpu, *fields)``.

Operand syntax (the assembler's and the disassembler's view) is a comma-separated
pattern whose items are: ``R1 R2 R3`` (registers), ``M1 M3`` (masks), ``I`` (the SVC
number, bits 8-15), ``I2 I3`` (immediates), ``D2(X2,B2)``, ``D2(B2)``, ``D1(B1)``,
``D1(L,B1)``, ``D1(L1,B1)``, ``D2(L2,B2)``, ``D1(R1,B1)`` (MVCK, MVCP, MVCS: R1 holds
the true length).  An empty pattern means no operands.
"""

from __future__ import annotations

from dataclasses import dataclass

# Bytes per layout; the first two bits of the first opcode byte also give the
# length (00: 2, 01 and 10: 4, 11: 6), which is how the ILC of an operation
# exception is known for an opcode that is not in the table.
LAYOUT_LENGTH = {"RR": 2, "RRE": 4, "RX": 4, "RS": 4, "SI": 4, "S": 4,
                 "SS": 6, "SS2": 6, "SSE": 6}

# The operand patterns each layout may carry (checked by the table's own tests).
LAYOUT_PATTERNS = {
    "RR": {"R1,R2", "M1,R2", "R1", "I", ""},
    "RRE": {"R1,R2", "R1", ""},
    "RX": {"R1,D2(X2,B2)", "M1,D2(X2,B2)"},
    "RS": {"R1,R3,D2(B2)", "R1,D2(B2)", "R1,M3,D2(B2)"},
    "SI": {"D1(B1),I2", "D1(B1)"},
    "S": {"D2(B2)", ""},
    "SS": {"D1(L,B1),D2(B2)"},
    "SS2": {"D1(L1,B1),D2(L2,B2)", "D1(L1,B1),D2(B2),I3", "D1(R1,B1),D2(B2),R3"},
    "SSE": {"D1(B1),D2(B2)"},
}

# First opcode bytes whose instructions carry a second opcode byte, with the bits
# of that byte that select the instruction.
# The I/O instructions 9C-9F select by bit 15 alone: bits 8-14 are ignored
# (GA22-7000 ch.13: X'9C00' START I/O, X'9C01' START I/O FAST RELEASE, ...).
EXTENDED_OPCODES = {0xB2: 0xFF, 0xE5: 0xFF, 0x9C: 0x01, 0x9D: 0x01, 0x9E: 0x01, 0x9F: 0x01}


@dataclass(frozen=True)
class Instruction:
    """One row of the opcode table.

    ``opcode`` is the full opcode: one byte, or two bytes for the extended opcodes
    (``0xB205`` is STCK).  ``privileged`` is True for instructions that end in a
    privileged-operation exception in the problem state: the executor makes that
    test before the handler runs (``reference.machine.instructions.HANDLERS``), so
    the handler does not.  ``semiprivileged`` is True for those whose privilege
    depends on a control-register or PSW-key-mask test (their handlers make the
    test).  ``floating_point`` is True for the instructions of the floating-point
    facility.  ``section`` cites the Principles of Operation.
    """

    opcode: int
    mnemonic: str
    layout: str
    operands: str
    name: str
    handler: str
    section: str
    privileged: bool = False
    semiprivileged: bool = False
    floating_point: bool = False

    @property
    def length(self) -> int:
        return LAYOUT_LENGTH[self.layout]

    @property
    def first_byte(self) -> int:
        return self.opcode >> 8 if self.opcode > 0xFF else self.opcode


G = "GA22-7000 ch.7 General Instructions"
D = "GA22-7000 ch.8 Decimal Instructions"
C = "GA22-7000 ch.10 Control Instructions"
IO = "GA22-7000 ch.13 Input/Output Instructions"
F = "GA22-7000 ch.9 Floating-Point Instructions"
# The machine's extension beyond System/370, modelled on 370-XA's SIE.
SIE = "docs/interpretive-execution.md"


def _row(opcode: int, mnemonic: str, layout: str, operands: str, name: str,
         handler: str, section: str, flags: str = "") -> Instruction:
    return Instruction(opcode, mnemonic, layout, operands, name, handler, section,
                       privileged="P" in flags, semiprivileged="Q" in flags,
                       floating_point=section is F)


TABLE: tuple[Instruction, ...] = (
    # --- General instructions (chapter 7) -----------------------------------
    _row(0x04, "SPM", "RR", "R1", "SET PROGRAM MASK", "set_program_mask", G),
    _row(0x05, "BALR", "RR", "R1,R2", "BRANCH AND LINK", "branch_and_link_register", G),
    _row(0x06, "BCTR", "RR", "R1,R2", "BRANCH ON COUNT", "branch_on_count_register", G),
    _row(0x07, "BCR", "RR", "M1,R2", "BRANCH ON CONDITION", "branch_on_condition_register", G),
    _row(0x0A, "SVC", "RR", "I", "SUPERVISOR CALL", "supervisor_call", G),
    _row(0x0D, "BASR", "RR", "R1,R2", "BRANCH AND SAVE", "branch_and_save_register", G),
    _row(0x0E, "MVCL", "RR", "R1,R2", "MOVE LONG", "move_long", G),
    _row(0x0F, "CLCL", "RR", "R1,R2", "COMPARE LOGICAL LONG", "compare_logical_long", G),
    _row(0x10, "LPR", "RR", "R1,R2", "LOAD POSITIVE", "load_positive_register", G),
    _row(0x11, "LNR", "RR", "R1,R2", "LOAD NEGATIVE", "load_negative_register", G),
    _row(0x12, "LTR", "RR", "R1,R2", "LOAD AND TEST", "load_and_test_register", G),
    _row(0x13, "LCR", "RR", "R1,R2", "LOAD COMPLEMENT", "load_complement_register", G),
    _row(0x14, "NR", "RR", "R1,R2", "AND", "and_register", G),
    _row(0x15, "CLR", "RR", "R1,R2", "COMPARE LOGICAL", "compare_logical_register", G),
    _row(0x16, "OR", "RR", "R1,R2", "OR", "or_register", G),
    _row(0x17, "XR", "RR", "R1,R2", "EXCLUSIVE OR", "exclusive_or_register", G),
    _row(0x18, "LR", "RR", "R1,R2", "LOAD", "load_register", G),
    _row(0x19, "CR", "RR", "R1,R2", "COMPARE", "compare_register", G),
    _row(0x1A, "AR", "RR", "R1,R2", "ADD", "add_register", G),
    _row(0x1B, "SR", "RR", "R1,R2", "SUBTRACT", "subtract_register", G),
    _row(0x1C, "MR", "RR", "R1,R2", "MULTIPLY", "multiply_register", G),
    _row(0x1D, "DR", "RR", "R1,R2", "DIVIDE", "divide_register", G),
    _row(0x1E, "ALR", "RR", "R1,R2", "ADD LOGICAL", "add_logical_register", G),
    _row(0x1F, "SLR", "RR", "R1,R2", "SUBTRACT LOGICAL", "subtract_logical_register", G),
    _row(0x40, "STH", "RX", "R1,D2(X2,B2)", "STORE HALFWORD", "store_halfword", G),
    _row(0x41, "LA", "RX", "R1,D2(X2,B2)", "LOAD ADDRESS", "load_address", G),
    _row(0x42, "STC", "RX", "R1,D2(X2,B2)", "STORE CHARACTER", "store_character", G),
    _row(0x43, "IC", "RX", "R1,D2(X2,B2)", "INSERT CHARACTER", "insert_character", G),
    _row(0x44, "EX", "RX", "R1,D2(X2,B2)", "EXECUTE", "execute", G),
    _row(0x45, "BAL", "RX", "R1,D2(X2,B2)", "BRANCH AND LINK", "branch_and_link", G),
    _row(0x46, "BCT", "RX", "R1,D2(X2,B2)", "BRANCH ON COUNT", "branch_on_count", G),
    _row(0x47, "BC", "RX", "M1,D2(X2,B2)", "BRANCH ON CONDITION", "branch_on_condition", G),
    _row(0x48, "LH", "RX", "R1,D2(X2,B2)", "LOAD HALFWORD", "load_halfword", G),
    _row(0x49, "CH", "RX", "R1,D2(X2,B2)", "COMPARE HALFWORD", "compare_halfword", G),
    _row(0x4A, "AH", "RX", "R1,D2(X2,B2)", "ADD HALFWORD", "add_halfword", G),
    _row(0x4B, "SH", "RX", "R1,D2(X2,B2)", "SUBTRACT HALFWORD", "subtract_halfword", G),
    _row(0x4C, "MH", "RX", "R1,D2(X2,B2)", "MULTIPLY HALFWORD", "multiply_halfword", G),
    _row(0x4D, "BAS", "RX", "R1,D2(X2,B2)", "BRANCH AND SAVE", "branch_and_save", G),
    _row(0x4E, "CVD", "RX", "R1,D2(X2,B2)", "CONVERT TO DECIMAL", "convert_to_decimal", G),
    _row(0x4F, "CVB", "RX", "R1,D2(X2,B2)", "CONVERT TO BINARY", "convert_to_binary", G),
    _row(0x50, "ST", "RX", "R1,D2(X2,B2)", "STORE", "store", G),
    _row(0x54, "N", "RX", "R1,D2(X2,B2)", "AND", "and_", G),
    _row(0x55, "CL", "RX", "R1,D2(X2,B2)", "COMPARE LOGICAL", "compare_logical", G),
    _row(0x56, "O", "RX", "R1,D2(X2,B2)", "OR", "or_", G),
    _row(0x57, "X", "RX", "R1,D2(X2,B2)", "EXCLUSIVE OR", "exclusive_or", G),
    _row(0x58, "L", "RX", "R1,D2(X2,B2)", "LOAD", "load", G),
    _row(0x59, "C", "RX", "R1,D2(X2,B2)", "COMPARE", "compare", G),
    _row(0x5A, "A", "RX", "R1,D2(X2,B2)", "ADD", "add", G),
    _row(0x5B, "S", "RX", "R1,D2(X2,B2)", "SUBTRACT", "subtract", G),
    _row(0x5C, "M", "RX", "R1,D2(X2,B2)", "MULTIPLY", "multiply", G),
    _row(0x5D, "D", "RX", "R1,D2(X2,B2)", "DIVIDE", "divide", G),
    _row(0x5E, "AL", "RX", "R1,D2(X2,B2)", "ADD LOGICAL", "add_logical", G),
    _row(0x5F, "SL", "RX", "R1,D2(X2,B2)", "SUBTRACT LOGICAL", "subtract_logical", G),
    _row(0x86, "BXH", "RS", "R1,R3,D2(B2)", "BRANCH ON INDEX HIGH", "branch_on_index_high", G),
    _row(0x87, "BXLE", "RS", "R1,R3,D2(B2)", "BRANCH ON INDEX LOW OR EQUAL",
         "branch_on_index_low_or_equal", G),
    _row(0x88, "SRL", "RS", "R1,D2(B2)", "SHIFT RIGHT SINGLE LOGICAL",
         "shift_right_single_logical", G),
    _row(0x89, "SLL", "RS", "R1,D2(B2)", "SHIFT LEFT SINGLE LOGICAL",
         "shift_left_single_logical", G),
    _row(0x8A, "SRA", "RS", "R1,D2(B2)", "SHIFT RIGHT SINGLE", "shift_right_single", G),
    _row(0x8B, "SLA", "RS", "R1,D2(B2)", "SHIFT LEFT SINGLE", "shift_left_single", G),
    _row(0x8C, "SRDL", "RS", "R1,D2(B2)", "SHIFT RIGHT DOUBLE LOGICAL",
         "shift_right_double_logical", G),
    _row(0x8D, "SLDL", "RS", "R1,D2(B2)", "SHIFT LEFT DOUBLE LOGICAL",
         "shift_left_double_logical", G),
    _row(0x8E, "SRDA", "RS", "R1,D2(B2)", "SHIFT RIGHT DOUBLE", "shift_right_double", G),
    _row(0x8F, "SLDA", "RS", "R1,D2(B2)", "SHIFT LEFT DOUBLE", "shift_left_double", G),
    _row(0x90, "STM", "RS", "R1,R3,D2(B2)", "STORE MULTIPLE", "store_multiple", G),
    _row(0x91, "TM", "SI", "D1(B1),I2", "TEST UNDER MASK", "test_under_mask", G),
    _row(0x92, "MVI", "SI", "D1(B1),I2", "MOVE (immediate)", "move_immediate", G),
    _row(0x93, "TS", "S", "D2(B2)", "TEST AND SET", "test_and_set", G),
    _row(0x94, "NI", "SI", "D1(B1),I2", "AND (immediate)", "and_immediate", G),
    _row(0x95, "CLI", "SI", "D1(B1),I2", "COMPARE LOGICAL (immediate)",
         "compare_logical_immediate", G),
    _row(0x96, "OI", "SI", "D1(B1),I2", "OR (immediate)", "or_immediate", G),
    _row(0x97, "XI", "SI", "D1(B1),I2", "EXCLUSIVE OR (immediate)",
         "exclusive_or_immediate", G),
    _row(0x98, "LM", "RS", "R1,R3,D2(B2)", "LOAD MULTIPLE", "load_multiple", G),
    _row(0xAF, "MC", "SI", "D1(B1),I2", "MONITOR CALL", "monitor_call", G),
    _row(0xB205, "STCK", "S", "D2(B2)", "STORE CLOCK", "store_clock", G),
    _row(0xBA, "CS", "RS", "R1,R3,D2(B2)", "COMPARE AND SWAP", "compare_and_swap", G),
    _row(0xBB, "CDS", "RS", "R1,R3,D2(B2)", "COMPARE DOUBLE AND SWAP",
         "compare_double_and_swap", G),
    _row(0xBD, "CLM", "RS", "R1,M3,D2(B2)", "COMPARE LOGICAL CHARACTERS UNDER MASK",
         "compare_logical_characters_under_mask", G),
    _row(0xBE, "STCM", "RS", "R1,M3,D2(B2)", "STORE CHARACTERS UNDER MASK",
         "store_characters_under_mask", G),
    _row(0xBF, "ICM", "RS", "R1,M3,D2(B2)", "INSERT CHARACTERS UNDER MASK",
         "insert_characters_under_mask", G),
    _row(0xD1, "MVN", "SS", "D1(L,B1),D2(B2)", "MOVE NUMERICS", "move_numerics", G),
    _row(0xD2, "MVC", "SS", "D1(L,B1),D2(B2)", "MOVE (character)", "move_character", G),
    _row(0xD3, "MVZ", "SS", "D1(L,B1),D2(B2)", "MOVE ZONES", "move_zones", G),
    _row(0xD4, "NC", "SS", "D1(L,B1),D2(B2)", "AND (character)", "and_character", G),
    _row(0xD5, "CLC", "SS", "D1(L,B1),D2(B2)", "COMPARE LOGICAL (character)",
         "compare_logical_character", G),
    _row(0xD6, "OC", "SS", "D1(L,B1),D2(B2)", "OR (character)", "or_character", G),
    _row(0xD7, "XC", "SS", "D1(L,B1),D2(B2)", "EXCLUSIVE OR (character)",
         "exclusive_or_character", G),
    _row(0xDC, "TR", "SS", "D1(L,B1),D2(B2)", "TRANSLATE", "translate", G),
    _row(0xDD, "TRT", "SS", "D1(L,B1),D2(B2)", "TRANSLATE AND TEST", "translate_and_test", G),
    _row(0xF1, "MVO", "SS2", "D1(L1,B1),D2(L2,B2)", "MOVE WITH OFFSET", "move_with_offset", G),
    _row(0xF2, "PACK", "SS2", "D1(L1,B1),D2(L2,B2)", "PACK", "pack", G),
    _row(0xF3, "UNPK", "SS2", "D1(L1,B1),D2(L2,B2)", "UNPACK", "unpack", G),
    # --- Decimal instructions (chapter 8) -----------------------------------
    _row(0xDE, "ED", "SS", "D1(L,B1),D2(B2)", "EDIT", "edit", D),
    _row(0xDF, "EDMK", "SS", "D1(L,B1),D2(B2)", "EDIT AND MARK", "edit_and_mark", D),
    _row(0xF0, "SRP", "SS2", "D1(L1,B1),D2(B2),I3", "SHIFT AND ROUND DECIMAL",
         "shift_and_round_decimal", D),
    _row(0xF8, "ZAP", "SS2", "D1(L1,B1),D2(L2,B2)", "ZERO AND ADD", "zero_and_add", D),
    _row(0xF9, "CP", "SS2", "D1(L1,B1),D2(L2,B2)", "COMPARE DECIMAL", "compare_decimal", D),
    _row(0xFA, "AP", "SS2", "D1(L1,B1),D2(L2,B2)", "ADD DECIMAL", "add_decimal", D),
    _row(0xFB, "SP", "SS2", "D1(L1,B1),D2(L2,B2)", "SUBTRACT DECIMAL", "subtract_decimal", D),
    _row(0xFC, "MP", "SS2", "D1(L1,B1),D2(L2,B2)", "MULTIPLY DECIMAL", "multiply_decimal", D),
    _row(0xFD, "DP", "SS2", "D1(L1,B1),D2(L2,B2)", "DIVIDE DECIMAL", "divide_decimal", D),
    # --- Floating-point instructions (chapter 9) ----------------------------
    _row(0x20, "LPDR", "RR", "R1,R2", "LOAD POSITIVE (long)",
         "load_positive_long_register", F),
    _row(0x21, "LNDR", "RR", "R1,R2", "LOAD NEGATIVE (long)",
         "load_negative_long_register", F),
    _row(0x22, "LTDR", "RR", "R1,R2", "LOAD AND TEST (long)",
         "load_and_test_long_register", F),
    _row(0x23, "LCDR", "RR", "R1,R2", "LOAD COMPLEMENT (long)",
         "load_complement_long_register", F),
    _row(0x24, "HDR", "RR", "R1,R2", "HALVE (long)", "halve_long_register", F),
    _row(0x25, "LRDR", "RR", "R1,R2", "LOAD ROUNDED (extended to long)",
         "load_rounded_extended_to_long_register", F),
    _row(0x26, "MXR", "RR", "R1,R2", "MULTIPLY (extended)", "multiply_extended_register", F),
    _row(0x27, "MXDR", "RR", "R1,R2", "MULTIPLY (long to extended)",
         "multiply_long_to_extended_register", F),
    _row(0x28, "LDR", "RR", "R1,R2", "LOAD (long)", "load_long_register", F),
    _row(0x29, "CDR", "RR", "R1,R2", "COMPARE (long)", "compare_long_register", F),
    _row(0x2A, "ADR", "RR", "R1,R2", "ADD NORMALIZED (long)",
         "add_normalized_long_register", F),
    _row(0x2B, "SDR", "RR", "R1,R2", "SUBTRACT NORMALIZED (long)",
         "subtract_normalized_long_register", F),
    _row(0x2C, "MDR", "RR", "R1,R2", "MULTIPLY (long)", "multiply_long_register", F),
    _row(0x2D, "DDR", "RR", "R1,R2", "DIVIDE (long)", "divide_long_register", F),
    _row(0x2E, "AWR", "RR", "R1,R2", "ADD UNNORMALIZED (long)",
         "add_unnormalized_long_register", F),
    _row(0x2F, "SWR", "RR", "R1,R2", "SUBTRACT UNNORMALIZED (long)",
         "subtract_unnormalized_long_register", F),
    _row(0x30, "LPER", "RR", "R1,R2", "LOAD POSITIVE (short)",
         "load_positive_short_register", F),
    _row(0x31, "LNER", "RR", "R1,R2", "LOAD NEGATIVE (short)",
         "load_negative_short_register", F),
    _row(0x32, "LTER", "RR", "R1,R2", "LOAD AND TEST (short)",
         "load_and_test_short_register", F),
    _row(0x33, "LCER", "RR", "R1,R2", "LOAD COMPLEMENT (short)",
         "load_complement_short_register", F),
    _row(0x34, "HER", "RR", "R1,R2", "HALVE (short)", "halve_short_register", F),
    _row(0x35, "LRER", "RR", "R1,R2", "LOAD ROUNDED (long to short)",
         "load_rounded_long_to_short_register", F),
    _row(0x36, "AXR", "RR", "R1,R2", "ADD NORMALIZED (extended)",
         "add_normalized_extended_register", F),
    _row(0x37, "SXR", "RR", "R1,R2", "SUBTRACT NORMALIZED (extended)",
         "subtract_normalized_extended_register", F),
    _row(0x38, "LER", "RR", "R1,R2", "LOAD (short)", "load_short_register", F),
    _row(0x39, "CER", "RR", "R1,R2", "COMPARE (short)", "compare_short_register", F),
    _row(0x3A, "AER", "RR", "R1,R2", "ADD NORMALIZED (short)",
         "add_normalized_short_register", F),
    _row(0x3B, "SER", "RR", "R1,R2", "SUBTRACT NORMALIZED (short)",
         "subtract_normalized_short_register", F),
    _row(0x3C, "MER", "RR", "R1,R2", "MULTIPLY (short to long)",
         "multiply_short_to_long_register", F),
    _row(0x3D, "DER", "RR", "R1,R2", "DIVIDE (short)", "divide_short_register", F),
    _row(0x3E, "AUR", "RR", "R1,R2", "ADD UNNORMALIZED (short)",
         "add_unnormalized_short_register", F),
    _row(0x3F, "SUR", "RR", "R1,R2", "SUBTRACT UNNORMALIZED (short)",
         "subtract_unnormalized_short_register", F),
    _row(0x60, "STD", "RX", "R1,D2(X2,B2)", "STORE (long)", "store_long", F),
    _row(0x67, "MXD", "RX", "R1,D2(X2,B2)", "MULTIPLY (long to extended)",
         "multiply_long_to_extended", F),
    _row(0x68, "LD", "RX", "R1,D2(X2,B2)", "LOAD (long)", "load_long", F),
    _row(0x69, "CD", "RX", "R1,D2(X2,B2)", "COMPARE (long)", "compare_long", F),
    _row(0x6A, "AD", "RX", "R1,D2(X2,B2)", "ADD NORMALIZED (long)", "add_normalized_long", F),
    _row(0x6B, "SD", "RX", "R1,D2(X2,B2)", "SUBTRACT NORMALIZED (long)",
         "subtract_normalized_long", F),
    _row(0x6C, "MD", "RX", "R1,D2(X2,B2)", "MULTIPLY (long)", "multiply_long", F),
    _row(0x6D, "DD", "RX", "R1,D2(X2,B2)", "DIVIDE (long)", "divide_long", F),
    _row(0x6E, "AW", "RX", "R1,D2(X2,B2)", "ADD UNNORMALIZED (long)",
         "add_unnormalized_long", F),
    _row(0x6F, "SW", "RX", "R1,D2(X2,B2)", "SUBTRACT UNNORMALIZED (long)",
         "subtract_unnormalized_long", F),
    _row(0x70, "STE", "RX", "R1,D2(X2,B2)", "STORE (short)", "store_short", F),
    _row(0x78, "LE", "RX", "R1,D2(X2,B2)", "LOAD (short)", "load_short", F),
    _row(0x79, "CE", "RX", "R1,D2(X2,B2)", "COMPARE (short)", "compare_short", F),
    _row(0x7A, "AE", "RX", "R1,D2(X2,B2)", "ADD NORMALIZED (short)",
         "add_normalized_short", F),
    _row(0x7B, "SE", "RX", "R1,D2(X2,B2)", "SUBTRACT NORMALIZED (short)",
         "subtract_normalized_short", F),
    _row(0x7C, "ME", "RX", "R1,D2(X2,B2)", "MULTIPLY (short to long)",
         "multiply_short_to_long", F),
    _row(0x7D, "DE", "RX", "R1,D2(X2,B2)", "DIVIDE (short)", "divide_short", F),
    _row(0x7E, "AU", "RX", "R1,D2(X2,B2)", "ADD UNNORMALIZED (short)",
         "add_unnormalized_short", F),
    _row(0x7F, "SU", "RX", "R1,D2(X2,B2)", "SUBTRACT UNNORMALIZED (short)",
         "subtract_unnormalized_short", F),
    # --- Control instructions (chapter 10) ----------------------------------
    _row(0x08, "SSK", "RR", "R1,R2", "SET STORAGE KEY", "set_storage_key", C, "P"),
    _row(0x09, "ISK", "RR", "R1,R2", "INSERT STORAGE KEY", "insert_storage_key", C, "P"),
    _row(0x80, "SSM", "S", "D2(B2)", "SET SYSTEM MASK", "set_system_mask", C, "P"),
    _row(0x82, "LPSW", "S", "D2(B2)", "LOAD PSW", "load_psw", C, "P"),
    _row(0x83, "DIAG", "RS", "R1,R3,D2(B2)", "DIAGNOSE", "diagnose", C, "P"),
    _row(0xAC, "STNSM", "SI", "D1(B1),I2", "STORE THEN AND SYSTEM MASK",
         "store_then_and_system_mask", C, "P"),
    _row(0xAD, "STOSM", "SI", "D1(B1),I2", "STORE THEN OR SYSTEM MASK",
         "store_then_or_system_mask", C, "P"),
    _row(0xAE, "SIGP", "RS", "R1,R3,D2(B2)", "SIGNAL PROCESSOR", "signal_processor", C, "P"),
    _row(0xB1, "LRA", "RX", "R1,D2(X2,B2)", "LOAD REAL ADDRESS", "load_real_address", C, "P"),
    _row(0xB6, "STCTL", "RS", "R1,R3,D2(B2)", "STORE CONTROL", "store_control", C, "P"),
    _row(0xB7, "LCTL", "RS", "R1,R3,D2(B2)", "LOAD CONTROL", "load_control", C, "P"),
    _row(0xB202, "STIDP", "S", "D2(B2)", "STORE CPU ID", "store_cpu_id", C, "P"),
    _row(0xB204, "SCK", "S", "D2(B2)", "SET CLOCK", "set_clock", C, "P"),
    _row(0xB206, "SCKC", "S", "D2(B2)", "SET CLOCK COMPARATOR", "set_clock_comparator", C, "P"),
    _row(0xB207, "STCKC", "S", "D2(B2)", "STORE CLOCK COMPARATOR",
         "store_clock_comparator", C, "P"),
    _row(0xB208, "SPT", "S", "D2(B2)", "SET CPU TIMER", "set_cpu_timer", C, "P"),
    _row(0xB209, "STPT", "S", "D2(B2)", "STORE CPU TIMER", "store_cpu_timer", C, "P"),
    _row(0xB20A, "SPKA", "S", "D2(B2)", "SET PSW KEY FROM ADDRESS",
         "set_psw_key_from_address", C, "Q"),
    _row(0xB20B, "IPK", "S", "", "INSERT PSW KEY", "insert_psw_key", C, "Q"),
    _row(0xB20D, "PTLB", "S", "", "PURGE TLB", "purge_tlb", C, "P"),
    _row(0xB210, "SPX", "S", "D2(B2)", "SET PREFIX", "set_prefix", C, "P"),
    _row(0xB211, "STPX", "S", "D2(B2)", "STORE PREFIX", "store_prefix", C, "P"),
    _row(0xB212, "STAP", "S", "D2(B2)", "STORE CPU ADDRESS", "store_cpu_address", C, "P"),
    _row(0xB213, "RRB", "S", "D2(B2)", "RESET REFERENCE BIT", "reset_reference_bit", C, "P"),
    _row(0xB214, "SIE", "S", "D2(B2)", "START INTERPRETIVE EXECUTION",
         "start_interpretive_execution", SIE, "P"),
    _row(0xB221, "IPTE", "RRE", "R1,R2", "INVALIDATE PAGE TABLE ENTRY",
         "invalidate_page_table_entry", C, "P"),
    _row(0xD9, "MVCK", "SS2", "D1(R1,B1),D2(B2),R3", "MOVE WITH KEY", "move_with_key", C, "Q"),
    _row(0xDA, "MVCP", "SS2", "D1(R1,B1),D2(B2),R3", "MOVE TO PRIMARY", "move_to_primary", C,
         "Q"),
    _row(0xDB, "MVCS", "SS2", "D1(R1,B1),D2(B2),R3", "MOVE TO SECONDARY", "move_to_secondary",
         C, "Q"),
    _row(0xE501, "TPROT", "SSE", "D1(B1),D2(B2)", "TEST PROTECTION", "test_protection", C, "P"),
    # --- Input/output instructions (chapter 13) -----------------------------
    _row(0x9C00, "SIO", "S", "D2(B2)", "START I/O", "start_io", IO, "P"),
    _row(0x9C01, "SIOF", "S", "D2(B2)", "START I/O FAST RELEASE", "start_io_fast_release",
         IO, "P"),
    _row(0x9D00, "TIO", "S", "D2(B2)", "TEST I/O", "test_io", IO, "P"),
    _row(0x9D01, "CLRIO", "S", "D2(B2)", "CLEAR I/O", "clear_io", IO, "P"),
    _row(0x9E00, "HIO", "S", "D2(B2)", "HALT I/O", "halt_io", IO, "P"),
    _row(0x9E01, "HDV", "S", "D2(B2)", "HALT DEVICE", "halt_device", IO, "P"),
    _row(0x9F00, "TCH", "S", "D2(B2)", "TEST CHANNEL", "test_channel", IO, "P"),
    _row(0xB203, "STIDC", "S", "D2(B2)", "STORE CHANNEL ID", "store_channel_id", IO, "P"),
)


BY_MNEMONIC: dict[str, Instruction] = {row.mnemonic: row for row in TABLE}
BY_OPCODE: dict[int, Instruction] = {row.opcode: row for row in TABLE}


def instruction_length(first_byte: int) -> int:
    """Length in bytes from bits 0-1 of the first opcode byte (GA22-7000 ch.5)."""
    return (2, 4, 4, 6)[first_byte >> 6]


def lookup(code: bytes | bytearray) -> Instruction | None:
    """The table row for the instruction whose first bytes are ``code``, or None.

    ``code`` needs two bytes for the extended opcodes (first byte B2, E5 or 9C-9F).
    """
    first = code[0]
    mask = EXTENDED_OPCODES.get(first)
    if mask is None:
        return BY_OPCODE.get(first)
    return BY_OPCODE.get((first << 8) | (code[1] & mask))


def decode_fields(layout: str, code: bytes | bytearray) -> tuple[int, ...]:
    """The operand fields of an instruction of ``layout`` (see the module text)."""
    if layout == "RR":
        return (code[1] >> 4, code[1] & 15)
    if layout == "RRE":
        return (code[3] >> 4, code[3] & 15)
    if layout in ("RX", "RS"):
        return (code[1] >> 4, code[1] & 15, code[2] >> 4, ((code[2] & 15) << 8) | code[3])
    if layout == "SI":
        return (code[1], code[2] >> 4, ((code[2] & 15) << 8) | code[3])
    if layout == "S":
        return (code[2] >> 4, ((code[2] & 15) << 8) | code[3])
    if layout == "SS":
        return (code[1], code[2] >> 4, ((code[2] & 15) << 8) | code[3],
                code[4] >> 4, ((code[4] & 15) << 8) | code[5])
    if layout == "SS2":
        return (code[1] >> 4, code[1] & 15, code[2] >> 4, ((code[2] & 15) << 8) | code[3],
                code[4] >> 4, ((code[4] & 15) << 8) | code[5])
    if layout == "SSE":
        return (code[2] >> 4, ((code[2] & 15) << 8) | code[3],
                code[4] >> 4, ((code[4] & 15) << 8) | code[5])
    raise ValueError(f"unknown layout {layout!r}")


def encode(row: Instruction, fields: tuple[int, ...]) -> bytes:
    """The bytes of ``row`` with operand ``fields`` (the inverse of decode_fields).

    Ignored bit positions (8-15 of S-layout one-byte opcodes, 16-23 of RRE) are
    encoded as zeros.
    """
    op = row.opcode
    lay = row.layout
    two_byte_op = op > 0xFF
    head = op.to_bytes(2, "big") if two_byte_op else bytes([op])
    if lay == "RR":
        r1, r2 = fields
        return bytes([op, (r1 << 4) | r2])
    if lay == "RRE":
        r1, r2 = fields
        return head + bytes([0, (r1 << 4) | r2])
    if lay in ("RX", "RS"):
        a, b, base, disp = fields
        return bytes([op, (a << 4) | b, (base << 4) | (disp >> 8), disp & 0xFF])
    if lay == "SI":
        i2, b1, d1 = fields
        return bytes([op, i2, (b1 << 4) | (d1 >> 8), d1 & 0xFF])
    if lay == "S":
        b2, d2 = fields
        if not two_byte_op:
            head = bytes([op, 0])
        return head + bytes([(b2 << 4) | (d2 >> 8), d2 & 0xFF])
    if lay == "SS":
        ln, b1, d1, b2, d2 = fields
        return bytes([op, ln, (b1 << 4) | (d1 >> 8), d1 & 0xFF, (b2 << 4) | (d2 >> 8),
                      d2 & 0xFF])
    if lay == "SS2":
        a, b, b1, d1, b2, d2 = fields
        return bytes([op, (a << 4) | b, (b1 << 4) | (d1 >> 8), d1 & 0xFF,
                      (b2 << 4) | (d2 >> 8), d2 & 0xFF])
    if lay == "SSE":
        b1, d1, b2, d2 = fields
        return head + bytes([(b1 << 4) | (d1 >> 8), d1 & 0xFF, (b2 << 4) | (d2 >> 8),
                             d2 & 0xFF])
    raise ValueError(f"unknown layout {lay!r}")


# Extended mnemonics (GA22-7000 appendix; HLASM): branch on condition with a fixed mask.
# name -> (base mnemonic, mask)
EXTENDED_MNEMONICS: dict[str, tuple[str, int]] = {}
for _suffix, _mask in (("", 15), ("NOP", 0), ("H", 2), ("L", 4), ("E", 8), ("NH", 13),
                       ("NL", 11), ("NE", 7), ("O", 1), ("NO", 14), ("P", 2), ("M", 4),
                       ("Z", 8), ("NP", 13), ("NM", 11), ("NZ", 7)):
    if _suffix == "NOP":
        EXTENDED_MNEMONICS["NOP"] = ("BC", 0)
        EXTENDED_MNEMONICS["NOPR"] = ("BCR", 0)
        continue
    EXTENDED_MNEMONICS["B" + _suffix] = ("BC", _mask)
    EXTENDED_MNEMONICS["B" + _suffix + "R"] = ("BCR", _mask)
