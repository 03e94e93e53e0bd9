"""A test harness for interpretive execution: a guest run by SIE, not by the VMCP.

``run_interpreted(native, max_steps, resident=True)`` takes a machine prepared to
run a program natively (``reference.session.start_machine``: its storage, keys and
PSW; nothing run yet), copies its state into a state description and guest storage
of a larger host machine, and has the host run the guest with START INTERPRETIVE
EXECUTION until the guest ends as the native run would end: a disabled wait, or
``max_steps`` instructions.  The host's program is one SIE and a LOAD PSW of a
disabled wait; this harness, in Python, is the rest of its hypervisor:

- a wait-state interception with the guest enabled: the guest's time passes, as
  natively, to its next timer event (its elapsed time, CPU timer and epoch in the
  SD advance), and the guest goes on;
- a chain of interruptions with no instruction between them ends as natively at
  ``max_steps`` (the SD's chain limit);
- any other interception ends the run (``Interpreted.interception``): the
  instructions the facility leaves to the host are not the harness's to perform.

``Interpreted.state()`` is the guest's architectural state read from the SD and
the guest's storage (``reference.machine.cpu.State``), to compare with
``native.state()`` after ``native.run(max_steps)``.  A pageable guest's storage is
host virtual storage at an origin, mapped page for page onto host frames in
reverse order by segment and page tables the harness builds, with its storage
keys in a key area.
"""

from __future__ import annotations

from dataclasses import dataclass

from reference.arch.lowcore import INTERVAL_TIMER, MASK64, TOD_UNITS_PER_US
from reference.machine import interpretive as sie
from reference.machine.cpu import State, default_max_time
from reference.machine.machine import Machine

SD_AT = 0x800              # the state description (host real)
HOST_PROGRAM = 0x400       # SIE 0(15); LPSW 0x410(0); disabled-wait PSW at 0x410
GUEST_ORIGIN = 0x10000     # resident: host real origin of guest storage
TABLES_AT = 0x1000         # pageable: the host's segment table, then page tables
KEY_AREA_AT = 0x3000       # pageable: the guest's storage keys
PAGEABLE_ORIGIN = 0x100000  # pageable: host virtual origin of guest storage
PAGE = 4096


@dataclass
class Interpreted:
    host: Machine
    interception: int          # the last interception code (0: the step bound)
    entries: int               # SIE executions
    exit_tod: int              # the host's TOD clock when the last SIE ended

    def sd(self) -> bytes:
        return self.host.read_real(SD_AT, sie.SD_SIZE)

    def state(self) -> State:
        """The guest's state, from the SD and its storage as the host sees it."""
        host = self.host
        b = self.sd()
        guest = _guest_storage(host, b)
        keys = _guest_keys(host, b)
        word = _word
        prefix = word(b, sie.SD_PREFIX)

        def absolute(real: int) -> int:
            page = real & 0xFFF000
            return real | prefix if page == 0 else (real & 0xFFF if page == prefix else real)
        at = absolute(INTERVAL_TIMER)
        pending = ["interval-timer"] if b[sie.SD_STATE] & sie.STATE_INTERVAL_TIMER_PENDING \
            else []
        return State(
            psw=_dword(b, sie.SD_PSW),
            gpr=tuple(host.gpr[:14]) + (word(b, sie.SD_GR14), word(b, sie.SD_GR14 + 4)),
            fpr=tuple(host.fpr), cr=tuple(word(b, sie.SD_CR + 4 * i) for i in range(16)),
            prefix=prefix, tod=(self.exit_tod + _dword(b, sie.SD_EPOCH)) & MASK64,
            clock_comparator=_dword(b, sie.SD_CLOCK_COMPARATOR),
            cpu_timer=_dword(b, sie.SD_CPU_TIMER),
            interval_timer=int.from_bytes(guest[at:at + 4], "big"),
            storage=guest, keys=keys, pending=tuple(pending), stopped=None)

    @property
    def steps(self) -> int:
        return _dword(self.sd(), sie.SD_INSTRUCTIONS)


def _word(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 4], "big")


def _dword(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 8], "big")


def _guest_storage(host: Machine, b: bytes) -> bytes:
    extent = _word(b, sie.SD_EXTENT)
    origin = _word(b, sie.SD_ORIGIN)
    if b[sie.SD_MODE] & sie.MODE_RESIDENT:
        return bytes(host.mem[origin:origin + extent])
    return bytes(sie.HostVirtualStorage(host, origin, extent)[0:extent])


def _guest_keys(host: Machine, b: bytes) -> bytes:
    extent = _word(b, sie.SD_EXTENT)
    area = _word(b, sie.SD_KEY_AREA)
    if area:
        return bytes(host.mem[area:area + (extent >> 11)])
    origin = _word(b, sie.SD_ORIGIN)
    return bytes(host.keys[origin >> 11:(origin + extent) >> 11])


def _host_for(native: Machine, resident: bool) -> Machine:
    size = native.size
    host = Machine(GUEST_ORIGIN + size if resident else 2 * size + 0x10000,
                   floating_point=native.floating_point)
    code = bytes.fromhex("B214F000" "82000410") + bytes(8)
    host.write_real(HOST_PROGRAM, code)
    host.write_real(HOST_PROGRAM + 0x10, (0x000A0000_00000000).to_bytes(8, "big"))
    host.gpr[15] = SD_AT
    if not resident:
        _host_tables(host, size)
    host.load_psw_value(0x00080000_00000000 | HOST_PROGRAM)   # EC, disabled, key 0
    return host


def _host_tables(host: Machine, size: int) -> None:
    """Host DAT (4K pages, 1M segments): host virtual PAGEABLE_ORIGIN + page n of
    the guest maps to host frame (last frame - n)."""
    host.cr[0] = 0x00900000             # CR0 bits 8-12 10010: 4K pages, 1M segments
    host.cr[1] = TABLES_AT              # segment-table origin, length code 0 (16 entries)
    pages = size // PAGE
    for segment in range(16):
        host.write_real(TABLES_AT + 4 * segment, (1).to_bytes(4, "big"))   # invalid
    page_table = TABLES_AT + 0x100
    host.write_real(TABLES_AT + 4 * (PAGEABLE_ORIGIN >> 20),
                    ((0xF << 28) | page_table).to_bytes(4, "big"))
    for n in range(256):
        entry = 0x0008                   # invalid
        if n < pages:
            frame = host.size - PAGE * (n + 1)
            entry = (frame >> 8) & 0xFFF0
        host.write_real(page_table + 2 * n, entry.to_bytes(2, "big"))
    host.control_changed()


def _prepare(host: Machine, native: Machine, resident: bool, max_steps: int) -> None:
    size = native.size
    b = bytearray(sie.SD_SIZE)
    b[sie.SD_MODE] = sie.MODE_370 | (sie.MODE_RESIDENT if resident else 0)
    b[sie.SD_PREFIX:sie.SD_PREFIX + 4] = native.prefix.to_bytes(4, "big")
    origin = GUEST_ORIGIN if resident else PAGEABLE_ORIGIN
    b[sie.SD_ORIGIN:sie.SD_ORIGIN + 4] = origin.to_bytes(4, "big")
    b[sie.SD_EXTENT:sie.SD_EXTENT + 4] = size.to_bytes(4, "big")
    b[sie.SD_GR14:sie.SD_GR14 + 8] = (native.gpr[14].to_bytes(4, "big")
                                      + native.gpr[15].to_bytes(4, "big"))
    b[sie.SD_PSW:sie.SD_PSW + 8] = native.psw_value().to_bytes(8, "big")
    b[sie.SD_CPU_TIMER:sie.SD_CPU_TIMER + 8] = native.cpu_timer().to_bytes(8, "big")
    b[sie.SD_CLOCK_COMPARATOR:sie.SD_CLOCK_COMPARATOR + 8] = \
        native.clock_comparator.to_bytes(8, "big")
    for i, value in enumerate(native.cr):
        b[sie.SD_CR + 4 * i:sie.SD_CR + 4 * i + 4] = value.to_bytes(4, "big")
    b[sie.SD_ELAPSED:sie.SD_ELAPSED + 8] = native.now().to_bytes(8, "big")
    b[sie.SD_INSTRUCTIONS:sie.SD_INSTRUCTIONS + 8] = native.steps.to_bytes(8, "big")
    b[sie.SD_INTERVAL_STEPS:sie.SD_INTERVAL_STEPS + 8] = native.interval_ticks.to_bytes(8, "big")
    b[sie.SD_CHAIN_LIMIT:sie.SD_CHAIN_LIMIT + 4] = min(max_steps, 0xFFFFFFFF).to_bytes(4, "big")
    if not resident:
        b[sie.SD_KEY_AREA:sie.SD_KEY_AREA + 4] = KEY_AREA_AT.to_bytes(4, "big")
        host.write_real(KEY_AREA_AT, bytes(native.keys))
        sie.HostVirtualStorage(host, origin, size)[0:size] = bytes(native.mem)
    else:
        host.mem[origin:origin + size] = native.mem
        host.keys[origin >> 11:(origin + size) >> 11] = native.keys
    host.gpr[:14] = native.gpr[:14]
    host.fpr[:] = native.fpr
    host.write_real(SD_AT, bytes(b))
    # The epoch: the guest's TOD when SIE begins (the host's clock then counts
    # the SIE) is the native machine's.
    epoch = (native.tod() - (host.now() + 1) * TOD_UNITS_PER_US) & MASK64
    host.write_real(SD_AT + sie.SD_EPOCH, epoch.to_bytes(8, "big"))


def run_interpreted(native: Machine, max_steps: int, resident: bool = True,
                    max_entries: int = 100_000) -> Interpreted:
    """Run the program ``native`` is prepared to run (see the module text) as a
    guest of a host machine, for at most ``max_steps`` guest instructions and
    the machine time ``native.run(max_steps)`` allows (``default_max_time``: a
    wait beyond it lasts until it, and the run ends there)."""
    max_time = default_max_time(max_steps)
    host = _host_for(native, resident)
    _prepare(host, native, resident, max_steps)
    entries = 0
    code = 0
    exit_tod = host.tod()
    guest_tod = native.tod()
    while entries < max_entries:
        b = host.read_real(SD_AT, sie.SD_SIZE)
        remaining = min(max_steps - _dword(b, sie.SD_INSTRUCTIONS),
                        max_time - _dword(b, sie.SD_ELAPSED))
        if remaining <= 0:
            break
        # The guest's TOD clock goes on from where it stopped: the epoch is set
        # for the host's clock when SIE begins (SIE counts a microsecond).
        epoch = (guest_tod - (host.now() + 1) * TOD_UNITS_PER_US) & MASK64
        host.write_real(SD_AT + sie.SD_EPOCH, epoch.to_bytes(8, "big"))
        # The host runs SIE (one host instruction) and at most the guest's
        # remaining instructions; its bound ends interpretation exactly there.
        host.load_psw_value(0x00080000_00000000 | HOST_PROGRAM)
        host.run(host.steps + 1 + remaining, 1 << 62)
        entries += 1
        # After an interception the host went on with its LOAD PSW (a microsecond).
        exit_tod = host.tod() - (TOD_UNITS_PER_US if host.wait else 0)
        b = host.read_real(SD_AT, sie.SD_SIZE)
        guest_tod = (exit_tod + _dword(b, sie.SD_EPOCH)) & MASK64
        code = b[sie.SD_CODE]
        if code != sie.WAIT_STATE:
            if code == 0 and host.ia == HOST_PROGRAM:
                continue          # the host's bound: the guest goes on
            break
        delta = _wait(host, max_time)
        if delta is None:
            break
        guest_tod = (guest_tod + delta * TOD_UNITS_PER_US) & MASK64
    return Interpreted(host, code, entries, exit_tod)


def _wait(host: Machine, max_time: int) -> int | None:
    """The guest waits: its time advances to the event that ends the wait, as the
    native machine's service advances it; returns the microseconds.  None:
    nothing ends the wait within ``max_time`` (a disabled wait, an enabled one
    with no timer event to come, or one that lasts until the time bound: its
    time then stands at the bound)."""
    guest = next(iter(host._guests.values()))
    if not guest.wait or not (guest.system_mask & 0x01 or guest.io_enabled()):
        return None
    ends = guest._wait_ends_at()
    if ends is None:
        return None
    now = guest.now()
    ends = max(ends, now + 1)
    if ends > max_time:
        _advance(host, max(0, max_time - now))
        return None
    delta = ends - now
    _advance(host, delta)
    return delta


def _advance(host: Machine, delta: int) -> None:
    """The guest's time passes by ``delta`` microseconds in the wait state."""
    b = bytearray(host.read_real(SD_AT, sie.SD_SIZE))
    for at, value in ((sie.SD_ELAPSED, delta), (sie.SD_CPU_TIMER, -delta * TOD_UNITS_PER_US),
                      (sie.SD_EPOCH, delta * TOD_UNITS_PER_US)):
        b[at:at + 8] = ((_dword(bytes(b), at) + value) & MASK64).to_bytes(8, "big")
    host.write_real(SD_AT, bytes(b))


__all__ = ["run_interpreted", "Interpreted"]
