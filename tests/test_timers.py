"""Timers: the TOD clock, clock comparator, CPU timer and interval timer, their
external interruptions and the enabled wait (GA22-7000 ch.4 "Timing", ch.6).

The machine's time model (reference/machine/machine.py): every instruction takes one
microsecond and an interruption none, so instruction k of a run completes at time
k; TOD bit 51 (X'1000') and CPU-timer bit 51 step once a microsecond; the interval
timer at real location 80 is decremented by X'100' (bit 23) 300 times a second,
tick k at time ceil(k * 1000000 / 300); an enabled wait advances time to the event
that ends it.  Every expected value below is worked out from these rules.
"""

from __future__ import annotations

from reference.machine.cpu import STOP_DISABLED_WAIT, STOP_ENABLED_WAIT
from reference.machine.machine import Machine
from tests.support import checked_program, dword, make_machine, word

EC_BIT = 1 << 51
WAIT_BIT = 1 << 49
EXTERNAL_TRAP, PROGRAM_TRAP = 0x0E00, 0x0BA0
NOPR = ("BCR", (0, 0))
US = 0x1000                  # one microsecond in TOD-clock and CPU-timer units


def machine(items, *, ec: bool = True, cr0: int | None = None, interval: int = 0,
            **kw) -> Machine:
    m = make_machine(checked_program(items), ec=ec, **kw)
    m.mem[0x58:0x60] = dword(WAIT_BIT | (EC_BIT if ec else 0) | EXTERNAL_TRAP)
    m.mem[0x68:0x70] = dword(WAIT_BIT | (EC_BIT if ec else 0) | PROGRAM_TRAP)
    m.mem[0x50:0x54] = word(interval)
    if cr0 is not None:
        m.cr[0] = cr0
        m.control_changed()
    return m


def external_old(m: Machine) -> int:
    return int.from_bytes(m.mem[0x18:0x20], "big")


def external_code(m: Machine) -> int:
    return int.from_bytes(m.mem[0x86:0x88], "big")


def interval_timer(m: Machine) -> int:
    return int.from_bytes(m.mem[0x50:0x54], "big")


def at(m: Machine, address: int) -> bool:
    return m.psw_value() & 0xFFFFFF == address


# --- CPU timer ---------------------------------------------------------------------

def test_cpu_timer_interruption_after_the_instruction_that_makes_it_negative():
    # SPT X'3000' at t=1.  At time t the timer is X'3000' - (t-1)*X'1000': zero at
    # t=4, negative at t=5.  Instructions 2-5 are NOPRs at X'204'-X'20A'; the old
    # PSW points at the sixth instruction, X'20C'.  Code X'1005' at 134.
    m = machine([("SPT", (0, 0x800))] + [NOPR] * 8, cr0=0x400, system_mask=0x01,
                data={0x800: dword(0x3000)})
    m.run(100)
    assert at(m, EXTERNAL_TRAP)
    assert external_code(m) == 0x1005
    assert external_old(m) == (0x01 << 56) | EC_BIT | 0x20C
    assert m.cpu_timer() == (0x3000 - 4 * US) & (2**64 - 1)       # -X'1000'


def test_spt_with_a_negative_value_interrupts_right_after_it():
    m = machine([("SPT", (0, 0x800)), NOPR], cr0=0x400, system_mask=0x01,
                data={0x800: dword(0x80000000_00000000)})
    m.run(100)
    assert external_code(m) == 0x1005
    assert external_old(m) & 0xFFFFFF == 0x204


def test_cpu_timer_request_is_not_taken_while_its_subclass_mask_is_off():
    m = machine([("SPT", (0, 0x800)), NOPR], cr0=0, system_mask=0x01,
                data={0x800: dword(0x80000000_00000000)})
    assert m.run(100) == STOP_DISABLED_WAIT
    assert not at(m, EXTERNAL_TRAP)


# --- clock comparator and TOD clock --------------------------------------------------

def test_clock_comparator_interruption_when_the_tod_clock_passes_it():
    # TOD = t * X'1000' (the clock starts at 0 at power-on).  SCKC X'3000' at t=1:
    # TOD > X'3000' from t=4.  SCKC and three NOPRs: old PSW X'20A'.  Code X'1004'.
    m = machine([("SCKC", (0, 0x800))] + [NOPR] * 8, cr0=0x800, system_mask=0x01,
                data={0x800: dword(0x3000)})
    m.run(100)
    assert external_code(m) == 0x1004
    assert external_old(m) & 0xFFFFFF == 0x20A
    assert m.tod() == 4 * US


def test_set_clock_past_the_comparator_interrupts_right_after_sck():
    # SCKC X'1 00000000' (far ahead) at X'200'; SCK X'2 00000000' at X'204'.
    m = machine([("SCKC", (0, 0x800)), ("SCK", (0, 0x808)), NOPR], cr0=0x800,
                system_mask=0x01, data={0x800: dword(1 << 32), 0x808: dword(2 << 32)})
    m.run(100)
    assert external_code(m) == 0x1004
    assert external_old(m) & 0xFFFFFF == 0x208


# --- interval timer ---------------------------------------------------------------------

def counted_loop(count: int) -> list:
    """L 1,=F'count' (X'200', time 1); BCT 1,X'204' (one instruction a microsecond)."""
    return [("L", (1, 0, 0, 0x800)), ("BCT", (1, 0, 0, 0x204))]


def test_interval_timer_is_decremented_by_x100_three_hundred_times_a_second():
    # L (t=1), 9998 BCTs (t=2..9999), LPSW (t=10000): 10000 * 300 // 1000000 = 3 ticks:
    # X'00100000' - 3 * X'100' = X'000FFD00'.  The external mask is off.
    m = machine(counted_loop(9998), interval=0x00100000, data={0x800: word(9998)})
    assert m.run(20_000) == STOP_DISABLED_WAIT
    assert m.now() == 10000
    assert interval_timer(m) == 0x000FFD00


def test_interval_timer_interruption_when_it_goes_negative_ec_mode():
    # X'100': tick 1 (t=3334) makes it 0, tick 2 (t = ceil(2000000/300) = 6667)
    # negative.  The BCT executed at t=6667 is the 6666th (the L was t=1):
    # R1 = 10000 - 6666 = 3334; it branched, so the old PSW points at the BCT.
    m = machine(counted_loop(10000), cr0=0x80, system_mask=0x01, interval=0x100,
                data={0x800: word(10000)})
    m.run(20_000)
    assert at(m, EXTERNAL_TRAP)
    assert external_code(m) == 0x0080
    assert m.gpr[1] == 3334
    assert external_old(m) & 0xFFFFFF == 0x204
    assert interval_timer(m) == 0xFFFFFF00


def test_interval_timer_interruption_code_is_in_the_old_psw_in_bc_mode():
    m = machine(counted_loop(10000), ec=False, cr0=0x80, system_mask=0x01, interval=0x100,
                data={0x800: word(10000)})
    m.run(20_000)
    assert at(m, EXTERNAL_TRAP)
    assert external_old(m) >> 32 & 0xFFFF == 0x0080
    assert external_old(m) & 0xFFFFFF == 0x204
    assert m.gpr[1] == 3334


def test_interval_timer_going_from_zero_to_negative_counts_zero_as_positive():
    # Starting at 0: the first tick (t=3334) already makes it negative.
    m = machine(counted_loop(10000), cr0=0x80, system_mask=0x01, interval=0,
                data={0x800: word(10000)})
    m.run(20_000)
    assert external_code(m) == 0x0080
    assert m.gpr[1] == 10000 - 3333      # the 3333rd BCT ran at t=3334


# --- enabled wait ---------------------------------------------------------------------------

def enabled_wait_psw(address: int = 0x400) -> int:
    return (0x01 << 56) | EC_BIT | WAIT_BIT | address


def test_enabled_wait_advances_time_to_the_cpu_timer():
    # SPT one second (1000000 * X'1000' = X'F4240000') at t=1, LPSW of an enabled
    # wait at t=2.  Negative when X'F4240000' - (t-1)*X'1000' < 0: t = 1000002.
    # Time waited 1000000 us; the interval timer (its subclass off) ran 1000002 * 300
    # // 1000000 = 300 ticks: 0 - 300 * X'100' = X'FFFED400'.
    m = machine([("SPT", (0, 0x800)), ("LPSW", (0, 0x808))], cr0=0x400,
                data={0x800: dword(0xF4240000), 0x808: dword(enabled_wait_psw())})
    m.run(100)
    assert at(m, EXTERNAL_TRAP)
    assert external_code(m) == 0x1005
    assert external_old(m) == enabled_wait_psw()
    assert (m.now(), m.idle_us) == (1000002, 1000000)
    assert interval_timer(m) == 0xFFFED400


def test_enabled_wait_advances_time_to_the_clock_comparator():
    # SCKC X'F4240000' at t=1; TOD = t * X'1000' > X'F4240000' from t = 1000001.
    m = machine([("SCKC", (0, 0x800)), ("LPSW", (0, 0x808))], cr0=0x800,
                data={0x800: dword(0xF4240000), 0x808: dword(enabled_wait_psw())})
    m.run(100)
    assert external_code(m) == 0x1004
    assert m.now() == 1000001
    assert m.tod() == 1000001 * US


def test_enabled_wait_advances_time_to_the_interval_timer():
    # Location 80 = X'100': negative at tick 2, t = 6667.  LPSW was at t=1.
    m = machine([("LPSW", (0, 0x800))], cr0=0x80, interval=0x100,
                data={0x800: dword(enabled_wait_psw())})
    m.run(100)
    assert external_code(m) == 0x0080
    assert m.now() == 6667 and m.idle_us == 6666
    assert interval_timer(m) == 0xFFFFFF00


def test_enabled_wait_on_a_negative_interval_timer_waits_for_the_wrap_around():
    # X'80000000' is negative: 1 tick takes it to X'7FFFFF00' (positive), then
    # X'7FFFFF00' // X'100' + 1 = X'800000' ticks make it negative again: X'800001'
    # ticks, at t = X'800001' * 1000000 / 300 = 27962030000 (exact); the value is
    # X'80000000' - X'800001' * X'100' = -X'100'.
    m = machine([("LPSW", (0, 0x800))], cr0=0x80, interval=0x80000000,
                data={0x800: dword(enabled_wait_psw())})
    m.run(100, max_time=30_000_000_000)    # beyond the default bound of the run's time
    assert external_code(m) == 0x0080
    assert m.now() == 27962030000
    assert interval_timer(m) == 0xFFFFFF00


def test_enabled_wait_on_a_comparator_the_clock_never_passes_is_an_enabled_wait_stop():
    # Comparator X'FFFFFFFF FFFFFFFF': no TOD value is higher; nothing else enabled.
    m = machine([("SCKC", (0, 0x800)), ("LPSW", (0, 0x808))], cr0=0x800,
                data={0x800: dword(2**64 - 1), 0x808: dword(enabled_wait_psw())})
    assert m.run(100) == STOP_ENABLED_WAIT
