"""The virtual-machine control program (VMCP): guests by trap-and-simulate.

Theory of operation
-------------------
The VMCP is the supervisor program of one real reference machine
(``reference.machine.machine.Machine``), written in Python.  Each virtual machine
(VM) is a ``VirtualMachine`` (reference.vm.virtual_machine): the architectural
state of a System/370 CPU whose storage is a region of real storage.  This module
is the control program itself: creating and destroying VMs (real storage handed
out in regions, the VMCP's tables for each VM, its devices), the dispatcher, the
settling of a VM between instructions, and the accounting of the VMCP's work.
The rest lives beside it:

- reference.vm.states: run states and their transitions, as data;
- reference.vm.scheduling: the scheduling policies;
- reference.vm.simulate: the simulation of privileged instructions;
- reference.vm.reflect: a guest's own interruptions performed on its virtual state;
- reference.vm.shadow: shadow translation tables, for a guest with DAT on;
- reference.vm.paging: paged guest storage and page faults;
- reference.vm.vmio: virtual devices, spool, minidisks.

*Dispatch.*  To run a VM the VMCP loads the real machine with the guest's state:
its general and floating-point registers; its condition code, program mask, key and instruction
address in a real EC-mode PSW that is in the **problem state** with **DAT on** and
the external mask on; control registers whose CR1 designates a segment table the
VMCP built for that VM, mapping guest-real storage (guest prefixing applied) onto
the VM's real frames and nothing else (with the guest's DAT on: its shadow
tables); the real TOD clock set to the guest's TOD; and the real CPU timer set to
expire at the end of the time slice or at the guest's next timer event,
whichever comes first.  The guest's instructions then run directly on the real
machine, unmodified.

*Taking the machine back.*  Every real new PSW of the VMCP is a disabled-wait PSW
whose instruction address names the interruption class.  Whatever interruption
occurs while a guest runs (a privileged-operation exception, any other program
exception, SVC, the real CPU timer) swaps the real PSW, the real machine stops in
that wait, and control returns here: the VMCP reads the old PSW and the
interruption code from its own real low storage, exactly as a control program
entered through its new PSWs does.  A privileged-operation exception in the
virtual supervisor state is simulated; a real translation exception is a shadow
fault, a page fault, or the guest addressing beyond its storage; everything else
is reflected.

*The assist.*  The virtual-machine assist (``VMCP._assist``) simulates a
privileged instruction of a guest in the virtual supervisor state from inside the
real machine's run, without the real interruption and the redispatch: the guest
goes on in the same real run unless its real configuration must change.

*Execution modes.*  ``VMCP.execution`` chooses among three ways of running guests:
"trap" (trap-and-simulate, above), "assist" (with the assist, the default) and
"sie": interpretive execution (reference.vm.interpreted), where the real machine
runs the guest itself from a state description and the VMCP handles only the
interceptions (``_run_interpreted``); the dispatcher, the settling, the scheduling
and the simulations are the same in every mode.

*Time.*  A guest's time is the instructions it executed plus the time it waited,
the same function of the work done as native time; the VMCP's own work never
shows in it.  The real CPU timer ends a dispatch exactly at the guest instruction
boundary where the guest's next timer event falls, so its timer interruptions and
the updates of its interval timer at location 80 come where they come natively.

*Scheduling.*  VMs are time-shared on the one real CPU by a policy
(reference.vm.scheduling).  A waiting VM is not dispatched until an interruption
can end its wait; when every VM waits, the real clock advances to the earliest
wake time.

*Isolation.*  A guest addresses only its own frames (DAT), runs only in the real
problem state, and every VMCP action on its behalf goes through its own
``VirtualMachine``; one VM's failure stops that VM alone.
"""

from __future__ import annotations

import heapq
import os
from dataclasses import dataclass, field
from typing import Any

from reference.arch import opcodes
from reference.arch.interrupts import (
    PageTranslation,
    SegmentTranslation,
)
from reference.arch.lowcore import (
    CR0_EXTRACTION_AUTHORITY,
    CR0_LOW_ADDRESS_PROTECTION,
    CR0_SECONDARY_SPACE,
    EXT_CLOCK_COMPARATOR,
    EXT_CPU_TIMER,
    EXTERNAL_NEW,
    IO_NEW,
    MCHECK_NEW,
    PER_CODE,
    PROGRAM_CODE,
    PROGRAM_ILC,
    PROGRAM_NEW,
    PROGRAM_OLD,
    RESTART_NEW,
    SVC_NEW,
    TOD_UNITS_PER_US,
    TRANSLATION_EXCEPTION_ADDRESS,
)
from reference.arch.psw import PSW
from reference.io.channel import ChannelSubsystem
from reference.io.ckd import CKDDevice
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.dasd import DasdImageError, open_image
from reference.io.devices import Disk3370
from reference.io.tape import Tape3420
from reference.machine import interpretive as sie
from reference.machine.cpu import STOP_TIME_LIMIT
from reference.machine.instructions.general import execute_target
from reference.machine.interpretive import SD_SIZE, Guest, PageableGuest
from reference.machine.machine import Machine
from reference.vm import interpreted, nested, reflect
from reference.vm.paging import PAGE as PAGE_4K
from reference.vm.paging import PagedStorage, Pager
from reference.vm.scheduling import POLICIES, Policy
from reference.vm.shadow import PAGE, SEGMENT, ShadowTables
from reference.vm.simulate import SIMULATIONS, perform
from reference.vm.states import RunState, VMCPError
from reference.vm.virtual_machine import NO_LIMIT, VirtualMachine
from reference.vm.vmio import (
    AREA_SIZE,
    CKDMinidisk,
    Minidisk,
    RealIO,
    Spool,
    VirtualDevice,
    VMDevices,
    VMIOError,
    attach_devices,
    release_spool,
)

REAL_CR0 = 0x00400000 | EXT_CPU_TIMER[1]   # 2K pages, 64K segments; CPU-timer subclass
MIN_PAGING_FRAMES = 8             # real frames for paged VMs, at least
TABLES_AT = 0x1000               # the VMCP's segment and page tables start here
DEFAULT_SLICE_US = 5000
MIN_VM_STORAGE = 8 * 1024
INTERRUPTION_LOOP_LIMIT = 10_000  # interruptions in a row, no instruction between them

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


EXECUTIONS = ("trap", "assist", "sie")


def default_execution() -> str:
    """The execution mode of a VMCP made without one: the environment variable
    S370_EXECUTION when it names one (the test suite runs in each mode so), else
    the assist."""
    mode = os.environ.get("S370_EXECUTION", "")
    return mode if mode in EXECUTIONS else "assist"


def _state_description_offset(storage: int) -> int:
    """Where a VM's state description is in its table region: after the segment
    table (1K) and its page tables (64 bytes a segment), on a 256-byte boundary."""
    segments = (storage + SEGMENT - 1) // SEGMENT
    return (1024 + segments * 64 + 0xFF) & ~0xFF


def _tables_size(storage: int) -> int:
    """The bytes of a VM's table region (4K-aligned): its tables, its SD and the
    shadow SD of its own guest (reference.vm.nested)."""
    return (_state_description_offset(storage) + 2 * SD_SIZE + 0xFFF) & ~0xFFF


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
    # How guests run (``EXECUTIONS``): "trap", trap-and-simulate; "assist", the
    # same with the virtual-machine assist (privileged instructions of a guest in
    # the virtual supervisor state simulated from inside the real machine's run,
    # without the real interruption and the redispatch, ``_assist``); "sie", by
    # interpretive execution (reference.vm.interpreted).
    execution: str = field(default_factory=lambda: default_execution())
    # Whether the real machine, and so every VM, has the floating-point facility.
    floating_point: bool = True

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise VMCPError(f"unknown policy {self.policy!r} (round-robin, share)")
        if self.execution not in EXECUTIONS:
            raise VMCPError(f"unknown execution {self.execution!r} ({', '.join(EXECUTIONS)})")
        self.real = Machine(self.real_storage, floating_point=self.floating_point)
        self.scheduler: Policy = POLICIES[self.policy]()
        # Real storage above the VMCP's own low storage is handed out in 4K-aligned
        # regions, first fit: a VM's frames (one region) and its tables (another).
        self._free: list[tuple[int, int]] = [(TABLES_AT, self.real_storage - TABLES_AT)]
        self.shadow_tables = ShadowTables(self.real, self._allocate, self._release)
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
        self.real.write_real(interpreted.HOST_PROGRAM, interpreted.host_program(
            ENTRY_WAIT_PSW | interpreted.ENTRY_SIE))
        self.spool = Spool(self.spool_directory)
        self._running: VirtualMachine | None = None   # the VM on the real machine
        self._steps0 = 0          # real steps already counted in the running VM's
        self._run_limit = 0       # the step limit of the real run under way
        self._idle_in_run = 0     # real time inside it not the guest's (waits, VMCP work)
        self._slice_end = 0       # the real time the dispatch under way ends at
        if self.execution == "assist":
            self.real.assist = self._assist
            self.real.svc_assist = self._svc_assist
        self.io: RealIO | None = None
        self.devices: dict[int, VMDevices] = {}        # by the VM's order
        self._extents: list[tuple[int, int, int, VirtualMachine]] = []  # real, start, end
        # CKD minidisks: real address, first cylinder, end; attached tapes' owners.
        self._ckd_extents: list[tuple[int, int, int, VirtualMachine]] = []
        self._tapes: dict[int, VirtualMachine] = {}

    # --- real devices, minidisks, spool (reference.vm.vmio) --------------------
    def attach_real_disk(self, address: int, path: Any, type_name: str = "3370") -> Any:
        """A real 3370 at real I/O ``address`` on the host image file ``path``,
        for minidisks (another ``type_name``: a real CKD volume, ``attach_real_ckd``)."""
        if type_name != "3370":
            return self.attach_real_ckd(address, path, type_name)
        real = self._real_channels()
        if self.io is None:
            at = self._allocate(AREA_SIZE)
            if at is None:
                raise VMCPError("real storage is full: no room for channel programs")
            self.io = RealIO(self.real, at)
        try:
            disk = Disk3370(path)
        except OSError as e:
            raise VMCPError(f"real disk {address:03X}: {e.strerror or e}") from None
        self._attach_real(real, address, disk)
        return disk

    def _real_channels(self) -> ChannelSubsystem:
        real = self.real
        if real.channels is None:
            real.channels = ChannelSubsystem(real)
        return real.channels

    @staticmethod
    def _attach_real(channels: ChannelSubsystem, address: int, device: Any) -> None:
        try:
            channels.attach(address, device)
        except ValueError as e:
            device.close()
            raise VMCPError(str(e)) from None

    def attach_real_ckd(self, address: int, path: Any, type_name: str | None = None,
                        readonly: bool = False) -> CKDDevice:
        """A real CKD volume at real I/O ``address``: the Hercules CKD or CCKD
        image ``path`` (of device type ``type_name``, when given), for CKD
        minidisks.  It is closed (flushed) with the VMCP."""
        channels = self._real_channels()
        try:
            volume = open_image(str(path), readonly=readonly)
        except DasdImageError as e:
            raise VMCPError(f"real disk {address:03X}: {e}") from None
        if type_name is not None and (type_name not in GEOMETRIES or GEOMETRIES[
                type_name].devtype != volume.geometry.devtype):
            volume.close()
            raise VMCPError(f"real disk {address:03X}: {path} is a "
                            f"{volume.geometry.type_name} image, not a {type_name}")
        device = CKDDevice(volume)
        self._attach_real(channels, address, device)
        return device

    def ckd_minidisk(self, vm: VirtualMachine, real_address: int, start: int,
                     cylinders: int) -> CKDMinidisk:
        """Cylinders [start, start + cylinders) of the real CKD volume at
        ``real_address`` as a minidisk of ``vm`` (the volume of its CKD device).
        CKD minidisks never overlap, not even two of one VM."""
        channels = self.real.channels
        sc = channels.subchannels.get(real_address) if channels is not None else None
        if sc is None or not isinstance(sc.device, CKDDevice):
            raise VMIOError(f"minidisk: no real CKD volume at {real_address:03X}")
        volume = sc.device.volume
        end = start + cylinders
        if cylinders < 1 or start < 0 or end > volume.cylinders:
            raise VMIOError(f"minidisk: cylinders {start}-{end - 1} are not on the real "
                            f"{sc.device.type_name} {real_address:03X} ({volume.cylinders} "
                            f"cylinders)")
        for real, lo, hi, owner in self._ckd_extents:
            if real == real_address and start < hi and lo < end:
                raise VMIOError(f"minidisk: cylinders {start}-{end - 1} of {real_address:03X} "
                                f"overlap a minidisk of {owner.name} (cylinders "
                                f"{lo}-{hi - 1})")
        self._ckd_extents.append((real_address, start, end, vm))
        return CKDMinidisk(volume, start, cylinders)

    def attach_real_tape(self, address: int, path: Any, fmt: str = "aws",
                         compression: str = "zlib", ring: bool = True,
                         max_size: int = 0) -> Tape3420:
        """A real 3420 at real I/O ``address`` on the tape file ``path``, to be
        attached to one VM at a time (``attach_tape``)."""
        channels = self._real_channels()
        try:
            tape = Tape3420(path, fmt, compression, ring, max_size)
        except OSError as e:
            raise VMCPError(f"real tape {address:03X}: {e.strerror or e}") from None
        self._attach_real(channels, address, tape)
        return tape

    def attach_tape(self, vm: VirtualMachine, real_address: int) -> Tape3420:
        """The real tape unit at ``real_address``, attached to ``vm`` (dedicated:
        VMIOError when another VM has it).  It goes back with ``forget_minidisks``."""
        channels = self.real.channels
        sc = channels.subchannels.get(real_address) if channels is not None else None
        if sc is None or not isinstance(sc.device, Tape3420):
            raise VMIOError(f"tape: no real tape unit at {real_address:03X}")
        owner = self._tapes.get(real_address)
        if owner is not None and owner is not vm:
            raise VMIOError(f"tape {real_address:03X} is attached to {owner.name}")
        if owner is vm:
            raise VMIOError(f"tape {real_address:03X} is already attached to {vm.name}")
        self._tapes[real_address] = vm
        return sc.device

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
        """``vm``'s minidisk extents are free again, its attached tapes the VMCP's."""
        self._extents = [e for e in self._extents if e[3] is not vm]
        self._ckd_extents = [e for e in self._ckd_extents if e[3] is not vm]
        self._tapes = {a: owner for a, owner in self._tapes.items() if owner is not vm}

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
        tables = _tables_size(storage)
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
        vm.state_description = table_at + _state_description_offset(vm.size)
        vm.shadow_description = vm.state_description + SD_SIZE
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
        self.shadow_tables.free(vm)
        self.real.forget_guest(vm.state_description)
        self.real.forget_guest(vm.shadow_description)
        if vm.combined_space:
            regions_combined = [(vm.combined_space, nested.COMBINED_REGION)]
            vm.combined_space = 0
        else:
            regions_combined = []
        regions = [(vm.segment_table, _tables_size(vm.size))] + regions_combined
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
        to the frame of guest-absolute page (p with guest prefixing applied).  By
        interpretive execution the machine applies the guest's prefixing: page p
        of the guest's host virtual storage is guest-absolute page p."""
        absolute = (lambda page: page) if self.execution == "sie" else vm.real_to_absolute
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
                frame = None if real_page >= size else vm.real_frame(absolute(real_page))
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
        # A guest whose new PSW is enabled for a condition that stays pending (a
        # negative CPU timer) takes interruptions for ever with no instruction
        # between them, and its time never advances.  Without a step limit the
        # chain is bounded here (INTERRUPTION_LOOP_LIMIT) and that VM alone stops,
        # with the reason "interruption loop"; with one, the limit bounds the
        # chain, as natively.
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
        if vm.attention and vm.nested is None:
            # Something changed the VM from outside since it last settled (an
            # operator's restart or interrupt key, an injected machine check):
            # settle it first, as the native machine does before an instruction.
            # (In interpretive execution the VM is inside its SIE: the SIE ends
            # first, ``_run_nested``.)
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
            vm.invalid_psw_interruption(vm.ia)
            vm.interventions["early PSW exception"] += 1
            vm.change("preempt")
            self.settle(vm)
            self._enqueue(vm)
            return Dispatch(0, "early PSW exception", 1)
        used = 0
        entry, cause = 0, "slice"
        own = self._run_interpreted if self.execution == "sie" else self._run_trapped
        while True:
            ran = (own if vm.nested is None else self._run_nested)(vm, limit)
            if ran is None:
                return Dispatch(0, "no room", used)
            entry, cause, steps = ran
            used += steps
            self._spend(vm, "trap")
            if vm.run_state is RunState.RUNNING and cause not in _KEEP_SETTLED \
                    and vm.nested is None:
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

    def _run_trapped(self, vm: VirtualMachine, limit: int) -> tuple[int, str, int] | None:
        """One real run of ``vm`` by trap-and-simulate (and the assist, when it
        is on): the guest in the real problem state until a real interruption
        takes it back, which is handled.  Returns the real entry, the cause and
        the guest's instructions; None when the VM stopped for want of room."""
        real = self.real
        until_event = self._next_guest_event(vm) - vm.now()
        budget = max(1, min(self._slice_end - real.now(), until_event, limit - vm.steps))
        try:
            self._load_real(vm, budget)
        except VMCPError as e:
            # Real storage has no room for this guest's shadow tables: this VM
            # alone stops, with the reason.
            vm.stop(f"vmcp: {e}")
            return None
        steps0, now0 = real.steps, real.now()
        self._running, self._steps0 = vm, steps0
        self._run_limit = real.steps + budget + 1
        real.run(self._run_limit, NO_LIMIT)
        self._running = None
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
            cause = reflect.svc_with_per(real, vm)
        else:
            self._save_guest(vm, entry)
            cause = self._handle(vm, entry, budget, until_event)
        return entry, cause, real.steps - steps0

    # --- interpretive execution (reference.vm.interpreted) ---------------------
    def _next_host_event(self, vm: VirtualMachine) -> int:
        """The guest time of the next event that only the VMCP can handle: an
        event of the VM's channels (its timers are the machine's to run), and the
        VM's time bound."""
        events = [vm.max_time]
        if vm.channels is not None:
            t = vm.channels.next_event()
            if t is not None:
                events.append(t)
        return min(events)

    def _run_interpreted(self, vm: VirtualMachine, limit: int) -> tuple[int, str, int]:
        """One START INTERPRETIVE EXECUTION of ``vm`` on the real machine, for at
        most what is left of the slice, of its bounds and until its next channel
        event, and the interception handled.  Returns the real entry, the cause
        and the guest's instructions."""
        real = self.real
        until_event = self._next_host_event(vm) - vm.now()
        budget = max(1, min(self._slice_end - real.now(), until_event, limit - vm.steps))
        sd = vm.state_description
        guest = real.guest_for(sd, Guest if vm.paged is None else PageableGuest)
        guest.interruption_log = vm.interruption_log
        if guest.observer is not real.observer:
            guest.observer = real.observer
        chain_limit = min(vm.max_steps if vm.max_steps is not None else
                          INTERRUPTION_LOOP_LIMIT, 0xFFFFFFFF)
        interpreted.describe(real, vm, sd, chain_limit)
        crs = [REAL_CR0] + [0] * 15
        crs[1] = (15 << 24) | vm.segment_table
        if crs != real.cr:
            real.load_control_registers(crs)
        # The real CPU timer ends the SIE after ``budget`` guest instructions (the
        # SIE itself takes the first microsecond).
        real.set_cpu_timer((budget + 1) * TOD_UNITS_PER_US - 1)
        real.set_psw(PSW(system_mask=0x01, ec=True, address=interpreted.HOST_PROGRAM))
        steps0, now0, taken = vm.steps, real.now(), guest.interruptions
        real.run(real.steps + budget + 3, NO_LIMIT)
        entry = real.ia
        # The guest's interruptions the machine presented: the guest's, but no
        # work of the VMCP's to charge.
        taken = guest.interruptions - taken
        vm.interruptions += taken
        vm.interruptions_charged += taken
        vm.presented += taken
        # After an interception the real machine went on with its LOAD PSW.
        ended_at = real.tod() - (TOD_UNITS_PER_US if entry == interpreted.ENTRY_SIE else 0)
        d = interpreted.take_back(real, vm, sd, ended_at)
        busy = real.now() - now0
        vm.real_us += busy
        vm.uncharged += busy
        steps = vm.steps - steps0
        if d.code:
            # The SIE ended with an interception (the real CPU timer may have run
            # out just after it, before the host program's LOAD PSW: the slice is
            # over then too, which the dispatch loop sees).
            counted = interpreted.INTERCEPTIONS.get(d.code, "")
            if counted is None:
                cause = self._simulate(vm, interpreted.intercepted_length(d) >> 1)
            elif counted:
                cause = counted
                vm.interventions[cause] += 1
                if d.code == sie.INTERRUPTION_LOOP:
                    # The chain reached the VM's bound (its step limit, as natively,
                    # or the VMCP's INTERRUPTION_LOOP_LIMIT): the VM stops there.
                    vm.stop("step-limit" if vm.max_steps is not None
                            else "interruption loop")
            else:
                # The state description described no guest this machine can run:
                # a model error of the VMCP's own tables; this VM alone stops.
                vm.stop(f"vmcp: interception {d.code} of the state description")
                cause = "validity"
        elif entry == ENTRY_PROGRAM:
            cause = self._host_exception(vm)
        else:
            cause = self._handle(vm, entry, budget, until_event)
        return entry, cause, steps

    def _run_nested(self, vm: VirtualMachine, limit: int) -> tuple[int, str, int]:
        """One real SIE of the guest of ``vm``, which is in interpretive execution
        (reference.vm.nested): from the shadow SD, for at most what is left of
        the slice, of the VM's bounds and until the VM's next event.  Returns the
        real entry, the cause and the instructions (the guest's, which are the
        VM's)."""
        real = self.real
        run = vm.nested
        # The VM can be interrupted at every guest instruction boundary, the
        # first one included: the real SIE then runs no guest instruction.
        if vm.interruption_pending() or vm.steps >= limit or vm.now() >= vm.max_time:
            budget = 0
        else:
            budget = max(1, min(self._slice_end - real.now(),
                                self._next_guest_event(vm) - vm.now(), limit - vm.steps))
        d = nested.read(vm)
        shadow = vm.shadow_description
        crs = [REAL_CR0] + [0] * 15
        space = 0
        if nested.combined(vm, d):
            space = self._combined_space(vm)
            if not space:
                vm.nested = None
                vm.stop("vmcp: real storage is full: no room for a combined space")
                return 0, "no room", 0
            if run.fresh:
                # Each SIE of the VM starts with nothing combined.
                nested.empty(real, space)
                real.purge_tlb()
                run.fresh = False
            crs[1] = (15 << 24) | space
        guest = real.guest_for(shadow, Guest if not space else PageableGuest)
        if guest.observer is not real.observer:
            guest.observer = real.observer
        epoch = nested.describe(real, vm, d, shadow, space)
        if crs != real.cr:
            real.load_control_registers(crs)
        real.set_cpu_timer((budget + 1) * TOD_UNITS_PER_US - 1)
        real.set_psw(PSW(system_mask=0x01, ec=True, address=interpreted.HOST_PROGRAM))
        now0, taken = real.now(), guest.interruptions
        with real.hooks_suspended():
            real.run(real.steps + budget + 3, NO_LIMIT)
        entry = real.ia
        vm.presented += guest.interruptions - taken
        d, steps = nested.take_back(real, vm, d, shadow, epoch, space)
        vm.steps += steps
        busy = real.now() - now0
        vm.real_us += busy
        vm.uncharged += busy
        if d.code:
            # Every interception is the VM's (the VMCP adds no controls): its SIE
            # is complete, its PSW past it.
            vm.nested = None
            vm.interventions["nested interception"] += 1
            if d.code == sie.VALIDITY:
                vm.stop(f"vmcp: the shadow state description is not valid "
                        f"(reason {d.ipa})")
            return entry, "nested interception", steps
        if entry == ENTRY_PROGRAM:
            code = int.from_bytes(real.read_real(PROGRAM_CODE, 2), "big")
            if not space or code not in (SegmentTranslation.code, PageTranslation.code):
                vm.nested = None
                vm.stop(f"vmcp: real program interruption {code:04X} in a guest's "
                        f"interpretive execution")
                return entry, "host exception", steps
            exc = nested.resolve(real, vm, d, space)
            if exc is None:
                # The guest retries the instruction the real machine nullified.
                vm.interventions["combined fault"] += 1
                self._spend(vm, "shadow fault")
                return entry, "nested", steps
            # The VM's own translation failed: its SIE is nullified and it takes
            # the program interruption at the SIE, as a host on the machine does.
            vm.nested = None
            vm.ia = (run.address + 4) & 0xFFFFFF
            vm.end_instruction(run.address, 4, exc)
            vm.interventions[f"reflect program {exc.code:04X}"] += 1
            return entry, "nested host exception", steps
        # A VM event: what the machine does for a host between the guest's
        # instructions at a timer event; the SIE ends when the VM can now be
        # interrupted or its run reached a bound.
        vm._update_interval_timer()
        if vm.channels is not None:
            vm.channels.advance(vm.now())
        if vm.interruption_pending() or vm.steps >= limit or vm.now() >= vm.max_time:
            vm.ia = run.address
            vm.nested = None
            vm.interventions["nested SIE ended"] += 1
            return entry, "nested SIE ended", steps
        return entry, "nested", steps

    def _combined_space(self, vm: VirtualMachine) -> int:
        """The real address of the VM's combined space (reference.vm.nested),
        made on first use; 0 when real storage has no room for it."""
        if not vm.combined_space:
            at = self._allocate(nested.COMBINED_REGION)
            if at is None:
                return 0
            vm.combined_space = at
        return vm.combined_space

    def _host_exception(self, vm: VirtualMachine) -> str:
        """A real program interruption ended the SIE: a paged VM touched a page
        that is not resident (its host virtual storage is its absolute storage);
        the page comes in and the guest goes on with the instruction, which the
        machine nullified.  Any other is a model error: this VM stops."""
        real = self.real
        code = int.from_bytes(real.read_real(PROGRAM_CODE, 2), "big")
        if vm.paged is not None and code in (SegmentTranslation.code, PageTranslation.code):
            tea = int.from_bytes(real.read_real(TRANSLATION_EXCEPTION_ADDRESS, 4), "big")
            if vm.paged.page_fault(tea & 0xFFFFFF):
                self.build_tables(vm)
                vm.interventions["page fault"] += 1
                self._spend(vm, "page fault")
                return "page fault"
        vm.stop(f"vmcp: real program interruption {code:04X} during interpretive execution")
        return "host exception"

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
        real.fpr[:] = vm.fpr
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
            secondary = vm.cr[7] if vm.cr[0] & CR0_SECONDARY_SPACE else None
            at_primary, at_secondary = self.shadow_tables.spaces(vm, vm.cr[1], secondary)
            crs[1] = (15 << 24) | at_primary
            if secondary is not None:
                crs[0] |= CR0_SECONDARY_SPACE
                crs[7] = (15 << 24) | at_secondary
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
        # DAT and PER are system-mask bits 5 and 1 in the EC mode only; in the BC
        # mode those bits are channel masks, which the real machine does not follow.
        return (vm.problem, vm.ec, vm.system_mask & 0x44 if vm.ec else 0, vm.secondary,
                vm.prefix, len(vm.tlb), vm.wait, vm.cr[:])

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
        real interruption; then the guest goes on in the same real run, or is
        handed back to the dispatch loop (``_go_on``).  In the virtual problem
        state, under PER, or with no guest running, the real interruption occurs
        (False)."""
        vm = self._running
        if vm is None or vm.problem or (vm.ec and vm.system_mask & 0x40):
            return False        # the virtual problem state; PER: the full path
        before = self._take_guest(vm)
        self._simulate(vm, length >> 1)
        vm.assisted += 1
        return self._go_on(vm, before)

    def _svc_assist(self, number: int, length: int) -> bool:
        """The guest executed SUPERVISOR CALL ``number``: its SVC interruption is
        performed on the virtual state here, as ``reflect.svc`` does after the
        real interruption, without that interruption and the redispatch (the
        370/158 and /168 assist reflected a virtual machine's SVCs so); then the
        guest goes on in the same real run, or is handed back to the dispatch
        loop (``_go_on``).  Under PER (the event comes with the interruption) or
        with no guest running, the real interruption occurs (False)."""
        vm = self._running
        if vm is None or (vm.ec and vm.system_mask & 0x40):
            return False
        before = self._take_guest(vm)
        vm.supervisor_call_interruption(number, length >> 1)
        vm.interventions["reflect SVC by the assist"] += 1
        vm.assisted += 1
        return self._go_on(vm, before)

    def _take_guest(self, vm: VirtualMachine) -> tuple[Any, ...]:
        """The assist's start: the guest's registers, PSW fields and steps from
        the real machine into the VM; returns its real configuration."""
        real = self.real
        vm.gpr[:] = real.gpr
        vm.fpr[:] = real.fpr
        vm.cc, vm.program_mask, vm.key, vm.ia = (real.cc, real.program_mask, real.key,
                                                 real.ia)
        vm.steps += real.steps - self._steps0
        self._steps0 = real.steps
        return self._real_configuration(vm)

    def _go_on(self, vm: VirtualMachine, before: tuple[Any, ...]) -> bool:
        """The assist's end: either the guest goes on in the same real run (real
        PSW, registers, TOD and CPU timer brought up to date: the usual case) or,
        when its real configuration (``before``) must change or it no longer
        runs, the real machine is left in the disabled wait at ``ENTRY_ASSIST``
        and the dispatch loop takes over.  Always True: the assist acted."""
        real = self.real
        if vm.nested is not None:
            # SIE simulated: the dispatch loop runs the VM's guest (_run_nested).
            real.set_psw(PSW.from_int(ENTRY_WAIT_PSW | ENTRY_ASSIST))
            return True
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
        real.fpr[:] = vm.fpr
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
        vm.fpr[:] = real.fpr
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
            return reflect.svc(self.real, vm)
        if entry == ENTRY_PROGRAM:
            return self._program(vm)
        # Machine check, I/O, restart: none can come from a guest on this machine.
        raise RuntimeError(f"real interruption through entry {entry:X} while a guest ran")

    # --- shadow translation tables (reference.vm.shadow) ----------------------
    def _shadows_current(self, vm: VirtualMachine) -> None:
        """The shadow tables of ``vm`` equal to the guest's translations again,
        before it runs (``ShadowTables.make_current``)."""
        self.shadow_tables.make_current(vm)

    def shadow_violations(self, vm: VirtualMachine) -> list[str]:
        """Every valid shadow entry of ``vm`` that is not the composition of the
        guest's tables and the VMCP's map of its storage, described
        (``ShadowTables.violations``; tests call this after every dispatch)."""
        return self.shadow_tables.violations(vm)

    def _program(self, vm: VirtualMachine) -> str:
        real = self.real
        ilc = real.read_real(PROGRAM_ILC, 1)[0] >> 1
        code = int.from_bytes(real.read_real(PROGRAM_CODE, 2), "big")
        base = code & ~reflect.PER_EVENT_FLAG
        per_code = real.read_real(PER_CODE, 1)[0] if code & reflect.PER_EVENT_FLAG else 0
        if base == 0x0002 and not vm.problem:
            return self._simulate(vm, ilc)
        if base in (SegmentTranslation.code, PageTranslation.code):
            return self._translation_exception(vm, ilc)
        return reflect.program(real, vm, code, ilc, per_code)

    def _translation_exception(self, vm: VirtualMachine, ilc: int) -> str:
        """A real segment- or page-translation exception nullified the guest's
        instruction.  With the guest's DAT on it is a shadow fault; a paged VM
        touched a page that is not resident (a page fault: the page comes in,
        the VMCP's tables map it, the guest retries the instruction, and the
        real attempt is not counted, natively the page was always there);
        otherwise the VMCP's own tables end where the guest's storage ends: the
        guest addressed beyond its storage, an addressing exception natively."""
        if vm.dat_on:
            cause = self.shadow_tables.fault(vm, ilc)
            if cause == "shadow fault":
                self._spend(vm, "shadow fault")
            return cause
        if vm.paged is not None:
            tea = int.from_bytes(self.real.read_real(TRANSLATION_EXCEPTION_ADDRESS, 4), "big")
            if vm.paged.page_fault(vm.real_to_absolute(tea & 0xFFFFFF)):
                vm.steps -= 1  # the real attempt: natively the page was always there
                self.build_tables(vm)
                vm.interventions["page fault"] += 1
                self._spend(vm, "page fault")
                return "page fault"
        return reflect.addressing(self.real, vm, ilc)

    def _paged_out(self, storage: PagedStorage, page: int) -> None:
        """A VM's page went to the backing file: its table entries go, and every
        shadow entry of that VM (safe: they are refilled from the guest's TLB)."""
        vm = next((v for v in self.vms if v.paged is storage), None)
        if vm is None:
            return
        self.build_tables(vm)
        self.shadow_tables.invalidate(vm)
        if vm.combined_space:
            nested.empty(self.real, vm.combined_space)
        self.real.purge_tlb()

    def _simulate(self, vm: VirtualMachine, ilc: int) -> str:
        """Simulate the privileged instruction that trapped (or the target of
        the EXECUTE that trapped) against the VM's virtual state
        (reference.vm.simulate), its cost charged to the VM."""
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
            code = execute_target(vm, r1, x2, b2, d2)
        decoded = _DECODED.get(code)
        if decoded is None:
            decoded = _decode(code)
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
        if perform(vm, simulation, fields, at, ilc) and simulation.remap:
            self.build_tables(vm)
        return cause


# Causes after which the VM has settled already (the assist settles it; a fault
# nullified the instruction and changed nothing the guest sees), and causes that
# end the dispatch (the slice is over, a bound is reached, or the VMCP cannot go on
# with this VM).
_KEEP_SETTLED = frozenset({"assist", "page fault", "shadow fault", "nested"})
_END_DISPATCH = frozenset({"slice", "step-limit", STOP_TIME_LIMIT})

# Simulated instructions decoded once: instruction bytes -> (row, fields, the
# cause counted, its cost by COSTS).  A guest has few distinct privileged
# instructions (bounded all the same).
_DECODED: dict[bytes, tuple[Any, tuple[int, ...], str, int]] = {}
_IO = frozenset({"SIO", "SIOF", "TIO", "CLRIO", "HIO", "HDV", "TCH", "STIDC"})


def _decode(code: bytes) -> tuple[Any, tuple[int, ...], str, int]:
    """``code`` decoded for ``_DECODED``: its row of the opcode table (None: no
    such instruction), its fields, the cause counted and the cost by COSTS."""
    row = opcodes.lookup(code)
    fields = opcodes.decode_fields(row.layout, code) if row is not None else ()
    if len(_DECODED) >= 4096:
        _DECODED.clear()
    cause = f"simulate {row.mnemonic}" if row is not None else ""
    cost = COSTS["simulate I/O" if row is not None and row.mnemonic in _IO else "simulate"]
    decoded = _DECODED[code] = (row, fields, cause, cost)
    return decoded


__all__ = ["VMCP", "VMCPError", "Dispatch", "COSTS", "ENTRIES", "ENTRY_WAIT_PSW"]


