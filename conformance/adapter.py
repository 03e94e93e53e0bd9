"""The client of the adapter protocol (docs/adapter-protocol.md): an implementation
under test that runs in another process and speaks JSON lines.

``--s370-impl="cmd:COMMAND"`` makes ``AdapterImplementation(COMMAND)`` the
implementation under test: it starts the adapter, asks ``hello``, and runs every
program as ``s370 run`` starts it (``reset``, ``load`` of the image at 0, ``run`` with
``restart``), then reads the registers (``get_state``).  Storage and keys are read
only when the comparison asks for them, a 4K page or a 2K block at a time, and only
while the adapter still holds that run's state (an ``Outcome`` of an earlier run says
so rather than answer with another run's storage).

An adapter that declares the optional ``devices`` capability also runs programs with
devices (``run_configured``): ``reset``, ``attach`` of the program's devices (input
files as their contents, so that no host path reaches the adapter), ``load``, ``run``
from a restart or ``start: "ipl"``, then ``outputs``: what each output device and disk
holds, written where the reference would have written it, for the corpus's output
comparison.  Without the capability ``run_configured`` is None and the suite skips
those programs.

Failures are one line that names the adapter and the request (``AdapterError``): an
error response, a line that is not a JSON object or lacks a member, an adapter that
ends (with the last line it wrote on standard error) or that does not answer in time.
After a failure other than an error response the adapter is stopped and a new one is
started for the next request, so one bad program does not take the others with it.
"""

from __future__ import annotations

import base64
import binascii
import json
import queue
import shlex
import subprocess
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, overload

from .implementations import DeviceSetupError, Outcome

PROTOCOL = 1
ANSWER_TIME = 60.0          # seconds for any response ...
RUN_MARGIN = 30.0           # ... and for a run, its time limit plus this
RUN_TIME_LIMIT = 5.0        # host seconds for a run of an adapter that cannot count steps
STOPS = ("disabled-wait", "enabled-wait", "check-stop", "step-limit", "timeout")
DEVICE_TYPES = ("3215", "2540R", "2540P", "1403", "3370")   # docs/configuration.md
FIELDS = ("psw", "gpr", "cr", "prefix", "storage", "keys")
PAGE = 4096
BLOCK = 2048


class AdapterError(Exception):
    """The adapter failed or broke the protocol (the message is one line)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Adapter:
    """One adapter process and the request/response exchange with it."""

    def __init__(self, command: str, answer_time: float = ANSWER_TIME) -> None:
        try:
            self.argv = shlex.split(command)
        except ValueError as e:
            raise AdapterError(f"adapter command {command!r}: {e}") from None
        if not self.argv:
            raise AdapterError("cmd: names no adapter command")
        self.label = f"adapter '{command}'"
        self.answer_time = answer_time
        self.generation = 0             # counts the requests that change the state
        self.hello: dict[str, Any] = {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- the process ---------------------------------------------------------
    def start(self) -> dict[str, Any]:
        """Start the adapter and ask hello; returns the hello response."""
        self._lines = queue.Queue()
        self._stderr = deque(maxlen=20)
        try:
            proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        except OSError as e:
            raise AdapterError(f"{self.label} cannot be started: {e.strerror or e}") from None
        self._proc = proc
        # The process ends with this object, or when Python exits.
        self._finalizer = weakref.finalize(self, Adapter._kill_process, [proc])
        assert proc.stdout is not None and proc.stderr is not None
        threading.Thread(target=self._read_lines, args=(proc.stdout, self._lines),
                         daemon=True, name="adapter-stdout").start()
        threading.Thread(target=self._read_stderr, args=(proc.stderr, self._stderr),
                         daemon=True, name="adapter-stderr").start()
        hello = self.request("hello", protocol=PROTOCOL)
        if hello.get("protocol") != PROTOCOL:
            self.close()
            raise AdapterError(f"{self.label} speaks protocol {hello.get('protocol')!r}, "
                               f"not {PROTOCOL}")
        self.hello = hello
        return hello

    @staticmethod
    def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
        for line in iter(stream.readline, b""):
            lines.put(line)
        lines.put(None)

    @staticmethod
    def _read_stderr(stream: IO[bytes], tail: deque[str]) -> None:
        for line in iter(stream.readline, b""):
            text = line.decode("utf-8", "replace").strip()
            if text:
                tail.append(text)

    @staticmethod
    def _kill_process(procs: list[subprocess.Popen[bytes] | None]) -> None:
        for proc in procs:
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()        # an adapter may have a process of its own to end
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def _stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL); the next request starts another."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
        self._kill_process([proc])
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        self.generation += 1

    def close(self) -> None:
        """quit, then make sure the process has ended."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.write(b'{"cmd": "quit"}\n')
                proc.stdin.flush()
                proc.stdin.close()
                proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._stop()

    def _last_words(self) -> str:
        return f": {self._stderr[-1]}" if self._stderr else ""

    # -- requests --------------------------------------------------------------
    def request(self, cmd: str, answer_time: float | None = None,
                **members: Any) -> dict[str, Any]:
        """Send one request and return its response (an object without "error")."""
        if self._proc is None:
            if cmd != "hello":
                self.start()     # after a failure: a new adapter for the next request
            else:
                raise AdapterError(f"{self.label} is not running")
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        if cmd in ("reset", "attach", "load", "set_state", "run", "trace"):
            self.generation += 1
        try:
            proc.stdin.write(json.dumps({"cmd": cmd, **members}).encode("utf-8") + b"\n")
            proc.stdin.flush()
        except OSError:
            pass                 # it died: the answer is end of file
        wait = self.answer_time if answer_time is None else answer_time
        try:
            raw = self._lines.get(timeout=wait)
        except queue.Empty:
            self._stop()
            raise AdapterError(f"{self.label} did not answer '{cmd}' within {wait:g} s "
                               f"(stopped)") from None
        if raw is None:
            try:
                status: int | None = proc.wait(5)
            except subprocess.TimeoutExpired:
                status = None
            self._stop()
            raise AdapterError(f"{self.label} ended (exit status {status}) while answering "
                               f"'{cmd}'{self._last_words()}")
        text = raw.decode("utf-8", "replace").strip()
        try:
            response = json.loads(text)
        except ValueError:
            response = None
        if not isinstance(response, dict):
            self._stop()
            raise AdapterError(f"{self.label}: malformed response to '{cmd}' (not a JSON "
                               f"object): {_shorten(text)}")
        if "error" in response:
            error = _shorten(str(response["error"]))
            said = error if error.startswith(f"{cmd}:") else f"{cmd}: {error}"
            raise AdapterError(f"{self.label}: {said}")
        return response

    def malformed(self, cmd: str, what: str, response: dict[str, Any]) -> AdapterError:
        """The error for a response that lacks a member or has a wrong one."""
        self._stop()
        return AdapterError(f"{self.label}: malformed response to '{cmd}' ({what}): "
                            f"{_shorten(json.dumps(response))}")


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _hex(adapter: Adapter, cmd: str, response: dict[str, Any], value: Any, digits: int,
         what: str) -> int:
    if isinstance(value, str) and len(value) == digits:
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise adapter.malformed(cmd, f"{what} is not {digits} hex digits", response)


def _bytes(adapter: Adapter, cmd: str, response: dict[str, Any], value: Any,
           what: str) -> bytes:
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise adapter.malformed(cmd, f"{what} is not base64", response)


def _device_types(value: Any) -> tuple[str, ...]:
    """The ``devices`` capability: a list of device types of docs/configuration.md."""
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise TypeError("devices is not a list of device types")
    unknown = [t for t in value if t.upper() not in DEVICE_TYPES]
    if unknown:
        raise ValueError(f"devices: {unknown[0]!r} is not one of {', '.join(DEVICE_TYPES)}")
    return tuple(t.upper() for t in value)


def device_entries(config: Any) -> tuple[list[dict[str, Any]], dict[int, Path]]:
    """The ``attach`` request's devices for ``config`` (reference.devices.Configuration,
    as ``run_configured`` gets it), and the file of every device that writes one by
    I/O address.  Input files go as their contents (a reader deck as its 80-byte
    EBCDIC cards, ``format = "binary"``; console input as its lines; a disk image as
    its bytes); a file to write is ``true``: no host path goes to the adapter."""
    entries: list[dict[str, Any]] = []
    files: dict[int, Path] = {}
    for spec in config.devices:
        o = spec.options
        entry: dict[str, Any] = {"address": f"{spec.address:03X}", "type": spec.type_name}
        if spec.type_name == "3215":
            if o.get("script"):
                entry["input"] = _b64("".join(f"{line}\n" for line in o["script"])
                                      .encode("ascii"))
            if o.get("output") is not None:
                entry["output"] = True
                files[spec.address] = Path(o["output"])
            if o.get("attention"):
                entry["attention"] = list(o["attention"])
        elif spec.type_name == "2540R":
            entry.update(file=_b64(b"".join(o["cards"])), format="binary",
                         eof=bool(o.get("eof", True)))
        elif spec.type_name == "2540P":
            entry.update(file=True, format=o.get("format", "text"))
            files[spec.address] = Path(o["file"])
        elif spec.type_name == "1403":
            entry["file"] = True
            files[spec.address] = Path(o["file"])
        elif spec.type_name == "3370":
            entry["file"] = _b64(Path(o["file"]).read_bytes())
            files[spec.address] = Path(o["file"])
        else:
            raise DeviceSetupError(f"device {spec.address:03X}: type {spec.type_name} "
                                   f"is not one of {', '.join(DEVICE_TYPES)}")
        entries.append(entry)
    return entries, files


class AdapterImplementation:
    """An implementation under test behind the adapter protocol
    (``conformance.implementations.Implementation``)."""

    def __init__(self, command: str, run_time_limit: float = RUN_TIME_LIMIT) -> None:
        self.adapter = Adapter(command)
        self.run_time_limit = run_time_limit
        hello = self.adapter.start()
        caps = hello.get("capabilities")
        name = hello.get("implementation")
        try:
            if not isinstance(caps, dict) or not isinstance(name, str) or not name:
                raise TypeError("implementation, capabilities")
            self.name: str = name
            self.modes: tuple[str, ...] = tuple(str(m) for m in caps["modes"])
            self.facilities: tuple[str, ...] = tuple(str(f) for f in caps["facilities"])
            storage = caps["storage"]
            self.storage_range = (int(storage["min"]), int(storage["max"]))
            self.gets = frozenset(str(f) for f in caps["get"])
            self.sets = frozenset(str(f) for f in caps["set"])
            self.step_limit = bool(caps["step_limit"])
            self.trace_capable = bool(caps["trace"])
            self.interruptions = bool(caps["interruptions"])
            self.nondeterministic: tuple[str, ...] = tuple(
                str(x) for x in caps.get("nondeterministic", []))
            self.reserved: tuple[tuple[int, int], ...] = tuple(
                (int(a), int(b)) for a, b in caps.get("reserved", []))
            self.known_differences: dict[str, str] = {
                str(k): str(v) for k, v in dict(caps.get("known_differences", {})).items()}
            self.mode_capabilities: dict[str, dict[str, Any]] = dict(
                caps.get("mode_capabilities", {}))
            # The devices capability (optional): the device types ``attach`` takes.
            self.devices: tuple[str, ...] = _device_types(caps.get("devices", []))
            for mode_caps in self.mode_capabilities.values():
                if "devices" in dict(mode_caps):
                    _device_types(mode_caps["devices"])
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise self.adapter.malformed("hello", f"capabilities: {e}", hello) from None
        self.version = str(hello.get("version", ""))
        missing = {"psw", "gpr", "cr", "prefix"} - self.gets
        if missing:
            raise AdapterError(f"{self.adapter.label}: hello: get_state must give "
                               f"{', '.join(sorted(missing))} for the conformance suite")

    def close(self) -> None:
        self.adapter.close()

    def __repr__(self) -> str:
        return f"AdapterImplementation({self.name!r}, {self.adapter.argv!r})"

    # -- the protocol's requests, checked ---------------------------------------
    def reset(self, mode: str, storage: int) -> None:
        low, high = self.storage_range
        if not low <= storage <= high:
            raise AdapterError(f"{self.adapter.label}: {self.name} has {low}-{high} bytes "
                               f"of storage, the program wants {storage}")
        self.adapter.request("reset", mode=mode, storage=storage)

    def load(self, address: int, data: bytes) -> None:
        self.adapter.request("load", address=address, data=_b64(data))

    def set_state(self, **fields: Any) -> None:
        self.adapter.request("set_state", **fields)

    def start_run(self, cmd: str = "run", start: str = "restart", steps: int = 100_000,
                  time_limit: float | None = None, **extra: Any) -> dict[str, Any]:
        """``run`` (or ``trace``): the checked response, with ``steps`` None when the
        adapter does not count instructions.  ``time_limit``: host seconds for an
        adapter that cannot count them (default ``run_time_limit``).  ``extra``: more
        members (``device`` of a run that starts with ``ipl``)."""
        a = self.adapter
        limit = self.run_time_limit if time_limit is None else time_limit
        response = a.request(cmd, answer_time=limit + RUN_MARGIN, start=start,
                             steps=steps, time_limit=limit, **extra)
        if response.get("stop") not in STOPS:
            raise a.malformed(cmd, f"stop is not one of {', '.join(STOPS)}", response)
        count = response.get("steps")
        if not (count is None or isinstance(count, int) and not isinstance(count, bool)
                and count >= 0):
            raise a.malformed(cmd, "steps is not a count or null", response)
        if count is None and self.step_limit:
            raise a.malformed(cmd, "steps is null but hello declared step_limit", response)
        records = response.get("interruptions", [])
        if not isinstance(records, list) or not all(
                isinstance(r, dict) and isinstance(r.get("class"), str)
                and isinstance(r.get("code"), int) and isinstance(r.get("ilc"), int)
                for r in records):
            raise a.malformed(cmd, "interruptions is not a list of records", response)
        for r in records:
            r["old_psw"] = _hex(a, cmd, response, r.get("old_psw"), 16, "old_psw")
        return response

    def trace(self, image: bytes, storage: int, max_steps: int,
              mode: str = "native") -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A run from the start with its trace records (traces/FORMAT.md): (the run's
        response, the records), each record checked against the format."""
        if not self.trace_capable:
            raise AdapterError(f"{self.adapter.label}: {self.name} gives no trace records")
        from reference.trace import check_record
        self.reset(mode, storage)
        self.load(0, image)
        response = self.start_run("trace", start="restart", steps=max_steps)
        records = response.get("records")
        if not isinstance(records, list):
            raise self.adapter.malformed("trace", "records is not a list", response)
        for i, record in enumerate(records):
            problem = check_record(record) if isinstance(record, dict) and \
                record.get("t") in ("i", "x") else "not an instruction or interruption record"
            if problem:
                raise self.adapter.malformed("trace", f"record {i + 1}: {problem}", response)
        return response, records

    def registers(self) -> tuple[int, tuple[int, ...], tuple[int, ...], int]:
        """(PSW, general registers, control registers, prefix) from get_state."""
        a = self.adapter
        r = a.request("get_state", storage=[], keys=[])
        psw = _hex(a, "get_state", r, r.get("psw"), 16, "psw")
        regs = []
        for name in ("gpr", "cr"):
            values = r.get(name)
            if not isinstance(values, list) or len(values) != 16:
                raise a.malformed("get_state", f"{name} is not a list of 16", r)
            regs.append(tuple(_hex(a, "get_state", r, v, 8, f"{name}{i}")
                              for i, v in enumerate(values)))
        prefix = _hex(a, "get_state", r, r.get("prefix"), 8, "prefix")
        return psw, regs[0], regs[1], prefix

    def storage(self, address: int, length: int) -> bytes:
        """Absolute storage, read from the adapter."""
        return self._ranges("storage", [(address, length)])[0][1]

    def keys(self, address: int, length: int) -> tuple[int, bytes]:
        """(first block address, one key per 2K block) of absolute storage."""
        return self._ranges("keys", [(address, length)])[0]

    def _ranges(self, name: str, ranges: list[tuple[int, int]]) -> list[tuple[int, bytes]]:
        a = self.adapter
        wanted = [list(x) for x in ranges]
        r = a.request("get_state", storage=wanted) if name == "storage" else \
            a.request("get_state", keys=wanted)
        items = r.get(name)
        if not isinstance(items, list) or len(items) != len(ranges):
            raise a.malformed("get_state", f"{name} has not one entry per range", r)
        out = []
        for (address, length), item in zip(ranges, items, strict=True):
            if not isinstance(item, dict) or not isinstance(item.get("address"), int):
                raise a.malformed("get_state", f"{name} entry without address", r)
            data = _bytes(a, "get_state", r, item.get("data"), f"{name} data")
            want = length if name == "storage" else \
                ((address + max(length, 1) - 1) >> 11) - (address >> 11) + 1
            if len(data) != want:
                raise a.malformed("get_state", f"{name} at {address:X}: {len(data)} bytes, "
                                  f"not {want}", r)
            out.append((item["address"], data))
        return out

    # -- Implementation ----------------------------------------------------------
    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome:
        if mode not in self.modes:
            raise AdapterError(f"{self.adapter.label}: {self.name} has no mode {mode!r}")
        self.reset(mode, storage)
        self.load(0, image)
        response = self.start_run(start="restart", steps=max_steps)
        psw, gpr, cr, prefix = self.registers()
        snapshot = _Snapshot(self, storage, prefix)
        return Outcome(
            stop=response["stop"], steps=response["steps"] or 0, psw=psw, gpr=gpr, cr=cr,
            read=snapshot.read, keys=snapshot.keys,
            interruptions=[(r["class"], r["code"], r["ilc"], r["old_psw"])
                           for r in response.get("interruptions", [])
                           if r["class"] != "restart"])


    # -- devices (the optional devices capability) ----------------------------
    def device_types(self, mode: str) -> tuple[str, ...]:
        """The device types ``attach`` takes in ``mode`` (none: no devices)."""
        mode_caps = dict(self.mode_capabilities.get(mode, {}))
        return _device_types(mode_caps["devices"]) if "devices" in mode_caps \
            else self.devices

    def lacks_devices(self, types: Sequence[str], mode: str) -> str | None:
        """Why a program with devices of ``types`` cannot run in ``mode``, or None."""
        have = self.device_types(mode)
        if not have:
            return f"{self.name} declares no devices in mode {mode}"
        missing = sorted({t.upper() for t in types} - set(have))
        if missing:
            return f"{self.name} has no {', '.join(missing)} (its devices: {', '.join(have)})"
        return None

    @property
    def run_configured(self) -> Callable[..., Outcome] | None:
        """``run_configured`` of ``conformance.implementations`` when the adapter
        declares the devices capability in some mode; None otherwise (so
        ``takes_devices`` is false and the suite skips programs with devices)."""
        if not any(self.device_types(mode) for mode in self.modes):
            return None
        return self._run_configured

    def attach(self, entries: list[dict[str, Any]]) -> None:
        self.adapter.request("attach", devices=entries)

    def outputs(self) -> dict[int, bytes | None]:
        """What each device that writes holds (the ``outputs`` request), by I/O
        address: the file's bytes, or None when no file was written."""
        a = self.adapter
        r = a.request("outputs")
        items = r.get("outputs")
        if not isinstance(items, list):
            raise a.malformed("outputs", "outputs is not a list", r)
        out: dict[int, bytes | None] = {}
        for item in items:
            address = item.get("address") if isinstance(item, dict) else None
            try:
                number = int(address, 16) if isinstance(address, str) and \
                    1 <= len(address) <= 4 else -1
            except ValueError:
                number = -1
            if number < 0:
                raise a.malformed("outputs", "an entry without a hex address", r)
            data = item.get("data")
            out[number] = None if data is None else \
                _bytes(a, "outputs", r, data, f"output {address}")
        return out

    def _run_configured(self, image: bytes, storage: int, max_steps: int, mode: str,
                        config: Any, ipl: int | None = None) -> Outcome:
        """A run with the devices of ``config`` (reference.devices.Configuration):
        ``reset``, ``attach`` of the devices, ``load`` of the image at 0, ``run``
        from a restart or with ``ipl`` from that device; then ``outputs``, written
        to the configuration's files (where ``Reference.run_configured`` would have
        written them) and kept in the outcome's ``outputs``."""
        if mode not in self.modes:
            raise AdapterError(f"{self.adapter.label}: {self.name} has no mode {mode!r}")
        why = self.lacks_devices([spec.type_name for spec in config.devices], mode)
        if why:
            raise DeviceSetupError(why)
        entries, files = device_entries(config)
        disks = {spec.address for spec in config.devices if spec.type_name == "3370"}
        for address, path in files.items():   # no stale output file is left to compare
            if address not in disks:
                path.unlink(missing_ok=True)
        self.reset(mode, storage)
        self.attach(entries)
        self.load(0, image)
        if ipl is None:
            response = self.start_run(start="restart", steps=max_steps)
        else:
            response = self.start_run(start="ipl", steps=max_steps, device=f"{ipl:03X}")
        psw, gpr, cr, prefix = self.registers()
        snapshot = _Snapshot(self, storage, prefix)
        got = self.outputs()
        outputs: dict[int, bytes | None] = {}
        for address, path in files.items():
            if address not in got:
                raise AdapterError(f"{self.adapter.label}: outputs: no entry for device "
                                   f"{address:03X}")
            data = got[address]
            if data is None and address in disks:
                raise AdapterError(f"{self.adapter.label}: outputs: no image of disk "
                                   f"{address:03X}")
            if data is not None:
                path.write_bytes(data)
            outputs[address] = data
        return Outcome(
            stop=response["stop"], steps=response["steps"] or 0, psw=psw, gpr=gpr, cr=cr,
            read=snapshot.read, keys=snapshot.keys, outputs=outputs,
            interruptions=[(r["class"], r["code"], r["ilc"], r["old_psw"])
                           for r in response.get("interruptions", [])
                           if r["class"] != "restart"])


def absolute(real: int, prefix: int) -> int:
    """Prefixing (GA22-7000 ch.3): real page 0 and the prefix page exchange places."""
    page = real & ~(PAGE - 1)
    if page == 0:
        return real + prefix
    if page == prefix:
        return real - prefix
    return real


class _Snapshot:
    """The storage and keys of one run, read from the adapter on demand while it still
    holds that run's state."""

    def __init__(self, impl: AdapterImplementation, size: int, prefix: int) -> None:
        self.impl = impl
        self.size = size
        self.prefix = prefix & 0xFFF000
        self.generation = impl.adapter.generation
        self.pages: dict[int, bytes] = {}
        self.keys = _Keys(self, size // BLOCK)

    def _check(self) -> None:
        if self.impl.adapter.generation != self.generation:
            raise AdapterError(f"{self.impl.adapter.label}: the storage of an earlier run "
                               f"is no longer available (the adapter has run again)")

    def page(self, address: int) -> bytes:
        data = self.pages.get(address)
        if data is None:
            self._check()
            data = self.impl.storage(address, min(PAGE, self.size - address))
            self.pages[address] = data
        return data

    def read(self, real: int, length: int) -> bytes:
        """Real storage (the Outcome's ``read``); stops at the end of storage."""
        out = bytearray()
        while length > 0 and real < self.size:
            n = min(length, PAGE - (real & (PAGE - 1)))
            a = absolute(real, self.prefix)
            page = a & ~(PAGE - 1)
            out += self.page(page)[a - page:a - page + n]
            real, length = real + n, length - n
        return bytes(out)

    def key(self, block: int) -> int:
        self._check()
        _, data = self.impl.keys(block * BLOCK, BLOCK)
        return data[0]


class _Keys(Sequence[int]):
    """The storage keys of a run, one per 2K block, each read when first indexed."""

    def __init__(self, snapshot: _Snapshot, blocks: int) -> None:
        self.snapshot = snapshot
        self.blocks = blocks
        self.known: dict[int, int] = {}

    def __len__(self) -> int:
        return self.blocks

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...

    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.blocks))]
        if index < 0:
            index += self.blocks
        if not 0 <= index < self.blocks:
            raise IndexError("block beyond storage")
        if index not in self.known:
            self.known[index] = self.snapshot.key(index)
        return self.known[index]

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self.blocks))
