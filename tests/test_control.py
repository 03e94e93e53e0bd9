"""Control instructions (GA22-7000 chapter 10): reference/machine/instructions/control.py.

Every expected value is worked out by hand from the Principles of Operation; the
arithmetic is in the comments.  Programs start at X'200' (tests/support.py) and end
with LPSW of a disabled-wait PSW; program and supervisor-call interruptions load
disabled-wait PSWs with recognizable addresses so the run stops there.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.arch.opcodes import TABLE, decode_fields
from reference.machine.instructions.control import CPU_ID
from reference.machine.machine import Machine
from tests.support import (
    WAIT_PSW_BC,
    WAIT_PSW_EC,
    checked_program,
    dword,
    load,
    make_machine,
    old_program_psw,
    program,
    word,
)

EC_BIT = 1 << 51
PROGRAM_TRAP = 0x0BA0                  # address in the program new PSW
SVC_TRAP = 0x05C0                      # address in the supervisor-call new PSW


def wait_psw(ec: bool, address: int) -> int:
    """A disabled-wait PSW: bit 14 (wait) and, for the EC mode, bit 12."""
    return (1 << 49) | (EC_BIT if ec else 0) | address


def trap(m: Machine, ec: bool = True) -> None:
    m.mem[0x68:0x70] = wait_psw(ec, PROGRAM_TRAP).to_bytes(8, "big")
    m.mem[0x60:0x68] = wait_psw(ec, SVC_TRAP).to_bytes(8, "big")


def run(items: list[tuple[str, tuple[int, ...]]], *, ec: bool = True, setup=None,
        data: dict[int, bytes] | None = None, steps: int = 2000, **kw) -> Machine:
    m = make_machine(checked_program(items), ec=ec, data=data, **kw)
    trap(m, ec)
    if setup is not None:
        setup(m)
    m.run(steps)
    return m


def program_code(m: Machine) -> int:
    old = old_program_psw(m)
    if old & EC_BIT:
        return int.from_bytes(m.mem[0x8E:0x90], "big")
    return old >> 32 & 0xFFFF


def program_ilc(m: Machine) -> int:
    old = old_program_psw(m)
    if old & EC_BIT:
        return m.mem[0x8D] >> 1 & 3
    return old >> 30 & 3


def stopped_at_program_trap(m: Machine) -> bool:
    return m.psw_value() & 0xFFFFFF == PROGRAM_TRAP


def completed(m: Machine) -> bool:
    """The program reached its final LPSW of the disabled-wait PSW at X'1F0'."""
    return m.psw_value() in (WAIT_PSW_BC, WAIT_PSW_EC)


def cc_in(m: Machine, r: int) -> int:
    """The condition code that BALR r,0 saved in bits 2-3 of register r."""
    return m.gpr[r] >> 28 & 3


def set_cr(m: Machine, **regs: int) -> None:
    for name, value in regs.items():
        m.cr[int(name[2:])] = value
    m.control_changed()


def copy_page_zero_to(m: Machine, prefix: int) -> None:
    """Put the program's first 4K (PSWs, code) also in the future prefix area."""
    m.mem[prefix:prefix + 0x1000] = m.mem[0:0x1000]
    m.flush_instruction_cache()


# --- privileged instructions --------------------------------------------------

PRIVILEGED = [row for row in TABLE if row.privileged and row.section.endswith("Instructions")
              and "ch.10" in row.section]


@pytest.mark.parametrize("row", PRIVILEGED, ids=[r.mnemonic for r in PRIVILEGED])
def test_privileged_control_instruction_in_problem_state_is_privileged_operation(row):
    # GA22-7000 ch.6 "Privileged-Operation Exception": privileged instruction in the
    # problem state; suppressed; ILC = instruction length / 2.
    fields = tuple(0 for _ in decode_fields(row.layout, bytes(6)))
    m = run([(row.mnemonic, fields)], problem=True)
    assert stopped_at_program_trap(m)
    assert program_code(m) == 0x0002
    assert program_ilc(m) == row.length // 2
    assert old_program_psw(m) & 0xFFFFFF == 0x200 + row.length


# --- SSK, ISK, RRB -------------------------------------------------------------

def test_ssk_sets_bits_24_to_30_of_r1_as_key_of_2k_block_named_by_r2():
    # R1 = X'123456F7': bits 24-30 are X'F6' (bit 31 ignored): ACC F, F 0, R 1, C 1.
    # R2 = X'FF001800': bits 8-20 name block X'1800' (block 3); bits 0-7 ignored.
    m = run([("L", (1, 0, 0, 0x800)), ("L", (2, 0, 0, 0x804)), ("SSK", (1, 2))],
            data={0x800: word(0x123456F7) + word(0xFF001800)})
    assert completed(m)
    assert m.keys[3] == 0xF6


def test_isk_in_ec_mode_inserts_seven_bit_key_and_keeps_bits_0_to_23():
    # Key X'F6' in block 3; R3 = X'AABBCCDD' -> X'AABBCCF6' (bit 31 zero).
    m = run([("L", (3, 0, 0, 0x800)), *load(2, 0x1800), ("ISK", (3, 2))],
            data={0x800: word(0xAABBCCDD)}, setup=lambda m: m.keys.__setitem__(3, 0xF6))
    assert completed(m)
    assert m.gpr[3] == 0xAABBCCF6


def test_isk_in_bc_mode_clears_bits_29_to_31():
    # BC mode: bits 0-4 of the key in bits 24-28, bits 29-31 zero: X'F6' -> X'F0'.
    m = run([("L", (3, 0, 0, 0x800)), *load(2, 0x1800), ("ISK", (3, 2))], ec=False,
            data={0x800: word(0xAABBCCDD)}, setup=lambda m: m.keys.__setitem__(3, 0xF6))
    assert completed(m)
    assert m.gpr[3] == 0xAABBCCF0


@pytest.mark.parametrize("mnemonic", ["SSK", "ISK"])
def test_key_instruction_with_r2_bits_28_to_31_not_zero_is_specification(mnemonic):
    # R2 = X'1808': bit 28 one -> specification exception, nothing changed.
    m = run([("LA", (1, 0, 0, 0x70)), ("L", (2, 0, 0, 0x800)), (mnemonic, (1, 2))],
            data={0x800: word(0x1808)})
    assert stopped_at_program_trap(m)
    assert program_code(m) == 0x0006
    assert m.keys[3] == 0 and m.gpr[1] == 0x70


@pytest.mark.parametrize("mnemonic", ["SSK", "ISK"])
def test_key_instruction_for_block_beyond_storage_is_addressing(mnemonic):
    # 64K storage; R2 = X'10000' (65536) is the first block beyond it.
    m = run([("LA", (1, 0, 0, 0x70)), ("L", (2, 0, 0, 0x800)), (mnemonic, (1, 2))],
            data={0x800: word(0x00010000)})
    assert program_code(m) == 0x0005
    assert m.gpr[1] == 0x70


def test_ssk_block_address_is_real_and_subject_to_prefixing():
    # Prefix X'4000': real block 0 is absolute block 8 (X'4000'), real X'4000' is
    # absolute block 0.
    def setup(m: Machine) -> None:
        copy_page_zero_to(m, 0x4000)
        m.prefix = 0x4000
        m.control_changed()

    m = run([("LA", (1, 0, 0, 0x30)), ("LA", (2, 0, 0, 0)), ("SSK", (1, 2)),
             ("LA", (1, 0, 0, 0x50)), *load(2, 0x4000), ("SSK", (1, 2))], setup=setup)
    assert completed(m)
    assert m.keys[0x4000 >> 11] & 0xF0 == 0x30
    assert m.keys[0] & 0xF0 == 0x50


@settings(max_examples=20, deadline=None)
@given(st.booleans(), st.booleans(), st.integers(0, 15), st.booleans())
def test_rrb_sets_cc_from_reference_and_change_bits_and_resets_reference(ref, chg, acc, fp):
    # CC 0 R=0 C=0, 1 R=0 C=1, 2 R=1 C=0, 3 R=1 C=1; only R is reset.
    key = acc << 4 | fp << 3 | ref << 2 | chg << 1
    m = run([*load(2, 0x1800), ("RRB", (2, 0)), ("BALR", (15, 0))],
            setup=lambda m: m.keys.__setitem__(3, key))
    assert completed(m)
    assert cc_in(m, 15) == 2 * ref + chg
    assert m.keys[3] == key & ~0x04


def test_rrb_beyond_storage_is_addressing():
    m = run([("L", (2, 0, 0, 0x800)), ("RRB", (2, 0))], data={0x800: word(0x00010000)})
    assert program_code(m) == 0x0005


# --- SSM, STNSM, STOSM ---------------------------------------------------------

def test_stnsm_and_stosm_store_the_old_mask_then_and_or():
    # BC mode, mask X'F0'.  STNSM X'30': stores F0, mask F0&30 = 30.  STOSM X'0C':
    # stores 30, mask 30|0C = 3C.  STNSM X'FF': stores 3C.
    m = run([("STNSM", (0x30, 0, 0x800)), ("STOSM", (0x0C, 0, 0x801)),
             ("STNSM", (0xFF, 0, 0x802))], ec=False, system_mask=0xF0)
    assert completed(m)
    assert m.mem[0x800:0x803] == bytes([0xF0, 0x30, 0x3C])


def test_ssm_replaces_the_system_mask_with_the_operand_byte():
    # BC mode: SSM with byte X'A6'; STNSM X'FF' then stores X'A6'.
    m = run([("SSM", (0, 0x800)), ("STNSM", (0xFF, 0, 0x801))], ec=False,
            data={0x800: bytes([0xA6])})
    assert completed(m)
    assert m.mem[0x801] == 0xA6


def test_ssm_with_ssm_suppression_control_is_special_operation():
    # CR0 bit 1 (X'40000000') on: special-operation exception, ILC 2, mask unchanged.
    m = run([("SSM", (0, 0x800))], ec=False, system_mask=0x10,
            data={0x800: bytes([0xA6])}, setup=lambda m: set_cr(m, cr0=0x40000000))
    assert program_code(m) == 0x0013
    assert program_ilc(m) == 2
    assert old_program_psw(m) >> 56 == 0x10


def test_ssm_introducing_a_one_in_bit_0_of_ec_psw_is_early_specification_with_ilc_2():
    # GA22-7000 ch.6: "When the exception is introduced by SET SYSTEM MASK ... the
    # ILC is 2."  The old PSW is the invalid PSW: mask X'80', EC bit, address X'204'.
    m = run([("SSM", (0, 0x800))], data={0x800: bytes([0x80])})
    assert program_code(m) == 0x0006
    assert program_ilc(m) == 2
    assert old_program_psw(m) == 0x80000000_00000204 | EC_BIT


def test_stosm_introducing_bit_4_in_ec_mode_is_early_specification_with_ilc_2():
    # Mask 00 | X'08' sets bit 4 (unassigned in the EC mode); old mask 00 stored first.
    m = run([("STOSM", (0x08, 0, 0x800))], data={0x800: b"\xEE"})
    assert program_code(m) == 0x0006
    assert program_ilc(m) == 2
    assert old_program_psw(m) == 0x08000000_00000204 | EC_BIT
    assert m.mem[0x800] == 0x00


def test_stnsm_with_operand_beyond_storage_is_suppressed():
    # Addressing exception on the store: the mask stays X'F0'.
    m = run([("L", (1, 0, 0, 0x800)), ("STNSM", (0x00, 1, 0))], ec=False, system_mask=0xF0,
            data={0x800: word(0x00010000)})
    assert program_code(m) == 0x0005
    assert old_program_psw(m) >> 56 == 0xF0


# --- LCTL, STCTL ----------------------------------------------------------------

def test_lctl_and_stctl_wrap_from_register_15_to_0():
    # LCTL 14,1: CR14, CR15, CR0, CR1 from four words; STCTL 14,1 stores them back.
    values = [0x0A0B0C0D, 0x00001230, 0x00000000, 0x12345600]
    m = run([("LCTL", (14, 1, 0, 0x800)), ("STCTL", (14, 1, 0, 0x900))],
            data={0x800: b"".join(word(v) for v in values)})
    assert completed(m)
    assert [m.cr[14], m.cr[15], m.cr[0], m.cr[1]] == values
    assert m.mem[0x900:0x910] == m.mem[0x800:0x810]


def test_lctl_single_register_leaves_the_others():
    m = run([("LCTL", (5, 5, 0, 0x800))], data={0x800: word(0x00ABCDEF)})
    assert m.cr[5] == 0x00ABCDEF
    assert m.cr[0] == 0x000000E0 and m.cr[14] == 0xC2000000   # reset values kept


@pytest.mark.parametrize("mnemonic", ["LCTL", "STCTL"])
def test_control_register_operand_not_on_word_boundary_is_specification(mnemonic):
    m = run([(mnemonic, (0, 0, 0, 0x802))])
    assert program_code(m) == 0x0006
    assert m.cr[0] == 0x000000E0


# --- STIDP, STAP, SPX, STPX -------------------------------------------------------

def test_stidp_stores_the_model_cpu_id():
    m = run([("STIDP", (0, 0x800))])
    assert completed(m)
    assert CPU_ID == 0x00000001_30330000   # version 00, serial 000001, model 3033
    assert m.mem[0x800:0x808] == dword(0x00000001_30330000)


@pytest.mark.parametrize("mnemonic,addr", [("STIDP", 0x804), ("STAP", 0x801),
                                           ("STPX", 0x802), ("SPX", 0x802)])
def test_misaligned_operand_is_specification(mnemonic, addr):
    m = run([(mnemonic, (0, addr))])
    assert program_code(m) == 0x0006


def test_stap_stores_cpu_address_zero_as_halfword():
    m = run([("STAP", (0, 0x800))], data={0x800: b"\xFF\xFF\xFF"})
    assert m.mem[0x800:0x803] == b"\x00\x00\xFF"


def test_spx_takes_bits_8_to_19_and_stpx_stores_them():
    # Word X'AB005FFF': bits 8-19 are X'005' -> prefix X'5000'.  STPX to real X'804'
    # (real page 0, so absolute X'5804' after the SPX) stores X'00005000'.
    m = run([("SPX", (0, 0x800)), ("STPX", (0, 0x804))], data={0x800: word(0xAB005FFF)},
            setup=lambda m: copy_page_zero_to(m, 0x5000))
    assert completed(m)
    assert m.prefix == 0x5000
    assert m.mem[0x5804:0x5808] == word(0x00005000)
    assert m.mem[0x804:0x808] == bytes(4)


def test_after_spx_real_page_zero_is_the_prefix_area():
    # After SPX X'5000', a store to real X'0100' goes to absolute X'5100';
    # absolute X'0100' is untouched.
    m = run([("SPX", (0, 0x800)), ("LA", (1, 0, 0, 0x77)), ("ST", (1, 0, 0, 0x100))],
            data={0x800: word(0x00005000)}, setup=lambda m: copy_page_zero_to(m, 0x5000))
    assert completed(m)
    assert m.mem[0x5100:0x5104] == word(0x77)
    assert m.mem[0x100:0x104] == bytes(4)


def test_spx_beyond_storage_is_addressing_and_prefix_is_unchanged():
    m = run([("SPX", (0, 0x800))], data={0x800: word(0x00010000)})
    assert program_code(m) == 0x0005
    assert m.prefix == 0


# --- SCK, SCKC, STCKC, SPT, STPT ---------------------------------------------------

def test_sck_sets_the_tod_clock_ignoring_bits_52_to_63_and_sets_cc0():
    # Time model: one microsecond (TOD bit 51, X'1000') per instruction.  SCK is
    # instruction 1 (time 1); BALR instruction 2; LPSW instruction 3.  At the end
    # TOD = X'123456789000' + (3 - 1) * X'1000' = X'12345678B000'.
    m = run([("SCK", (0, 0x800)), ("BALR", (15, 0))], data={0x800: dword(0x123456789ABC)})
    assert completed(m)
    assert cc_in(m, 15) == 0
    assert m.tod() == 0x12345678B000


def test_sckc_and_stckc_keep_bits_0_to_51():
    # X'12FFF' -> comparator X'12000' (model resolution: bit 51).
    m = run([("SCKC", (0, 0x800)), ("STCKC", (0, 0x808))], data={0x800: dword(0x12FFF)})
    assert completed(m)
    assert m.clock_comparator == 0x12000
    assert m.mem[0x808:0x810] == dword(0x12000)


def test_spt_then_stpt_one_instruction_later_is_one_microsecond_less():
    # SPT at time 1 sets X'10000FFF' -> X'10000000' (bits 52-63 ignored); STPT at
    # time 2 stores X'10000000' - X'1000' = X'0FFFF000'.
    m = run([("SPT", (0, 0x800)), ("STPT", (0, 0x808))], data={0x800: dword(0x10000FFF)})
    assert completed(m)
    assert m.mem[0x808:0x810] == dword(0x0FFFF000)


@pytest.mark.parametrize("mnemonic", ["SCK", "SCKC", "STCKC", "SPT", "STPT"])
def test_timer_operand_not_on_doubleword_boundary_is_specification(mnemonic):
    m = run([(mnemonic, (0, 0x804))])
    assert program_code(m) == 0x0006


# --- SPKA, IPK ------------------------------------------------------------------------

def test_spka_sets_key_from_address_bits_24_to_27_and_ipk_inserts_it():
    # SPKA X'35'(0): bits 24-27 of X'035' -> key 3.  IPK: R2 X'AABBCCDD' -> X'AABBCC30'.
    m = run([("L", (2, 0, 0, 0x800)), ("SPKA", (0, 0x35)), ("IPK", (0, 0))],
            data={0x800: word(0xAABBCCDD)})
    assert completed(m)
    assert m.gpr[2] == 0xAABBCC30


def test_spka_in_problem_state_needs_the_psw_key_mask_bit():
    # CR3 bit 3 (X'10000000') allows key 3; key 4 (bit 4) is not allowed.
    m = run([("SPKA", (0, 0x30)), ("IPK", (0, 0)), ("SVC", (0, 0)), ], problem=True,
            setup=lambda m: set_cr(m, cr0=0x08000000, cr3=0x10000000), end=False)
    assert m.psw_value() & 0xFFFFFF == SVC_TRAP
    assert m.gpr[2] == 0x30
    m = run([("SPKA", (0, 0x40))], problem=True,
            setup=lambda m: set_cr(m, cr3=0x10000000), end=False)
    assert program_code(m) == 0x0002


def test_ipk_in_problem_state_needs_extraction_authority():
    m = run([("IPK", (0, 0))], problem=True, key=5, end=False)
    assert program_code(m) == 0x0002
    m = run([("IPK", (0, 0)), ("SVC", (0, 0))], problem=True, key=5, end=False,
            setup=lambda m: set_cr(m, cr0=0x08000000))
    assert m.gpr[2] == 0x50


# --- SIGP ---------------------------------------------------------------------------

def test_sigp_to_another_cpu_address_is_not_operational():
    m = run([("LA", (3, 0, 0, 1)), ("SIGP", (1, 3, 0, 0x01)), ("BALR", (15, 0))])
    assert cc_in(m, 15) == 3


def test_sigp_sense_to_this_cpu_with_no_status_is_cc0():
    m = run([("LA", (1, 0, 0, 0x77)), ("SIGP", (1, 3, 0, 0x01)), ("BALR", (15, 0))])
    assert cc_in(m, 15) == 0
    assert m.gpr[1] == 0x77


def test_sigp_external_call_pending_is_reported_by_sense_and_second_call():
    # External call accepted (CC 0); then sense and another external call find the
    # external-call-pending status: bit 24 (X'00000080') in R1, CC 1.
    m = run([("SIGP", (1, 3, 0, 0x02)), ("BALR", (15, 0)),
             ("SIGP", (4, 3, 0, 0x01)), ("BALR", (14, 0)),
             ("SIGP", (5, 3, 0, 0x02)), ("BALR", (13, 0))])
    assert [cc_in(m, 15), cc_in(m, 14), cc_in(m, 13)] == [0, 1, 1]
    assert m.gpr[4] == 0x80 and m.gpr[5] == 0x80


def test_sigp_unimplemented_order_stores_invalid_order_status():
    # Order X'05' (stop) is not implemented by this model: bit 30 -> X'00000002'.
    m = run([("L", (1, 0, 0, 0x800)), ("SIGP", (1, 3, 0, 0x05)), ("BALR", (15, 0))],
            data={0x800: word(0xFFFFFFFF)})
    assert cc_in(m, 15) == 1
    assert m.gpr[1] == 0x00000002


@pytest.mark.parametrize("order,code,mask", [(0x02, 0x1202, 0x2000), (0x03, 0x1201, 0x4000)])
def test_sigp_signal_to_itself_causes_external_interruption(order, code, mask):
    # EC mode with the external mask on and the subclass mask in CR0: after SIGP
    # (at X'200', 4 bytes) the interruption stores the old PSW (address X'204') at
    # X'18', the code at X'86' and CPU address 0 at X'84'.
    m = make_machine(program([("SIGP", (0, 0, 0, order))]), ec=True, system_mask=0x01)
    trap(m)
    m.mem[0x58:0x60] = wait_psw(True, 0x0E00).to_bytes(8, "big")
    m.mem[0x84:0x86] = b"\xFF\xFF"
    set_cr(m, cr0=mask)
    m.run(100)
    assert m.psw_value() & 0xFFFFFF == 0x0E00
    assert int.from_bytes(m.mem[0x18:0x20], "big") == 0x01000000_00000204 | EC_BIT
    assert int.from_bytes(m.mem[0x86:0x88], "big") == code
    assert m.mem[0x84:0x86] == b"\x00\x00"


def test_sigp_restart_to_itself_causes_restart_interruption():
    # The restart old PSW at 8 points after SIGP (X'204'); restart new PSW at 0.
    m = make_machine(program([("SIGP", (0, 0, 0, 0x06))]), ec=True)
    trap(m)
    m.mem[0:8] = wait_psw(True, 0x0D00).to_bytes(8, "big")
    m.run(100)
    assert m.psw_value() & 0xFFFFFF == 0x0D00
    assert int.from_bytes(m.mem[8:16], "big") == 0x204 | EC_BIT


# --- DIAGNOSE -----------------------------------------------------------------------------

def test_diagnose_zero_is_a_no_operation_setting_cc0():
    # LTR of a negative value sets CC 1 first; DIAGNOSE 0 makes it 0.
    m = run([("L", (1, 0, 0, 0x800)), ("LTR", (1, 1)), ("DIAG", (0, 0, 0, 0)),
             ("BALR", (15, 0))], data={0x800: word(0x80000000)})
    assert completed(m)
    assert cc_in(m, 15) == 0


def test_diagnose_other_function_is_specification():
    m = run([("DIAG", (0, 0, 0, 0x10))])
    assert program_code(m) == 0x0006


# --- MVCK -------------------------------------------------------------------------

def mvck_setup(source_key: int):
    def setup(m: Machine) -> None:
        m.keys[2] = source_key    # block X'1000'
    return setup


def test_mvck_fetches_the_second_operand_with_the_r3_key():
    # Source block key X'28' (key 2, fetch-protected); R3 key 2 (bits 24-27 of
    # X'20'); destination X'900' with PSW key 0.  True length 5: CC 0.
    m = run([("LA", (1, 0, 0, 5)), ("LA", (3, 0, 0, 0x20)),
             *load(12, 0x1000), ("MVCK", (1, 3, 0, 0x900, 12, 0)), ("BALR", (15, 0))],
            data={0x1000: b"ABCDEFG"}, setup=mvck_setup(0x28))
    assert completed(m)
    assert m.mem[0x900:0x907] == b"ABCDE\x00\x00"
    assert cc_in(m, 15) == 0


def test_mvck_with_key_not_matching_fetch_protected_source_is_protection():
    m = run([("LA", (1, 0, 0, 5)), ("LA", (3, 0, 0, 0x30)),
             *load(12, 0x1000), ("MVCK", (1, 3, 0, 0x900, 12, 0))],
            data={0x1000: b"ABCDEFG"}, setup=mvck_setup(0x28))
    assert program_code(m) == 0x0004
    assert m.mem[0x900:0x905] == bytes(5)


def test_mvck_true_length_above_256_moves_256_bytes_and_sets_cc3():
    # True length X'80000000' (unsigned, 2**31) > 256: bytes 0-255 move, CC 3.
    src = bytes(range(256)) + b"\xEE"
    m = run([("L", (1, 0, 0, 0x800)), *load(12, 0x1000), *load(11, 0x2000),
             ("MVCK", (1, 3, 11, 0, 12, 0)),
             ("BALR", (15, 0))], data={0x800: word(0x80000000), 0x1000: src})
    assert cc_in(m, 15) == 3
    assert m.mem[0x2000:0x2100] == bytes(range(256))
    assert m.mem[0x2100] == 0


def test_mvck_zero_length_makes_no_access():
    # Both operands beyond 64K storage, but length 0: completed, CC 0.
    m = run([("L", (2, 0, 0, 0x800)), ("LA", (1, 0, 0, 0)), ("MVCK", (1, 3, 2, 0, 2, 0)),
             ("BALR", (15, 0))], data={0x800: word(0x00010000)})
    assert completed(m)
    assert cc_in(m, 15) == 0


def test_mvck_in_problem_state_needs_the_key_mask_bit_of_the_r3_key():
    # R3 key 2; CR3 bit 2 (X'20000000') zero -> privileged operation; one -> moves.
    items = [("LA", (1, 0, 0, 3)), ("LA", (3, 0, 0, 0x20)),
             *load(12, 0x1000), ("MVCK", (1, 3, 0, 0x900, 12, 0)), ("SVC", (0, 0))]
    m = run(items, problem=True, end=False, data={0x1000: b"XYZ"})
    assert program_code(m) == 0x0002
    m = run(items, problem=True, end=False, data={0x1000: b"XYZ"},
            setup=lambda m: set_cr(m, cr3=0x20000000))
    assert m.psw_value() & 0xFFFFFF == SVC_TRAP
    assert m.mem[0x900:0x903] == b"XYZ"


# --- MVCP, MVCS (with DAT) --------------------------------------------------------------

PRIMARY_ST, PRIMARY_PT = 0x3000, 0x3100
SECONDARY_ST, SECONDARY_PT = 0x3040, 0x3200


def dat_setup(cr0_extra: int = 0x04000000):
    """4K pages, 64K segments (CR0 bits 8-12 = 10000: X'00800000').  Primary: an
    identity map of the 64K storage.  Secondary: identity except virtual page 8
    (X'8000') -> real X'A000'."""
    def setup(m: Machine) -> None:
        for i in range(16):
            m.mem[PRIMARY_PT + 2 * i:PRIMARY_PT + 2 * i + 2] = (i << 4).to_bytes(2, "big")
            frame = 0xA if i == 8 else i
            m.mem[SECONDARY_PT + 2 * i:SECONDARY_PT + 2 * i + 2] = (frame << 4).to_bytes(2, "big")
        m.mem[PRIMARY_ST:PRIMARY_ST + 4] = word(0xF0000000 | PRIMARY_PT)
        m.mem[SECONDARY_ST:SECONDARY_ST + 4] = word(0xF0000000 | SECONDARY_PT)
        set_cr(m, cr0=0x00800000 | cr0_extra, cr1=PRIMARY_ST, cr7=SECONDARY_ST,
               cr3=0xFFFF0000)
    return setup


def test_mvcp_moves_from_secondary_to_primary():
    # Secondary X'8000' is real X'A000' ("SECOND"); primary X'9000' is real X'9000'.
    m = run([("LA", (1, 0, 0, 6)), *load(11, 0x9000), *load(12, 0x8000),
             ("MVCP", (1, 3, 11, 0, 12, 0)), ("BALR", (15, 0))], system_mask=0x04,
            setup=dat_setup(),
            data={0xA000: b"SECOND", 0x8000: b"PRIMRY"})
    assert completed(m)
    assert m.mem[0x9000:0x9006] == b"SECOND"
    assert cc_in(m, 15) == 0


def test_mvcs_moves_from_primary_to_secondary():
    m = run([("LA", (1, 0, 0, 6)), *load(11, 0x8000), *load(12, 0x9000),
             ("MVCS", (1, 3, 11, 0, 12, 0))], system_mask=0x04, setup=dat_setup(),
            data={0x9000: b"TOSEC!"})
    assert completed(m)
    assert m.mem[0xA000:0xA006] == b"TOSEC!"
    assert m.mem[0x8000:0x8006] == bytes(6)


@pytest.mark.parametrize("mnemonic", ["MVCP", "MVCS"])
def test_mvcp_mvcs_without_dat_or_secondary_space_control_is_special_operation(mnemonic):
    fields = (1, 3, 0, 0x900, 0, 0x800)
    m = run([(mnemonic, fields)])                              # DAT off
    assert program_code(m) == 0x0013
    m = run([(mnemonic, fields)], system_mask=0x04, setup=dat_setup(cr0_extra=0))
    assert program_code(m) == 0x0013                           # CR0 bit 5 off


# --- TPROT -------------------------------------------------------------------------

@pytest.mark.parametrize("storage_key,access_key,cc", [
    (0x28, 0x20, 0),   # keys match: fetch and store permitted
    (0x28, 0x30, 2),   # mismatch, fetch-protected: neither
    (0x20, 0x30, 1),   # mismatch, not fetch-protected: fetch only
    (0x28, 0x00, 0),   # access key 0 matches every key
])
def test_tprot_key_controlled_protection(storage_key, access_key, cc):
    m = run([*load(12, 0x1000), ("TPROT", (12, 0, 0, access_key)), ("BALR", (15, 0))],
            setup=lambda m: m.keys.__setitem__(2, storage_key))
    assert completed(m)
    assert cc_in(m, 15) == cc


def test_tprot_low_address_protection_means_no_store():
    m = run([("TPROT", (0, 0x100, 0, 0)), ("BALR", (15, 0))],
            setup=lambda m: set_cr(m, cr0=0x10000000))
    assert cc_in(m, 15) == 1


def test_tprot_with_dat_reports_translation_not_available_and_segment_protection():
    def invalid_page_9(m: Machine) -> None:
        dat_setup()(m)
        m.mem[PRIMARY_PT + 19] |= 0x08      # PTE 9 (X'0090'): bit 12, invalid
        m.control_changed()

    m = run([*load(12, 0x9000), ("TPROT", (12, 0, 0, 0)), ("BALR", (15, 0))], system_mask=0x04,
            setup=invalid_page_9)
    assert cc_in(m, 15) == 3

    def protected_segment(m: Machine) -> None:
        dat_setup()(m)
        m.mem[PRIMARY_ST + 3] |= 0x04       # bit 29: segment protection
        m.control_changed()

    m = run([*load(12, 0x9000), ("TPROT", (12, 0, 0, 0)), ("BALR", (15, 0))], system_mask=0x04,
            setup=protected_segment)
    assert cc_in(m, 15) == 1


def test_tprot_beyond_storage_is_addressing():
    m = run([("L", (2, 0, 0, 0x800)), ("TPROT", (2, 0, 0, 0))], data={0x800: word(0x10000)})
    assert program_code(m) == 0x0005


# --- LPSW ------------------------------------------------------------------------------

def test_lpsw_operand_not_on_doubleword_boundary_is_specification():
    m = run([("LPSW", (0, 0x804))])
    assert program_code(m) == 0x0006
    assert program_ilc(m) == 2


def test_lpsw_loads_condition_code_and_program_mask_of_bc_psw():
    # BC PSW: CC in bits 34-35, program mask 36-39; address X'300' where BALR 15,0
    # captures them: CC 2, mask X'C'.
    new = (2 << 28) | (0xC << 24) | 0x300
    m = make_machine(program([("LPSW", (0, 0x800))]), ec=False, data={
        0x800: dword(new), 0x300: program([("BALR", (15, 0)), ("LPSW", (0, 0x1F0))])})
    trap(m, ec=False)
    m.run(100)
    assert completed(m)
    assert m.gpr[15] >> 24 == (1 << 6) | (2 << 4) | 0xC
