"""The virtual-machine control program (VMCP): guests by trap-and-simulate.

Theory of operation
-------------------
The VMCP is the supervisor program of one real reference machine
(``reference.machine.machine.Machine``), written in Python.  Each virtual machine (VM) is a
``VirtualMachine``: the architectural state of a System/370 CPU (the same ``CPU``
class the real machine is built on) whose storage is a region of real storage.

*Dispatch.*  To run a VM the VMCP loads the real machine with the guest's state:
its general registers; its condition code, program mask, key and instruction
address in a real EC-mode PSW that is in the **problem state** with **DAT on** and
the external mask on; control registers whose CR1 designates a segment table the
VMCP built for that VM, mapping guest-real storage (guest prefixing applied) onto
the VM's real frames and nothing else; the real TOD clock set to the guest's TOD;
and the real CPU timer set to expire at the end of the time slice or at the
guest's next timer event, whichever comes first.  The guest's instructions then
run directly on the real machine, unmodified.

*Taking the machine back.*  Every real new PSW of the VMCP is a disabled-wait PSW
whose instruction address names the interruption class.  Whatever interruption
occurs while a guest runs (a privileged-operation exception, any other program
exception, SVC, the real CPU timer) swaps the real PSW, the real machine stops in
that wait, and control returns here: the VMCP reads the old PSW and the
interruption code from its own real low storage, exactly as a control program
entered through its new PSWs does.

*Instruction simulation.*  A privileged-operation exception from a guest whose
virtual PSW is in the supervisor state is simulated against the VM's virtual state
through ``SIMULATIONS``, one entry per privileged instruction: the architecture's
definition of the instruction applied to the ``VirtualMachine`` (virtual PSW,
control registers, prefix, timers, and the storage keys of the guest's frames),
plus what the VMCP must do afterwards (remap the prefix pages after SET PREFIX).
In the virtual problem state the exception is reflected to the guest.
Semi-privileged instructions (SPKA, IPK, MVCK) run directly: while the guest is in
the virtual supervisor state the real CR3 PSW-key mask allows every key and the
real extraction-authority control is on, so they trap only where the guest's own
state would refuse them.

*Reflection.*  Every other program interruption, SVC, and the guest's own
external interruptions (its CPU timer, clock comparator, interval timer) are
performed on the virtual state: the old PSW stored into the guest's low storage,
its new PSW loaded, exactly as the architecture does natively.  A real translation
exception means the guest addressed beyond its storage: it is reflected as the
addressing exception the native machine recognizes.

*Time.*  A guest's time is the instructions it executed plus the time it waited,
the same function of the work done as native time; the VMCP's own work never
shows in it.  The real CPU timer ends a dispatch exactly at the guest instruction
boundary where the guest's next timer event falls, so its timer interruptions and
the updates of its interval timer at location 80 come where they come natively.

*Scheduling.*  VMs are time-shared on the one real CPU.  A VM's run state changes
only through ``TRANSITIONS``: ready, running, waiting (an enabled wait: not
dispatched until an interruption can end it, its time advanced to that event),
stopped (a disabled wait, a check-stop, the step limit, or a named reason).
Policies: round-robin, and share-weighted (stride scheduling: a VM of share 2
gets twice the CPU of one of share 1).

*Isolation.*  A guest addresses only its own frames (DAT), runs only in the real
problem state, and every VMCP action on its behalf goes through its own
``VirtualMachine``; one VM's failure stops that VM alone.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from reference.arch import dat, opcodes
from reference.arch.interrupts import (
    AddressingException,
    Interruption,
    MonitorEvent,
    PageTranslation,
    ProgramInterruption,
    SegmentTranslation,
    SpecificationException,
)
from reference.arch.psw import PSW
from reference.io.channel import ChannelSubsystem
from reference.io.devices import Disk3370
from reference.machine.cpu import CPU, STOP_TIME_LIMIT, default_max_time
from reference.machine.instructions import control, io
from reference.machine.machine import (
    EXT_CLOCK_COMPARATOR,
    EXT_CPU_TIMER,
    EXTERNAL_NEW,
    EXTERNAL_OLD,
    IO_NEW,
    MCHECK_NEW,
    PROGRAM_NEW,
    PROGRAM_OLD,
    RESTART_NEW,
    SVC_NEW,
    SVC_OLD,
    TOD_UNITS_PER_US,
    Machine,
)
from reference.vm.paging import PAGE as PAGE_4K
from reference.vm.paging import PagedKeys, PagedStorage, Pager
from reference.vm.vmio import (
    AREA_SIZE,
    Minidisk,
    RealIO,
    Spool,
    VirtualDevice,
    VMDevices,
    VMIOError,
    attach_devices,
    release_spool,
)

PAGE = 2048                      # the VMCP maps guests with 2K pages ...
SEGMENT = 64 * 1024              # ... and 64K segments
REAL_CR0 = 0x00400000 | EXT_CPU_TIMER[1]   # 2K pages, 64K segments; CPU-timer subclass
CR0_LOW_ADDRESS_PROTECTION = 0x10000000
CR0_EXTRACTION_AUTHORITY = 0x08000000
CR0_SECONDARY_SPACE = 0x04000000
SHADOW_SPACE = 20 * 1024          # a segment table (1K) and 256 page tables of 32 entries
MAX_SHADOW_SPACES = 8             # per VM; beyond, the oldest are dropped
MIN_PAGING_FRAMES = 8             # real frames for paged VMs, at least
TABLES_AT = 0x1000               # the VMCP's segment and page tables start here
DEFAULT_SLICE_US = 5000
MIN_VM_STORAGE = 8 * 1024
INTERRUPTION_LOOP_LIMIT = 10_000  # interruptions in a row, no instruction between them
NO_LIMIT = 1 << 62

# What the VMCP's own work on a VM's behalf costs, in microseconds of real machine
# time.  The VMCP is Python, not instructions of the real machine, so its work is
# charged by this model: each intervention advances the real clock by its cost
# (so that it counts in the slice it happens in) and is charged to the VM it is
# for (so that the scheduler's accounting sees it).  The costs are in proportion
# to what each step costs the VMCP in host time against the real machine's
# instructions (one microsecond each), measured on CPython (docs/vmcp.md,
# "Accounting").  A guest therefore cannot make the VMCP work for it for nothing:
# reflected interruptions, simulations, channel events and faults all use up its
# slice and its share.
COSTS: dict[str, int] = {
    "trap": 80,           # the real machine loaded with the guest, run, and taken back
    "simulate": 32,       # a privileged instruction simulated (by the assist: no trap)
    "simulate I/O": 40,   # ... an I/O instruction, on the VM's virtual channels
    "interruption": 40,   # an interruption performed on the virtual state (reflected)
    "wake": 25,           # a waiting VM woken and settled
    "channel": 25,        # one event of the VM's virtual channel subsystem
    "shadow fault": 60,   # a shadow-table entry filled
    "page fault": 200,    # a page brought in (not counting the backing file's I/O)
}

# The VMCP's real new PSWs: disabled waits whose address names the class.
ENTRY_EXTERNAL, ENTRY_SVC, ENTRY_PROGRAM = 0x18, 0x20, 0x28
ENTRY_MACHINE_CHECK, ENTRY_IO, ENTRY_RESTART = 0x30, 0x38, 0x08
ENTRY_ASSIST = 0x40              # where the assist parks the real machine
ENTRIES = {EXTERNAL_NEW: ENTRY_EXTERNAL, SVC_NEW: ENTRY_SVC, PROGRAM_NEW: ENTRY_PROGRAM,
           MCHECK_NEW: ENTRY_MACHINE_CHECK, IO_NEW: ENTRY_IO, RESTART_NEW: ENTRY_RESTART}
ENTRY_WAIT_PSW = 0x000A0000_00000000   # EC mode, wait, every interruption disabled


class VMCPError(Exception):
    """A configuration the VMCP cannot run (bad input, not guest behaviour)."""


# ---------------------------------------------------------------------------
# Run states of a VM and their transitions (as data)
# ---------------------------------------------------------------------------
class RunState(str, Enum):
    READY = "ready"
    RUNNING = "running"
    WAITING = "waiting"
    STOPPED = "stopped"


TRANSITIONS: dict[tuple[RunState, str], RunState] = {
    (RunState.READY, "dispatch"): RunState.RUNNING,
    (RunState.RUNNING, "preempt"): RunState.READY,       # slice over, or a VMCP intervention
    (RunState.RUNNING, "wait"): RunState.WAITING,        # an enabled wait
    (RunState.RUNNING, "stop"): RunState.STOPPED,        # disabled wait, check-stop, limit
    (RunState.READY, "wait"): RunState.WAITING,          # a reflected interruption loaded a wait
    (RunState.READY, "stop"): RunState.STOPPED,
    (RunState.WAITING, "wake"): RunState.READY,          # its interruption is now due
    (RunState.WAITING, "stop"): RunState.STOPPED,
}


class IllegalTransition(Exception):
    """A model error: a run-state change that TRANSITIONS does not allow."""


# ---------------------------------------------------------------------------
# A virtual machine
# ---------------------------------------------------------------------------
class VirtualMachine(CPU):
    """The virtual state of one guest: a CPU whose storage is its real frames.

    ``mem`` and ``keys`` are views of the real machine's storage and storage keys
    for the VM's region, so the guest running on the real machine and the VMCP
    simulating on its behalf see the same bytes, keys, reference and change bits.
    """

    def __init__(self, name: str, real: Machine, origin: int, size: int,
                 share: int = 1, max_steps: int | None = None,
                 virtual_cpu_id: bool = False, paged: PagedStorage | None = None,
                 max_time: int | None = None) -> None:
        self.name = name
        self.origin = origin
        self.share = share
        self.max_steps = max_steps
        # The bound of the guest's machine time (microseconds since its power-on),
        # as ``Machine.run`` bounds a native run; none without either bound.
        if max_time is None and max_steps is not None:
            max_time = default_max_time(max_steps)
        self.max_time = max_time if max_time is not None else NO_LIMIT
        self.virtual_cpu_id = virtual_cpu_id
        self.run_state = RunState.READY
        self.stop_reason: str | None = None
        self.wake_real_time = 0      # real microseconds, while waiting
        self.wake_vm_time = 0        # the VM's own microseconds, while waiting
        self.pass_value = 0.0        # stride scheduling
        self.interventions: Counter[str] = Counter()
        self.dispatches = 0
        self.assisted = 0            # simulations made by the assist (``VMCP._assist``)
        self.real_us = 0             # real time of the guest's instructions
        self.vmcp_us = 0             # modeled time of the VMCP's work for it (COSTS)
        self.channel_events = 0      # events of its channel subsystem charged so far
        self.interruptions_charged = 0   # interruptions performed on it, charged so far
        self.uncharged = 0           # real time used, not yet charged to the scheduler
        self.segment_table = 0       # real address of the VMCP's segment table for it
        self.real = real
        # Shadow translation tables (guest virtual -> host real), one space per
        # guest segment-table designation; derived from the guest's own TLB
        # (``self.tlb``), so they are exactly as fresh as the native TLB.
        self.shadows: dict[int, int] = {}
        self.shadow_tlb: object = None
        self.shadow_tlb_size = 0
        self.order = 0               # creation order: ties in scheduling go to the older VM
        self.paged = paged
        if paged is not None:
            super().__init__(paged, PagedKeys(paged))
        else:
            super().__init__(memoryview(real.mem)[origin:origin + size],
                             memoryview(real.keys)[origin >> 11:(origin + size) >> 11])

    def real_frame(self, absolute: int, page_in: bool = False) -> int | None:
        """The real address of guest-absolute ``absolute`` (None for a paged-out
        page unless ``page_in``)."""
        if self.paged is None:
            return self.origin + absolute
        page, offset = divmod(absolute, PAGE_4K)
        f = self.paged.frame(page) if page_in else self.paged.frames[page]
        return None if f is None else f + offset

    def _stored(self, a: int, n: int) -> None:
        """The VMCP stored into the guest's storage on its behalf: instructions the
        real machine decoded from those bytes are stale."""
        if self.paged is None:
            self.real._stored(self.origin + a, n)
            return
        end = a + n
        while a < end:
            piece = min(end - a, PAGE_4K - a % PAGE_4K)
            f = self.real_frame(a)
            if f is not None:
                self.real._stored(f, piece)
            a += piece

    def key_changed(self, block: int) -> None:
        f = self.real_frame(block << 11)
        if f is not None:
            self.real.key_changed(f >> 11)

    def flush_instruction_cache(self) -> None:
        """Storage keys or translations of the guest changed: the real machine
        forgets what it decoded (fetch protection and reference recording)."""
        super().flush_instruction_cache()
        self.real.flush_instruction_cache()

    def change(self, event: str) -> None:
        new = TRANSITIONS.get((self.run_state, event))
        if new is None:
            raise IllegalTransition(f"{self.name}: {event} in state {self.run_state.value}")
        self.run_state = new

    def stop(self, reason: str) -> None:
        self.stop_reason = reason
        self.change("stop")


# ---------------------------------------------------------------------------
# Instruction simulation: one entry per privileged instruction
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Simulation:
    """How the VMCP simulates one privileged instruction on a VM.

    ``perform`` is the architecture's definition of the instruction, applied to
    the virtual state; ``after`` is the VMCP's own follow-up, if any."""

    perform: Callable[..., None]
    after: Callable[[VMCP, VirtualMachine], None] | None = None


def _store_virtual_cpu_id(vm: VirtualMachine, b2: int, d2: int) -> None:
    """STIDP under the VMCP with the virtual-machine version code X'FF' (the option
    ``virtual_cpu_id``); otherwise the native definition answers."""
    control.store_cpu_id(vm, b2, d2)
    if vm.virtual_cpu_id:
        addr = vm.address(0, b2, d2)
        vm.store_byte(addr, 0xFF)


def _remap_prefix(cp: VMCP, vm: VirtualMachine) -> None:
    cp.build_tables(vm)


SIMULATIONS: dict[str, Simulation] = {
    "SSK": Simulation(control.set_storage_key),
    "ISK": Simulation(control.insert_storage_key),
    "SSM": Simulation(control.set_system_mask),
    "LPSW": Simulation(control.load_psw),
    "DIAG": Simulation(control.diagnose),
    "STNSM": Simulation(control.store_then_and_system_mask),
    "STOSM": Simulation(control.store_then_or_system_mask),
    "SIGP": Simulation(control.signal_processor),
    "LRA": Simulation(control.load_real_address),
    "STCTL": Simulation(control.store_control),
    "LCTL": Simulation(control.load_control),
    "STIDP": Simulation(_store_virtual_cpu_id),
    "SCK": Simulation(control.set_clock),
    "SCKC": Simulation(control.set_clock_comparator),
    "STCKC": Simulation(control.store_clock_comparator),
    "SPT": Simulation(control.set_cpu_timer),
    "STPT": Simulation(control.store_cpu_timer),
    "SPKA": Simulation(control.set_psw_key_from_address),
    "IPK": Simulation(control.insert_psw_key),
    "PTLB": Simulation(control.purge_tlb),
    "SPX": Simulation(control.set_prefix, after=_remap_prefix),
    "STPX": Simulation(control.store_prefix),
    "STAP": Simulation(control.store_cpu_address),
    "RRB": Simulation(control.reset_reference_bit),
    "IPTE": Simulation(control.invalidate_page_table_entry),
    "MVCK": Simulation(control.move_with_key),
    "MVCP": Simulation(control.move_to_primary),
    "MVCS": Simulation(control.move_to_secondary),
    "TPROT": Simulation(control.test_protection),
    # Channel I/O (reference.vm.vmio): the instruction's definition applied to the
    # VM, whose channel subsystem is its virtual one (virtual devices, spool,
    # minidisks by CCW translation).
    "SIO": Simulation(io.start_io),
    "SIOF": Simulation(io.start_io_fast_release),
    "TIO": Simulation(io.test_io),
    "CLRIO": Simulation(io.clear_io),
    "HIO": Simulation(io.halt_io),
    "HDV": Simulation(io.halt_device),
    "TCH": Simulation(io.test_channel),
    "STIDC": Simulation(io.store_channel_id),
}


# ---------------------------------------------------------------------------
# Scheduling policies
# ---------------------------------------------------------------------------
class Policy:
    """A scheduling policy: the queue of ready VMs, which runs next, and what a
    dispatch costs it.  Every operation is O(log n) in the number of VMs."""

    name = ""

    def push(self, vm: VirtualMachine) -> None:
        raise TypeError("a policy defines push")

    def pop(self) -> VirtualMachine | None:
        raise TypeError("a policy defines pop")

    def lowest_pass(self) -> float | None:
        return None

    def has_ready(self) -> bool:
        """Whether a ready VM is queued (entries no longer ready are dropped)."""
        raise TypeError("a policy defines has_ready")

    def charge(self, vm: VirtualMachine, used_us: int) -> None:
        vm.pass_value += used_us / vm.share


class RoundRobin(Policy):
    """Ready VMs in turn (first in, first out), each for a full time slice
    whatever its share."""

    name = "round-robin"

    def __init__(self) -> None:
        self.queue: deque[VirtualMachine] = deque()

    def push(self, vm: VirtualMachine) -> None:
        self.queue.append(vm)

    def pop(self) -> VirtualMachine | None:
        while self.queue:
            vm = self.queue.popleft()
            if vm.run_state is RunState.READY:
                return vm
        return None

    def has_ready(self) -> bool:
        while self.queue and self.queue[0].run_state is not RunState.READY:
            self.queue.popleft()
        return bool(self.queue)


class ShareWeighted(Policy):
    """Stride scheduling: the VM with the lowest pass runs; its pass grows by the
    time it used divided by its share, so CPU time is proportional to shares.  A
    VM that becomes ready again starts no lower than the lowest pass of the
    others, so it can neither starve others with saved credit nor be starved."""

    name = "share"

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, VirtualMachine]] = []

    def push(self, vm: VirtualMachine) -> None:
        heapq.heappush(self.heap, (vm.pass_value, vm.order, vm))

    def pop(self) -> VirtualMachine | None:
        while self.heap:
            _, _, vm = heapq.heappop(self.heap)
            if vm.run_state is RunState.READY:
                return vm
        return None

    def has_ready(self) -> bool:
        while self.heap and self.heap[0][2].run_state is not RunState.READY:
            heapq.heappop(self.heap)
        return bool(self.heap)

    def lowest_pass(self) -> float | None:
        return self.heap[0][0] if self.heap else None


POLICIES: dict[str, type[Policy]] = {"round-robin": RoundRobin, "share": ShareWeighted}


# ---------------------------------------------------------------------------
# The control program
# ---------------------------------------------------------------------------
@dataclass
class Dispatch:
    """What ended one dispatch: the real entry and the cause counted."""

    entry: int
    cause: str
    guest_steps: int


@dataclass
class VMCP:
    """The control program of one real machine and the VMs it runs."""

    real_storage: int = 16 * 1024 * 1024
    policy: str = "round-robin"
    slice_us: int = DEFAULT_SLICE_US
    vms: list[VirtualMachine] = field(default_factory=list)
    # An observer sees every simulation (``observer.simulated(vm, row)``); the
    # real machine's own observer sees the guest instructions it executes.
    observer: Any = None
    # Real storage (bytes) set aside as frames for paged VMs (create_vm(paged=True)).
    paging: int = 0
    # The spool directory (None: a temporary one, removed with the VMCP).
    spool_directory: Any = None
    # The virtual-machine assist: privileged instructions of a guest in the
    # virtual supervisor state are simulated from inside the real machine's run,
    # without the real interruption and the redispatch (``_assist``).
    assist: bool = True

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise VMCPError(f"unknown policy {self.policy!r} (round-robin, share)")
        self.real = Machine(self.real_storage)
        self.scheduler: Policy = POLICIES[self.policy]()
        # Real storage above the VMCP's own low storage is handed out in 4K-aligned
        # regions, first fit: a VM's frames (one region) and its tables (another).
        self._free: list[tuple[int, int]] = [(TABLES_AT, self.real_storage - TABLES_AT)]
        self._created = 0
        self._waiting: list[tuple[int, int, VirtualMachine]] = []
        self.real.load_control_registers([REAL_CR0] + [0] * 15)
        self.pager: Pager | None = None
        if self.paging:
            size = self.paging & ~(PAGE_4K - 1)
            if size < MIN_PAGING_FRAMES * PAGE_4K:
                # One instruction may need six pages at once (itself and two
                # operands, each across a page boundary): fewer frames could make
                # the VMs take each other's pages for ever.
                raise VMCPError(f"paging: at least {MIN_PAGING_FRAMES * PAGE_4K} bytes "
                                f"of frames, not {size}")
            at = self._allocate(size)
            if at is None:
                raise VMCPError(f"paging: no room for {size} bytes of frames")
            self.pager = Pager(self.real, list(range(at, at + size, PAGE_4K)))
            self.pager.on_page_out = self._paged_out
        for new_at, entry in ENTRIES.items():
            psw = ENTRY_WAIT_PSW | entry
            self.real.write_real(new_at, psw.to_bytes(8, "big"))
        self.spool = Spool(self.spool_directory)
        self._running: VirtualMachine | None = None   # the VM on the real machine
        self._steps0 = 0          # real steps already counted in the running VM's
        self._run_limit = 0       # the step limit of the real run under way
        self._idle_in_run = 0     # real time inside it not the guest's (waits, VMCP work)
        self._slice_end = 0       # the real time the dispatch under way ends at
        if self.assist:
            self.real.assist = self._assist
        self.io: RealIO | None = None
        self.devices: dict[int, VMDevices] = {}        # by the VM's order
        self._extents: list[tuple[int, int, int, VirtualMachine]] = []  # real, start, end

    # --- real devices, minidisks, spool (reference.vm.vmio) --------------------
    def attach_real_disk(self, address: int, path: Any) -> Disk3370:
        """A real 3370 at real I/O ``address`` on the host image file ``path``,
        for minidisks."""
        real = self.real
        if real.channels is None:
            real.channels = ChannelSubsystem(real)
        if self.io is None:
            at = self._allocate(AREA_SIZE)
            if at is None:
                raise VMCPError("real storage is full: no room for channel programs")
            self.io = RealIO(real, at)
        try:
            disk = Disk3370(path)
        except OSError as e:
            raise VMCPError(f"real disk {address:03X}: {e.strerror or e}") from None
        try:
            real.channels.attach(address, disk)
        except ValueError as e:
            disk.close()
            raise VMCPError(str(e)) from None
        return disk

    def minidisk(self, vm: VirtualMachine, real_address: int, start: int,
                 blocks: int) -> Minidisk:
        """Blocks [start, start + blocks) of the real 3370 at ``real_address`` as
        a minidisk of ``vm``.  Minidisks of different VMs never overlap."""
        channels = self.real.channels
        sc = channels.subchannels.get(real_address) if channels is not None else None
        if sc is None or not isinstance(sc.device, Disk3370) or self.io is None:
            raise VMIOError(f"minidisk: no real 3370 at {real_address:03X}")
        if blocks < 1 or start < 0 or start + blocks > sc.device.blocks:
            raise VMIOError(f"minidisk: blocks {start}-{start + blocks - 1} are not on the "
                            f"real 3370 {real_address:03X} ({sc.device.blocks} blocks)")
        for real, lo, hi, owner in self._extents:
            if real == real_address and start < hi and lo < start + blocks and owner is not vm:
                raise VMIOError(f"minidisk: blocks {start}-{start + blocks - 1} of "
                                f"{real_address:03X} overlap a minidisk of {owner.name}")
        self._extents.append((real_address, start, start + blocks, vm))
        return Minidisk(self.io, real_address, start, blocks, vm, on_page_in=self.build_tables)

    def forget_minidisks(self, vm: VirtualMachine) -> None:
        self._extents = [e for e in self._extents if e[3] is not vm]

    def close(self) -> None:
        """Hand on every VM's spooled output and close the real devices."""
        for vm in list(self.vms):
            self.release_spool(vm)
        if self.real.channels is not None:
            self.real.channels.close()

    def release_spool(self, vm: VirtualMachine) -> list[Any]:
        """Close ``vm``'s devices; its spooled output goes to its destinations."""
        kept = self.devices.pop(vm.order, None)
        self.forget_minidisks(vm)
        return release_spool(kept) if kept is not None else []

    # --- creating VMs ------------------------------------------------------
    def create_vm(self, image: bytes, storage: int, name: str | None = None,
                  share: int = 1, max_steps: int | None = None,
                  virtual_cpu_id: bool = False, paged: bool = False,
                  devices: list[VirtualDevice] | None = None,
                  ipl: int | None = None, max_time: int | None = None) -> VirtualMachine:
        """A VM with ``storage`` bytes, ``image`` at its absolute 0, started as
        ``s370 run`` starts a native machine: clear reset, then a restart
        interruption that loads the PSW at its location 0.  ``devices``: its
        virtual devices (reference.vm.vmio); with ``ipl`` (a device address) it is
        loaded from that device by initial program loading instead.
        ``max_steps`` and ``max_time`` bound its run as ``Machine.run`` bounds a
        native one (the default time bound follows from ``max_steps``)."""
        if storage < MIN_VM_STORAGE or storage % 4096 or storage > 16 * 1024 * 1024:
            raise VMCPError(f"VM storage {storage}: must be a multiple of 4K from 8K to 16M")
        if len(image) > storage:
            raise VMCPError(f"image of {len(image)} bytes is larger than the VM's storage "
                            f"({storage} bytes)")
        segments = (storage + SEGMENT - 1) // SEGMENT
        tables = (1024 + segments * 64 + 0xFFF) & ~0xFFF
        if paged:
            # Paged: the VM's storage lives in the pager's frames and backing file.
            if self.pager is None:
                raise VMCPError("a paged VM needs real storage set aside for paging")
            table_at = self._allocate(tables)
            if table_at is None:
                raise VMCPError(f"real storage of {self.real_storage} bytes is full: no "
                                f"room for the tables of a VM")
            return self._start_vm(VirtualMachine(
                name or f"vm{self._created + 1}", self.real, -1, storage, share=share,
                max_steps=max_steps, virtual_cpu_id=virtual_cpu_id,
                paged=PagedStorage(self.pager, storage), max_time=max_time),
                table_at, image, devices, ipl)
        origin = self._allocate(storage)
        table_at = self._allocate(tables) if origin is not None else None
        if origin is None or table_at is None:
            if origin is not None:
                self._release(origin, storage)
            raise VMCPError(f"real storage of {self.real_storage} bytes is full: no room "
                            f"for a VM of {storage} bytes")
        vm = VirtualMachine(name or f"vm{self._created + 1}", self.real, origin, storage,
                            share=share, max_steps=max_steps, virtual_cpu_id=virtual_cpu_id,
                            max_time=max_time)
        return self._start_vm(vm, table_at, image, devices, ipl)

    def _start_vm(self, vm: VirtualMachine, table_at: int, image: bytes,
                  devices: list[VirtualDevice] | None = None,
                  ipl: int | None = None) -> VirtualMachine:
        self._created += 1
        vm.order = self._created
        vm.segment_table = table_at
        self.vms.append(vm)
        try:
            if devices is not None:
                self.devices[vm.order] = attach_devices(self, vm, devices)
            vm.load_image(image, 0)
            if ipl is None:
                vm.restart_interruption()
            else:
                if vm.channels is None:
                    raise VMIOError(f"IPL {ipl:03X}: the VM has no devices")
                self.build_tables(vm)
                failed = vm.channels.ipl(ipl)
                if failed is not None:
                    raise VMIOError(f"IPL {ipl:03X} failed: {failed}")
        except VMIOError as e:
            self.release_spool(vm)
            self.destroy_vm(vm)
            raise VMCPError(str(e)) from None
        self.build_tables(vm)
        self.settle(vm)
        self._enqueue(vm)
        return vm

    def destroy_vm(self, vm: VirtualMachine) -> None:
        """Remove ``vm``: its frames and tables are cleared and given back, its
        devices closed and its spooled output handed on."""
        self.release_spool(vm)
        self.vms.remove(vm)
        self._free_shadows(vm)
        segments = (vm.size + SEGMENT - 1) // SEGMENT
        tables = (1024 + segments * 64 + 0xFFF) & ~0xFFF
        regions = [(vm.segment_table, tables)]
        if vm.paged is not None:
            vm.paged.release()
        else:
            regions.append((vm.origin, vm.size))
        for start, length in regions:
            self.real.mem[start:start + length] = bytes(length)
            self.real.keys[start >> 11:(start + length) >> 11] = bytes(length >> 11)
            self._release(start, length)
        vm.run_state = RunState.STOPPED
        vm.stop_reason = vm.stop_reason or "destroyed"
        self.real.purge_tlb()

    def _allocate(self, length: int) -> int | None:
        for i, (start, size) in enumerate(self._free):
            if size >= length:
                if size == length:
                    del self._free[i]
                else:
                    self._free[i] = (start + length, size - length)
                return start
        return None

    def _release(self, start: int, length: int) -> None:
        self._free.append((start, length))
        self._free.sort()
        merged: list[tuple[int, int]] = []
        for s, n in self._free:
            if merged and merged[-1][0] + merged[-1][1] == s:
                merged[-1] = (merged[-1][0], merged[-1][1] + n)
            else:
                merged.append((s, n))
        self._free = merged

    def build_tables(self, vm: VirtualMachine) -> None:
        """The VMCP's segment and page tables for ``vm``: guest-real page p maps
        to the frame of guest-absolute page (p with guest prefixing applied)."""
        mem = self.real.mem
        sto = vm.segment_table
        size = vm.size
        for s in range(256):
            at = sto + 4 * s
            if s * SEGMENT >= size:
                mem[at:at + 4] = (1).to_bytes(4, "big")          # invalid segment
                continue
            pto = sto + 1024 + 64 * s
            mem[at:at + 4] = ((15 << 28) | pto).to_bytes(4, "big")
            for p in range(32):
                real_page = s * SEGMENT + p * PAGE
                frame = None if real_page >= size else vm.real_frame(
                    vm.real_to_absolute(real_page))
                if frame is None:
                    pte = 0x0004                  # invalid: beyond storage, or paged out
                else:
                    pte = (frame >> 8) & 0xFFF8
                mem[pto + 2 * p:pto + 2 * p + 2] = pte.to_bytes(2, "big")
        self.real.purge_tlb()

    # --- running -----------------------------------------------------------
    def run(self, max_dispatches: int | None = None) -> None:
        """Run until every VM has stopped (or ``max_dispatches`` dispatches)."""
        count = 0
        while max_dispatches is None or count < max_dispatches:
            self._wake_due()
            vm = self.scheduler.pop()
            if vm is None:
                # Entries of VMs no longer waiting (destroyed, stopped) are dropped.
                while self._waiting and self._waiting[0][2].run_state is not RunState.WAITING:
                    heapq.heappop(self._waiting)
                if not self._waiting:
                    return
                self._idle_until_a_wake()
                continue
            self.dispatch(vm)
            count += 1

    def _enqueue(self, vm: VirtualMachine) -> None:
        """After a VM's state settled: ready VMs join the scheduler's queue,
        waiting ones the queue of wake-up times.  The scheduler is charged here
        with what the VM used since it was last queued."""
        if vm.uncharged:
            self.scheduler.charge(vm, vm.uncharged)
            vm.uncharged = 0
        if vm.run_state is RunState.READY:
            self.scheduler.push(vm)
        elif vm.run_state is RunState.WAITING:
            heapq.heappush(self._waiting, (vm.wake_real_time, vm.order, vm))

    def _wake_due(self) -> None:
        """Wake the VMs whose wake time has come, each once: the work of waking
        one advances the real clock, and a VM whose channel keeps it busy (its
        next event always due) is woken again only after the others had their
        turn."""
        now = self.real.now()
        due = []
        while self._waiting and self._waiting[0][0] <= now:
            due.append(heapq.heappop(self._waiting)[2])
        for vm in due:
            if vm.run_state is RunState.WAITING:
                self._wake(vm)

    def _idle_until_a_wake(self) -> None:
        """Every VM waits: the real machine waits until the earliest of them can
        be woken.  Nothing else can end that wait (the VMCP's real I/O is
        synchronous, reference.vm.vmio), so the real clock is simply advanced to
        the wake time, where an enabled wait ended by the real CPU timer would
        have left it."""
        real = self.real
        delta = self._waiting[0][0] - real.now()
        if delta > 0:
            real.idle_us += delta
        self._wake_due()

    def _wake(self, vm: VirtualMachine) -> None:
        vm.idle_us += max(0, vm.wake_vm_time - vm.now())
        vm.change("wake")
        floor = self.scheduler.lowest_pass()
        if floor is not None:
            vm.pass_value = max(vm.pass_value, floor)
        self._spend(vm, "wake")
        self.settle(vm)
        self._enqueue(vm)

    def _charge_events(self, vm: VirtualMachine) -> None:
        """Charge ``vm`` with the interruptions performed on its virtual state and
        the events of its virtual channels since it was last charged."""
        if vm.interruptions != vm.interruptions_charged:
            self._spend(vm, "interruption", vm.interruptions - vm.interruptions_charged)
            vm.interruptions_charged = vm.interruptions
        if vm.channels is not None and vm.channels.events_done != vm.channel_events:
            self._spend(vm, "channel", vm.channels.events_done - vm.channel_events)
            vm.channel_events = vm.channels.events_done

    def _spend(self, vm: VirtualMachine, kind: str, times: int = 1) -> None:
        """The VMCP worked for ``vm`` (``COSTS[kind]``, ``times`` over): the real
        clock advances by the cost, and the VM is charged with it."""
        cost = COSTS[kind] * times
        self.real.idle_us += cost
        if self._running is vm:
            self._idle_in_run += cost      # not the guest's own real time
        vm.vmcp_us += cost
        vm.uncharged += cost

    def settle(self, vm: VirtualMachine) -> None:
        """Between guest instructions: the VM's timers, its pending interruptions,
        its wait and its stop, exactly as the native machine's service does."""
        # [vmcp fix: interruption loop] Without a step limit, a guest whose new PSW
        # is enabled for a condition that stays pending (a negative CPU timer) takes
        # interruptions for ever with no instruction between them, and its time never
        # advances: vm.settle never returned and the VMCP hung.  The chain is bounded
        # and that VM alone stops, with a named reason.  (With a step limit the
        # limit bounds the chain, as natively.)
        limit = vm.max_steps if vm.max_steps is not None else INTERRUPTION_LOOP_LIMIT
        outcome, value = vm.settle(limit)
        # Whatever called for attention (a channel event posting its condition
        # during this very settling, among others) has been looked at.
        vm.attention = False
        if vm.interruptions != vm.interruptions_charged or vm.channels is not None:
            self._charge_events(vm)
        if outcome == "stop":
            assert isinstance(value, str)
            if vm.max_steps is None and value == "step-limit":
                value = "interruption loop"
            vm.stop(value)
        elif outcome == "wait":
            assert isinstance(value, int)
            now = vm.now()
            ends = max(value, now + 1)
            if ends > vm.max_time:
                # A wait beyond the VM's time bound lasts until the bound, and the
                # VM stops there, as a native run does (``Machine._service``).
                vm.idle_us += max(0, vm.max_time - now)
                vm.stop(STOP_TIME_LIMIT)
                return
            vm.wake_vm_time = value
            vm.wake_real_time = self.real.now() + ends - now
            vm.change("wait")
            vm.interventions["wait"] += 1

    def dispatch(self, vm: VirtualMachine) -> Dispatch:
        """Run ``vm`` on the real machine for one time slice: the slice ends at
        its real time (the guest's instructions and the VMCP's work for it, by
        ``COSTS``), when the VM waits or stops, or when it needs what only a new
        dispatch gives it.  Simulations, reflected interruptions, the guest's timer
        events and faults are handled within the slice, and the guest goes on."""
        if vm.attention:
            # Something changed the VM from outside since it last settled (an
            # operator's restart or interrupt key, an injected machine check):
            # settle it first, as the native machine does before an instruction.
            self.settle(vm)
            if vm.run_state is not RunState.READY:
                self._enqueue(vm)
                return Dispatch(0, "settled", 0)
        vm.change("dispatch")
        vm.dispatches += 1
        real = self.real
        limit = vm.max_steps if vm.max_steps is not None else NO_LIMIT
        if vm.steps >= limit:
            vm.stop("step-limit")
            return Dispatch(0, "step-limit", 0)
        if vm.now() >= vm.max_time:
            vm.stop(STOP_TIME_LIMIT)
            return Dispatch(0, STOP_TIME_LIMIT, 0)
        self._slice_end = real.now() + self.slice_us
        if vm.psw_invalid_bits:
            # Early specification exception: recognized before any instruction of
            # the new PSW, as the native machine does (one step, ILC 0 or 2).
            vm.steps += 1
            vm.program_interruption(SpecificationException("invalid PSW"),
                                    vm.psw_invalid_ilc, vm.ia)
            vm.interventions["early PSW exception"] += 1
            vm.change("preempt")
            self.settle(vm)
            self._enqueue(vm)
            return Dispatch(0, "early PSW exception", 1)
        used = 0
        entry, cause = 0, "slice"
        while True:
            until_event = self._next_guest_event(vm) - vm.now()
            budget = max(1, min(self._slice_end - real.now(), until_event,
                                limit - vm.steps))
            try:
                self._load_real(vm, budget)
            except VMCPError as e:
                # Real storage has no room for this guest's shadow tables: this VM
                # alone stops, with the reason.
                vm.stop(f"vmcp: {e}")
                return Dispatch(0, "no room", used)
            steps0, now0 = real.steps, real.now()
            self._running, self._steps0 = vm, steps0
            self._run_limit = real.steps + budget + 1
            real.run(self._run_limit, NO_LIMIT)
            self._running = None
            used += real.steps - steps0
            vm.steps += real.steps - self._steps0
            busy = real.now() - now0 - self._idle_in_run
            self._idle_in_run = 0
            vm.real_us += busy
            vm.uncharged += busy
            entry = real.ia
            if entry == ENTRY_ASSIST and real.wait:
                # The assist simulated an instruction whose effects the real
                # machine's configuration must follow: the guest's state is in the
                # VM already, and it has settled.
                cause = "assist"
            elif entry == ENTRY_PROGRAM and real.read_real(PROGRAM_OLD + 5, 3) == \
                    ENTRY_SVC.to_bytes(3, "big"):
                # SVC with a PER event: the real machine took the SVC interruption
                # and then, with the VMCP's SVC entry PSW as old PSW, the PER program
                # interruption.  The guest gets both, in that order, as natively.
                self._save_guest(vm, ENTRY_SVC)
                cause = self._svc_with_per(vm)
            else:
                self._save_guest(vm, entry)
                cause = self._handle(vm, entry, budget, until_event)
            self._spend(vm, "trap")
            if vm.run_state is RunState.RUNNING and cause not in _KEEP_SETTLED:
                # What the native machine does between two instructions: the
                # guest's pending interruptions, a wait it entered, its timers.
                self.settle(vm)
            while vm.run_state is RunState.WAITING and self._wait_in_place(vm):
                pass
            if vm.run_state is not RunState.RUNNING or cause in _END_DISPATCH \
                    or vm.steps >= limit or vm.now() >= vm.max_time \
                    or real.now() >= self._slice_end:
                break
            if vm.psw_invalid_bits or vm.attention:
                break        # the next dispatch begins with what the VM needs
        if vm.run_state is RunState.RUNNING:
            vm.change("preempt")
        if vm.shadows:
            # A purge the guest just made (PTLB, IPTE, LCTL, SPX) empties the shadow
            # tables now, so that they always equal the guest's translations.
            self._shadows_current(vm)
        self._charge_events(vm)
        self._enqueue(vm)
        return Dispatch(entry, cause, used)

    @staticmethod
    def _next_guest_event(vm: VirtualMachine) -> int:
        """The guest time of the next event that can change what the guest sees:
        an interval-timer step (it stores into location 80), and the CPU timer or
        clock-comparator condition arising while that interruption is enabled.
        (Enabling one takes a privileged instruction, which the VMCP sees.)  The
        VM's time bound is one too."""
        events = [vm.next_interval_tick(), vm.max_time]
        if vm.channels is not None:
            # A channel event (a command ending, chaining to the next, a device's
            # attention) changes the guest's subchannels and may store into its
            # storage: the dispatch ends there, enabled or not.
            t = vm.channels.next_event()
            if t is not None:
                events.append(t)
        if vm.system_mask & 0x01:
            now = vm.now()
            if vm.cr[0] & EXT_CPU_TIMER[1]:
                timer = vm.cpu_timer()
                events.append(now if timer >> 63 else now + timer // TOD_UNITS_PER_US + 1)
            if vm.cr[0] & EXT_CLOCK_COMPARATOR[1]:
                tod = vm.tod()
                events.append(now if tod > vm.clock_comparator else
                              now + (vm.clock_comparator - tod) // TOD_UNITS_PER_US + 1)
        return min(events)

    def _load_real(self, vm: VirtualMachine, budget: int) -> None:
        """The real machine's state for running ``vm`` directly for ``budget`` µs."""
        real = self.real
        real.gpr[:] = vm.gpr
        cr0 = REAL_CR0 | (vm.cr[0] & CR0_LOW_ADDRESS_PROTECTION)
        cr3 = vm.cr[3]
        if vm.problem:
            cr0 |= vm.cr[0] & CR0_EXTRACTION_AUTHORITY
        else:
            cr0 |= CR0_EXTRACTION_AUTHORITY
            cr3 = 0xFFFF0000
        crs = [0] * 16
        crs[0], crs[1], crs[3], crs[8] = cr0, (15 << 24) | vm.segment_table, cr3, vm.cr[8]
        if vm.dat_on:
            # The guest translates: the real machine uses the shadow tables of the
            # guest's primary (and, for MVCP/MVCS, secondary) space.
            self._shadows_current(vm)
            crs[1] = (15 << 24) | self._shadow_space(vm, vm.cr[1])
            if vm.cr[0] & CR0_SECONDARY_SPACE:
                crs[0] |= CR0_SECONDARY_SPACE
                crs[7] = (15 << 24) | self._shadow_space(vm, vm.cr[7])
        per = vm.ec and bool(vm.system_mask & 0x40)
        if per:
            crs[9], crs[10], crs[11] = vm.cr[9], vm.cr[10], vm.cr[11]
        if crs != real.cr:
            real.load_control_registers(crs)
        real.set_tod(vm.tod())
        real.set_cpu_timer(budget * TOD_UNITS_PER_US - 1)
        real.set_psw(self._real_psw(vm))

    @staticmethod
    def _real_psw(vm: VirtualMachine) -> PSW:
        """The real PSW that runs ``vm``: EC mode, problem state, DAT and the
        external mask on (PER when the guest's PER is on), the guest's key, CC,
        program mask and instruction address."""
        per = vm.ec and bool(vm.system_mask & 0x40)
        return PSW(system_mask=0x05 | (0x40 if per else 0), key=vm.key, ec=True,
                   problem=True, secondary=vm.secondary, cc=vm.cc,
                   program_mask=vm.program_mask, address=vm.ia)

    # --- the virtual-machine assist ------------------------------------------
    @staticmethod
    def _real_configuration(vm: VirtualMachine) -> tuple[Any, ...]:
        """What the real machine's configuration for ``vm`` depends on besides
        its PSW fields and registers (``_load_real``): the guest's state, DAT and
        address space, PER, control registers, prefix and translation buffer."""
        return (vm.problem, vm.ec, vm.system_mask & 0x44, vm.secondary, vm.prefix,
                len(vm.tlb), vm.wait, vm.cr[:])

    def _wait_in_place(self, vm: VirtualMachine, in_run: bool = False) -> bool:
        """The running VM entered an enabled wait.  When no other VM is ready and
        none is due to wake before it, the scheduler would idle the real machine
        until its wake time and dispatch it again: do that here, without leaving
        the dispatch (the wake is counted as ever).  False: the VM stays waiting
        and the dispatch ends."""
        if self.scheduler.has_ready():
            return False
        while self._waiting and self._waiting[0][2].run_state is not RunState.WAITING:
            heapq.heappop(self._waiting)
        if self._waiting and self._waiting[0][0] < vm.wake_real_time:
            return False
        real = self.real
        delta = vm.wake_real_time - real.now()
        if delta > 0:
            real.idle_us += delta
            if in_run:           # inside a real run: not the VM's real time
                self._idle_in_run += delta
        vm.idle_us += max(0, vm.wake_vm_time - vm.now())
        vm.change("wake")
        vm.change("dispatch")
        self.settle(vm)
        return True

    def _assist(self, at: int, length: int) -> bool:
        """The real machine recognized a privileged-operation exception in the
        instruction at ``at`` while a guest ran.  In the virtual supervisor state
        the instruction is simulated here, at once, as ``_simulate`` does after a
        real interruption; then either the guest goes on in the same real run
        (real PSW, registers, TOD and CPU timer brought up to date: the usual
        case) or, when its real configuration must change or it no longer runs,
        the real machine is left in the disabled wait at ``ENTRY_ASSIST`` and the
        dispatch loop takes over.  In the virtual problem state, under PER, or
        with no guest running, the real interruption occurs (False)."""
        vm = self._running
        if vm is None or vm.problem or (vm.ec and vm.system_mask & 0x40):
            return False        # the virtual problem state; PER: the full path
        real = self.real
        vm.gpr[:] = real.gpr
        vm.cc, vm.program_mask, vm.key, vm.ia = (real.cc, real.program_mask, real.key,
                                                 real.ia)
        vm.steps += real.steps - self._steps0
        self._steps0 = real.steps
        before = self._real_configuration(vm)
        self._simulate(vm, length >> 1)
        vm.assisted += 1
        if vm.run_state is RunState.RUNNING:
            self.settle(vm)
        while vm.run_state is RunState.WAITING and self._wait_in_place(vm, in_run=True):
            pass
        limit = vm.max_steps if vm.max_steps is not None else NO_LIMIT
        until_event = self._next_guest_event(vm) - vm.now()
        # The guest goes on within what is left of its slice (in real time: the
        # VMCP's work for it included) and of its bounds.
        budget = min(until_event, limit - vm.steps, self._slice_end - real.now(),
                     self._run_limit - real.steps - 1)
        if vm.run_state is not RunState.RUNNING or budget < 1 or vm.attention \
                or vm.psw_invalid_bits or self._real_configuration(vm) != before:
            real.set_psw(PSW.from_int(ENTRY_WAIT_PSW | ENTRY_ASSIST))
            return True
        real.gpr[:] = vm.gpr
        real.set_tod(vm.tod())
        real.set_cpu_timer(budget * TOD_UNITS_PER_US - 1)
        # The real PSW's masks, mode and state are what they were (the
        # configuration is unchanged): only the guest's fields are new.
        real.cc, real.program_mask, real.ia = vm.cc, vm.program_mask, vm.ia
        if real.key != vm.key:
            real.key = vm.key
            real.psw_changed()
        # Nothing for the real machine's service between instructions: its CPU
        # timer is positive again and the VMCP keeps no other condition pending on
        # it (its other timers are masked off in CR0, its I/O is synchronous).
        real.attention = False
        return True

    def _save_guest(self, vm: VirtualMachine, entry: int) -> None:
        """Back from the real machine: the guest's registers and PSW fields."""
        real = self.real
        vm.gpr[:] = real.gpr
        old = PSW.from_int(int.from_bytes(real.read_real(entry, 8), "big"))
        vm.cc, vm.program_mask, vm.key, vm.ia = old.cc, old.program_mask, old.key, old.address

    # --- interventions, by the real interruption's class -------------------
    def _handle(self, vm: VirtualMachine, entry: int, budget: int, until_event: int) -> str:
        if entry == ENTRY_EXTERNAL:
            cause = "timer" if until_event <= budget else "slice"
            if vm.max_steps is not None and vm.steps >= vm.max_steps:
                cause = "step-limit"
            elif vm.now() >= vm.max_time:
                cause = STOP_TIME_LIMIT
            vm.interventions[cause] += 1
            return cause
        if entry == ENTRY_SVC:
            number = int.from_bytes(self.real.read_real(0x8A, 2), "big")
            ilc = self.real.read_real(0x89, 1)[0] >> 1
            vm.supervisor_call_interruption(number, ilc)
            vm.interventions["reflect SVC"] += 1
            return "reflect SVC"
        if entry == ENTRY_PROGRAM:
            return self._program(vm)
        # Machine check, I/O, restart: none can come from a guest on this machine.
        raise RuntimeError(f"real interruption through entry {entry:X} while a guest ran")

    def _svc_with_per(self, vm: VirtualMachine) -> str:
        real = self.real
        number = int.from_bytes(real.read_real(0x8A, 2), "big")
        ilc = real.read_real(0x89, 1)[0] >> 1
        at = int.from_bytes(real.read_real(0x98, 4), "big") & 0xFFFFFF
        vm.supervisor_call_interruption(number, ilc)
        vm.per_event = real.read_real(0x96, 1)[0]
        vm._per_interruption(at, 2 * ilc)
        vm.interventions["reflect SVC with PER"] += 1
        return "reflect SVC with PER"

    # --- shadow translation tables (a guest with DAT on) --------------------
    def _shadow_space(self, vm: VirtualMachine, std: int) -> int:
        """The real address of the shadow tables for guest designation ``std``."""
        at = vm.shadows.get(std)
        if at is not None:
            return at
        if len(vm.shadows) >= MAX_SHADOW_SPACES:
            self._free_shadows(vm)
        at = self._allocate(SHADOW_SPACE)
        if at is None:
            self._free_shadows(vm)
            at = self._allocate(SHADOW_SPACE)
            if at is None:
                raise VMCPError("real storage is full: no room for shadow tables")
        self._invalidate_space(at)
        vm.shadows[std] = at
        return at

    def _invalidate_space(self, at: int) -> None:
        self.real.mem[at:at + 1024] = (1).to_bytes(4, "big") * 256

    def _free_shadows(self, vm: VirtualMachine) -> None:
        for at in vm.shadows.values():
            self._release(at, SHADOW_SPACE)
        vm.shadows.clear()
        self.real.purge_tlb()

    def _shadows_current(self, vm: VirtualMachine) -> None:
        """Drop every shadow entry when the guest's TLB lost entries (PTLB, IPTE,
        LCTL, SPX): the next access finds out again, through the guest's TLB, as the
        native machine does (a walk only where the guest's TLB has no entry)."""
        if vm.tlb is not vm.shadow_tlb or len(vm.tlb) < vm.shadow_tlb_size:
            for at in vm.shadows.values():
                self._invalidate_space(at)
            if vm.shadows:
                self.real.purge_tlb()
            vm.shadow_tlb = vm.tlb
        vm.shadow_tlb_size = len(vm.tlb)

    def shadow_violations(self, vm: VirtualMachine) -> list[str]:
        """The invariant of the shadow tables: every valid shadow entry equals the
        composition of the guest's tables (walked here without side effects) and
        the VMCP's own map (guest absolute -> the VM's frames), with the guest's
        segment protection.  Returns a description of every entry that breaks it
        (tests call this after every dispatch)."""
        out: list[str] = []
        mem = self.real.mem
        fmt = dat.Format(vm.cr[0])
        for std, space in vm.shadows.items():
            for segment in range(256):
                ste = int.from_bytes(mem[space + 4 * segment:space + 4 * segment + 4], "big")
                if ste & 1:
                    continue
                pt = space + 1024 + 64 * segment
                for p in range(32):
                    pte = int.from_bytes(mem[pt + 2 * p:pt + 2 * p + 2], "big")
                    if pte & 0x0004:
                        continue
                    vaddr = (segment << 16) | (p << 11)
                    want = _peek_translation(vm, fmt, std, vaddr, self._no_storage_frame())
                    got = ((pte & 0xFFF8) << 8, bool(ste & 4))
                    if want is None:
                        out.append(f"{vm.name}: shadow {std:08X} {vaddr:06X} valid, guest "
                                   f"tables say invalid")
                    elif want != got:
                        out.append(f"{vm.name}: shadow {std:08X} {vaddr:06X} maps "
                                   f"{got[0]:06X} (protected {got[1]}), composition gives "
                                   f"{want[0]:06X} (protected {want[1]})")
        return out

    def _no_storage_frame(self) -> int | None:
        """A 2K real frame beyond real storage, if real storage is below 16M."""
        top = 0xFFF800
        return top if self.real.size <= top else None

    def _is_fetch_fault(self, vm: VirtualMachine, at: int, vaddr: int,
                        secondary: bool) -> bool:
        """Whether a real translation exception at ``vaddr`` was the fetch of the
        (nullified) instruction at ``at``: the instruction's own pages are the only
        ones it fetches from, and an operand in them could not have faulted."""
        if secondary:
            return False
        if vaddr >> 11 == at >> 11:
            return True
        fmt = vm.dat_format
        hit = vm.tlb.get((vm.cr[1], at >> fmt.page_shift)) if fmt.valid else None
        if hit is None:
            return True
        first = vm.mem[vm.real_to_absolute(hit[0] | (at & ((1 << fmt.page_shift) - 1)))]
        last = (at + opcodes.instruction_length(first) - 1) & 0xFFFFFF
        return vaddr >> 11 == last >> 11

    def _shadow_fault(self, vm: VirtualMachine, ilc: int) -> str:
        """A real translation exception while the guest translates: translate as the
        native machine would (through the guest's TLB and tables); either fill the
        shadow entries and let the guest retry the instruction, or reflect the
        guest's own exception."""
        real = self.real
        tea = int.from_bytes(real.read_real(0x90, 4), "big")
        secondary = bool(tea & 0x80000000)
        vaddr = tea & 0xFFFFFF
        at = vm.ia  # the instruction was nullified
        fetch = self._is_fetch_fault(vm, at, vaddr, secondary)
        vm.steps -= 1  # the real attempt: natively, translation is part of the access
        exc: ProgramInterruption
        try:
            real_address, protected = dat.translate(vm, vaddr, secondary)
            absolute = vm.real_to_absolute(real_address)
            if absolute >= vm.size and self._no_storage_frame() is None:
                raise AddressingException(f"address {absolute:06X} beyond storage")
        except ProgramInterruption as e:
            exc = e
        else:
            self._fill_shadow(vm, vaddr, real_address, protected, secondary)
            vm.interventions["shadow fault"] += 1
            self._spend(vm, "shadow fault")
            return "shadow fault"
        events = real.per_events_recognized if vm.per_on else 0
        if fetch:
            vm.per_event = 0
            vm._instruction_interrupted(exc, at, 0)
        else:
            vm.per_event = events & 0x40 if exc.nullify else events
            vm.steps += 1
            vm.ia = (at + 2 * ilc) & 0xFFFFFF
            vm._instruction_interrupted(exc, at, 2 * ilc)
        cause = f"reflect program {exc.code:04X}"
        vm.interventions[cause] += 1
        return cause

    def _fill_shadow(self, vm: VirtualMachine, vaddr: int, real_address: int,
                     protected: bool, secondary: bool) -> None:
        """Shadow entries for the guest page holding ``vaddr``: each 2K half of it
        (a guest 4K page is two shadow pages) maps to the VM's frame."""
        std = vm.cr[7] if secondary else vm.cr[1]
        space = self._shadow_space(vm, std)
        mem = self.real.mem
        page = 1 << vm.dat_format.page_shift
        vbase, rbase = vaddr & ~(page - 1), real_address & ~(page - 1)
        for offset in range(0, page, PAGE):
            v = vbase + offset
            segment = v >> 16
            ste_at = space + 4 * segment
            pt = space + 1024 + 64 * segment
            ste = int.from_bytes(mem[ste_at:ste_at + 4], "big")
            if ste & 1:
                mem[pt:pt + 64] = (0x0004).to_bytes(2, "big") * 32
            mem[ste_at:ste_at + 4] = ((15 << 28) | pt | (4 if protected else 0)).to_bytes(4, "big")
            absolute = vm.real_to_absolute(rbase + offset)
            frame = vm.real_frame(absolute, page_in=True) if absolute < vm.size else None
            if frame is not None:
                pte = (frame >> 8) & 0xFFF8
            else:
                # A guest frame beyond the guest's storage: a real frame beyond real
                # storage, so that the real machine recognizes the exceptions in the
                # native order (segment and low-address protection on a store
                # before the addressing exception).
                beyond = self._no_storage_frame()
                pte = 0x0004 if beyond is None else (beyond >> 8) & 0xFFF8
            at = pt + 2 * ((v >> 11) & 31)
            mem[at:at + 2] = pte.to_bytes(2, "big")
        # Entries go from invalid to valid only: the real TLB holds nothing for
        # them yet, so nothing needs purging.
        vm.shadow_tlb_size = len(vm.tlb)

    def _program(self, vm: VirtualMachine) -> str:
        real = self.real
        ilc = real.read_real(0x8D, 1)[0] >> 1
        code = int.from_bytes(real.read_real(0x8E, 2), "big")
        base = code & ~0x0080
        per_code = real.read_real(0x96, 1)[0] if code & 0x0080 else 0
        if base == 0x0002 and not vm.problem:
            return self._simulate(vm, ilc)
        exc: ProgramInterruption
        # The instruction's address: the PSW has moved past it, or (after a
        # successful branch with a PER event) to the branch address; the real
        # machine's PER address names it then.
        if per_code:
            instruction_at = int.from_bytes(real.read_real(0x98, 4), "big") & 0xFFFFFF
        else:
            instruction_at = (vm.ia - 2 * ilc) & 0xFFFFFF
        if base in (SegmentTranslation.code, PageTranslation.code):
            if vm.dat_on:
                return self._shadow_fault(vm, ilc)
            if vm.paged is not None:
                absolute = vm.real_to_absolute(
                    int.from_bytes(real.read_real(0x90, 4), "big") & 0xFFFFFF)
                if absolute < vm.size:
                    return self._page_fault(vm, absolute)
            # The VMCP's own tables end where the guest's storage ends: the guest
            # addressed beyond its storage, an addressing exception natively.
            return self._reflect_addressing(vm, ilc, per_code)
        exc = _exception_with_code(base)
        if isinstance(exc, MonitorEvent):
            exc.monitor_class = real.read_real(0x95, 1)[0]
            exc.monitor_code = int.from_bytes(real.read_real(0x9C, 4), "big")
        vm.per_event = per_code
        if exc.nullify:
            vm.ia = instruction_at
        vm.program_interruption(exc, ilc, instruction_at)
        cause = f"reflect program {code:04X}"
        vm.interventions[cause] += 1
        return cause

    def _paged_out(self, storage: PagedStorage, page: int) -> None:
        """A VM's page went to the backing file: its table entries go, and every
        shadow entry of that VM (safe: they are refilled from the guest's TLB)."""
        vm = next((v for v in self.vms if v.paged is storage), None)
        if vm is None:
            return
        self.build_tables(vm)
        for at in vm.shadows.values():
            self._invalidate_space(at)
        self.real.purge_tlb()

    def _page_fault(self, vm: VirtualMachine, absolute: int) -> str:
        """The guest touched a page of its storage that is paged out: bring it in,
        map it, and let the guest retry the (nullified) instruction."""
        vm.steps -= 1  # the real attempt: natively the page was always there
        vm.real_frame(absolute, page_in=True)
        self.build_tables(vm)
        vm.interventions["page fault"] += 1
        self._spend(vm, "page fault")
        return "page fault"

    def _reflect_addressing(self, vm: VirtualMachine, ilc: int, per_code: int) -> str:
        """A real translation exception nullified the instruction: reflect the
        addressing exception, which suppresses (or, on instruction fetch, points
        two bytes past the instruction with ILC 1, as this machine does)."""
        at = vm.ia  # nullified: the instruction's own address
        length = 2
        if self._fetchable(vm, at):
            length = opcodes.instruction_length(vm.mem[vm.real_to_absolute(at)])
            if not self._fetchable(vm, (at + length - 1) & 0xFFFFFF):
                length = 2
            else:
                length = 2 * ilc if ilc else length
        vm.ia = (at + length) & 0xFFFFFF
        # The native addressing exception does not nullify: the PER events that
        # the real (nullifying) translation exception dropped are the guest's.
        vm.per_event = self.real.per_events_recognized if vm.per_on else 0
        vm.program_interruption(AddressingException("beyond guest storage"), length >> 1, at)
        vm.interventions["reflect program 0005"] += 1
        return "reflect program 0005"

    @staticmethod
    def _fetchable(vm: VirtualMachine, addr: int) -> bool:
        return vm.real_to_absolute(addr & 0xFFFFFF) < vm.size

    def _simulate(self, vm: VirtualMachine, ilc: int) -> str:
        """Simulate the privileged instruction that trapped (or the target of
        the EXECUTE that trapped) against the VM's virtual state."""
        at = (vm.ia - 2 * ilc) & 0xFFFFFF
        if vm.dat_on or (at & 0xFFF) + 2 * ilc > 0x1000:
            code = vm.fetch(at, 2 * ilc)
        else:
            # The real machine has just fetched these bytes (its checks made, the
            # reference bit set): read them again from the guest's storage.
            a = vm.real_to_absolute(at)
            code = bytes(vm.mem[a:a + 2 * ilc]) if a + 2 * ilc <= vm.size \
                else vm.fetch(at, 2 * ilc)
        if code[0] == 0x44:  # EXECUTE: simulate its target, modified by R1
            r1, x2, b2, d2 = opcodes.decode_fields("RX", code)
            target = vm.address(x2, b2, d2)
            first = vm.fetch(target, 2)
            code = vm.fetch(target, opcodes.instruction_length(first[0]))
            if r1:
                code = bytes([code[0], code[1] | (vm.gpr[r1] & 0xFF)]) + code[2:]
        decoded = _DECODED.get(code)
        if decoded is None:
            row = opcodes.lookup(code)
            fields = opcodes.decode_fields(row.layout, code) if row is not None else ()
            if len(_DECODED) >= 4096:
                _DECODED.clear()
            cause = f"simulate {row.mnemonic}" if row is not None else ""
            cost = COSTS["simulate I/O" if row is not None and row.mnemonic in _IO
                         else "simulate"]
            decoded = _DECODED[code] = (row, fields, cause, cost)
        row, fields, cause, cost = decoded
        simulation = SIMULATIONS.get(row.mnemonic) if row is not None else None
        if row is None or simulation is None:
            # A privileged instruction the VMCP has no simulation for (none of
            # the instruction set; a model error if it happens): this VM stops,
            # named.
            name = row.mnemonic if row is not None else code.hex().upper()
            vm.ia = at
            vm.stop(f"unsupported: {name}")
            vm.interventions[f"unsupported {name}"] += 1
            return f"unsupported {name}"
        vm.interventions[cause] += 1
        # What the simulation costs (COSTS; ``_spend`` written out: this is the
        # path of every privileged instruction).
        self.real.idle_us += cost
        if self._running is vm:
            self._idle_in_run += cost
        vm.vmcp_us += cost
        vm.uncharged += cost
        if self.observer is not None:
            self.observer.simulated(vm, row)
        per = vm.ec and bool(vm.system_mask & 0x40) and bool(vm.cr[9] >> 28)
        if per:
            saved_ia = vm.ia
            vm.ia = at
            vm._per_begin()
            vm.ia = saved_ia
        try:
            simulation.perform(vm, *fields)
        except Interruption as exc:
            if per:
                vm._per_end(at, 2 * ilc, exc)
            vm._instruction_interrupted(exc, at, 2 * ilc)
            return cause
        if per:
            vm._per_end(at, 2 * ilc, None)
        if simulation.after is not None:
            simulation.after(self, vm)
        return cause


# Causes after which the VM has settled already (the assist settles it; a fault
# nullified the instruction and changed nothing the guest sees), and causes that
# end the dispatch (the slice is over, a bound is reached, or the VMCP cannot go on
# with this VM).
_KEEP_SETTLED = frozenset({"assist", "page fault", "shadow fault"})
_END_DISPATCH = frozenset({"slice", "step-limit", STOP_TIME_LIMIT})

# Simulated instructions decoded once: instruction bytes -> (row, fields, the
# cause counted, its cost by COSTS).  A guest has few distinct privileged
# instructions (bounded all the same).
_DECODED: dict[bytes, tuple[Any, tuple[int, ...], str, int]] = {}
_IO = frozenset({"SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC"})



def _peek_translation(vm: VirtualMachine, fmt: dat.Format, std: int, vaddr: int,
                      beyond: int | None = None) -> tuple[int, bool] | None:
    """(the VM's real frame, segment protected) for guest-virtual ``vaddr`` through
    the guest's tables, read without touching reference bits; None if the guest's
    tables do not translate it.  A frame beyond the guest's storage is ``beyond``
    (the VMCP's frame beyond real storage), or None when there is none."""
    if not fmt.valid:
        return None

    def word(real: int, n: int) -> int | None:
        a = vm.real_to_absolute(real & 0xFFFFFF)
        return int.from_bytes(vm.mem[a:a + n], "big") if a + n <= vm.size else None

    segment_index = vaddr >> fmt.segment_shift
    if fmt.segment_shift == 16 and (segment_index >> 4) > (std >> 24):
        return None
    ste = word((std & 0x00FFFFC0) + 4 * segment_index, 4)
    if ste is None or ste & 1 or ste & 0x0F000000:
        return None
    page_index = (vaddr & ((1 << fmt.segment_shift) - 1)) >> fmt.page_shift
    if (page_index >> (fmt.segment_shift - fmt.page_shift - 4)) > (ste >> 28):
        return None
    pte = word((ste & 0x00FFFFF8) + 2 * page_index, 2)
    if pte is None:
        return None
    if fmt.page_shift == 12:
        if pte & 0x0008:
            return None
        frame = ((pte & 0x0006) << 23) | ((pte & 0xFFF0) << 8)
    else:
        if pte & 0x0006:
            return None
        frame = (pte & 0xFFF8) << 8
    real = frame | (vaddr & ((1 << fmt.page_shift) - 1) & ~0x7FF)
    absolute = vm.real_to_absolute(real)
    if absolute >= vm.size:
        return None if beyond is None else (beyond, bool(ste & 4))
    resident = vm.real_frame(absolute)
    return (resident if resident is not None else -1), bool(ste & 4)


def _exception_with_code(code: int) -> ProgramInterruption:
    """An exception object that performs a program interruption with ``code``."""
    for cls in _PROGRAM_CLASSES:
        if cls.code == code:
            if cls is MonitorEvent:
                return MonitorEvent(0, 0)
            return cls()
    exc = ProgramInterruption(f"code {code:04X}")
    exc.code = code
    return exc


def _program_classes() -> tuple[type[ProgramInterruption], ...]:
    from reference.arch.interrupts import PROGRAM_EXCEPTIONS
    return tuple(c for c in PROGRAM_EXCEPTIONS
                 if c not in (SegmentTranslation, PageTranslation))


_PROGRAM_CLASSES = _program_classes()

__all__ = ["VMCP", "VirtualMachine", "RunState",
           "TRANSITIONS", "SIMULATIONS", "VMCPError", "PROGRAM_OLD", "SVC_OLD", "EXTERNAL_OLD"]
