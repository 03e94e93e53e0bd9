"""The worked example of an adapter (docs/adapter-protocol.md, protocol 1): the
reference machine behind the protocol.

    pytest conformance --s370-impl="cmd:python adapters/example_adapter.py"

Requests arrive on standard input, one JSON object per line; each gets one JSON line
on standard output.  To adapt another implementation, keep ``main`` and replace the
bodies of the request functions with calls into it; declare in ``hello`` whatever it
cannot do.

State: ``get_state`` and ``set_state`` have every field of the protocol, the
floating-point registers (``fpr``) included.

Modes: ``native`` runs the program on ``reference.machine.machine.Machine``; ``vmcp`` runs it as
the only guest of ``reference.vm.vmcp.VMCP``.  A VM is created by the VMCP with its image
and started by it, so in ``vmcp`` mode the machine kept between ``reset`` and the
first ``run`` only collects what ``load`` stores: ``set_state`` is refused and a run
must start with ``restart`` (``mode_capabilities`` says so).

Devices (the ``devices`` capability): ``attach`` writes the devices' input files
(their contents come in the request) into a directory of the adapter's own, with a
configuration file of docs/configuration.md for each device, and reads them with
``reference.io.devices.load_configuration``; natively the devices are attached to the
machine at once, under the VMCP the VM gets them when it is created, as ``s370 run
--config --under vmcp`` gives them (``reference.vm.vmio``).  Every device type of
the configuration file is taken: unit record, the 3370, the CKD disks (their images
in Hercules' CKD or CCKD format) and the 3420 (an AWS or HET tape file; an empty
one is a new reel).  ``outputs`` reads back the files the devices wrote, disk
images and tape files included.  The directory goes with the next ``reset`` or the
end.
"""

from __future__ import annotations

import base64
import json
import re
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

# The repository root, for ``reference`` when the adapter runs as a script.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.implementations import Reference  # noqa: E402
from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.io.ckd_geometry import GEOMETRIES  # noqa: E402
from reference.io.config import ConfigError, Configuration, load_configuration  # noqa: E402
from reference.machine.cpu import CPU
from reference.machine.machine import Machine  # noqa: E402
from reference.session import configured_guest, real_storage_for  # noqa: E402
from reference.trace import loads_bounded, record_lines, referenced_image  # noqa: E402
from reference.vm.vmcp import VMCP, VMCPError  # noqa: E402

PROTOCOL = 1
MAX_NESTING = 32     # levels of a request (conformance/adapter.py's bound)
# The state fields of get_state and set_state: "fpr" is the floating-point
# registers 0, 2, 4, 6 (the reference has the floating-point facility).
FIELDS = ["psw", "gpr", "cr", "prefix", "storage", "keys", "fpr"]
FPR_NAMES = ("0", "2", "4", "6")
# The device types and their keys (docs/configuration.md); in ``attach`` a key that
# names a file to read carries its contents (base64), one that names a file to write
# is true, and the file of a disk or tape (read and written in place) is both.
CKD_TYPES = tuple(GEOMETRIES)          # 2311, 2314, 3330, ...: one per geometry
DEVICE_KEYS = {
    "3215": {"input", "output", "attention"},
    "2540R": {"file", "format", "eof"},
    "2540P": {"file", "format"},
    "1403": {"file"},
    "3370": {"file"},
    **{kind: {"file", "format", "readonly"} for kind in CKD_TYPES},
    "3420": {"file", "format", "compression", "ring", "max_size"},
}
IMAGES = {("3370", "file"), ("3420", "file"), *((kind, "file") for kind in CKD_TYPES)}
READ_KEYS = {("3215", "input"), ("2540R", "file"), *IMAGES}
WRITE_KEYS = {("3215", "output"), ("2540P", "file"), ("1403", "file"), *IMAGES}


class RequestError(Exception):
    """A request the adapter refuses: the message becomes {"error": ...}."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise RequestError(f"{what}: not base64") from None


def integer(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RequestError(f"{what}: expected a non-negative integer, got {value!r}")
    return value


def hexvalue(value: object, digits: int, what: str) -> int:
    """A string of exactly ``digits`` hex digits (upper or lower case) as a number."""
    if isinstance(value, str) and re.fullmatch(f"[0-9A-Fa-f]{{{digits}}}", value):
        return int(value, 16)
    raise RequestError(f"{what}: expected {digits} hex digits, got {value!r}")


def ranges(value: object, what: str) -> list[tuple[int, int]]:
    """[[address, length], ...] of a get_state request."""
    if not isinstance(value, list):
        raise RequestError(f"{what}: expected a list of [address, length]")
    out = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise RequestError(f"{what}: {item!r} is not [address, length]")
        out.append((integer(item[0], what), integer(item[1], what)))
    return out


FILE_NAMES = {("3215", "input"): "console-input", ("3215", "output"): "console-output",
              ("2540R", "file"): "deck", ("2540P", "file"): "punch",
              ("1403", "file"): "print", ("3370", "file"): "disk.img",
              ("3420", "file"): "tape", **{(kind, "file"): "volume" for kind in CKD_TYPES}}


def toml_value(value: object, what: str) -> str:
    """A value of a device table as TOML (strings, integers, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)          # a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v, what) for v in value) + "]"
    raise RequestError(f"{what}: {value!r} is not a string, number, boolean or list")


def device_spec(entry: object, n: int, directory: Path) -> tuple[Any, Path | None]:
    """One device of ``attach``: its input files written into ``directory``, its
    table checked as a configuration file (reference.io.devices.load_configuration).
    Returns the device's DeviceSpec and the file it writes (or None)."""
    if not isinstance(entry, dict):
        raise RequestError(f"attach: device {n} is not an object")
    address = entry.get("address")
    if not isinstance(address, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,4}", address):
        raise RequestError(f"attach: device {n}: address {address!r} is not 1-4 hex digits "
                           f"in a string")
    name = f"{int(address, 16):03X}"
    where = f"attach: device {name}"
    kind = str(entry.get("type", "")).upper()
    if kind not in DEVICE_KEYS:
        raise RequestError(f"{where}: type {entry.get('type')!r} is not one of "
                           f"{', '.join(DEVICE_KEYS)}")
    lines = ["[[device]]", f'address = "{address}"', f'type = "{kind}"']
    output = None
    for key, value in entry.items():
        if key in ("address", "type"):
            continue
        if key not in DEVICE_KEYS[kind]:
            raise RequestError(f"{where}: a {kind} has no key {key!r} "
                               f"({', '.join(sorted(DEVICE_KEYS[kind]))})")
        if (kind, key) in READ_KEYS or (kind, key) in WRITE_KEYS:
            file = directory / f"{name}-{FILE_NAMES[kind, key]}"
            if (kind, key) in READ_KEYS:
                if not isinstance(value, str):
                    raise RequestError(f"{where}: {key}: the file's contents in base64")
                file.write_bytes(unb64(value, f"{where}: {key}"))
            elif value is not True:
                raise RequestError(f"{where}: {key}: true (the adapter keeps what the "
                                   f"device writes and gives it back with outputs)")
            if (kind, key) in WRITE_KEYS:
                output = file
            value = file.name
        lines.append(f"{key} = {toml_value(value, f'{where}: {key}')}")
    table = directory / f"{name}.toml"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        config = load_configuration(table)
    except ConfigError as e:     # "file:line: message": the message is what matters
        raise RequestError(f"{where}: {re.sub(r'^.*?:[0-9]+: ', '', str(e))}") from None
    return config.devices[0], output


class ReferenceAdapter:
    """The state between requests: the mode, the storage size and the CPU."""

    def __init__(self) -> None:
        self.mode = "native"
        self.storage = 2 * 1024 * 1024
        self.machine = Machine(self.storage)   # native, or the loader of a VM
        self.cpu: CPU = self.machine           # what get_state reads
        self.state_set = False                 # set_state since the reset
        self.ran = False                       # run or trace since the reset
        # Devices (attach): their directory, configuration and written files.
        self.device_dir: tempfile.TemporaryDirectory[str] | None = None
        self.config: Configuration | None = None
        self.written: list[tuple[int, Path]] = []

    # -- hello ---------------------------------------------------------------
    def hello(self, request: dict[str, Any]) -> dict[str, Any]:
        return {
            "protocol": PROTOCOL,
            "implementation": "reference",
            "version": "s370 0.1 (adapters/example_adapter.py)",
            "capabilities": {
                "modes": ["native", "vmcp"],
                # The optional facilities the reference has (conformance/implementations.py).
                "facilities": list(Reference.facilities),
                "storage": {"min": MIN_STORAGE, "max": MAX_STORAGE},
                "get": FIELDS,
                "set": FIELDS,
                "step_limit": True,
                "interruptions": True,
                "trace": True,               # from the start of a run: see trace()
                # Time is a function of the instructions executed (docs/machine.md).
                "nondeterministic": [],
                "mode_capabilities": {"vmcp": {"set": [], "continue": False}},
                # attach, outputs and start "ipl", in both modes.
                "devices": list(DEVICE_KEYS),
            },
        }

    # -- reset, load ---------------------------------------------------------
    def reset(self, request: dict[str, Any]) -> dict[str, Any]:
        mode = request.get("mode", "native")
        if mode not in ("native", "vmcp"):
            raise RequestError(f"reset: no mode {mode!r}")
        storage = integer(request.get("storage", 2 * 1024 * 1024), "reset: storage")
        if not MIN_STORAGE <= storage <= MAX_STORAGE or storage % 2048:
            raise RequestError(f"reset: storage {storage} is not a multiple of 2K "
                               f"from {MIN_STORAGE} to {MAX_STORAGE}")
        self.detach()
        self.mode, self.storage = mode, storage
        self.machine = Machine(storage)        # a new machine is in the clear-reset state
        self.machine.interruption_log = []
        self.cpu = self.machine
        self.state_set = self.ran = False
        return {"ok": True}

    # -- attach, outputs -------------------------------------------------------
    def attach(self, request: dict[str, Any]) -> dict[str, Any]:
        """The devices of the request, checked whole before any is attached."""
        if self.config is not None:
            raise RequestError("attach: devices are already attached (once after reset)")
        if self.ran:
            raise RequestError("attach: after reset, before the first run")
        entries = request.get("devices")
        if not isinstance(entries, list):
            raise RequestError("attach: devices is not a list of device objects")
        work = tempfile.TemporaryDirectory(prefix="s370-adapter-devices-")
        try:
            config = Configuration("attach")
            written = []
            for n, entry in enumerate(entries, 1):
                spec, output = device_spec(entry, n, Path(work.name))
                if any(d.address == spec.address for d in config.devices):
                    raise RequestError(f"attach: device {spec.address:03X} given twice")
                config.devices.append(spec)
                if output is not None:
                    written.append((spec.address, output))
            if self.mode == "native":
                try:
                    config.attach(self.machine)   # opens (empties) the output files
                except ConfigError as e:
                    raise RequestError(f"attach: {e}") from None
        except BaseException:
            work.cleanup()
            raise
        self.device_dir, self.config, self.written = work, config, written
        return {"ok": True}

    def detach(self) -> None:
        """Close the devices and remove their directory (reset, quit)."""
        if self.machine.channels is not None:
            self.machine.channels.close()
            self.machine.channels = None
        if self.device_dir is not None:
            self.device_dir.cleanup()
        self.device_dir, self.config, self.written = None, None, []

    def outputs(self, request: dict[str, Any]) -> dict[str, Any]:
        """What every device that writes holds now (its file), in attach order."""
        if self.config is None:
            raise RequestError("outputs: no devices are attached")
        # An open CKD image holds written tracks and, compressed, its tables in the
        # process: flushed, the file is the volume as it is now.  (Under the VMCP the
        # devices are opened when the guest starts and closed when it ends.)
        if self.machine.channels is not None:
            for sc in self.machine.channels.subchannels.values():
                flush = getattr(getattr(sc.device, "volume", None), "flush", None)
                if flush is not None:
                    flush()
        return {"outputs": [{"address": f"{address:03X}",
                             "data": b64(path.read_bytes()) if path.exists() else None}
                            for address, path in self.written]}

    def load(self, request: dict[str, Any]) -> dict[str, Any]:
        address = integer(request.get("address"), "load: address")
        data = unb64(request.get("data"), "load: data")
        if address + len(data) > self.cpu.size:
            raise RequestError(f"load: {len(data)} bytes at {address:X} do not fit in storage")
        self.cpu.load_image(data, address)
        return {"ok": True}

    # -- set_state, get_state ------------------------------------------------
    def set_state(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.mode != "native":
            raise RequestError(f"set_state: not available in mode {self.mode}")
        m = self.machine
        self.state_set = True
        if "psw" in request:
            m.load_psw_value(hexvalue(request["psw"], 16, "set_state: psw"))
        for name, registers in (("gpr", m.gpr), ("cr", m.cr)):
            for r, value in dict(request.get(name, {})).items():
                if not str(r).isdigit() or int(r) > 15:
                    raise RequestError(f"set_state: {name} {r!r} is not 0-15")
                registers[int(r)] = hexvalue(value, 8, f"set_state: {name}{r}")
        fprs = request.get("fpr", {})
        if not isinstance(fprs, dict):
            raise RequestError("set_state: fpr is an object of registers 0, 2, 4, 6")
        for r, value in fprs.items():
            if r not in FPR_NAMES:
                raise RequestError(f"set_state: fpr {r!r} is not 0, 2, 4 or 6")
            m.fpr[int(r) >> 1] = hexvalue(value, 16, f"set_state: fpr{r}")
        if "prefix" in request:
            # SET PREFIX keeps bits 8-19 (GA22-7000 ch.10 "Set Prefix").
            m.prefix = hexvalue(request["prefix"], 8, "set_state: prefix") & 0x00FFF000
        for item in request.get("storage", []):
            self.load(item)
        for item in request.get("keys", []):
            address = integer(item.get("address"), "set_state: keys address")
            keys = unb64(item.get("data"), "set_state: keys data")
            if address % 2048 or (address >> 11) + len(keys) > len(m.keys):
                raise RequestError("set_state: keys outside storage or not at a 2K block")
            for i, key in enumerate(keys):
                m.keys[(address >> 11) + i] = key & 0xFE
        m.control_changed()    # the machine's caches depend on CRs, prefix, keys
        m.psw_changed()
        return {"ok": True}

    def get_state(self, request: dict[str, Any]) -> dict[str, Any]:
        c = self.cpu
        storage = []
        for address, length in ranges(request.get("storage", []), "get_state: storage"):
            if address + length > c.size:
                raise RequestError(f"get_state: storage {address:X}+{length:X} beyond storage")
            data = bytes(c.mem[address:address + length])
            storage.append({"address": address, "data": b64(data)})
        keys = []
        for address, length in ranges(request.get("keys", []), "get_state: keys"):
            first, last = address >> 11, (address + max(length, 1) - 1) >> 11
            keys.append({"address": first << 11, "data": b64(bytes(c.keys[first:last + 1]))})
        return {"psw": f"{c.psw_value():016X}", "gpr": [f"{v:08X}" for v in c.gpr],
                "cr": [f"{v:08X}" for v in c.cr], "prefix": f"{c.prefix:08X}",
                "fpr": [f"{v:016X}" for v in c.fpr], "storage": storage, "keys": keys}

    # -- run -------------------------------------------------------------------
    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        start = request.get("start", "continue")
        steps = integer(request.get("steps", 100_000), "run: steps")
        if start not in ("restart", "continue", "ipl"):
            raise RequestError(f"run: start {start!r} is not restart, continue or ipl")
        ipl = self.ipl_device(request) if start == "ipl" else None
        self.ran = True
        if self.mode == "vmcp":
            return self._run_vmcp(start, steps, ipl)
        m = self.machine
        if ipl is not None and m.channels is not None:
            # Initial program loading (GA22-7000 ch.4): the channel program runs
            # to its end, the PSW at 0 is loaded; then the CPU runs.
            failed = m.channels.ipl(ipl)
            if failed is not None:
                raise RequestError(f"run: IPL {ipl:03X} failed: {failed}")
        log = m.interruption_log if m.interruption_log is not None else []
        before, taken = m.steps, len(log)
        if start == "restart":
            m.restart_interruption()
        stop = m.run(before + steps)      # Machine.run counts steps since the reset
        return {"stop": stop, "steps": m.steps - before,
                "interruptions": [{"class": r.kind, "code": r.code, "ilc": r.ilc,
                                   "old_psw": f"{r.old_psw:016X}"} for r in log[taken:]]}

    def ipl_device(self, request: dict[str, Any]) -> int:
        """The attached device a run with ``start: "ipl"`` loads from."""
        device = request.get("device")
        if not isinstance(device, str) or not re.fullmatch(r"[0-9A-Fa-f]{1,4}", device):
            raise RequestError(f"run: device {device!r} is not an I/O address (hex digits "
                               f"in a string)")
        address = int(device, 16)
        if self.config is None or all(d.address != address for d in self.config.devices):
            raise RequestError(f"run: no device {address:03X} is attached to IPL from")
        return address

    def _run_vmcp(self, start: str, steps: int, ipl: int | None) -> dict[str, Any]:
        if start == "continue" or self.cpu is not self.machine:
            raise RequestError("run: in mode vmcp a run starts a new guest (start: restart "
                               "or ipl)")
        if self.config is not None:
            return self._run_vmcp_devices(steps, ipl)
        cp = VMCP(real_storage=real_storage_for(self.storage))
        vm = cp.create_vm(bytes(self.machine.mem), self.storage, max_steps=steps)
        # create_vm performed the restart interruption; list it as the native run does.
        vm.interruption_log = []
        cp.run()
        self.cpu = vm
        restart = {"class": "restart", "code": 0, "ilc": 0, "old_psw": "0" * 16}
        return {"stop": vm.stop_reason or "", "steps": vm.steps,
                "interruptions": [restart] + [
                    {"class": r.kind, "code": r.code, "ilc": r.ilc,
                     "old_psw": f"{r.old_psw:016X}"} for r in vm.interruption_log]}

    def _run_vmcp_devices(self, steps: int, ipl: int | None) -> dict[str, Any]:
        """The guest with the attached devices, as ``Reference.run_configured`` runs
        it (conformance/implementations.py): spooled unit-record devices and console,
        each 3370 a real disk given whole to the VM; the spool files go to the
        devices' files when the VM ends (``release_spool``)."""
        assert self.config is not None and self.device_dir is not None
        spool = Path(self.device_dir.name) / "spool"
        spool.mkdir(exist_ok=True)
        try:
            cp, vm = configured_guest(self.config, bytes(self.machine.mem), self.storage,
                                      max_steps=steps, ipl=ipl, spool_directory=str(spool))
        except VMCPError as e:
            raise RequestError(f"run: {e}") from None
        try:
            vm.interruption_log = []
            cp.run()
        finally:
            cp.close()
        self.cpu = vm
        taken = [] if ipl is not None else \
            [{"class": "restart", "code": 0, "ilc": 0, "old_psw": "0" * 16}]
        return {"stop": vm.stop_reason or "", "steps": vm.steps,
                "interruptions": taken + [
                    {"class": r.kind, "code": r.code, "ilc": r.ilc,
                     "old_psw": f"{r.old_psw:016X}"} for r in vm.interruption_log]}

    # -- trace -----------------------------------------------------------------
    def trace(self, request: dict[str, Any]) -> dict[str, Any]:
        """A run with its trace records (traces/FORMAT.md), through the reference's
        recorder (reference/trace/), which records a run as ``s370 run`` starts it:
        so a traced run is one that starts with ``restart`` right after ``reset`` and
        ``load``.  The run is then made again untraced, to leave the adapter in its
        end state (the reference is deterministic)."""
        steps = integer(request.get("steps", 100_000), "trace: steps")
        if (request.get("start") != "restart" or self.state_set or self.cpu is not self.machine
                or self.machine.steps or self.config is not None):
            raise RequestError("trace: the example adapter traces a run that starts with "
                               "restart right after reset and load, without devices")
        image = bytes(self.machine.mem)
        lines = record_lines(image, self.storage, self.mode, steps,
                             referenced_image(image, "adapter-storage.bin"))
        footer = json.loads(lines[-1])
        response = self.run({"start": "restart", "steps": steps})
        if (response["stop"], response["steps"]) != (footer["stop"], footer["n"]):
            raise RequestError("trace: the traced and the untraced run part")
        response["records"] = [json.loads(line) for line in lines[1:-1]]
        return response


def serve(adapter: ReferenceAdapter, requests: TextIO, responses: TextIO) -> None:
    """Answer every request line with one response line, until ``quit`` or the end."""
    handlers = {"hello": adapter.hello, "reset": adapter.reset, "load": adapter.load,
                "set_state": adapter.set_state, "get_state": adapter.get_state,
                "run": adapter.run, "trace": adapter.trace, "attach": adapter.attach,
                "outputs": adapter.outputs}
    for line in requests:
        if not line.strip():
            continue
        cmd = "?"
        try:
            line.encode("utf-8")         # stdin decodes bytes that are not UTF-8 to surrogates
            # The nesting is bounded before the (recursive) parser runs.
            request = loads_bounded(line, MAX_NESTING)
            if not isinstance(request, dict):
                raise RequestError("a request is a JSON object")
            cmd = str(request.get("cmd"))
            if cmd == "quit":
                responses.write('{"ok": true}\n')
                responses.flush()
                return
            if cmd not in handlers:
                raise RequestError(f"unknown request {cmd!r}")
            response = handlers[cmd](request)
        except RequestError as e:
            response = {"error": str(e)}
        except UnicodeEncodeError:
            response = {"error": "a request is UTF-8 text"}
        except ValueError as e:          # not JSON, or nested too deeply
            response = {"error": f"not JSON: {e}"}
        except Exception as e:  # an adapter answers every request, whatever happens
            response = {"error": f"{cmd}: {type(e).__name__}: {e}"}
        responses.write(json.dumps(response) + "\n")
        responses.flush()


def main() -> None:
    # Responses go to the real standard output; anything else printed goes to stderr.
    responses = sys.stdout
    sys.stdout = sys.stderr
    sys.stdin.reconfigure(errors="surrogateescape")   # type: ignore[attr-defined]
    # SIGTERM (the client stopping the adapter) ends it through the finally below,
    # so the devices' directory goes with it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    adapter = ReferenceAdapter()
    try:
        serve(adapter, sys.stdin, responses)
    finally:
        adapter.detach()


if __name__ == "__main__":
    main()
