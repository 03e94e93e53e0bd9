"""The machine core: resets, storage, keys, prefixing, protection, the run loop."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference.arch.interrupts import SupervisorCall
from reference.io.channel import ChannelSubsystem
from reference.io.devices import Printer1403
from reference.machine import cpu
from reference.machine.cpu import (
    STOP_DISABLED_WAIT,
    STOP_ENABLED_WAIT,
    STOP_STEP_LIMIT,
    RunHooks,
    StorageSizeError,
)
from reference.machine.machine import Machine
from reference.session import start_machine
from tests.support import CODE_ORIGIN, ins, make_machine, program, run_code

PROGRAM_NEW = 0x68
PROGRAM_OLD = 0x28


def program_check_code(m: Machine) -> int:
    """Interruption code of the last program interruption (EC mode: location 142)."""
    return int.from_bytes(m.mem[0x8E:0x90], "big")


def with_program_new_wait(m: Machine, ec: bool = True) -> Machine:
    """Program new PSW: a disabled wait, so a program check stops the run."""
    psw = 0x000A0000_00000BAD | ((1 << 51) if ec else 0)
    m.mem[PROGRAM_NEW:PROGRAM_NEW + 8] = psw.to_bytes(8, "big")
    return m


# --- storage sizes and resets ----------------------------------------------

@pytest.mark.parametrize("size", [0, 32 * 1024, 64 * 1024 + 1, 17 * 1024 * 1024])
def test_storage_size_outside_64k_to_16m_or_not_2k_multiple_is_refused(size):
    with pytest.raises(StorageSizeError):
        Machine(size)


def test_clear_reset_leaves_control_registers_at_architected_values():
    # GA22-7000 ch.4, initial CPU reset; the same values Hercules shows after sysclear.
    m = Machine(64 * 1024)
    assert m.cr[0] == 0x000000E0
    assert m.cr[2] == 0xFFFFFFFF
    assert m.cr[14] == 0xC2000000
    assert m.cr[15] == 0x00000200
    assert [m.cr[i] for i in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)] == [0] * 12
    assert m.gpr == [0] * 16 and m.prefix == 0 and m.psw_value() == 0
    assert not any(m.mem) and not any(m.keys)


def test_state_of_two_identical_runs_compares_equal_and_differs_after_a_change():
    code = program([("LA", (1, 0, 0, 5)), ("AR", (1, 1))])
    a, b = run_code(code), run_code(code)
    assert a.state() == b.state()
    b.gpr[1] = 0
    assert a.state() != b.state()


# --- prefixing ---------------------------------------------------------------

def test_prefixing_exchanges_real_page_zero_and_the_prefix_page():
    m = Machine(64 * 1024)
    m.prefix = 0x3000
    assert m.real_to_absolute(0x0010) == 0x3010
    assert m.real_to_absolute(0x3010) == 0x0010
    assert m.real_to_absolute(0x5010) == 0x5010


# --- protection --------------------------------------------------------------

def test_store_with_mismatched_key_is_a_protection_exception():
    # GA22-7000 ch.3 key-controlled protection: key 2 may not store into a block of key 3.
    code = program([("LA", (1, 0, 0, 0x800)), ("ST", (1, 0, 0, 0x800))])
    m = make_machine(code, ec=True, key=2)
    m.keys[1] = 0x30
    with_program_new_wait(m)
    m.run(100)
    assert program_check_code(m) == 0x0004
    assert m.mem[0x800:0x804] == bytes(4)


def test_fetch_from_fetch_protected_block_with_other_key_is_a_protection_exception():
    code = program([("L", (1, 0, 0, 0x800))])
    m = make_machine(code, ec=True, key=2)
    m.keys[1] = 0x38
    m.keys[0] = 0x20  # the program's own block has key 2
    with_program_new_wait(m)
    m.run(100)
    assert program_check_code(m) == 0x0004


def test_fetch_from_store_protected_block_is_allowed():
    code = program([("L", (1, 0, 0, 0x800))])
    m = make_machine(code, ec=True, key=2, data={0x800: b"\x12\x34\x56\x78"})
    m.keys[1] = 0x30
    m.keys[0] = 0x20
    with_program_new_wait(m)
    m.run(100)
    assert m.gpr[1] == 0x12345678


def test_key_zero_stores_anywhere():
    code = program([("LA", (1, 0, 0, 7)), ("ST", (1, 0, 0, 0x800))])
    m = make_machine(code, ec=True)
    m.keys[1] = 0x38
    m.run(100)
    assert m.mem[0x800:0x804] == bytes([0, 0, 0, 7])


def test_store_sets_reference_and_change_bits_and_fetch_sets_reference():
    code = program([("ST", (1, 0, 0, 0x800)), ("LA", (3, 0, 0, 0x800)),
                    ("L", (2, 0, 3, 0x800))])
    m = run_code(code, ec=True, storage=64 * 1024)
    assert m.keys[1] & 0x06 == 0x06
    assert m.keys[2] & 0x06 == 0x04


def test_low_address_protection_refuses_a_store_below_512():
    # CR0 bit 3: stores to logical addresses 0-511 are protected regardless of key.
    code = program([("ST", (1, 0, 0, 0x100))])
    m = make_machine(code, ec=True)
    m.cr[0] |= 0x10000000
    with_program_new_wait(m)
    m.run(100)
    # The interruption itself stores into low storage: the CPU is not subject to it.
    assert program_check_code(m) == 0x0004


def test_operand_beyond_storage_is_an_addressing_exception():
    code = program([("L", (1, 0, 0, 0)), ])
    m = make_machine(code, ec=True)
    # make the operand address 0x20000 (beyond 64K) through a base register
    m.gpr[0] = 0
    m.load_image(ins("L", 1, 0, 2, 0), CODE_ORIGIN)
    m.gpr[2] = 0x20000
    with_program_new_wait(m)
    m.run(100)
    assert program_check_code(m) == 0x0005


# --- the run loop --------------------------------------------------------------

def test_disabled_wait_stops_the_run():
    m = run_code(program([("LA", (1, 0, 0, 1))]))
    assert m.stop_reason == STOP_DISABLED_WAIT
    assert m.steps == 2  # LA and the LPSW


def test_step_limit_stops_an_endless_loop():
    # BCR 15,1 with R1 pointing at itself: an endless loop.
    m = make_machine(ins("BCR", 15, 1), end=False)
    m.gpr[1] = CODE_ORIGIN
    assert m.run(1000) == STOP_STEP_LIMIT
    assert m.steps == 1000


def test_enabled_wait_with_no_interruption_source_stops_as_enabled_wait():
    m = make_machine(b"", end=False)
    # EC-mode enabled wait (external mask on) with every external submask off in CR0
    wait = (0x01 << 56) | (1 << 51) | (1 << 49)
    m.load_psw_value(wait)
    m.cr[0] = 0
    assert m.run(100) == STOP_ENABLED_WAIT


def test_store_into_a_cached_instruction_takes_effect():
    # Self-modifying code: the first pass runs LA 1,1; then MVI changes it to LA 1,2.
    code = program([
        ("LA", (1, 0, 0, 1)),          # 200: patched below
        ("AR", (2, 1)),                # 204
        ("MVI", (0x02, 0, CODE_ORIGIN + 3)),  # 206: displacement byte of the LA -> 2
        ("BCT", (3, 0, 0, CODE_ORIGIN)),      # 20A: loop twice
    ])
    m = make_machine(code)
    m.gpr[3] = 2
    m.run(100)
    assert m.gpr[2] == 1 + 2


def test_odd_instruction_address_is_a_specification_exception():
    m = make_machine(ins("BCR", 15, 1), ec=True, end=False)
    m.gpr[1] = 0x301
    with_program_new_wait(m)
    m.run(100)
    assert program_check_code(m) == 0x0006


def test_unknown_opcode_is_an_operation_exception_with_its_length():
    # X'00' is not assigned: operation exception, ILC 1 (two bytes).
    m = make_machine(b"\x00\x00", ec=True, end=False)
    with_program_new_wait(m)
    m.run(100)
    assert program_check_code(m) == 0x0001
    assert m.mem[0x8D] == 2
    old = int.from_bytes(m.mem[PROGRAM_OLD:PROGRAM_OLD + 8], "big")
    assert old & 0xFFFFFF == CODE_ORIGIN + 2


# --- any byte sequence ends in an architected outcome ---------------------------

ARCHITECTED_STOPS = {"disabled-wait", "enabled-wait", "check-stop", "step-limit"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=st.binary(min_size=2, max_size=64), ec=st.booleans(), problem=st.booleans(),
       key=st.integers(0, 15), low=st.binary(min_size=0, max_size=64))
def test_random_bytes_end_in_an_architected_outcome(code, ec, problem, key, low):
    m = make_machine(code, ec=ec, problem=problem, key=key, end=False)
    # random contents for the interruption new PSWs and low storage
    m.load_image(low[:0x40], 0x58)
    m.run(500)
    assert m.stop_reason in ARCHITECTED_STOPS


@settings(max_examples=100, deadline=None)
@given(image=st.binary(min_size=8, max_size=512))
def test_random_image_from_location_zero_ends_in_an_architected_outcome(image):
    m = start_machine(image, 64 * 1024)
    assert m.run(300) in ARCHITECTED_STOPS


def test_store_into_an_instruction_already_decoded_takes_effect_on_the_next_pass():
    # STC patches the displacement of LA 1,d at X'200' with the pass number (1, 2, 3):
    # pass 1 runs LA 1,1, pass 2 LA 1,1 (patched to 2 after it ran), pass 3 LA 1,2.
    # Every instruction of the loop is decoded on pass 1, so pass 3 must see the
    # patch although the store and the patched instruction were both cached.
    code = program([
        ("LA", (1, 0, 0, 1)),                 # 200
        ("AR", (2, 1)),                       # 204
        ("STC", (4, 0, 0, CODE_ORIGIN + 3)),  # 206
        ("LA", (4, 0, 4, 1)),                 # 20A
        ("BCT", (3, 0, 0, CODE_ORIGIN)),      # 20E
    ])
    m = make_machine(code)
    m.gpr[3], m.gpr[4] = 3, 1
    m.run(100)
    assert m.gpr[2] == 1 + 1 + 2


def test_interruption_loop_stops_at_the_step_limit():
    # External new PSW enabled for the CPU timer, which stays negative: every
    # interruption loads a PSW that takes the same interruption again, and no
    # instruction ever runs.
    m = make_machine(b"", ec=True, end=False, system_mask=0x01)
    m.cr[0] |= 0x400
    m.set_cpu_timer(1 << 63)  # negative
    loop_psw = 0x01080000_00000200  # EC, external enabled, IA X'200'
    m.load_image(loop_psw.to_bytes(8, "big"), 0x58)
    m.load_psw_value(loop_psw)
    assert m.run(50) == STOP_STEP_LIMIT
    assert m.steps == 0 and m.interruptions >= 50


# ---------------------------------------------------------------------------
# The run's bounds: instructions and machine time
# ---------------------------------------------------------------------------
def endless_channel_program(tmp_path) -> Machine:
    """SIO of a NO-OPERATION command-chained to a TIC back to it (GA22-7000 ch.12:
    the channel program never ends), then an enabled wait for its interruption."""
    code = program([("SIO", (0, 0x00E)), ("LPSW", (0, 0x300))])
    m = make_machine(code, end=False, data={
        0x48: (0x308).to_bytes(4, "big"),                       # CAW: the NOP
        0x300: bytes.fromhex("8002000000000000"),               # BC, channel 0, wait
        0x308: bytes.fromhex("0300000040000001"),               # NOP, command chaining
        0x310: bytes.fromhex("0800030800000001")})              # TIC to the NOP
    m.channels = ChannelSubsystem(m)
    m.channels.attach(0x00E, Printer1403(tmp_path / "print.txt"))
    return m


def test_a_channel_program_that_never_ends_stops_at_the_time_bound(tmp_path):
    # Two instructions (SIO, LPSW) and then no other: only machine time bounds the
    # run.  It stops exactly at the bound, its machine time equal to it.
    m = endless_channel_program(tmp_path)
    assert m.run(10_000, max_time=50_000) == "time-limit"
    assert m.steps == 2
    assert m.now() == 50_000
    # The channel worked all the while: a NOP and a TIC are 10 us each (the model's
    # CCW time), so about 50,000 / 10 commands ran; the subchannel is still working.
    assert m.channels.events_done >= 50_000 // 10 - 2
    assert m.channels.subchannels[0x00E].working


def test_the_default_time_bound_is_ten_times_the_steps_and_at_least_ten_seconds(
        tmp_path, monkeypatch):
    assert cpu.default_max_time(0) == 10_000_000
    assert cpu.default_max_time(1_000_000) == 10_000_000
    assert cpu.default_max_time(10_000_000) == 100_000_000
    # A run without a time bound gets the default (with a floor of 0.1 s here, so
    # that the channel's work until it is quick).
    monkeypatch.setattr(cpu, "MIN_DEFAULT_MAX_TIME_US", 100_000)
    m = endless_channel_program(tmp_path)
    assert m.run(20_000) == "time-limit"
    assert m.now() == 200_000
    m = endless_channel_program(tmp_path)
    assert m.run(1_000) == "time-limit"
    assert m.now() == 100_000


def test_a_wait_that_ends_before_the_time_bound_is_not_cut(tmp_path):
    # SPT of one second (X'F4240000' = 1,000,000 x X'1000'), an enabled wait for it:
    # the CPU-timer interruption at t = 1,000,002 comes before a bound of 1.1 s, and
    # after one of 0.9 s, where the run stops in the wait.
    code = program([("SPT", (0, 0x300)), ("LPSW", (0, 0x308))])
    m = make_machine(code, ec=True, end=False, data={
        0x300: (0xF4240000).to_bytes(8, "big"),
        0x308: bytes.fromhex("010A000000000000"),   # EC, external mask, wait
        0x58: bytes.fromhex("000A000000000EEE")})   # external new: disabled wait
    m.cr[0] = 0x400                                  # the CPU-timer subclass mask only
    m.control_changed()
    assert m.run(100, max_time=1_100_000) == "disabled-wait"
    assert m.ia == 0xEEE
    m = make_machine(code, ec=True, end=False, data={
        0x300: (0xF4240000).to_bytes(8, "big"),
        0x308: bytes.fromhex("010A000000000000"),
        0x58: bytes.fromhex("000A000000000EEE")})
    m.cr[0] = 0x400
    m.control_changed()
    assert m.run(100, max_time=900_000) == "time-limit"
    assert m.now() == 900_000 and m.wait


def test_instructions_stop_at_the_time_bound_when_it_comes_first():
    # A branch to itself: one instruction a microsecond, so a bound of 1,000 us
    # stops it after 1,000 instructions, before the step bound.
    m = make_machine(program([("BC", (15, 0, 0, CODE_ORIGIN))]), end=False)
    assert m.run(5_000, max_time=1_000) == "time-limit"
    assert m.steps == 1_000


# --- watchers (RunHooks) and the envelope of one instruction -----------------------

class Watcher(RunHooks):
    """Counts what the machine tells it."""

    def __init__(self, one_at_a_time: bool = False) -> None:
        self.one_at_a_time = one_at_a_time
        self.seen: dict[str, int] = {}
        self.ends: list[tuple[int, object]] = []
        self.taken: list[str] = []

    def count(self, what: str) -> None:
        self.seen[what] = self.seen.get(what, 0) + 1

    def decoded(self, ia, code, row):
        self.count("decoded")
        return None if row is None else row.mnemonic

    def loop_begins(self):
        self.count("loop")
        return lambda info: self.count(f"completed {info}")

    def loop_ends(self, ia, info):
        self.ends.append((ia, info))

    def step_begins(self):
        self.count("step")

    def step_executed(self, row, exc):
        self.count("executed")

    def interruption_begins(self, cpu):
        self.count("interruption")

    def interruption_taken(self, cpu, record):
        self.taken.append(record.kind)


LOOP = program([("LA", (1, 0, 0, 1)), ("AR", (2, 1)), ("BCT", (3, 0, 0, CODE_ORIGIN))])


def test_hooks_see_the_fast_loop_and_change_nothing():
    plain, watched = make_machine(LOOP), make_machine(LOOP)
    plain.gpr[3] = watched.gpr[3] = 10
    w = Watcher()
    watched.attach_hooks(w)
    assert watched.run(1000) == plain.run(1000) == STOP_DISABLED_WAIT
    assert watched.state() == plain.state()
    # Each instruction decoded once; each completed with what its decoding
    # returned, but the last of each loop (the timers end one, LPSW the last: the
    # wait PSW calls for attention), which the loop hands back.
    completed = {k: v for k, v in w.seen.items() if k.startswith("completed")}
    assert set(completed) == {"completed LA", "completed AR", "completed BCT"}
    assert w.seen["decoded"] == 4 and w.seen["loop"] == len(w.ends)
    assert sum(completed.values()) + len(w.ends) == watched.steps == 31
    assert w.ends[-1] == (CODE_ORIGIN + 10, "LPSW")
    watched.detach_hooks(w)
    assert watched.hooks is None


def test_hooks_that_want_one_instruction_at_a_time_see_every_step():
    m = make_machine(LOOP)
    m.gpr[3] = 10
    w = Watcher(one_at_a_time=True)
    m.attach_hooks(w)
    m.run(1000)
    assert w.seen["step"] == w.seen["executed"] == w.seen["decoded"] == m.steps == 31
    assert "loop" not in w.seen


def test_hooks_see_an_interruption_begin_and_its_psw_swap():
    # X'00' is not an operation: the fast loop ends with nothing decoded, then the
    # program interruption.
    m = with_program_new_wait(make_machine(b"\x00\x00", ec=True, end=False))
    w = Watcher()
    m.attach_hooks(w)
    m.run(100)
    assert w.ends == [(CODE_ORIGIN, None)]
    assert w.seen["interruption"] == 1 and w.taken == ["program"]


def test_an_svc_executed_elsewhere_under_per_is_followed_by_its_per_interruption():
    # The VMCP's case: the real machine executed a guest's SVC and recognized PER
    # events for it; the guest's CPU takes the SVC interruption, then a program
    # interruption for PER (GA22-7000 ch.4 "Program-Event Recording").
    m = make_machine(b"", ec=True, end=False)
    m.interruption_log = []
    m.end_instruction(CODE_ORIGIN, 2, SupervisorCall(7), per_events=0x40)
    assert [(r.kind, r.code) for r in m.interruption_log] == [("svc", 7), ("program", 0x80)]
    assert m.mem[0x96] == 0x40
