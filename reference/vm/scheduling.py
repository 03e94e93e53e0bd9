"""Scheduling policies: which ready VM the VMCP dispatches next.

Theory of operation
-------------------
VMs are time-shared on the one real CPU.  A policy keeps the queue of ready VMs
(``RunState.READY``), gives the dispatcher the next one, and is charged with the
real time each VM used (its instructions and the VMCP's work for it).  Entries of
VMs that are no longer ready when they come up (stopped, destroyed, waiting) are
dropped then, so a VM's state can change without the queue being searched.

- Round-robin: ready VMs in turn, first in, first out, each for a full time
  slice whatever its share.
- Share-weighted (stride scheduling): the VM with the lowest pass runs; its pass
  grows by the time it used divided by its share, so CPU time is proportional to
  shares (a VM of share 2 gets twice the CPU of one of share 1).  A VM that
  becomes ready again starts no lower than the lowest pass of the others, so it
  can neither starve others with saved credit nor be starved.

Every operation is O(log n) in the number of VMs.
"""

from __future__ import annotations

import heapq
from collections import deque

from reference.vm.states import RunState
from reference.vm.virtual_machine import VirtualMachine


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

__all__ = ["Policy", "RoundRobin", "ShareWeighted", "POLICIES"]
