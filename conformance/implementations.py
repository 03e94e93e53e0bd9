"""Implementations under test, and what running a program on one gives.

An implementation runs an image from a clear reset (image at absolute 0, the PSW
loaded from location 0 by a restart interruption, as ``s370 run`` starts) in one of
its modes, to a stop, and reports an ``Outcome``.  The reference implementation has
two modes: ``native`` (the reference machine) and ``vmcp`` (the program as the only
guest of the VMCP; every field is the guest's virtual state).  Other
implementations join through the adapter protocol (docs/adapter-protocol.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reference.io.config import ConfigError, IPLError
from reference.machine.cpu import CPU, State
from reference.session import configured_guest, real_storage_for, start_machine
from reference.vm.vmcp import VMCP, VMCPError


@dataclass
class Outcome:
    """The end of one run."""

    stop: str
    steps: int
    psw: int
    gpr: tuple[int, ...]
    cr: tuple[int, ...]
    read: Callable[[int, int], bytes]         # (real address, length) -> bytes
    keys: Sequence[int]                       # the key of every 2K block (bytes, or read
                                              # on demand: conformance.adapter)
    interruptions: list[tuple[str, int, int, int]] = field(default_factory=list)
    state: State | None = None                # the whole state, where known
    # The floating-point registers 0, 2, 4, 6, where the implementation reports
    # them (None: it does not, or has no floating-point facility).
    fpr: tuple[int, ...] | None = None
    # With devices: what each output device and disk holds at the end (the file's
    # bytes, None when no file was written), by I/O address (conformance.corpus).
    outputs: dict[int, bytes | None] = field(default_factory=dict)


class Implementation(Protocol):
    name: str
    modes: tuple[str, ...]
    facilities: tuple[str, ...]   # optional facilities installed (expectations.FACILITIES)

    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome: ...


class DeviceSetupError(Exception):
    """The devices of a program could not be set up or the IPL failed (one line)."""


def takes_devices(impl: Any) -> bool:
    """Whether ``impl`` runs programs with device configurations."""
    return callable(getattr(impl, "run_configured", None))


def _outcome(cpu: CPU, stop: str) -> Outcome:
    log = cpu.interruption_log or []
    return Outcome(
        stop=stop, steps=cpu.steps, psw=cpu.psw_value(), gpr=tuple(cpu.gpr),
        cr=tuple(cpu.cr), read=cpu.real_storage, keys=bytes(cpu.keys),
        interruptions=[(r.kind, r.code, r.ilc, r.old_psw) for r in log], state=cpu.state(),
        fpr=tuple(cpu.fpr))


# Architectural coverage (``--s370-coverage``, conformance.coverage): while set,
# ``Reference.run`` calls ``coverage_hook(mode, cpu, machine, vmcp)`` before each run
# (``cpu`` the architectural CPU, ``machine`` the machine executing, ``vmcp`` the
# control program or None); it attaches its observers and returns what to call
# when the run ends.  None (the default): nothing is observed.
coverage_hook: Callable[[str, CPU, Any, Any], Callable[[], None]] | None = None


class Reference:
    """The reference machine, natively and under the VMCP."""

    name = "reference"
    modes: tuple[str, ...] = ("native", "vmcp")
    facilities: tuple[str, ...] = ("floating-point", "channel-io")

    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome:
        if mode == "native":
            m = start_machine(image, storage)
            m.interruption_log = []
            done = coverage_hook(mode, m, m, None) if coverage_hook is not None else None
            stop = m.run(max_steps)
            if done is not None:
                done()
            return _outcome(m, stop)
        if mode == "vmcp":
            cp = VMCP(real_storage=real_storage_for(storage))
            vm = cp.create_vm(image, storage, max_steps=max_steps)
            vm.interruption_log = []
            done = coverage_hook(mode, vm, cp.real, cp) if coverage_hook is not None else None
            cp.run()
            if done is not None:
                done()
            return _outcome(vm, vm.stop_reason or "")
        raise ValueError(f"the reference has no mode {mode!r}")

    def run_configured(self, image: bytes, storage: int, max_steps: int, mode: str,
                       config: Any, ipl: int | None = None) -> Outcome:
        """A run with the devices of ``config`` (reference.io.devices.Configuration):
        natively attached to the machine (``Configuration.start``); under the VMCP
        as ``s370 run --config --under vmcp`` gives them (reference.vm.vmcp
        ``configured_guest``: spooled unit-record devices and console, each 3370 a
        real disk given whole to the VM as a minidisk), the spool files handed on
        when the VMCP closes.  The image is loaded at 0;
        then the restart interruption, or with ``ipl`` initial program loading
        from that device.  DeviceSetupError when the devices or the IPL fail."""
        if mode == "native":
            try:
                m = config.start(image, storage, ipl)
            except (ConfigError, IPLError) as e:
                raise DeviceSetupError(str(e)) from None
            try:
                m.interruption_log = []
                done = coverage_hook(mode, m, m, None) if coverage_hook is not None else None
                stop = m.run(max_steps)
                if done is not None:
                    done()
            finally:
                m.channels.close()
            return _outcome(m, stop)
        if mode == "vmcp":
            # The spool in a directory of this run, removed with it.
            with tempfile.TemporaryDirectory(prefix="s370-spool-") as spool:
                try:
                    cp, vm = configured_guest(config, image, storage, max_steps=max_steps,
                                              ipl=ipl, spool_directory=spool)
                except VMCPError as e:
                    raise DeviceSetupError(str(e)) from None
                try:
                    vm.interruption_log = []
                    done = coverage_hook(mode, vm, cp.real, cp) \
                        if coverage_hook is not None else None
                    cp.run()
                    if done is not None:
                        done()
                finally:
                    cp.close()
            return _outcome(vm, vm.stop_reason or "")
        raise ValueError(f"the reference has no mode {mode!r}")

