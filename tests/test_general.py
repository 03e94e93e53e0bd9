"""Tests of the general instructions (GA22-7000 chapter 7):
reference/machine/instructions/general.py.

Every expected value is worked out by hand from the Principles of Operation; the
arithmetic is written next to it.  Programs run through the machine's run loop
(``run``) so that exceptions go through a real program interruption: the
program-new PSW is a disabled wait, so the first program check stops the run, and
``check`` returns its interruption code, ILC and the old PSW's instruction
address.  Code starts at X'200'; data lives at X'800' (``D``) and X'900'
(``E``), reachable with base register 0.  The Hypothesis properties call the
handlers directly and compare with Python integer arithmetic.
"""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.arch.interrupts import FixedPointDivide, FixedPointOverflow, SpecificationException
from reference.arch.opcodes import TABLE, Instruction, decode_fields
from reference.machine.instructions import HANDLERS, general
from reference.machine.machine import Machine
from tests.support import WAIT_PSW_BC, ins, make_machine, program

PROGRAM_NEW, SVC_NEW = 0x68, 0x60
D, E = 0x800, 0x900
WAIT = WAIT_PSW_BC.to_bytes(8, "big")
MAX_NEG = 0x80000000
M32 = 0xFFFFFFFF


def run(items: list[tuple[str, tuple[int, ...]]], *, regs: dict[int, int] | None = None,
        data: dict[int, bytes] | None = None, cc: int = 0, pm: int = 0,
        steps: int | None = None, cr: dict[int, int] | None = None,
        keys: dict[int, int] | None = None, **kw: object) -> Machine:
    """Run ``items`` from X'200' for ``steps`` instructions (default: one each).

    The PSW is left as the program left it (no final LPSW), so the condition
    code and program mask can be inspected."""
    blobs = {PROGRAM_NEW: WAIT, SVC_NEW: WAIT}
    blobs.update(data or {})
    m = make_machine(program(items), data=blobs, end=False, **kw)  # type: ignore[arg-type]
    for r, v in (regs or {}).items():
        m.gpr[r] = v
    for r, v in (cr or {}).items():
        m.cr[r] = v
    for block, key in (keys or {}).items():
        m.keys[block] = key
    m.cc = cc
    m.program_mask = pm
    m.interruption_log = []
    m.run(len(items) if steps is None else steps)
    return m


def check(m: Machine) -> tuple[int, int, int] | None:
    """(code, ILC, old-PSW instruction address) of the first program interruption."""
    assert m.interruption_log is not None
    for rec in m.interruption_log:
        if rec.kind == "program":
            return rec.code, rec.ilc, rec.old_psw & 0xFFFFFF
    return None


def old_cc(m: Machine) -> int:
    """The condition code in the (BC-mode) program old PSW: bits 34-35."""
    assert m.interruption_log
    return m.interruption_log[0].old_psw >> 28 & 3


def mem(m: Machine, addr: int, n: int) -> bytes:
    return bytes(m.mem[addr:addr + n])


def fresh() -> Machine:
    return Machine(64 * 1024)


def s32(v: int) -> int:
    return v - (1 << 32) if v & MAX_NEG else v


# The general instructions this module owns: section G rows except the five that
# decimal.py implements.
DECIMAL_MODULE = {"CVB", "CVD", "PACK", "UNPK", "MVO"}
GENERAL_ROWS = [row for row in TABLE if row.section.startswith("GA22-7000 ch.7")
                and row.mnemonic not in DECIMAL_MODULE]


# ===========================================================================
# The table and the module agree
# ===========================================================================

@pytest.mark.parametrize("row", GENERAL_ROWS, ids=lambda r: r.mnemonic)
def test_every_general_row_has_its_handler_in_general_py(row: Instruction) -> None:
    fn = getattr(general, row.handler)
    assert HANDLERS[row.handler] is fn
    # handler(m, *fields): one parameter per field of the layout (plus BALR's ilc).
    fields = decode_fields(row.layout, bytes(6))
    required = [p for p in inspect.signature(fn).parameters.values()
                if p.default is inspect.Parameter.empty]
    assert len(required) == 1 + len(fields)


def test_general_rows_are_exactly_the_instructions_of_this_module() -> None:
    expected = set("""SPM BALR BAL BAS BASR BCTR BCT BCR BC SVC MVCL CLCL LPR LNR LTR LCR NR N
        NI NC OR O OI OC XR X XI XC CLR CL CLI CLC CLM CR C CH AR A AH ALR AL SR S SH SLR SL
        MR M MH DR D STH STC IC ICM STCM EX LH LR L LA ST BXH BXLE SRL SLL SRA SLA SRDL SLDL
        SRDA SLDA STM LM TM MVI TS MC STCK CS CDS MVN MVC MVZ TR TRT""".split())
    assert {row.mnemonic for row in GENERAL_ROWS} == expected


# ===========================================================================
# SPM, BALR, BAL, BASR, BAS
# ===========================================================================

def test_spm_sets_cc_from_bits_2_3_and_program_mask_from_bits_4_7() -> None:
    # X'1A' = 0001 1010: bits 2-3 = 01 -> CC 1, bits 4-7 = 1010 -> mask 10.
    m = run([("SPM", (1, 0))], regs={1: 0x1A123456})
    assert (m.cc, m.program_mask) == (1, 10)
    # X'2F' = 0010 1111: CC 2, mask 15.
    m = run([("SPM", (3, 0))], regs={3: 0x2F000000}, cc=3, pm=0)
    assert (m.cc, m.program_mask) == (2, 15)


def test_balr_bc_mode_links_ilc_cc_program_mask_and_address() -> None:
    # BALR at X'200' (2 bytes): link = ILC 01 | CC 01 | mask 1001 | X'000202'
    # = 0100 0001 1001 ... = X'59000202'.
    m = run([("BALR", (14, 15))], regs={15: 0x400}, cc=1, pm=9)
    assert m.gpr[14] == 0x59000202
    assert m.ia == 0x400


def test_balr_ec_mode_links_the_same_way() -> None:
    # S/370 EC mode keeps 24-bit addresses: link = ILC 1, CC 3, mask 0 -> X'70000202'.
    m = run([("BALR", (14, 15))], regs={15: 0x400}, cc=3, ec=True)
    assert m.gpr[14] == 0x70000202
    assert m.ia == 0x400


def test_balr_with_r2_zero_links_without_branching() -> None:
    m = run([("BALR", (14, 0))], regs={0: 0x400})
    assert m.gpr[14] == 0x40000202
    assert m.ia == 0x202


def test_balr_same_register_branches_to_the_old_value() -> None:
    m = run([("BALR", (15, 15))], regs={15: 0x400})
    assert m.ia == 0x400
    assert m.gpr[15] == 0x40000202


def test_bal_links_with_ilc_2_and_branches() -> None:
    # ILC 10, CC 10, mask 0001: X'A1' then address X'204'.
    m = run([("BAL", (14, 0, 0, 0x300))], cc=2, pm=1)
    assert m.gpr[14] == 0xA1000204
    assert m.ia == 0x300


def test_basr_stores_address_with_zero_bits_0_7() -> None:
    m = run([("BASR", (14, 15))], regs={14: M32, 15: 0x400}, cc=3, pm=15)
    assert m.gpr[14] == 0x00000202
    assert m.ia == 0x400


def test_basr_with_r2_zero_does_not_branch() -> None:
    m = run([("BASR", (14, 0))], regs={0: 0x400})
    assert (m.gpr[14], m.ia) == (0x202, 0x202)


def test_bas_stores_address_and_branches() -> None:
    m = run([("BAS", (14, 0, 15, 0x10))], regs={15: 0x300}, cc=3, pm=15)
    assert (m.gpr[14], m.ia) == (0x204, 0x310)


# ===========================================================================
# BC, BCR, BCT, BCTR, BXH, BXLE
# ===========================================================================

@pytest.mark.parametrize("cc,mask,taken", [(0, 8, True), (1, 8, False), (1, 4, True),
                                           (2, 2, True), (3, 1, True), (3, 14, False),
                                           (2, 0, False)])
def test_bc_branches_when_the_mask_bit_for_the_cc_is_one(cc: int, mask: int,
                                                         taken: bool) -> None:
    m = run([("BC", (mask, 0, 0, 0x300))], cc=cc)
    assert m.ia == (0x300 if taken else 0x204)


def test_bcr_branches_to_r2_and_not_when_r2_is_zero() -> None:
    m = run([("BCR", (15, 5))], regs={5: 0x400})
    assert m.ia == 0x400
    m = run([("BCR", (15, 0))], regs={0: 0x400})
    assert m.ia == 0x202


def test_bc_branch_address_is_24_bits() -> None:
    # X'FF000300' + 0 -> X'000300'.
    m = run([("BC", (15, 0, 5, 0))], regs={5: 0xFF000300})
    assert m.ia == 0x300


def test_bct_counts_down_and_branches_while_not_zero() -> None:
    # 3 -> 2 (branch) -> 1 (branch) -> 0 (falls through).  A BCT to itself.
    m = run([("BCT", (1, 0, 0, 0x200))], regs={1: 3}, steps=3)
    assert m.gpr[1] == 0 and m.ia == 0x204


def test_bct_from_zero_wraps_to_all_ones_and_branches() -> None:
    m = run([("BCT", (1, 0, 0, 0x300))], regs={1: 0})
    assert m.gpr[1] == M32 and m.ia == 0x300


def test_bctr_with_r2_zero_decrements_without_branching() -> None:
    m = run([("BCTR", (1, 0))], regs={1: 5, 0: 0x300})
    assert m.gpr[1] == 4 and m.ia == 0x202


def test_bctr_branch_address_is_taken_before_the_decrement() -> None:
    # BCTR 1,1 with R1 = X'400': the count becomes X'3FF' (not zero) and the
    # branch goes to the original X'400'.
    m = run([("BCTR", (1, 1))], regs={1: 0x400})
    assert m.gpr[1] == 0x3FF and m.ia == 0x400


def test_bxh_adds_increment_and_branches_when_high() -> None:
    # R1 10 + R2 (-1) = 9; compare value R3 (R2 even -> R2+1) = 0; 9 > 0: branch.
    m = run([("BXH", (1, 2, 0, 0x300))], regs={1: 10, 2: M32, 3: 0})
    assert m.gpr[1] == 9 and m.ia == 0x300
    # 1 + (-1) = 0, not > 0: no branch.
    m = run([("BXH", (1, 2, 0, 0x300))], regs={1: 1, 2: M32, 3: 0})
    assert m.gpr[1] == 0 and m.ia == 0x204


def test_bxle_with_odd_r3_uses_r3_as_increment_and_compare_value() -> None:
    # R3 = 5: 0 + 5 = 5 <= 5 branch; then 5 + 5 = 10 > 5 no branch.
    m = run([("BXLE", (1, 3, 0, 0x200))], regs={1: 0, 3: 5}, steps=2)
    assert m.gpr[1] == 10 and m.ia == 0x204


def test_bxh_compare_value_is_taken_before_the_addition() -> None:
    # BXH 3,2: R1 = R3 is also the compare register (R2 even -> R3).  R3 = 4,
    # increment R2 = 1: sum 5 compared with the old 4: 5 > 4, branch.
    m = run([("BXH", (3, 2, 0, 0x300))], regs={2: 1, 3: 4})
    assert m.gpr[3] == 5 and m.ia == 0x300


def test_bxle_compares_signed() -> None:
    # R1 = X'7FFFFFFF' + 1 = X'80000000' (overflow ignored) = -2**31 <= 0: branch.
    m = run([("BXLE", (1, 2, 0, 0x300))], regs={1: 0x7FFFFFFF, 2: 1, 3: 0})
    assert m.gpr[1] == MAX_NEG and m.ia == 0x300 and check(m) is None


# ===========================================================================
# SVC
# ===========================================================================

def test_svc_interruption_code_is_bits_8_15() -> None:
    m = run([("SVC", (1, 2))])
    assert m.interruption_log is not None
    rec = m.interruption_log[0]
    assert (rec.kind, rec.code, rec.ilc) == ("svc", 0x12, 1)
    # The SVC old PSW (BC mode) at X'20' carries code X'0012' and the address X'202'.
    assert mem(m, 0x22, 2) == b"\x00\x12"
    assert int.from_bytes(mem(m, 0x25, 3), "big") == 0x202


# ===========================================================================
# EX
# ===========================================================================

def test_ex_ors_r1_bits_24_31_into_the_length_of_an_mvc() -> None:
    # Target MVC D(1),E: L = 0 | 3 = 3 -> 4 bytes.  EX at X'200', target at X'300'.
    target = ins("MVC", 0, 0, D, 0, E)
    m = run([("EX", (1, 0, 0, 0x300))], regs={1: 0xFFFFFF03},
            data={0x300: target, E: b"ABCDEFG", D: b"......."})
    assert mem(m, D, 7) == b"ABCD..."
    assert m.ia == 0x204
    assert mem(m, 0x300, 6) == target  # only the copy was modified


def test_ex_with_r1_zero_does_not_modify_the_target() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], regs={0: 3},
            data={0x300: ins("MVC", 0, 0, D, 0, E), E: b"ABCD", D: b"...."})
    assert mem(m, D, 4) == b"A..."


def test_ex_of_balr_links_with_the_ilc_of_ex_and_the_address_after_ex() -> None:
    # ILC 2 (10), CC 1 (01), mask 0 -> X'90', address X'204'.
    m = run([("EX", (0, 0, 0, 0x300))], regs={15: 0x400}, cc=1,
            data={0x300: ins("BALR", 14, 15)})
    assert m.gpr[14] == 0x90000204
    assert m.ia == 0x400


def test_ex_of_a_branch_replaces_the_instruction_address() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], regs={15: 0x480},
            data={0x300: ins("BCR", 15, 15)})
    assert m.ia == 0x480


def test_ex_of_a_branch_not_taken_continues_after_ex() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], regs={15: 0x480}, cc=0,
            data={0x300: ins("BCR", 4, 15)})
    assert m.ia == 0x204


def test_ex_target_at_odd_address_is_specification_exception() -> None:
    m = run([("EX", (0, 0, 0, 0x301))])
    assert check(m) == (6, 2, 0x204)


def test_ex_of_ex_is_an_execute_exception() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], data={0x300: ins("EX", 0, 0, 0, 0x308)})
    assert check(m) == (3, 2, 0x204)


def test_ex_of_an_unassigned_opcode_is_an_operation_exception() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], data={0x300: b"\x00\x00"})
    assert check(m) == (1, 2, 0x204)


def test_ex_or_reaches_the_second_opcode_byte_of_a_b2_instruction() -> None:
    # Target X'B200 0800' is unassigned; ORing X'05' into bits 8-15 makes it
    # X'B205': STORE CLOCK at X'800', which sets CC 0.
    m = run([("EX", (1, 0, 0, 0x300))], regs={1: 5}, cc=3,
            data={0x300: bytes.fromhex("B2000800"), D: bytes(8)})
    assert check(m) is None and m.cc == 0
    assert mem(m, D, 8) != bytes(8)


def test_ex_of_an_unassigned_b2_opcode_is_an_operation_exception() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], data={0x300: bytes.fromhex("B2FF0800")})
    assert check(m) == (1, 2, 0x204)


def test_ex_target_exception_reports_the_ilc_of_ex() -> None:
    # AR overflow with the fixed-point-overflow mask on: code 8, ILC of EX = 2.
    m = run([("EX", (0, 0, 0, 0x300))], regs={1: 0x7FFFFFFF, 2: 1}, pm=8,
            data={0x300: ins("AR", 1, 2)})
    assert check(m) == (8, 2, 0x204)
    assert m.gpr[1] == MAX_NEG


def test_ex_of_svc_gives_svc_ilc_2_and_the_ored_number() -> None:
    # SVC X'05' with R1 bits 24-31 = X'03' ORed: X'07'.
    m = run([("EX", (1, 0, 0, 0x300))], regs={1: 3}, data={0x300: ins("SVC", 0, 5)})
    assert m.interruption_log is not None
    rec = m.interruption_log[0]
    assert (rec.kind, rec.code, rec.ilc) == ("svc", 7, 2)


def test_ex_of_privileged_instruction_in_problem_state() -> None:
    m = run([("EX", (0, 0, 0, 0x300))], problem=True,
            data={0x300: ins("LPSW", 0, 0x1F0)})
    assert check(m) == (2, 2, 0x204)


def test_ex_target_beyond_storage_is_an_addressing_exception() -> None:
    m = run([("EX", (0, 0, 5, 0))], regs={5: 0x20000})
    assert check(m) == (5, 2, 0x204)


def test_ex_target_fetch_is_key_controlled() -> None:
    # Block 1 (X'800') has key 3 with fetch protection; PSW key 2: protection.
    m = run([("EX", (0, 0, 0, D))], key=2, keys={1: 0x38},
            data={D: ins("LR", 1, 2)})
    assert check(m) == (4, 2, 0x204)


# ===========================================================================
# Loads and stores
# ===========================================================================

def test_lr_l_st_la_basics() -> None:
    m = run([("LR", (1, 2)), ("L", (3, 0, 0, D)), ("ST", (3, 0, 0, D + 4)),
             ("LA", (4, 5, 6, 0x10))],
            regs={2: 0xDEADBEEF, 5: 0x100, 6: 0xFF000020},
            data={D: b"\x12\x34\x56\x78"})
    assert m.gpr[1] == 0xDEADBEEF
    assert m.gpr[3] == 0x12345678
    assert mem(m, D + 4, 4) == b"\x12\x34\x56\x78"
    # X'100' + X'FF000020' + X'10' = X'FF000130' -> 24 bits: X'000130'.
    assert m.gpr[4] == 0x130


def test_l_with_unaligned_operand_is_allowed() -> None:
    m = run([("L", (3, 0, 0, D + 1))], data={D: b"\x00\x11\x22\x33\x44"})
    assert m.gpr[3] == 0x11223344 and check(m) is None


def test_l_beyond_storage_is_addressing_exception_and_r1_unchanged() -> None:
    m = run([("L", (3, 0, 5, 0))], regs={3: 7, 5: 0x10000})
    assert check(m) == (5, 2, 0x204)
    assert m.gpr[3] == 7


def test_st_into_protected_storage_is_protection_and_stores_nothing() -> None:
    m = run([("ST", (3, 0, 0, D))], regs={3: M32}, key=2)
    assert check(m) == (4, 2, 0x204)
    assert mem(m, D, 4) == bytes(4)


def test_st_across_a_block_into_protected_storage_stores_nothing() -> None:
    # X'FFE'-X'1001': block 1 key 2 (writable), block 2 key 0 (protected).
    m = run([("ST", (3, 0, 0, 0xFFE))], regs={3: M32}, key=2, keys={1: 0x20})
    assert check(m) == (4, 2, 0x204)
    assert mem(m, 0xFFE, 2) == bytes(2)


def test_lh_propagates_the_sign() -> None:
    m = run([("LH", (1, 0, 0, D)), ("LH", (2, 0, 0, D + 2))],
            data={D: b"\x80\x01\x7f\xff"})
    assert m.gpr[1] == 0xFFFF8001
    assert m.gpr[2] == 0x00007FFF


def test_sth_and_stc_store_the_low_bits() -> None:
    m = run([("STH", (1, 0, 0, D)), ("STC", (1, 0, 0, D + 2))], regs={1: 0x12345678},
            data={D: b"...."})
    assert mem(m, D, 4) == b"\x56\x78\x78."


def test_ic_replaces_bits_24_31_only() -> None:
    m = run([("IC", (1, 0, 0, D))], regs={1: 0xAABBCCDD}, data={D: b"\x11"}, cc=2)
    assert m.gpr[1] == 0xAABBCC11 and m.cc == 2


def test_stm_and_lm_wrap_from_r15_to_r0() -> None:
    regs = {14: 0x0E0E0E0E, 15: 0x0F0F0F0F, 0: 0x00000001, 1: 0x11111111}
    m = run([("STM", (14, 1, 0, D))], regs=regs)
    assert mem(m, D, 16) == bytes.fromhex("0E0E0E0E0F0F0F0F0000000111111111")
    m = run([("LM", (14, 1, 0, D))], data={D: bytes(range(16))})
    assert (m.gpr[14], m.gpr[15], m.gpr[0], m.gpr[1]) == (
        0x00010203, 0x04050607, 0x08090A0B, 0x0C0D0E0F)


def test_lm_single_register_when_r3_equals_r1() -> None:
    m = run([("LM", (5, 5, 0, D))], regs={6: 9}, data={D: b"\x00\x00\x00\x2a\x11\x11\x11\x11"})
    assert m.gpr[5] == 42 and m.gpr[6] == 9


def test_stm_all_sixteen_registers_when_r3_is_r1_minus_1() -> None:
    regs = {r: r * 0x01010101 for r in range(16)}
    m = run([("STM", (1, 0, 0, D))], regs=regs)
    # R1..R15 then R0: 16 words.
    assert mem(m, D, 4) == b"\x01\x01\x01\x01"
    assert mem(m, D + 60, 4) == b"\x00\x00\x00\x00"


def test_lm_access_exception_leaves_registers_unchanged() -> None:
    # X'FFF8'-X'10007' (64K storage): the second half is beyond storage.
    m = run([("LM", (1, 4, 5, 0))], regs={1: 1, 2: 2, 3: 3, 4: 4, 5: 0xFFF8})
    assert check(m) == (5, 2, 0x204)
    assert m.gpr[1:5] == [1, 2, 3, 4]


def test_icm_inserts_selected_bytes_and_sets_cc_from_them() -> None:
    # Mask 0101: bytes 1 and 3 of R1 get X'12', X'34': X'AA12CC34'.
    # Inserted X'1234': leftmost bit 0, not zero -> CC 2.
    m = run([("ICM", (1, 0b0101, 0, D))], regs={1: 0xAABBCCDD}, data={D: b"\x12\x34"})
    assert m.gpr[1] == 0xAA12CC34 and m.cc == 2


def test_icm_cc_1_when_leftmost_inserted_bit_is_one() -> None:
    m = run([("ICM", (1, 0b0011, 0, D))], regs={1: 0}, data={D: b"\x80\x00"})
    assert m.gpr[1] == 0x8000 and m.cc == 1


def test_icm_cc_0_when_inserted_bits_are_zero_though_register_is_not() -> None:
    m = run([("ICM", (1, 0b1000, 0, D))], regs={1: 0xFF123456}, data={D: b"\x00"}, cc=3)
    assert m.gpr[1] == 0x00123456 and m.cc == 0


def test_icm_mask_15_is_a_load_with_cc() -> None:
    m = run([("ICM", (1, 15, 0, D))], data={D: b"\xfe\xdc\xba\x98"})
    assert m.gpr[1] == 0xFEDCBA98 and m.cc == 1


def test_icm_mask_zero_sets_cc_0_and_changes_nothing() -> None:
    m = run([("ICM", (1, 0, 0, D))], regs={1: 0x12345678}, data={D: b"\xff"}, cc=2)
    assert m.gpr[1] == 0x12345678 and m.cc == 0


def test_stcm_stores_selected_bytes_contiguously() -> None:
    m = run([("STCM", (1, 0b1001, 0, D))], regs={1: 0x11223344}, data={D: b"...."}, cc=1)
    assert mem(m, D, 4) == b"\x11\x44.." and m.cc == 1


def test_stcm_mask_zero_stores_nothing() -> None:
    m = run([("STCM", (1, 0, 0, D))], regs={1: 0x11223344}, data={D: b"...."})
    assert mem(m, D, 4) == b"...." and check(m) is None


# ===========================================================================
# LPR, LNR, LTR, LCR
# ===========================================================================

@pytest.mark.parametrize("value,result,cc", [
    (0xFFFFFFFB, 5, 2),        # |-5| = 5
    (5, 5, 2),
    (0, 0, 0),
    (MAX_NEG, MAX_NEG, 3),     # |-2**31| does not fit: unchanged, overflow
])
def test_lpr(value: int, result: int, cc: int) -> None:
    m = run([("LPR", (1, 2))], regs={2: value})
    assert (m.gpr[1], m.cc) == (result, cc) and check(m) is None


def test_lpr_overflow_with_mask_interrupts_after_storing() -> None:
    m = run([("LPR", (1, 2))], regs={2: MAX_NEG}, pm=8)
    assert check(m) == (8, 1, 0x202)
    assert m.gpr[1] == MAX_NEG


@pytest.mark.parametrize("value,result,cc", [
    (5, 0xFFFFFFFB, 1), (0xFFFFFFFB, 0xFFFFFFFB, 1), (0, 0, 0), (MAX_NEG, MAX_NEG, 1)])
def test_lnr(value: int, result: int, cc: int) -> None:
    m = run([("LNR", (1, 2))], regs={2: value}, pm=8)
    assert (m.gpr[1], m.cc) == (result, cc) and check(m) is None


@pytest.mark.parametrize("value,cc", [(0, 0), (MAX_NEG, 1), (M32, 1), (1, 2),
                                      (0x7FFFFFFF, 2)])
def test_ltr(value: int, cc: int) -> None:
    m = run([("LTR", (1, 2))], regs={2: value})
    assert (m.gpr[1], m.cc) == (value, cc)


@pytest.mark.parametrize("value,result,cc", [
    (5, 0xFFFFFFFB, 1), (0xFFFFFFFB, 5, 2), (0, 0, 0), (MAX_NEG, MAX_NEG, 3)])
def test_lcr(value: int, result: int, cc: int) -> None:
    m = run([("LCR", (1, 2))], regs={2: value})
    assert (m.gpr[1], m.cc) == (result, cc)


def test_lcr_overflow_with_mask_interrupts() -> None:
    m = run([("LCR", (3, 3))], regs={3: MAX_NEG}, pm=8)
    assert check(m) == (8, 1, 0x202) and m.gpr[3] == MAX_NEG


# ===========================================================================
# AND, OR, EXCLUSIVE OR
# ===========================================================================

@pytest.mark.parametrize("rr,rx,a,b,result", [
    ("NR", "N", 0xF0F0F0F0, 0x0FF00FF0, 0x00F000F0),
    ("NR", "N", 0xF0F0F0F0, 0x0F0F0F0F, 0),
    ("OR", "O", 0xF0F00000, 0x0000000F, 0xF0F0000F),
    ("OR", "O", 0, 0, 0),
    ("XR", "X", 0xFF00FF00, 0x0F0F0F0F, 0xF00FF00F),
    ("XR", "X", 0x12345678, 0x12345678, 0),
])
def test_logical_register_and_storage(rr: str, rx: str, a: int, b: int, result: int) -> None:
    cc = 1 if result else 0
    m = run([(rr, (1, 2))], regs={1: a, 2: b})
    assert (m.gpr[1], m.cc) == (result, cc)
    m = run([(rx, (1, 0, 0, D))], regs={1: a}, data={D: b.to_bytes(4, "big")})
    assert (m.gpr[1], m.cc) == (result, cc)


@pytest.mark.parametrize("mn,byte,imm,result", [
    ("NI", 0b1100_1100, 0b1010_1010, 0b1000_1000),
    ("NI", 0b1100_1100, 0b0011_0011, 0),
    ("OI", 0b1100_0000, 0b0000_0011, 0b1100_0011),
    ("XI", 0b1111_0000, 0b1010_1010, 0b0101_1010),
    ("XI", 0x5A, 0x5A, 0),
])
def test_logical_immediate(mn: str, byte: int, imm: int, result: int) -> None:
    m = run([(mn, (imm, 0, D))], data={D: bytes([byte, 0x77])})
    assert mem(m, D, 2) == bytes([result, 0x77])
    assert m.cc == (1 if result else 0)


def test_oi_into_protected_storage_changes_nothing() -> None:
    m = run([("OI", (0xFF, 0, D))], key=2, cc=2)
    assert check(m) == (4, 2, 0x204)
    assert mem(m, D, 1) == b"\x00" and old_cc(m) == 2


@pytest.mark.parametrize("mn,a,b,result", [
    ("NC", "F0F0FF", "0FFF0F", "00F00F"),
    ("NC", "F0F0", "0F0F", "0000"),
    ("OC", "F000", "000F", "F00F"),
    ("XC", "FF00AA", "0F0FAA", "F00F00"),
])
def test_logical_character(mn: str, a: str, b: str, result: str) -> None:
    n = len(a) // 2
    m = run([(mn, (n - 1, 0, D, 0, E))], data={D: bytes.fromhex(a), E: bytes.fromhex(b)})
    assert mem(m, D, n) == bytes.fromhex(result)
    assert m.cc == (1 if int(result, 16) else 0)
    assert mem(m, E, n) == bytes.fromhex(b)


def test_xc_of_a_field_with_itself_clears_it() -> None:
    m = run([("XC", (255, 0, D, 0, D))], data={D: bytes((3 * i + 1) & 0xFF for i in range(256))})
    assert mem(m, D, 256) == bytes(256) and m.cc == 0


def test_oc_overlapping_one_byte_right_is_byte_at_a_time() -> None:
    # OC X'801'(3),X'800' on 01 02 04 08: byte 1 = 02|01 = 03; byte 2 = 04|03
    # (the new byte 1) = 07; byte 3 = 08|07 = 0F.
    m = run([("OC", (2, 0, D + 1, 0, D))], data={D: b"\x01\x02\x04\x08"})
    assert mem(m, D, 4) == b"\x01\x03\x07\x0f"


def test_nc_store_protection_stores_nothing() -> None:
    m = run([("NC", (3, 0, D, 0, E))], key=2, data={D: b"\xff" * 4})
    assert check(m) == (4, 3, 0x206)
    assert mem(m, D, 4) == b"\xff" * 4


# ===========================================================================
# Comparisons
# ===========================================================================

@pytest.mark.parametrize("a,b,cc_signed,cc_logical", [
    (5, 5, 0, 0),
    (1, M32, 2, 1),            # 1 > -1 signed; 1 < X'FFFFFFFF' unsigned
    (MAX_NEG, 0x7FFFFFFF, 1, 2),
    (3, 7, 1, 1),
])
def test_compare_signed_and_logical(a: int, b: int, cc_signed: int, cc_logical: int) -> None:
    word = {D: b.to_bytes(4, "big")}
    assert run([("CR", (1, 2))], regs={1: a, 2: b}).cc == cc_signed
    assert run([("C", (1, 0, 0, D))], regs={1: a}, data=word).cc == cc_signed
    assert run([("CLR", (1, 2))], regs={1: a, 2: b}).cc == cc_logical
    assert run([("CL", (1, 0, 0, D))], regs={1: a}, data=word).cc == cc_logical


@pytest.mark.parametrize("r1,half,cc", [
    (M32, b"\xff\xff", 0),        # -1 vs -1
    (0x8000, b"\x80\x00", 2),     # 32768 vs -32768
    (0xFFFF8000, b"\x80\x00", 0),  # -32768 vs -32768
    (0, b"\x00\x01", 1),
])
def test_ch_compares_with_the_sign_extended_halfword(r1: int, half: bytes, cc: int) -> None:
    assert run([("CH", (1, 0, 0, D))], regs={1: r1}, data={D: half}).cc == cc


@pytest.mark.parametrize("byte,imm,cc", [(0x80, 0x7F, 2), (0x7F, 0x80, 1), (0x41, 0x41, 0)])
def test_cli_compares_the_storage_byte_with_i2(byte: int, imm: int, cc: int) -> None:
    assert run([("CLI", (imm, 0, D))], data={D: bytes([byte])}).cc == cc


@pytest.mark.parametrize("a,b,cc", [(b"ABC", b"ABC", 0), (b"ABC", b"ABD", 1),
                                    (b"\x80BC", b"\x7fBC", 2)])
def test_clc(a: bytes, b: bytes, cc: int) -> None:
    m = run([("CLC", (2, 0, D, 0, E))], data={D: a, E: b})
    assert m.cc == cc


@pytest.mark.parametrize("storage,cc", [(b"\x12\x56", 0), (b"\x12\x57", 1),
                                        (b"\x12\x55", 2), (b"\x11\xff", 2)])
def test_clm_compares_selected_register_bytes(storage: bytes, cc: int) -> None:
    # Mask 1010 selects bytes 0 and 2 of X'12345678': X'12', X'56'.
    m = run([("CLM", (1, 0b1010, 0, D))], regs={1: 0x12345678}, data={D: storage})
    assert m.cc == cc


def test_clm_mask_zero_gives_cc_0() -> None:
    m = run([("CLM", (1, 0, 0, D))], regs={1: 0xFF}, data={D: b"\x01"}, cc=2)
    assert m.cc == 0


@pytest.mark.parametrize("byte,mask,cc", [
    (0b1010_0000, 0b1010_0000, 3),   # selected bits all ones
    (0b1010_0000, 0b1000_0001, 1),   # mixed
    (0b1010_0000, 0b0000_0001, 0),   # all zero
    (0xFF, 0, 0),                    # mask zero
])
def test_tm(byte: int, mask: int, cc: int) -> None:
    assert run([("TM", (mask, 0, D))], data={D: bytes([byte])}).cc == cc


# ===========================================================================
# Signed add and subtract
# ===========================================================================

@pytest.mark.parametrize("a,b,result,cc", [
    (2, 3, 5, 2),
    (2, 0xFFFFFFFD, M32, 1),              # 2 + (-3) = -1
    (5, 0xFFFFFFFB, 0, 0),                # 5 + (-5) = 0
    (0x7FFFFFFF, 1, MAX_NEG, 3),          # 2**31 - 1 + 1 overflows
    (MAX_NEG, MAX_NEG, 0, 3),             # -2**31 - 2**31 = -2**32: low bits zero
])
def test_ar_and_a(a: int, b: int, result: int, cc: int) -> None:
    m = run([("AR", (1, 2))], regs={1: a, 2: b})
    assert (m.gpr[1], m.cc, check(m)) == (result, cc, None)
    m = run([("A", (1, 0, 0, D))], regs={1: a}, data={D: b.to_bytes(4, "big")})
    assert (m.gpr[1], m.cc, check(m)) == (result, cc, None)


def test_ar_overflow_with_mask_on_interrupts_after_storing_the_sum() -> None:
    m = run([("AR", (1, 2))], regs={1: 0x7FFFFFFF, 2: 1}, pm=8)
    assert check(m) == (8, 1, 0x202)
    assert m.gpr[1] == MAX_NEG
    # BC-mode program old PSW bits 32-39: ILC 01, CC 11, mask 1000 = X'78'.
    assert mem(m, 0x2C, 1) == b"\x78"


def test_ar_overflow_with_other_mask_bits_only_does_not_interrupt() -> None:
    m = run([("AR", (1, 2))], regs={1: 0x7FFFFFFF, 2: 1}, pm=7)
    assert m.cc == 3 and check(m) is None


def test_a_overflow_with_mask_reports_ilc_2() -> None:
    m = run([("A", (1, 0, 0, D))], regs={1: MAX_NEG}, pm=8, data={D: b"\xff\xff\xff\xff"})
    assert check(m) == (8, 2, 0x204) and m.gpr[1] == 0x7FFFFFFF


@pytest.mark.parametrize("a,half,result,cc", [
    (1, b"\xff\xff", 0, 0),                 # 1 + (-1)
    (0x7FFFFFFF, b"\x00\x01", MAX_NEG, 3),
    (0, b"\x80\x00", 0xFFFF8000, 1),        # 0 + (-32768)
])
def test_ah(a: int, half: bytes, result: int, cc: int) -> None:
    m = run([("AH", (1, 0, 0, D))], regs={1: a}, data={D: half})
    assert (m.gpr[1], m.cc) == (result, cc)


@pytest.mark.parametrize("a,b,result,cc", [
    (5, 3, 2, 2),
    (3, 5, 0xFFFFFFFE, 1),
    (5, 5, 0, 0),
    (MAX_NEG, 1, 0x7FFFFFFF, 3),            # -2**31 - 1 overflows
    (0x7FFFFFFF, M32, MAX_NEG, 3),          # 2**31 - 1 - (-1) = 2**31 overflows
    (0, MAX_NEG, MAX_NEG, 3),               # 0 - (-2**31) overflows
])
def test_sr_and_s(a: int, b: int, result: int, cc: int) -> None:
    m = run([("SR", (1, 2))], regs={1: a, 2: b})
    assert (m.gpr[1], m.cc) == (result, cc)
    m = run([("S", (1, 0, 0, D))], regs={1: a}, data={D: b.to_bytes(4, "big")})
    assert (m.gpr[1], m.cc) == (result, cc)


def test_sr_of_a_register_from_itself_is_zero() -> None:
    m = run([("SR", (4, 4))], regs={4: 0x12345678}, cc=3)
    assert (m.gpr[4], m.cc) == (0, 0)


def test_sr_overflow_with_mask_on_interrupts() -> None:
    m = run([("SR", (1, 2))], regs={1: MAX_NEG, 2: 1}, pm=8)
    assert check(m) == (8, 1, 0x202) and m.gpr[1] == 0x7FFFFFFF


def test_sh() -> None:
    # 5 - 7 = -2: CC 1.  -32768 from 0: 0 - (-32768) = 32768: CC 2.
    m = run([("SH", (1, 0, 0, D)), ("SH", (2, 0, 0, D + 2))], regs={1: 5, 2: 0},
            data={D: b"\x00\x07\x80\x00"})
    assert m.gpr[1] == 0xFFFFFFFE and m.gpr[2] == 0x8000 and m.cc == 2


# ===========================================================================
# Logical add and subtract
# ===========================================================================

@pytest.mark.parametrize("a,b,result,cc", [
    (0, 0, 0, 0),                 # zero, no carry
    (1, 1, 2, 1),                 # not zero, no carry
    (M32, 1, 0, 2),               # X'FFFFFFFF' + 1 = 2**32: zero, carry
    (M32, 2, 1, 3),               # not zero, carry
    (0x7FFFFFFF, 1, MAX_NEG, 1),  # no overflow in logical addition
])
def test_alr_and_al(a: int, b: int, result: int, cc: int) -> None:
    m = run([("ALR", (1, 2))], regs={1: a, 2: b}, pm=8)
    assert (m.gpr[1], m.cc, check(m)) == (result, cc, None)
    m = run([("AL", (1, 0, 0, D))], regs={1: a}, data={D: b.to_bytes(4, "big")})
    assert (m.gpr[1], m.cc) == (result, cc)


@pytest.mark.parametrize("a,b,result,cc", [
    (5, 5, 0, 2),                 # a + ~b + 1 = 2**32: zero, carry
    (5, 3, 2, 3),                 # not zero, carry
    (3, 5, 0xFFFFFFFE, 1),        # borrow: no carry
    (0, 0, 0, 2),                 # SL never gives CC 0
    (0, 1, M32, 1),
])
def test_slr_and_sl(a: int, b: int, result: int, cc: int) -> None:
    m = run([("SLR", (1, 2))], regs={1: a, 2: b}, pm=8)
    assert (m.gpr[1], m.cc, check(m)) == (result, cc, None)
    m = run([("SL", (1, 0, 0, D))], regs={1: a}, data={D: b.to_bytes(4, "big")})
    assert (m.gpr[1], m.cc) == (result, cc)


# ===========================================================================
# Multiply and divide
# ===========================================================================

def test_mr_gives_a_64_bit_product_in_the_pair() -> None:
    # 100000 * 100000 = 10**10 = X'2_540BE400'.
    m = run([("MR", (2, 4))], regs={3: 100000, 4: 100000}, cc=1)
    assert (m.gpr[2], m.gpr[3], m.cc) == (2, 0x540BE400, 1)


def test_m_negative_product() -> None:
    # -3 * 7 = -21 = X'FFFFFFFF_FFFFFFEB'.
    m = run([("M", (2, 0, 0, D))], regs={3: 0xFFFFFFFD}, data={D: b"\x00\x00\x00\x07"})
    assert (m.gpr[2], m.gpr[3]) == (M32, 0xFFFFFFEB)


def test_mr_multiplier_in_the_even_register_itself() -> None:
    # MR 2,2: multiplier is R2 (5), multiplicand R3 (6): 30.
    m = run([("MR", (2, 2))], regs={2: 5, 3: 6})
    assert (m.gpr[2], m.gpr[3]) == (0, 30)


def test_mr_odd_register_is_specification() -> None:
    m = run([("MR", (3, 4))], regs={3: 2, 4: 2})
    assert check(m) == (6, 1, 0x202) and m.gpr[3] == 2


def test_mh_keeps_low_32_bits_without_overflow() -> None:
    # X'10000' * 3 = X'30000'; X'40000000' * 4 = 2**32 -> low 32 bits 0, CC unchanged.
    m = run([("MH", (1, 0, 0, D)), ("MH", (2, 0, 0, D + 2))], regs={1: 0x10000, 2: 0x40000000},
            data={D: b"\x00\x03\x00\x04"}, cc=2, pm=8)
    assert (m.gpr[1], m.gpr[2], m.cc, check(m)) == (0x30000, 0, 2, None)


def test_mh_negative_halfword() -> None:
    # 7 * (-2) = -14 = X'FFFFFFF2'.
    m = run([("MH", (1, 0, 0, D))], regs={1: 7}, data={D: b"\xff\xfe"})
    assert m.gpr[1] == 0xFFFFFFF2


def test_dr_quotient_in_odd_remainder_in_even() -> None:
    # 100 / 7 = 14 remainder 2.
    m = run([("DR", (2, 4))], regs={2: 0, 3: 100, 4: 7})
    assert (m.gpr[2], m.gpr[3]) == (2, 14)


def test_d_negative_dividend_remainder_takes_its_sign() -> None:
    # -100 / 7 = -14 remainder -2 (quotient truncated toward zero).
    m = run([("D", (2, 0, 0, D))], regs={2: M32, 3: 0xFFFFFF9C}, data={D: b"\x00\x00\x00\x07"})
    assert (m.gpr[2], m.gpr[3]) == (0xFFFFFFFE, 0xFFFFFFF2)


def test_dr_by_zero_is_fixed_point_divide_and_changes_nothing() -> None:
    m = run([("DR", (2, 4))], regs={2: 0, 3: 100, 4: 0}, cc=1)
    assert check(m) == (9, 1, 0x202)
    assert (m.gpr[2], m.gpr[3]) == (0, 100)


def test_dr_quotient_too_large_is_fixed_point_divide() -> None:
    # 2**32 / 1 = 2**32 does not fit 32 bits.
    m = run([("DR", (2, 4))], regs={2: 1, 3: 0, 4: 1})
    assert check(m) == (9, 1, 0x202) and (m.gpr[2], m.gpr[3]) == (1, 0)


def test_dr_quotient_of_minus_2_31_fits() -> None:
    # -2**31 / 1 = -2**31 remainder 0: the dividend pair is X'FFFFFFFF_80000000'.
    m = run([("DR", (2, 4))], regs={2: M32, 3: MAX_NEG, 4: 1})
    assert check(m) is None and (m.gpr[2], m.gpr[3]) == (0, MAX_NEG)


def test_d_odd_register_is_specification() -> None:
    m = run([("D", (1, 0, 0, D))], data={D: b"\x00\x00\x00\x01"})
    assert check(m) == (6, 2, 0x204)


# ===========================================================================
# Shifts
# ===========================================================================

def test_srl_and_sll() -> None:
    m = run([("SRL", (1, 0, 0, 1)), ("SLL", (2, 0, 0, 1))],
            regs={1: 0x80000001, 2: 0x80000001}, cc=3)
    assert (m.gpr[1], m.gpr[2], m.cc) == (0x40000000, 0x00000002, 3)


def test_shift_amount_is_the_low_6_bits_of_the_address() -> None:
    # X'103' -> 3; 65 -> 1; 32 shifts everything out of a single register.
    m = run([("SRL", (1, 0, 2, 0)), ("SLL", (3, 0, 0, 65)), ("SRL", (4, 0, 0, 32))],
            regs={1: 0x80, 2: 0x103, 3: 1, 4: M32})
    assert (m.gpr[1], m.gpr[3], m.gpr[4]) == (0x10, 2, 0)


def test_sra_propagates_the_sign_and_sets_cc() -> None:
    m = run([("SRA", (1, 0, 0, 4))], regs={1: MAX_NEG})
    assert (m.gpr[1], m.cc) == (0xF8000000, 1)
    m = run([("SRA", (1, 0, 0, 63))], regs={1: 0x7FFFFFFF})
    assert (m.gpr[1], m.cc) == (0, 0)
    m = run([("SRA", (1, 0, 0, 1))], regs={1: 0x100})
    assert (m.gpr[1], m.cc) == (0x80, 2)


@pytest.mark.parametrize("value,n,result,cc", [
    (1, 4, 0x10, 2),
    (M32, 31, MAX_NEG, 1),          # -1 * 2**31 = -2**31 still fits
    (0x40000000, 1, 0, 3),          # a one shifted out of bit 1: overflow, sign stays 0
    (0xC0000000, 1, MAX_NEG, 1),    # -2**30 * 2 = -2**31 fits
    (0xBFFFFFFF, 1, 0xFFFFFFFE, 3),  # a zero (unlike the sign) leaves bit 1
    (M32, 32, MAX_NEG, 3),          # zeros shifted in reach bit 1: overflow
    (0, 63, 0, 0),
])
def test_sla(value: int, n: int, result: int, cc: int) -> None:
    m = run([("SLA", (1, 0, 0, n))], regs={1: value})
    assert (m.gpr[1], m.cc, check(m)) == (result, cc, None)


def test_sla_overflow_with_mask_interrupts_after_storing() -> None:
    m = run([("SLA", (1, 0, 0, 1))], regs={1: 0x40000000}, pm=8)
    assert check(m) == (8, 2, 0x204) and m.gpr[1] == 0


def test_double_logical_shifts() -> None:
    # Pair X'00000001_80000000' >> 4 = X'00000000_18000000'; << 4 of
    # X'0F000000_00000001' = X'F0000000_00000010'.
    m = run([("SRDL", (2, 0, 0, 4)), ("SLDL", (4, 0, 0, 4))],
            regs={2: 1, 3: MAX_NEG, 4: 0x0F000000, 5: 1}, cc=2)
    assert (m.gpr[2], m.gpr[3]) == (0, 0x18000000)
    assert (m.gpr[4], m.gpr[5]) == (0xF0000000, 0x10)
    assert m.cc == 2


def test_srda_and_cc() -> None:
    # X'80000000_00000000' >> 32 = X'FFFFFFFF_80000000' (negative).
    m = run([("SRDA", (2, 0, 0, 32))], regs={2: MAX_NEG, 3: 0})
    assert (m.gpr[2], m.gpr[3], m.cc) == (M32, MAX_NEG, 1)


def test_slda_overflow_and_not() -> None:
    # X'40000000_00000000' << 1: a one leaves bit 1: CC 3, sign 0, rest 0.
    m = run([("SLDA", (2, 0, 0, 1))], regs={2: 0x40000000, 3: 0})
    assert (m.gpr[2], m.gpr[3], m.cc) == (0, 0, 3)
    # X'00000000_80000000' << 1 = X'00000001_00000000': positive, CC 2.
    m = run([("SLDA", (2, 0, 0, 1))], regs={2: 0, 3: MAX_NEG})
    assert (m.gpr[2], m.gpr[3], m.cc) == (1, 0, 2)


@pytest.mark.parametrize("mn", ["SRDL", "SLDL", "SRDA", "SLDA"])
def test_double_shift_odd_register_is_specification(mn: str) -> None:
    m = run([(mn, (3, 0, 0, 1))], regs={3: 5})
    assert check(m) == (6, 2, 0x204) and m.gpr[3] == 5


# ===========================================================================
# Storage-to-storage moves
# ===========================================================================

def test_mvc_moves_l_plus_1_bytes() -> None:
    m = run([("MVC", (3, 0, D, 0, E))], data={D: b"........", E: b"ABCDEFGH"})
    assert mem(m, D, 8) == b"ABCD...."


def test_mvc_destination_one_byte_right_propagates_the_first_byte() -> None:
    m = run([("MVC", (6, 0, D + 1, 0, D))], data={D: b"*ABCDEFGH"})
    assert mem(m, D, 9) == b"********H"


def test_mvc_destination_two_bytes_right_repeats_a_two_byte_pattern() -> None:
    m = run([("MVC", (5, 0, D + 2, 0, D))], data={D: b"xyABCDEF"})
    assert mem(m, D, 8) == b"xyxyxyxy"


def test_mvc_destination_left_of_source_shifts_left() -> None:
    m = run([("MVC", (3, 0, D, 0, D + 1))], data={D: b"ABCDE"})
    assert mem(m, D, 5) == b"BCDEE"


def test_mvc_256_bytes_across_a_2k_boundary() -> None:
    src = bytes(range(256))
    m = run([("MVC", (255, 0, 0xF80, 0, E))], data={E: src})
    assert mem(m, 0xF80, 256) == src


def test_mvc_protected_destination_stores_nothing() -> None:
    m = run([("MVC", (7, 0, 0xFFC, 0, E))], key=2, keys={1: 0x20},
            data={E: b"ABCDEFGH"})
    assert check(m) == (4, 3, 0x206)
    assert mem(m, 0xFFC, 8) == bytes(8)


def test_mvc_source_beyond_storage_is_addressing() -> None:
    m = run([("MVC", (7, 0, D, 5, 0))], regs={5: 0xFFFC})
    assert check(m) == (5, 3, 0x206) and mem(m, D, 8) == bytes(8)


def test_mvi() -> None:
    m = run([("MVI", (0xC1, 0, D + 1))], data={D: b"..."})
    assert mem(m, D, 3) == b".\xc1."


def test_mvn_moves_low_halves() -> None:
    m = run([("MVN", (2, 0, D, 0, E))], data={D: b"\xf1\xf2\xf3\xf4", E: b"\x0a\x1b\x2c"})
    assert mem(m, D, 4) == b"\xfa\xfb\xfc\xf4"


def test_mvz_moves_high_halves() -> None:
    m = run([("MVZ", (1, 0, D, 0, E))], data={D: b"\x12\x34", E: b"\xab\xcd"})
    assert mem(m, D, 2) == b"\xa2\xc4"


def test_mvn_overlapping_one_byte_right_is_byte_at_a_time() -> None:
    # MVN X'801'(2),X'800' on 12 34 56: byte 1 = 3|2 -> 32; byte 2 = 5|2 (from
    # the new byte 1) -> 52.
    m = run([("MVN", (1, 0, D + 1, 0, D))], data={D: b"\x12\x34\x56"})
    assert mem(m, D, 3) == b"\x12\x32\x52"


def test_mvz_overlapping_one_byte_right_is_byte_at_a_time() -> None:
    # MVZ X'801'(2),X'800' on 12 34 56: byte 1 = 1|4 -> 14; byte 2 = 1|6 -> 16.
    m = run([("MVZ", (1, 0, D + 1, 0, D))], data={D: b"\x12\x34\x56"})
    assert mem(m, D, 3) == b"\x12\x14\x16"


# ===========================================================================
# TR, TRT
# ===========================================================================

def test_tr_replaces_each_byte_by_its_table_entry() -> None:
    table = bytes((i + 1) & 0xFF for i in range(256))
    m = run([("TR", (2, 0, D, 0, E))], data={D: b"\x00\x01\xff\x77", E: table})
    assert mem(m, D, 4) == b"\x01\x02\x00\x77"


def test_tr_store_protection_changes_nothing() -> None:
    m = run([("TR", (1, 0, D, 0, E))], key=2, data={D: b"\x01\x02"})
    assert check(m) == (4, 3, 0x206) and mem(m, D, 2) == b"\x01\x02"


def test_trt_stops_at_first_nonzero_function_byte() -> None:
    table = bytearray(256)
    table[0xC1] = 0x04
    m = run([("TRT", (3, 0, D, 0, E))], regs={1: 0xAB000000, 2: 0x12345678},
            data={D: b"\x40\x40\xc1\x40", E: bytes(table)})
    assert m.cc == 1
    assert m.gpr[1] == 0xAB000802          # bits 0-7 kept, address of the argument
    assert m.gpr[2] == 0x12345604          # function byte in bits 24-31


def test_trt_on_the_last_byte_gives_cc_2() -> None:
    table = bytearray(256)
    table[0xC1] = 0x80
    m = run([("TRT", (2, 0, D, 0, E))], data={D: b"\x40\x40\xc1", E: bytes(table)})
    assert (m.cc, m.gpr[1], m.gpr[2]) == (2, 0x802, 0x80)


def test_trt_all_zero_function_bytes_gives_cc_0_and_keeps_registers() -> None:
    m = run([("TRT", (2, 0, D, 0, E))], regs={1: 11, 2: 22}, cc=2,
            data={D: b"ABC", E: bytes(256)})
    assert (m.cc, m.gpr[1], m.gpr[2]) == (0, 11, 22)


# ===========================================================================
# MVCL, CLCL
# ===========================================================================

def test_mvcl_equal_lengths() -> None:
    # R2/R3 destination X'800', 8 bytes; R4/R5 source X'900', 8 bytes.
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 8, 4: E, 5: 8},
            data={E: b"ABCDEFGH", D: b"........."})
    assert mem(m, D, 9) == b"ABCDEFGH."
    assert m.cc == 0
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 8, 0, E + 8, 0)


def test_mvcl_pads_when_the_source_is_shorter() -> None:
    # len1 8 > len2 3: CC 2; 3 bytes moved then 5 pad bytes X'40'.
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 8, 4: E, 5: 0x40000003},
            data={E: b"ABCDEFGH"})
    assert mem(m, D, 9) == b"ABC\x40\x40\x40\x40\x40\x00"
    assert m.cc == 2
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 8, 0, E + 3, 0x40000000)


def test_mvcl_first_operand_shorter_moves_only_its_length() -> None:
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 3, 4: E, 5: 0x5C000008},
            data={E: b"ABCDEFGH"})
    assert mem(m, D, 4) == b"ABC\x00"
    assert m.cc == 1
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 3, 0, E + 3, 0x5C000005)


def test_mvcl_zeroes_bits_0_7_of_r1_and_r2_and_keeps_those_of_lengths() -> None:
    m = run([("MVCL", (2, 4))], regs={2: 0xFF000000 | D, 3: 0xAA000002,
                                      4: 0x77000000 | E, 5: 0x00000002},
            data={E: b"AB"})
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 2, 0xAA000000, E + 2, 0)


def test_mvcl_zero_lengths_still_zero_bits_0_7() -> None:
    m = run([("MVCL", (2, 4))], regs={2: 0xFF000000 | D, 3: 0, 4: 0x11000000 | E, 5: 0},
            cc=3)
    assert (m.gpr[2], m.gpr[4], m.cc) == (D, E, 0)


def test_mvcl_destructive_overlap_gives_cc_3_and_moves_nothing() -> None:
    # Destination X'801' inside the source X'800'-X'807': destructive.
    m = run([("MVCL", (2, 4))], regs={2: D + 1, 3: 8, 4: D, 5: 8},
            data={D: b"ABCDEFGHI"})
    assert m.cc == 3
    assert mem(m, D, 9) == b"ABCDEFGHI"
    assert (m.gpr[2] & 0xFFFFFF, m.gpr[3], m.gpr[4] & 0xFFFFFF, m.gpr[5]) == (D + 1, 8, D, 8)


def test_mvcl_destination_past_the_used_source_is_not_destructive() -> None:
    # Source X'800' length 2 (shorter): only X'800'-X'801' are moved; the
    # destination X'802' is beyond them.  CC 2 (len1 4 > len2 2), pad X'00'.
    m = run([("MVCL", (2, 4))], regs={2: D + 2, 3: 4, 4: D, 5: 2},
            data={D: b"ABCDEF"})
    assert m.cc == 2
    assert mem(m, D, 6) == b"ABAB\x00\x00"


def test_mvcl_destination_left_of_source_moves_left() -> None:
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 4, 4: D + 1, 5: 4}, data={D: b"ABCDE"})
    assert m.cc == 0 and mem(m, D, 5) == b"BCDEE"


def test_mvcl_long_move_across_several_2k_blocks() -> None:
    src = bytes(i * 7 & 0xFF for i in range(5000))
    m = run([("MVCL", (2, 4))], regs={2: 0x4000, 3: 5000, 4: 0x8000, 5: 5000},
            data={0x8000: src})
    assert mem(m, 0x4000, 5000) == src
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (0x4000 + 5000, 0, 0x8000 + 5000, 0)


def test_mvcl_clears_storage_with_padding_only() -> None:
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 0x300, 4: 0, 5: 0xFF000000},
            data={D: b"\x01" * 0x301})
    assert mem(m, D, 0x301) == b"\xff" * 0x300 + b"\x01"
    assert m.cc == 2


@pytest.mark.parametrize("r1,r2", [(3, 4), (2, 5)])
def test_mvcl_odd_register_is_specification(r1: int, r2: int) -> None:
    m = run([("MVCL", (r1, r2))], regs={3: D, 4: E})
    assert check(m) == (6, 1, 0x202)


def test_mvcl_access_exception_leaves_registers_describing_the_bytes_moved() -> None:
    # Destination X'800' for 4096 bytes: block 1 (X'800'-X'FFF') is writable with
    # key 2, block 2 (X'1000'-) is not.  The unit of operation is model-dependent,
    # so only the architectural relation is checked: whatever was moved is
    # reflected in the registers, addresses and lengths move together, and
    # nothing at or beyond X'1000' changed.
    src = bytes(i & 0xFF for i in range(4096))
    m = run([("MVCL", (2, 4))], regs={2: D, 3: 4096, 4: 0x4000, 5: 4096},
            key=2, keys={1: 0x20}, data={0x4000: src})
    assert check(m) is not None and check(m)[0] == 4  # type: ignore[index]
    moved = m.gpr[2] - D
    assert 0 <= moved <= 0x800
    assert m.gpr[3] == 4096 - moved
    assert (m.gpr[4], m.gpr[5]) == (0x4000 + moved, 4096 - moved)
    assert mem(m, D, moved) == src[:moved]
    assert mem(m, 0x1000, 16) == bytes(16)


def test_clcl_equal_with_padding() -> None:
    # "AB  " against "AB" padded with X'40': equal, CC 0.
    m = run([("CLCL", (2, 4))], regs={2: D, 3: 4, 4: E, 5: 0x40000002},
            data={D: b"AB\x40\x40", E: b"AB"})
    assert m.cc == 0
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 4, 0, E + 2, 0x40000000)


def test_clcl_unequal_points_at_the_first_unequal_bytes() -> None:
    # "ABCD" vs "ABXD": index 2, C (X'C3') < X (X'E7'): CC 1.
    m = run([("CLCL", (2, 4))], regs={2: D, 3: 4, 4: E, 5: 0x40000004},
            data={D: b"ABCD", E: b"ABXD"})
    assert m.cc == 1
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 2, 2, E + 2, 0x40000002)


def test_clcl_inequality_against_padding() -> None:
    # "AB" + X'50' vs "AB" padded with X'40': index 2, X'50' > X'40': CC 2.
    m = run([("CLCL", (2, 4))], regs={2: D, 3: 3, 4: E, 5: 0x40000002},
            data={D: b"AB\x50", E: b"AB"})
    assert m.cc == 2
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D + 2, 1, E + 2, 0x40000000)


def test_clcl_second_operand_longer_compared_with_padding() -> None:
    # First operand empty: pad X'00' vs X'01': first low, CC 1; no bytes equal.
    m = run([("CLCL", (2, 4))], regs={2: D, 3: 0, 4: E, 5: 0x00000002},
            data={E: b"\x01\x02"})
    assert m.cc == 1
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (D, 0, E, 2)


def test_clcl_zero_lengths_are_equal_and_zero_bits_0_7() -> None:
    m = run([("CLCL", (2, 4))], regs={2: 0xFF000000 | D, 3: 0x55000000, 4: E, 5: 0}, cc=2)
    assert (m.cc, m.gpr[2], m.gpr[3]) == (0, D, 0x55000000)


def test_clcl_long_equal_operands_across_blocks() -> None:
    blob = bytes(i * 13 & 0xFF for i in range(4500))
    m = run([("CLCL", (2, 4))], regs={2: 0x4000, 3: 4500, 4: 0x8100, 5: 4500},
            data={0x4000: blob, 0x8100: blob})
    assert m.cc == 0
    assert (m.gpr[2], m.gpr[3], m.gpr[4], m.gpr[5]) == (0x4000 + 4500, 0, 0x8100 + 4500, 0)


def test_clcl_odd_register_is_specification() -> None:
    m = run([("CLCL", (2, 3))])
    assert check(m) == (6, 1, 0x202)


# ===========================================================================
# TS, CS, CDS
# ===========================================================================

def test_ts_sets_cc_from_the_leftmost_bit_and_stores_ones() -> None:
    m = run([("TS", (0, D)), ("TS", (0, D + 1))], data={D: b"\x00\x80"})
    assert mem(m, D, 2) == b"\xff\xff"
    assert m.cc == 1   # from X'80'
    m = run([("TS", (0, D))], data={D: b"\x7f"}, cc=3)
    assert m.cc == 0


def test_ts_protected_changes_nothing() -> None:
    m = run([("TS", (0, D))], key=2, data={D: b"\x00"}, cc=2)
    assert check(m) == (4, 2, 0x204) and mem(m, D, 1) == b"\x00" and old_cc(m) == 2


def test_cs_equal_stores_r3() -> None:
    m = run([("CS", (2, 3, 0, D))], regs={2: 0x11111111, 3: 0x22222222},
            data={D: b"\x11\x11\x11\x11"})
    assert m.cc == 0 and mem(m, D, 4) == b"\x22\x22\x22\x22" and m.gpr[2] == 0x11111111


def test_cs_unequal_loads_r1() -> None:
    m = run([("CS", (2, 3, 0, D))], regs={2: 0x11111111, 3: 0x22222222},
            data={D: b"\x33\x33\x33\x33"})
    assert m.cc == 1 and mem(m, D, 4) == b"\x33\x33\x33\x33" and m.gpr[2] == 0x33333333


def test_cs_not_on_a_word_boundary_is_specification() -> None:
    m = run([("CS", (2, 3, 0, D + 2))])
    assert check(m) == (6, 2, 0x204)


def test_cds_equal_stores_the_r3_pair() -> None:
    m = run([("CDS", (2, 4, 0, D))], regs={2: 1, 3: 2, 4: 0xAAAAAAAA, 5: 0xBBBBBBBB},
            data={D: bytes.fromhex("0000000100000002")})
    assert m.cc == 0 and mem(m, D, 8) == bytes.fromhex("AAAAAAAABBBBBBBB")


def test_cds_unequal_loads_the_r1_pair() -> None:
    m = run([("CDS", (2, 4, 0, D))], regs={2: 1, 3: 3},
            data={D: bytes.fromhex("0000000100000002")})
    assert m.cc == 1 and (m.gpr[2], m.gpr[3]) == (1, 2)


@pytest.mark.parametrize("r1,r3,addr", [(3, 4, D), (2, 5, D), (2, 4, D + 4)])
def test_cds_specification_cases(r1: int, r3: int, addr: int) -> None:
    m = run([("CDS", (r1, r3, 0, addr))])
    assert check(m) == (6, 2, 0x204)


# ===========================================================================
# MC, STCK
# ===========================================================================

def test_mc_with_class_enabled_is_a_monitor_event() -> None:
    # Class 3: CR8 bit 16+3 = bit 19 = X'00001000'.  Monitor code = the address X'123'.
    # EC mode: class at location 149, code at 156-159, interruption code at 142.
    m = run([("MC", (3, 0, 0x123))], cr={8: 0x00001000}, ec=True)
    assert check(m) == (0x40, 2, 0x204)
    assert mem(m, 0x8C, 4) == b"\x00\x04\x00\x40"
    assert mem(m, 0x95, 1) == b"\x03"
    assert mem(m, 0x9C, 4) == b"\x00\x00\x01\x23"


def test_mc_with_class_disabled_does_nothing() -> None:
    m = run([("MC", (3, 0, 0x123))], cr={8: 0x0000EFFF}, cc=2)
    assert check(m) is None and m.cc == 2 and m.ia == 0x204


def test_mc_class_above_15_is_specification() -> None:
    m = run([("MC", (0x13, 0, 0x123))], cr={8: 0xFFFF})
    assert check(m) == (6, 2, 0x204)


def test_stck_stores_the_tod_clock_and_sets_cc_0() -> None:
    # Two STCKs one instruction apart: the model's clock advances one microsecond
    # per instruction, which is X'1000' in TOD units (bit 51 is one microsecond).
    m = run([("STCK", (0, D)), ("STCK", (0, D + 8))], cc=3)
    first = int.from_bytes(mem(m, D, 8), "big")
    second = int.from_bytes(mem(m, D + 8, 8), "big")
    assert second - first == 0x1000
    assert m.cc == 0


def test_stck_protected_stores_nothing() -> None:
    m = run([("STCK", (0, D))], key=2)
    assert check(m) == (4, 2, 0x204) and mem(m, D, 8) == bytes(8)


# ===========================================================================
# Hypothesis: arithmetic against Python integers
# ===========================================================================

u32 = st.integers(0, M32)
s16 = st.integers(-0x8000, 0x7FFF)


def _signed_cc(v: int) -> int:
    return 0 if v == 0 else (1 if v < 0 else 2)


@settings(max_examples=300, deadline=None)
@given(u32, u32)
def test_property_ar_sr(a: int, b: int) -> None:
    for fn, exact in ((general.add_register, s32(a) + s32(b)),
                      (general.subtract_register, s32(a) - s32(b))):
        m = fresh()
        m.gpr[1], m.gpr[2] = a, b
        fn(m, 1, 2)
        assert m.gpr[1] == exact % (1 << 32)
        fits = -(1 << 31) <= exact < (1 << 31)
        assert m.cc == (_signed_cc(exact) if fits else 3)


@settings(max_examples=200, deadline=None)
@given(u32, u32)
def test_property_a_s_with_mask_raise_only_on_overflow(a: int, b: int) -> None:
    for fn, exact in ((general.add, s32(a) + s32(b)), (general.subtract, s32(a) - s32(b))):
        m = fresh()
        m.program_mask = 8
        m.gpr[1] = a
        m.mem[D:D + 4] = b.to_bytes(4, "big")
        fits = -(1 << 31) <= exact < (1 << 31)
        if fits:
            fn(m, 1, 0, 0, D)
            assert m.cc == _signed_cc(exact)
        else:
            with pytest.raises(FixedPointOverflow):
                fn(m, 1, 0, 0, D)
            assert m.cc == 3
        assert m.gpr[1] == exact % (1 << 32)


@settings(max_examples=200, deadline=None)
@given(u32, s16)
def test_property_ah(a: int, h: int) -> None:
    m = fresh()
    m.gpr[1] = a
    m.mem[D:D + 2] = (h & 0xFFFF).to_bytes(2, "big")
    general.add_halfword(m, 1, 0, 0, D)
    exact = s32(a) + h
    assert m.gpr[1] == exact % (1 << 32)
    assert m.cc == (_signed_cc(exact) if -(1 << 31) <= exact < (1 << 31) else 3)


@settings(max_examples=300, deadline=None)
@given(u32, u32)
def test_property_alr_slr(a: int, b: int) -> None:
    m = fresh()
    m.gpr[1], m.gpr[2] = a, b
    general.add_logical_register(m, 1, 2)
    total = a + b
    carry = total >= 1 << 32
    assert m.gpr[1] == total % (1 << 32)
    assert m.cc == 2 * carry + (total % (1 << 32) != 0)
    m = fresh()
    m.gpr[1], m.gpr[2] = a, b
    general.subtract_logical_register(m, 1, 2)
    # a - b by a + (2**32 - 1 - b) + 1: a carry exactly when a >= b (no borrow).
    assert m.gpr[1] == (a - b) % (1 << 32)
    assert m.cc == 2 * (a >= b) + (a != b)


@settings(max_examples=300, deadline=None)
@given(u32, u32)
def test_property_mr(a: int, b: int) -> None:
    m = fresh()
    m.gpr[3], m.gpr[4] = a, b
    general.multiply_register(m, 2, 4)
    product = s32(a) * s32(b)
    assert (m.gpr[2] << 32 | m.gpr[3]) == product % (1 << 64)


@settings(max_examples=300, deadline=None)
@given(st.integers(-(1 << 63), (1 << 63) - 1), u32)
def test_property_dr(dividend: int, divisor_bits: int) -> None:
    m = fresh()
    pair = dividend % (1 << 64)
    m.gpr[2], m.gpr[3], m.gpr[4] = pair >> 32, pair & M32, divisor_bits
    divisor = s32(divisor_bits)
    if divisor == 0:
        with pytest.raises(FixedPointDivide):
            general.divide_register(m, 2, 4)
        assert (m.gpr[2], m.gpr[3]) == (pair >> 32, pair & M32)
        return
    # Truncating division: |q| = |a| // |b|, q negative when signs differ;
    # remainder = a - q*b carries the dividend's sign.
    q = abs(dividend) // abs(divisor) * (1 if (dividend < 0) == (divisor < 0) else -1)
    r = dividend - q * divisor
    if -(1 << 31) <= q < (1 << 31):
        general.divide_register(m, 2, 4)
        assert (s32(m.gpr[3]), s32(m.gpr[2])) == (q, r)
        assert r == 0 or (r < 0) == (dividend < 0)
    else:
        with pytest.raises(FixedPointDivide):
            general.divide_register(m, 2, 4)
        assert (m.gpr[2], m.gpr[3]) == (pair >> 32, pair & M32)


@settings(max_examples=100, deadline=None)
@given(st.integers(-(1 << 31), (1 << 31) - 1), st.integers(-(1 << 31), (1 << 31) - 1))
def test_property_dr_small_dividends(a: int, b: int) -> None:
    # Sign-extended 32-bit dividends never overflow unless -2**31 / -1.
    if b == 0:
        return
    m = fresh()
    pair = a % (1 << 64)
    m.gpr[2], m.gpr[3], m.gpr[4] = pair >> 32, pair & M32, b % (1 << 32)
    q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    if q == 1 << 31:
        with pytest.raises(FixedPointDivide):
            general.divide_register(m, 2, 4)
        return
    general.divide_register(m, 2, 4)
    assert (s32(m.gpr[3]), s32(m.gpr[2])) == (q, a - q * b)


@settings(max_examples=300, deadline=None)
@given(u32, st.integers(0, 0xFFF))
def test_property_single_shifts(v: int, d2: int) -> None:
    n = d2 & 63
    m = fresh()
    m.gpr[1:5] = [v, v, v, v]
    general.shift_left_single_logical(m, 1, 0, 0, d2)
    general.shift_right_single_logical(m, 2, 0, 0, d2)
    general.shift_right_single(m, 3, 0, 0, d2)
    assert m.gpr[1] == (v * 2 ** n) % (1 << 32)
    assert m.gpr[2] == v // 2 ** n
    assert s32(m.gpr[3]) == s32(v) // 2 ** n          # floor: rounds toward minus infinity
    assert m.cc == _signed_cc(s32(v) // 2 ** n)
    m.program_mask = 0
    general.shift_left_single(m, 4, 0, 0, d2)
    exact = s32(v) * 2 ** n
    sign = v & MAX_NEG
    assert m.gpr[4] == sign | (exact % (1 << 31))
    assert m.cc == (_signed_cc(exact) if -(1 << 31) <= exact < (1 << 31) else 3)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, (1 << 64) - 1), st.integers(0, 0xFFF))
def test_property_double_shifts(v: int, d2: int) -> None:
    n = d2 & 63
    sv = v - (1 << 64) if v >> 63 else v
    results = {}
    for name, fn in (("SLDL", general.shift_left_double_logical),
                     ("SRDL", general.shift_right_double_logical),
                     ("SRDA", general.shift_right_double),
                     ("SLDA", general.shift_left_double)):
        m = fresh()
        m.gpr[2], m.gpr[3] = v >> 32, v & M32
        fn(m, 2, 0, 0, d2)
        results[name] = (m.gpr[2] << 32 | m.gpr[3], m.cc)
    assert results["SLDL"][0] == (v * 2 ** n) % (1 << 64)
    assert results["SRDL"][0] == v // 2 ** n
    assert results["SRDA"] == ((sv // 2 ** n) % (1 << 64), _signed_cc(sv // 2 ** n))
    exact = sv * 2 ** n
    fits = -(1 << 63) <= exact < (1 << 63)
    assert results["SLDA"] == ((v & (1 << 63)) | (exact % (1 << 63)),
                               _signed_cc(exact) if fits else 3)


def test_slda_overflow_with_mask_raises_after_storing() -> None:
    m = fresh()
    m.program_mask = 8
    m.gpr[2], m.gpr[3] = 0x40000000, 0
    with pytest.raises(FixedPointOverflow):
        general.shift_left_double(m, 2, 0, 0, 1)
    assert (m.gpr[2], m.gpr[3], m.cc) == (0, 0, 3)


def test_direct_call_guards_raise_architectural_exceptions() -> None:
    m = fresh()
    with pytest.raises(SpecificationException):
        general.divide_register(m, 1, 2)
    with pytest.raises(SpecificationException):
        general.move_long(m, 1, 2)
