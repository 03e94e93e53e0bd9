"""Interruptions (GA22-7000 ch.6) and program-event recording (ch.4): the machine's
PSW swaps, interruption codes and ILCs in the BC and EC modes, priorities, waits,
restart, machine checks, early PSW exceptions and PER.

Assigned locations (real): restart new/old 0/8, external old 24, SVC old 32,
program old 40, machine-check old 48; new PSWs at 88, 96, 104, 112; EC-mode codes:
external 134-135 (CPU address 132-133), SVC 136-139, program 140-143; PER code 150,
PER address 152-155; machine-check code 232-239.  Expected values are worked out
by hand in the comments.
"""

from __future__ import annotations

from reference.machine.cpu import STOP_DISABLED_WAIT, STOP_ENABLED_WAIT, STOP_STEP_LIMIT
from reference.machine.machine import Machine
from tests.support import (
    WAIT_PSW_BC,
    WAIT_PSW_EC,
    checked_program,
    dword,
    ins,
    make_machine,
    program,
    word,
)

EC_BIT = 1 << 51
WAIT_BIT = 1 << 49
MCHECK_BIT = 1 << 50
PROGRAM_TRAP, SVC_TRAP, EXTERNAL_TRAP, MCHECK_TRAP = 0x0BA0, 0x05C0, 0x0E00, 0x0C00


def wait_psw(ec: bool, address: int, mask: int = 0) -> int:
    return (mask << 56) | WAIT_BIT | (EC_BIT if ec else 0) | address


def traps(m: Machine, ec: bool) -> None:
    """Disabled-wait new PSWs for the program, SVC, external and machine-check
    interruptions, with recognizable addresses."""
    for at, address in ((0x68, PROGRAM_TRAP), (0x60, SVC_TRAP), (0x58, EXTERNAL_TRAP),
                        (0x70, MCHECK_TRAP)):
        m.mem[at:at + 8] = dword(wait_psw(ec, address))


def machine(items, *, ec: bool = True, tail: bytes = b"", setup=None, **kw) -> Machine:
    end = kw.pop("end", not tail)
    m = make_machine(checked_program(items) + tail, ec=ec, end=end, **kw)
    traps(m, ec)
    if setup is not None:
        setup(m)
    return m


def run(items, *, steps: int = 20_000, **kw) -> Machine:
    m = machine(items, **kw)
    m.run(steps)
    return m


def psw_at(m: Machine, at: int) -> int:
    return int.from_bytes(m.mem[at:at + 8], "big")


def at_trap(m: Machine, address: int) -> bool:
    return m.psw_value() & 0xFFFFFF == address


def completed(m: Machine) -> bool:
    return m.psw_value() in (WAIT_PSW_BC, WAIT_PSW_EC)


def set_cr(m: Machine, **regs: int) -> None:
    for name, value in regs.items():
        m.cr[int(name[2:])] = value
    m.control_changed()


def per_code(m: Machine) -> int:
    return m.mem[0x96]


def per_address(m: Machine) -> int:
    return int.from_bytes(m.mem[0x98:0x9C], "big")


def ec_program_code(m: Machine) -> int:
    return int.from_bytes(m.mem[0x8E:0x90], "big")


def ec_program_ilc(m: Machine) -> int:
    return m.mem[0x8D] >> 1


# An invalid opcode (X'01' is not assigned): operation exception, ILC 1.
INVALID_OPCODE = b"\x01\x00"
# L 1 from X'800' (X'1A000000') and SPM 1: CC 1 (bits 2-3 = 01), program mask X'A'.
SET_CC1_MASK_A = [("L", (1, 0, 0, 0x800)), ("SPM", (1, 0))]


# --- program and supervisor-call interruptions -----------------------------------

def test_program_interruption_in_bc_mode_puts_code_and_ilc_in_the_old_psw():
    # Invalid opcode at X'206' after L (X'200') and SPM (X'204').  BC old PSW at 40:
    # code X'0001' in bits 16-31, ILC 1 in bits 32-33, CC 1, mask X'A', address
    # X'208':  X'00000001' and (1<<30 | 1<<28 | X'A'<<24 | X'208') = X'5A000208'.
    m = run(SET_CC1_MASK_A, ec=False, tail=INVALID_OPCODE, data={0x800: word(0x1A000000)})
    assert at_trap(m, PROGRAM_TRAP)
    assert psw_at(m, 0x28) == 0x00000001_5A000208
    assert m.mem[0x8C:0x90] == bytes(4)        # nothing stored at 140-143 in BC mode


def test_program_interruption_in_ec_mode_stores_ilc_and_code_at_140():
    # EC old PSW: EC bit, CC 1 in bits 18-19, mask X'A' in bits 20-23, address X'208':
    # X'00081A00 00000208'.  Location 140-143: 00, ILC 1 << 1 = 02, code 0001.
    m = run(SET_CC1_MASK_A, tail=INVALID_OPCODE, data={0x800: word(0x1A000000)})
    assert psw_at(m, 0x28) == 0x00081A00_00000208
    assert m.mem[0x8C:0x90] == bytes([0x00, 0x02, 0x00, 0x01])


def test_supervisor_call_in_bc_mode():
    # SVC X'42' at X'200': old PSW at 32 with code X'0042', ILC 1, address X'202'.
    m = run([("SVC", (4, 2))], ec=False)
    assert at_trap(m, SVC_TRAP)
    assert psw_at(m, 0x20) == 0x00000042_40000202


def test_supervisor_call_in_ec_mode_stores_ilc_and_code_at_136():
    m = run([("SVC", (4, 2))])
    assert psw_at(m, 0x20) == EC_BIT | 0x202
    assert m.mem[0x88:0x8C] == bytes([0x00, 0x02, 0x00, 0x42])


# --- external interruptions --------------------------------------------------------

def test_interrupt_key_in_bc_mode_puts_code_0040_in_the_old_psw():
    # External mask (bit 7) on; CR0 bit 25 (X'40') is on after reset.  The
    # interruption comes before the first instruction: old PSW address X'200'.  The
    # ILC of an external interruption is unpredictable (bits 32-33 not compared).
    m = machine([], ec=False, system_mask=0x01)
    m.press_interrupt_key()
    m.run(100)
    assert at_trap(m, EXTERNAL_TRAP)
    assert psw_at(m, 0x18) & ~(3 << 30) == 0x01000040_00000200


def test_interrupt_key_in_ec_mode_stores_code_at_134():
    m = machine([], system_mask=0x01)
    m.press_interrupt_key()
    m.run(100)
    assert psw_at(m, 0x18) == 0x01000000_00000200 | EC_BIT
    assert m.mem[0x86:0x88] == b"\x00\x40"


def loop_then_enable(count: int, *, before=()) -> list:
    """[before...], LA 1,count; BCT 1,* (count instructions, one per microsecond);
    STOSM X'01' (external mask on)."""
    n = sum(len(ins(mn, *f)) for mn, f in before)
    bct_at = 0x200 + n + 4
    return [*before, ("LA", (1, 0, 0, count)), ("BCT", (1, 0, 0, bct_at)),
            ("STOSM", (0x01, 0, 0x900))]


def test_interval_timer_and_interrupt_key_are_indicated_together():
    # GA22-7000 ch.6: interval timer, interrupt key (and external signals 2-7) are
    # of equal priority and indicated concurrently: code X'0040' | X'0080' = X'00C0'.
    # LA at t=1, BCT t=2..4001, STOSM t=4002; the first interval-timer tick (t=3334)
    # takes location 80 from 0 to X'FFFFFF00'.
    m = machine(loop_then_enable(4000))
    m.press_interrupt_key()
    m.run(10_000)
    assert at_trap(m, EXTERNAL_TRAP)
    assert m.mem[0x86:0x88] == b"\x00\xC0"
    assert psw_at(m, 0x18) & 0xFFFFFF == 0x20C       # after STOSM
    assert not m.pending_interrupt_key and not m.pending_interval_timer


def test_interval_timer_has_priority_over_cpu_timer():
    # SPT X'FFFFFFFF FFFFF000' (negative: pending at once), CR0 X'80' | X'400'.
    m = machine(loop_then_enable(4000, before=[("SPT", (0, 0x800))]),
                data={0x800: dword(0xFFFFFFFF_FFFFF000)},
                setup=lambda m: set_cr(m, cr0=0x480))
    m.run(10_000)
    assert m.mem[0x86:0x88] == b"\x00\x80"


def test_clock_comparator_has_priority_over_cpu_timer():
    # SCKC 0: TOD (t * X'1000') > 0 from t=1.  SPT negative.  CR0 X'800' | X'400'.
    m = run([("SCKC", (0, 0x808)), ("SPT", (0, 0x800)), ("STOSM", (0x01, 0, 0x900))],
            data={0x800: dword(0xFFFFFFFF_FFFFF000), 0x808: dword(0)},
            setup=lambda m: set_cr(m, cr0=0xC00))
    assert m.mem[0x86:0x88] == b"\x10\x04"


def test_external_interruption_waits_while_the_subclass_mask_is_off():
    # The interrupt key is pending, the external mask on, CR0 bit 25 off: the
    # program completes and the request stays pending.
    m = machine([("LA", (1, 0, 0, 1))], system_mask=0x01, setup=lambda m: set_cr(m, cr0=0))
    m.press_interrupt_key()
    m.run(100)
    assert completed(m)
    assert m.pending_interrupt_key


# --- machine check, restart, priorities ----------------------------------------------

def enable_machine_checks(m: Machine) -> None:
    m.machine_check_mask = True
    m.psw_changed()


def test_machine_check_interruption_stores_old_psw_at_48_and_code_at_232():
    m = machine([], setup=enable_machine_checks)
    m.inject_machine_check(0x00400F1D_40000000)
    m.run(100)
    assert at_trap(m, MCHECK_TRAP)
    assert psw_at(m, 0x30) == MCHECK_BIT | EC_BIT | 0x200
    assert m.mem[0xE8:0xF0] == dword(0x00400F1D_40000000)


def test_machine_check_stays_pending_while_the_mask_is_off():
    m = machine([("LA", (1, 0, 0, 1))])
    m.inject_machine_check(0x1234)
    m.run(100)
    assert completed(m)
    assert m.pending_machine_checks == [(0x1234, False)]


def test_exigent_machine_check_with_mask_off_and_check_stop_control_stops_the_cpu():
    # CR14 bit 0 (check-stop control) is one after reset (X'C2000000').
    m = machine([("LA", (1, 0, 0, 1))])
    m.inject_machine_check(0x8000, exigent=True)
    assert m.run(100) == "check-stop"


def test_machine_check_is_taken_before_a_pending_external_interruption():
    # Both pending and enabled: the machine check first; its new PSW disables
    # everything, so the external old PSW location is never written.
    m = machine([], system_mask=0x01, setup=enable_machine_checks)
    m.mem[0x18:0x20] = b"\xEE" * 8
    m.press_interrupt_key()
    m.inject_machine_check(0x1)
    m.run(100)
    assert at_trap(m, MCHECK_TRAP)
    assert m.mem[0x18:0x20] == b"\xEE" * 8
    assert m.pending_interrupt_key


def test_restart_key_ends_a_disabled_wait_with_old_psw_at_8():
    m = run([("LA", (1, 0, 0, 1))])
    assert m.stop_reason == STOP_DISABLED_WAIT
    m.mem[0:8] = dword(EC_BIT | 0x300)
    m.mem[0x300:0x308] = program([("LA", (5, 0, 0, 7)), ("LPSW", (0, 0x1F0))])
    m.flush_instruction_cache()
    m.press_restart_key()
    m.run(100)
    assert completed(m)
    assert m.gpr[5] == 7
    assert psw_at(m, 8) == WAIT_PSW_EC


# --- waits ----------------------------------------------------------------------------------

def test_disabled_wait_stops_without_advancing_time():
    m = run([("LA", (1, 0, 0, 1))])
    assert m.run(100) == STOP_DISABLED_WAIT
    assert m.idle_us == 0 and m.now() == 2


def test_enabled_wait_that_nothing_can_end_stops_as_enabled_wait():
    # External mask on, but every CR0 subclass mask off.
    m = run([("LPSW", (0, 0x800))], data={0x800: dword(wait_psw(True, 0x400, mask=0x01))},
            setup=lambda m: set_cr(m, cr0=0))
    assert m.stop_reason == STOP_ENABLED_WAIT


def test_enabled_wait_is_ended_by_the_interrupt_key():
    # CR0: only the interrupt-key subclass (X'40'), so no timer can end the wait.
    m = run([("LPSW", (0, 0x800))], data={0x800: dword(wait_psw(True, 0x400, mask=0x01))},
            setup=lambda m: set_cr(m, cr0=0x40))
    assert m.stop_reason == STOP_ENABLED_WAIT
    m.press_interrupt_key()
    m.run(100)
    assert at_trap(m, EXTERNAL_TRAP)
    assert psw_at(m, 0x18) == wait_psw(True, 0x400, mask=0x01)


# --- PSW exceptions ---------------------------------------------------------------------------

INVALID_EC_PSW = EC_BIT | (1 << 39) | 0x300      # bit 24 one: unassigned in the EC mode


def test_lpsw_of_invalid_ec_psw_is_early_specification_with_ilc_0():
    # GA22-7000 ch.10 "Load PSW": the operation is completed, ILC 0; the old PSW is
    # the invalid PSW as loaded.
    m = run([("LPSW", (0, 0x800))], data={0x800: dword(INVALID_EC_PSW)})
    assert at_trap(m, PROGRAM_TRAP)
    assert ec_program_code(m) == 0x0006
    assert ec_program_ilc(m) == 0
    assert psw_at(m, 0x28) == INVALID_EC_PSW


def test_early_exception_comes_before_a_pending_external_interruption_and_the_wait():
    # The invalid PSW enables external interruptions (interrupt key pending) and
    # specifies the wait state: "The interruption occurs regardless of whether the
    # wait state is specified" and the program interruption occurs instead.
    bad = INVALID_EC_PSW | WAIT_BIT | (0x01 << 56)
    m = machine([("LPSW", (0, 0x800))], data={0x800: dword(bad)})
    m.press_interrupt_key()
    m.run(100)
    assert at_trap(m, PROGRAM_TRAP)
    assert ec_program_code(m) == 0x0006
    assert psw_at(m, 0x28) == bad
    assert m.pending_interrupt_key


def test_bc_psw_bits_16_to_33_are_ignored_when_loaded():
    # A BC PSW with an interruption code and ILC in bits 16-33 is valid.
    new = 0x0000FFFF_C0000300
    m = machine([("LPSW", (0, 0x800))], ec=False, data={
        0x800: dword(new), 0x300: program([("LA", (5, 0, 0, 9)), ("LPSW", (0, 0x1F0))])})
    m.run(100)
    assert completed(m) and m.gpr[5] == 9


def test_odd_instruction_address_is_specification():
    # The ILC tells by how many halfwords the address was advanced (GA22-7000 ch.6,
    # instruction-fetching exceptions); the code is 6.
    m = run([("LPSW", (0, 0x800))], data={0x800: dword(EC_BIT | 0x301)})
    assert ec_program_code(m) == 0x0006
    ilc = ec_program_ilc(m)
    assert ilc in (1, 2, 3)
    assert (psw_at(m, 0x28) & 0xFFFFFF) - 2 * ilc == 0x301


def test_invalid_program_new_psw_loops_until_the_step_limit():
    # Each program interruption loads an invalid PSW, whose early exception is
    # another program interruption: the run ends at the step limit.
    m = machine([], tail=INVALID_OPCODE)
    m.mem[0x68:0x70] = dword(INVALID_EC_PSW)
    assert m.run(50) == STOP_STEP_LIMIT


# --- program-event recording ---------------------------------------------------------------------

def per(cr9: int, start: int = 0, end: int = 0):
    def setup(m: Machine) -> None:
        set_cr(m, cr9=cr9, cr10=start, cr11=end)
    return setup


def test_per_successful_branch_is_recognized_whatever_the_address():
    # S/370: the successful-branching event has no address range.  BC 15 at X'200'
    # to X'300': code X'0080', PER code X'80', PER address X'200', old PSW X'300',
    # ILC 2 (BC is 4 bytes).
    m = run([("BC", (15, 0, 0, 0x300))], system_mask=0x40, setup=per(0x80000000))
    assert at_trap(m, PROGRAM_TRAP)
    assert ec_program_code(m) == 0x0080 and ec_program_ilc(m) == 2
    assert per_code(m) == 0x80 and per_address(m) == 0x200
    assert psw_at(m, 0x28) & 0xFFFFFF == 0x300


def test_per_branch_not_taken_is_no_event():
    m = run([("BC", (0, 0, 0, 0x300))], system_mask=0x40, setup=per(0x80000000))
    assert completed(m)


def test_per_instruction_fetch_event_in_range_after_execution():
    # CR10 = CR11 = X'204': the LA at X'204' executes, then the interruption.
    m = run([("LA", (4, 0, 0, 1)), ("LA", (5, 0, 0, 9)), ("LA", (6, 0, 0, 3))],
            system_mask=0x40, setup=per(0x40000000, 0x204, 0x204))
    assert ec_program_code(m) == 0x0080
    assert per_code(m) == 0x40 and per_address(m) == 0x204
    assert m.gpr[5] == 9 and m.gpr[6] == 0
    assert psw_at(m, 0x28) & 0xFFFFFF == 0x208


def test_per_storage_alteration_counts_every_byte_stored():
    # Range X'900'-X'903'.  ST at X'8FE' stores X'8FE'-X'901': event.  ST at X'904':
    # no event (the first ST is at X'204', after LA at X'200').
    m = run([("LA", (3, 0, 0, 5)), ("ST", (3, 0, 0, 0x8FE))], system_mask=0x40,
            setup=per(0x20000000, 0x900, 0x903))
    assert per_code(m) == 0x20 and per_address(m) == 0x204
    m = run([("LA", (3, 0, 0, 5)), ("ST", (3, 0, 0, 0x904))], system_mask=0x40,
            setup=per(0x20000000, 0x900, 0x903))
    assert completed(m)


def test_per_general_register_alteration_counts_an_unchanged_value():
    # "Recognition of the event is not contingent on the new value being different."
    # CR9 bits 16-31 mask register r at bit 16+r: register 5 is X'0400'.
    m = run([("LR", (6, 6)), ("LR", (5, 5))], system_mask=0x40, setup=per(0x10000400))
    assert ec_program_code(m) == 0x0080
    assert per_code(m) == 0x10 and per_address(m) == 0x202


def test_per_event_with_a_completing_exception_is_indicated_with_it():
    # AR 5,5 with X'40000000' (R5 set before the run, so only AR alters it):
    # overflow, the result X'80000000' is stored and the fixed-point-overflow
    # exception (mask bit on via SPM X'08000000') completes: code X'0008' | X'0080',
    # PER code X'10'.
    def setup(m: Machine) -> None:
        per(0x10000400)(m)
        m.gpr[5] = 0x40000000

    m = run([("L", (1, 0, 0, 0x800)), ("SPM", (1, 0)), ("AR", (5, 5))], system_mask=0x40,
            setup=setup, data={0x800: word(0x08000000)})
    assert ec_program_code(m) == 0x0088
    assert per_code(m) == 0x10
    assert m.gpr[5] == 0x80000000


def test_per_instruction_fetch_with_operation_exception():
    m = machine([], tail=INVALID_OPCODE, system_mask=0x40,
                setup=per(0x40000000, 0x200, 0x200))
    m.run(100)
    assert ec_program_code(m) == 0x0081
    assert per_code(m) == 0x40 and per_address(m) == 0x200


def test_per_with_lpsw_of_invalid_psw_indicates_both_with_ilc_0():
    # GA22-7000 ch.4: LPSW causing a PER event and introducing a PSW-format error
    # of the early kind: the code identifies both (X'0086'), ILC 0.
    m = run([("LPSW", (0, 0x800))], system_mask=0x40, setup=per(0x40000000, 0x200, 0x200),
            data={0x800: dword(INVALID_EC_PSW)})
    assert ec_program_code(m) == 0x0086
    assert ec_program_ilc(m) == 0
    assert per_code(m) == 0x40
    assert psw_at(m, 0x28) == INVALID_EC_PSW


def test_per_with_supervisor_call_follows_the_svc_interruption():
    # The SVC interruption is taken, then the program interruption for PER with
    # the SVC new PSW as old PSW; PER address X'200', ILC 1.
    m = run([("SVC", (0, 1))], system_mask=0x40, setup=per(0x40000000, 0x200, 0x200))
    assert at_trap(m, PROGRAM_TRAP)
    assert psw_at(m, 0x20) == (0x40 << 56) | EC_BIT | 0x202
    assert psw_at(m, 0x28) == wait_psw(True, SVC_TRAP)
    assert ec_program_code(m) == 0x0080 and ec_program_ilc(m) == 1
    assert per_address(m) == 0x200


def test_per_no_event_for_an_instruction_that_cannot_be_fetched():
    # Odd instruction address: specification, no PER event although every address
    # is in the fetch range (X'000000'-X'FFFFFF').
    m = machine([], system_mask=0x40, setup=per(0x40000000, 0, 0xFFFFFF))
    m.ia = 0x201
    m.run(100)
    assert ec_program_code(m) == 0x0006


def test_per_is_not_active_in_bc_mode():
    m = run([("BC", (15, 0, 0, 0x204)), ("LA", (1, 0, 0, 1))], ec=False, system_mask=0x40,
            setup=per(0x80000000))
    assert completed(m)


def test_per_with_ssm_introducing_an_invalid_psw_indicates_both_with_ilc_2():
    # SSM X'C0' keeps PER (bit 1) on and sets bit 0: specification (ILC 2, as SSM
    # introduced it) together with the instruction-fetch event of the SSM.
    m = run([("SSM", (0, 0x800))], system_mask=0x40, setup=per(0x40000000, 0x200, 0x200),
            data={0x800: bytes([0xC0])})
    assert ec_program_code(m) == 0x0086
    assert ec_program_ilc(m) == 2
    assert per_code(m) == 0x40
    assert psw_at(m, 0x28) == (0xC0 << 56) | EC_BIT | 0x204
