"""Run states of a virtual machine, their transitions as data, and the VMCP's errors.

A VM's run state changes only through ``TRANSITIONS`` (``VirtualMachine.change``):
ready (queued by the scheduler), running (on the real machine), waiting (an
enabled wait: not dispatched until an interruption can end it, its time advanced
to that event), stopped (a disabled wait, a check-stop, the step or time limit,
or a named reason).  A change the table does not allow is a model error
(``IllegalTransition``).
"""

from __future__ import annotations

from enum import Enum


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


class VMCPError(Exception):
    """A configuration the VMCP cannot run (bad input, not guest behaviour), or
    real storage too full for what a VM needs."""


__all__ = ["RunState", "TRANSITIONS", "IllegalTransition", "VMCPError"]
