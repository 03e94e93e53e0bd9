"""A virtual machine: the architectural state of one guest of the VMCP.

Theory of operation
-------------------
A ``VirtualMachine`` is a System/370 CPU (the same ``CPU`` class the real machine
is built on) whose storage is the guest's frames in real storage: views of the
real machine's storage and keys, so the guest running directly on the real
machine and the VMCP simulating on its behalf see the same bytes, keys,
reference and change bits.  A paged VM (``reference.vm.paging``) has no region of
its own: its storage is a ``PagedStorage``, each 4K page resident in a real frame
lent by the pager or kept in the backing file, and ``real_frame`` finds where a
guest-absolute address is in real storage now.

Besides the CPU state, the VM carries what the VMCP keeps for it: its run state
(``reference.vm.states``, changed only through ``TRANSITIONS``), its bounds, its
accounting (its instructions' real time, the VMCP's work for it by ``COSTS``,
what the scheduler has not been charged yet), and its shadow translation tables
(``reference.vm.shadow``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from reference.machine.cpu import CPU, default_max_time
from reference.machine.machine import Machine
from reference.vm.paging import PAGE as PAGE_4K
from reference.vm.paging import PagedKeys, PagedStorage
from reference.vm.states import TRANSITIONS, IllegalTransition, RunState

NO_LIMIT = 1 << 62               # a bound that is never reached


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
        # Interruptions the machine presented to it by interpretive execution: its
        # own, but no work of the VMCP's (counted in ``interruptions`` and, so that
        # they are not charged, in ``interruptions_charged``).
        self.presented = 0
        self.uncharged = 0           # real time used, not yet charged to the scheduler
        self.segment_table = 0       # real address of the VMCP's segment table for it
        self.state_description = 0   # real address of its SD (interpretive execution)
        # Its own interpretive execution (reference.vm.nested): the SIE under way,
        # and the real address of the shadow SD that runs its guest.
        self.nested: Any = None
        self.shadow_description = 0
        self.combined_space = 0      # real address of its combined space (0: none yet)
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
        f = self.paged.frame(page) if page_in else self.paged.resident_frame(page)
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


__all__ = ["VirtualMachine", "NO_LIMIT"]
