"""The client of the adapter protocol (docs/adapter-protocol.md): an implementation
under test that runs in another process and speaks JSON lines.

``--s370-impl="cmd:COMMAND"`` makes ``AdapterImplementation(COMMAND)`` the
implementation under test: it starts the adapter, asks ``hello``, and runs every
program as ``s370 run`` starts it (``reset``, ``load`` of the image at 0, ``run`` with
``restart``), then reads the registers (``get_state``).  Storage and keys are read
only when the comparison asks for them, a 4K page or a 2K block at a time, and only
while the adapter still holds that run's state (an ``Outcome`` of an earlier run says
so rather than answer with another run's storage).

An adapter that declares the optional ``fpr`` field in ``capabilities.get`` gives the
floating-point registers 0, 2, 4, 6 with ``get_state`` (``Outcome.fpr``); without it
the outcome has none (``fpr`` None) and the suite skips the programs that require
the floating-point facility (``lacks_capability``), since it could not compare them.

A run that begins from given registers (``run_from``: Hercules' test scripts set
registers before their run, conformance.hercules_tests) sends ``set_state`` with them
between ``load`` and ``run``; it needs each of those fields in the mode's
``capabilities.set`` (``lacks_start`` names a missing one, and the script is skipped).

An adapter that declares the optional ``devices`` capability also runs programs with
devices (``run_configured``): ``reset``, ``attach`` of the program's devices (input
files, disk images and tape files as their contents, so that no host path reaches
the adapter), ``load``, ``run`` from a restart or ``start: "ipl"``, then ``outputs``:
what each output device, disk (3370 or CKD) and tape holds, written where the
reference would have written it, for the corpus's output comparison (a CKD volume
by its tracks' records, a tape file whole).  The capability lists the device types
the adapter takes (``DEVICE_TYPES`` are those the protocol knows); a program with
another type is skipped (``lacks_devices``), and without the capability
``run_configured`` is None and the suite skips every program with devices.

Failures are one line that names the adapter and the request (``AdapterError``): an
error response, a line that is not a JSON object or lacks a member or has a member of
the wrong type (``true`` is not an integer), a line that is not UTF-8, longer than
``MAX_RESPONSE`` or nested deeper than ``MAX_NESTING`` (refused before it is parsed),
an adapter that ends or closes its output (with the last line it wrote on standard
error) or that does not answer in time (``ANSWER_TIME``; a run: its time limit plus
``RUN_MARGIN``).  After a failure other than an error response the adapter is stopped
(SIGTERM, then SIGKILL, and waited for) and a new one is started for the next
request, so one bad program does not take the others with it.

``implementation(spec)`` is the implementation ``--s370-impl`` names: ``reference``
(``conformance.implementations.Reference``) or ``cmd:COMMAND``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import queue
import re
import select
import shlex
import subprocess
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, overload

from reference.io.ckd_geometry import GEOMETRIES
from reference.trace import check_record, loads_bounded

from .implementations import DeviceSetupError, Implementation, Outcome, Reference, Start

PROTOCOL = 1
ANSWER_TIME = 60.0          # seconds for any response ...
RUN_MARGIN = 30.0           # ... and for a run, its time limit plus this
RUN_TIME_LIMIT = 5.0        # host seconds for a run of an adapter that cannot count steps
STOPS = ("disabled-wait", "enabled-wait", "check-stop", "step-limit", "timeout")
# The device types of docs/configuration.md that ``attach`` can carry: unit record,
# the 3370, the CKD disks (one type per geometry) and the 3420 tape.
CKD_TYPES: tuple[str, ...] = tuple(GEOMETRIES)
DEVICE_TYPES: tuple[str, ...] = ("3215", "2540R", "2540P", "1403", "3370", *CKD_TYPES, "3420")
# The devices whose file is an image the adapter always gives back (it is read and
# may be written in place): a missing one in ``outputs`` is a malformed response.
IMAGE_TYPES: tuple[str, ...] = ("3370", *CKD_TYPES, "3420")
FIELDS = ("psw", "gpr", "cr", "prefix", "storage", "keys", "fpr")
PAGE = 4096
BLOCK = 2048
# The bounds of a response line: its length (the newline included; at least twice
# the longest request sent, whose disk images may come back) and its nesting.
MAX_RESPONSE = 64 << 20
MAX_NESTING = 32
INTERRUPTION_CLASSES = ("restart", "program", "svc", "external", "io", "machine-check")
_TOO_LONG = b""             # the reader's mark for a line longer than the limit
_HEX_DIGITS = re.compile(r"[0-9A-Fa-f]+")


def _is_int(value: Any) -> bool:
    """A JSON integer (in Python ``True`` is an int: the protocol's integers are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return _is_int(value) and value >= 0


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
        self._lines: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self._live = threading.Event()       # cleared: this process's threads stop
        self._limit = [MAX_RESPONSE]         # the longest response line taken
        self._stderr: deque[str] = deque(maxlen=20)
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- the process ---------------------------------------------------------
    def start(self) -> dict[str, Any]:
        """Start the adapter and ask hello; returns the hello response."""
        self._lines = queue.Queue(maxsize=2)
        self._live = threading.Event()
        self._live.set()
        self._stderr = deque(maxlen=20)
        try:
            proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        except OSError as e:
            raise AdapterError(f"{self.label} cannot be started: {e.strerror or e}") from None
        except ValueError as e:     # an argument the system cannot take (a NUL byte)
            raise AdapterError(f"{self.label} cannot be started: {e}") from None
        self._proc = proc
        assert proc.stdin is not None
        # Nothing the client writes waits for the adapter to read (a request is
        # written by a thread of its own; quit and the end of input are dropped when
        # the pipe is full): the client waits only for answers, each for a time.
        os.set_blocking(proc.stdin.fileno(), False)
        # The process ends with this object, or when Python exits.
        self._finalizer = weakref.finalize(self, Adapter._kill_process, [proc])
        assert proc.stdout is not None and proc.stderr is not None
        threading.Thread(target=self._read_lines,
                         args=(proc.stdout, self._lines, self._live, self._limit),
                         daemon=True, name="adapter-stdout").start()
        threading.Thread(target=self._read_stderr, args=(proc.stderr, self._stderr),
                         daemon=True, name="adapter-stderr").start()
        try:
            hello = self.request("hello", protocol=PROTOCOL)
        except BaseException:
            self._stop()
            raise
        version = hello.get("protocol")
        if not (_is_int(version) and version == PROTOCOL):
            self._stop()
            raise AdapterError(f"{self.label} speaks protocol {_shorten(repr(version))}, "
                               f"not {PROTOCOL}")
        self.hello = hello
        return hello

    @staticmethod
    def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes | None],
                    live: threading.Event, limit: list[int]) -> None:
        """Hand on each line of ``stream`` (at most ``limit[0]`` bytes: a longer one is
        ``_TOO_LONG``, the last) until its end (None) or until ``live`` is cleared;
        at most two lines wait, so an adapter that writes on and on is held up by
        its pipe rather than filling memory."""
        def put(item: bytes | None) -> bool:
            while live.is_set():
                try:
                    lines.put(item, timeout=0.5)
                    return True
                except queue.Full:
                    continue
            return False

        try:
            while True:
                line = stream.readline(limit[0] + 1)
                if not line:
                    break
                if len(line) > limit[0]:
                    put(_TOO_LONG)
                    return
                if not put(line):
                    return
        except (OSError, ValueError):   # the pipe went away under the reader
            pass
        put(None)

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
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:   # not even SIGKILL ends it
                    pass

    def _stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL, waited for); the next request
        starts another."""
        self._live.clear()
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
        data = json.dumps({"cmd": cmd, **members}).encode("utf-8") + b"\n"
        self._limit[0] = max(MAX_RESPONSE, 2 * len(data))
        # Written by a thread of its own: an adapter that does not read its input
        # holds up that thread, not the client, which stops it after the answer time.
        try:
            fd = os.dup(proc.stdin.fileno())
        except OSError as e:
            self._stop()
            raise AdapterError(f"{self.label}: cannot write '{cmd}': {e.strerror or e}") \
                from None
        threading.Thread(target=self._write, args=(fd, data, self._live), daemon=True,
                         name="adapter-stdin").start()
        wait = self.answer_time if answer_time is None else answer_time
        try:
            raw = self._lines.get(timeout=wait)
        except queue.Empty:
            self._stop()
            raise AdapterError(f"{self.label} did not answer '{cmd}' within {wait:g} s "
                               f"(stopped)") from None
        if raw is None:
            try:
                status: int | None = proc.wait(2)
            except subprocess.TimeoutExpired:
                status = None
            self._stop()
            if status is None:
                raise AdapterError(f"{self.label} closed its output while answering '{cmd}' "
                                   f"(stopped){self._last_words()}")
            raise AdapterError(f"{self.label} ended (exit status {status}) while answering "
                               f"'{cmd}'{self._last_words()}")
        if raw is _TOO_LONG:
            self._stop()
            raise AdapterError(f"{self.label}: malformed response to '{cmd}' (a line longer "
                               f"than {self._limit[0]} bytes)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self._stop()
            raise AdapterError(f"{self.label}: malformed response to '{cmd}' (not UTF-8: "
                               f"byte {e.start + 1} is X'{raw[e.start]:02X}')") from None
        try:
            response = loads_bounded(text, MAX_NESTING)
        except json.JSONDecodeError:
            response = None
        except ValueError as e:     # nested too deeply, or an integer too long
            self._stop()
            raise AdapterError(f"{self.label}: malformed response to '{cmd}' "
                               f"({_shorten(str(e), 80)}): {_shorten(text)}") from None
        if not isinstance(response, dict):
            self._stop()
            raise AdapterError(f"{self.label}: malformed response to '{cmd}' (not a JSON "
                               f"object): {_shorten(text)}")
        if "error" in response:
            error = _shorten(str(response["error"]))
            said = error if error.startswith(f"{cmd}:") else f"{cmd}: {error}"
            raise AdapterError(f"{self.label}: {said}")
        return response

    @staticmethod
    def _write(fd: int, data: bytes, live: threading.Event) -> None:
        """Write ``data`` to the adapter's input as it takes it, until the client
        stops the adapter (``live`` cleared); then close ``fd``, the thread's own
        duplicate of the pipe's descriptor (the client's closing the pipe leaves it
        alone)."""
        view = memoryview(data)
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        try:
            while view and live.is_set():
                if not poll.poll(500):
                    continue
                try:
                    view = view[os.write(fd, view[:1 << 16]):]
                except BlockingIOError:
                    continue
        except OSError:
            pass                 # it died (or was stopped): the answer is end of file
        finally:
            os.close(fd)

    def malformed(self, cmd: str, what: str, response: dict[str, Any]) -> AdapterError:
        """The error for a response that lacks a member or has a wrong one."""
        self._stop()
        return AdapterError(f"{self.label}: malformed response to '{cmd}' ({what}): "
                            f"{_shorten(_dumps(response))}")


def _dumps(value: Any) -> str:
    try:
        return json.dumps(value)
    except ValueError:          # an integer of more digits than str() makes
        return repr(type(value))


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text[:4 * limit].split())
    return text if len(text) <= limit else text[:limit] + "..."


def _hex(adapter: Adapter, cmd: str, response: dict[str, Any], value: Any, digits: int,
         what: str) -> int:
    if isinstance(value, str) and len(value) == digits and _HEX_DIGITS.fullmatch(value):
        return int(value, 16)
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
    """The ``attach`` request's devices for ``config`` (reference.io.devices.Configuration,
    as ``run_configured`` gets it), and the file of every device that writes one by
    I/O address.  Input files go as their contents (a reader deck as its 80-byte
    EBCDIC cards, ``format = "binary"``; console input as its lines; a 3370 or CKD
    disk image and a tape file as their bytes, a new tape as none, with the
    options the configuration resolved: a CKD disk's ``format`` and ``readonly``, a
    tape's ``format``, ``ring``, ``compression`` (HET) and ``max_size`` (when the
    reel ends)); a file to write is ``true``: no host path goes to the adapter."""
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
        elif spec.type_name in CKD_TYPES:
            entry.update(file=_b64(Path(o["file"]).read_bytes()), format=o["format"],
                         readonly=bool(o["readonly"]))
            files[spec.address] = Path(o["file"])
        elif spec.type_name == "3420":
            # A tape file that does not exist yet is a new, empty reel: no bytes.
            tape = Path(o["file"])
            entry.update(file=_b64(tape.read_bytes() if tape.exists() else b""),
                         format=o["format"], ring=bool(o["ring"]))
            if o["format"] == "het":
                entry["compression"] = o["compression"]
            if o["max_size"]:
                entry["max_size"] = o["max_size"]
            files[spec.address] = tape
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
        try:
            self._capabilities(hello)
        except BaseException:
            self.adapter._stop()     # no adapter is left running
            raise

    def _capabilities(self, hello: dict[str, Any]) -> None:
        """Take ``hello``'s capabilities, each of the type the protocol gives it."""
        caps = hello.get("capabilities")
        name = hello.get("implementation")
        version = hello.get("version", "")

        def bad(what: str) -> AdapterError:
            return self.adapter.malformed("hello", what, hello)

        if not isinstance(name, str) or not name:
            raise bad("implementation is not a name")
        if not isinstance(version, str):
            raise bad("version is not a string")
        if not isinstance(caps, dict):
            raise bad("capabilities is not an object")
        for key in ("modes", "facilities", "storage", "get", "set", "step_limit", "trace",
                    "interruptions"):
            if key not in caps:
                raise bad(f"capabilities.{key} is missing")

        def strings(key: str, value: Any) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise bad(f"capabilities.{key} is not a list of strings")
            return tuple(value)

        def flag(key: str) -> bool:
            if not isinstance(caps[key], bool):
                raise bad(f"capabilities.{key} is not true or false")
            return caps[key]

        self.name: str = name
        self.version = version
        self.modes: tuple[str, ...] = strings("modes", caps["modes"])
        self.facilities: tuple[str, ...] = strings("facilities", caps["facilities"])
        storage = caps["storage"]
        if not (isinstance(storage, dict) and _is_count(storage.get("min"))
                and _is_count(storage.get("max"))):
            raise bad("capabilities.storage is not {\"min\": bytes, \"max\": bytes}")
        self.storage_range = (storage["min"], storage["max"])
        self.gets = frozenset(strings("get", caps["get"]))
        self.sets = frozenset(strings("set", caps["set"]))
        self.step_limit = flag("step_limit")
        self.trace_capable = flag("trace")
        self.interruptions = flag("interruptions")
        self.nondeterministic: tuple[str, ...] = strings(
            "nondeterministic", caps.get("nondeterministic", []))
        reserved = caps.get("reserved", [])
        if not (isinstance(reserved, list) and all(
                isinstance(r, list) and len(r) == 2 and all(_is_count(x) for x in r)
                for r in reserved)):
            raise bad("capabilities.reserved is not a list of [first, last] addresses")
        self.reserved: tuple[tuple[int, int], ...] = tuple((a, b) for a, b in reserved)
        known = caps.get("known_differences", {})
        if not (isinstance(known, dict) and all(isinstance(v, str) for v in known.values())):
            raise bad("capabilities.known_differences is not an object of strings")
        self.known_differences: dict[str, str] = dict(known)
        modes = caps.get("mode_capabilities", {})
        if not (isinstance(modes, dict) and all(isinstance(v, dict) for v in modes.values())):
            raise bad("capabilities.mode_capabilities is not an object of objects")
        self.mode_capabilities: dict[str, dict[str, Any]] = dict(modes)
        # The devices capability (optional): the device types ``attach`` takes.
        try:
            self.devices: tuple[str, ...] = _device_types(caps.get("devices", []))
            for mode_caps in self.mode_capabilities.values():
                if "devices" in mode_caps:
                    _device_types(mode_caps["devices"])
        except (TypeError, ValueError) as e:
            raise bad(f"capabilities: {e}") from None
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
        if not (count is None or _is_count(count)):
            raise a.malformed(cmd, "steps is not a count or null", response)
        if count is None and self.step_limit:
            raise a.malformed(cmd, "steps is null but hello declared step_limit", response)
        records = response.get("interruptions", [])
        if not isinstance(records, list) or not all(
                isinstance(r, dict) and r.get("class") in INTERRUPTION_CLASSES
                and _is_count(r.get("code")) and r["code"] <= 0xFFFF
                and _is_count(r.get("ilc")) and r["ilc"] <= 3
                for r in records):
            raise a.malformed(cmd, "interruptions is not a list of records (class, code "
                                   "0-65535, ilc 0-3, old_psw)", response)
        for r in records:
            r["old_psw"] = _hex(a, cmd, response, r.get("old_psw"), 16, "old_psw")
        return response

    def trace(self, image: bytes, storage: int, max_steps: int,
              mode: str = "native") -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A run from the start with its trace records (traces/FORMAT.md): (the run's
        response, the records), each record checked against the format."""
        if not self.trace_capable:
            raise AdapterError(f"{self.adapter.label}: {self.name} gives no trace records")
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
        psw, gpr, cr, prefix, _ = self.all_registers()
        return psw, gpr, cr, prefix

    def all_registers(self) -> tuple[int, tuple[int, ...], tuple[int, ...], int,
                                     tuple[int, ...] | None]:
        """(PSW, general registers, control registers, prefix, floating-point
        registers 0, 2, 4, 6) from one get_state; the floating-point registers are
        None when the adapter does not declare ``fpr`` in ``capabilities.get``."""
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
        fpr = None
        if "fpr" in self.gets:
            values = r.get("fpr")
            if not isinstance(values, list) or len(values) != 4:
                raise a.malformed("get_state", "fpr is not a list of 4 (registers 0, 2, 4, "
                                               "6)", r)
            fpr = tuple(_hex(a, "get_state", r, v, 16, f"fpr{2 * i}")
                        for i, v in enumerate(values))
        return psw, regs[0], regs[1], prefix, fpr

    def lacks_capability(self, requires: Sequence[str]) -> str | None:
        """Why a program that requires the facilities ``requires`` (all of which the
        adapter declares) cannot be compared on it, or None: a floating-point
        program needs the floating-point registers (``fpr`` in
        ``capabilities.get``)."""
        if "floating-point" in requires and "fpr" not in self.gets:
            return (f"needs the floating-point registers, which {self.name} does not give "
                    f"(no \"fpr\" in capabilities.get, docs/adapter-protocol.md)")
        return None

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
        for (address, length), item in zip(ranges, items):
            if not isinstance(item, dict) or not _is_count(item.get("address")):
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
        return self.run_from(image, storage, max_steps, mode, Start())

    def settable(self, mode: str) -> frozenset[str]:
        """The state fields ``set_state`` takes in ``mode`` (``capabilities.set``, or
        the mode's own in ``mode_capabilities``)."""
        mode_caps = self.mode_capabilities.get(mode, {})
        if "set" in mode_caps and isinstance(mode_caps["set"], list):
            return frozenset(x for x in mode_caps["set"] if isinstance(x, str))
        return self.sets

    def lacks_start(self, start: Start, mode: str) -> str | None:
        """Why a run in ``mode`` cannot begin from the registers of ``start``, or
        None: each one set needs its field in the mode's ``capabilities.set``."""
        missing = [name for name in start.fields() if name not in self.settable(mode)]
        if not missing:
            return None
        where = f"mode_capabilities.{mode}.set" if "set" in \
            self.mode_capabilities.get(mode, {}) else "capabilities.set"
        return (f"{self.name} cannot set {', '.join(missing)} before a run in mode {mode} "
                f"(not in its {where}, docs/adapter-protocol.md)")

    def run_from(self, image: bytes, storage: int, max_steps: int, mode: str,
                 start: Start) -> Outcome:
        """A run that begins from the registers of ``start``: ``reset``, ``load``,
        ``set_state`` of those registers, ``run`` with ``restart``."""
        if mode not in self.modes:
            raise AdapterError(f"{self.adapter.label}: {self.name} has no mode {mode!r}")
        why = self.lacks_start(start, mode)
        if why is not None:
            raise AdapterError(f"{self.adapter.label}: {why}")
        self.reset(mode, storage)
        self.load(0, image)
        if start:
            self.set_state(**start.set_state())
        response = self.start_run(start="restart", steps=max_steps)
        psw, gpr, cr, prefix, fpr = self.all_registers()
        snapshot = _Snapshot(self, storage, prefix)
        return Outcome(
            stop=response["stop"], steps=response["steps"] or 0, psw=psw, gpr=gpr, cr=cr,
            read=snapshot.read, keys=snapshot.keys, fpr=fpr,
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

    def outputs(self, wanted: Sequence[int] = (),
                images: Sequence[int] = ()) -> dict[int, bytes | None]:
        """What each device that writes holds (the ``outputs`` request), by I/O
        address: the file's bytes, or None when no file was written.  Every address
        of ``wanted`` must have an entry, and every one of ``images`` (a disk or
        tape, which always has its file) bytes; an entry that is not an object, an
        address that is not hex or comes twice, data that is neither base64 nor null
        is a malformed response naming the entry and the member."""
        a = self.adapter
        r = a.request("outputs")
        items = r.get("outputs")
        if not isinstance(items, list):
            raise a.malformed("outputs", "outputs is not a list", r)
        out: dict[int, bytes | None] = {}
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                raise a.malformed("outputs", f"entry {n} is not an object", r)
            address = item.get("address")
            if not (isinstance(address, str) and 1 <= len(address) <= 4
                    and _HEX_DIGITS.fullmatch(address)):
                raise a.malformed("outputs", f"entry {n}: address is not 1-4 hex digits "
                                             f"in a string", r)
            number = int(address, 16)
            if number in out:
                raise a.malformed("outputs", f"device {number:03X} has two entries", r)
            if "data" not in item:
                raise a.malformed("outputs", f"device {number:03X}: data is missing", r)
            data = item["data"]
            out[number] = None if data is None else \
                _bytes(a, "outputs", r, data, f"device {number:03X}: data")
        for number in wanted:
            if number not in out:
                raise a.malformed("outputs", f"no entry for device {number:03X}", r)
        for number in images:
            if out.get(number) is None:
                raise a.malformed("outputs", f"device {number:03X}: data is null, not the "
                                             f"image (a disk or tape always has one)", r)
        return out

    def _run_configured(self, image: bytes, storage: int, max_steps: int, mode: str,
                        config: Any, ipl: int | None = None) -> Outcome:
        """A run with the devices of ``config`` (reference.io.devices.Configuration):
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
        images = [spec.address for spec in config.devices if spec.type_name in IMAGE_TYPES]
        for address, path in files.items():   # no stale output file is left to compare
            if address not in images:
                path.unlink(missing_ok=True)
        self.reset(mode, storage)
        self.attach(entries)
        self.load(0, image)
        if ipl is None:
            response = self.start_run(start="restart", steps=max_steps)
        else:
            response = self.start_run(start="ipl", steps=max_steps, device=f"{ipl:03X}")
        psw, gpr, cr, prefix, fpr = self.all_registers()
        snapshot = _Snapshot(self, storage, prefix)
        got = self.outputs(list(files), images)
        outputs: dict[int, bytes | None] = {}
        for address, path in files.items():
            data = got[address]
            if data is not None:
                path.write_bytes(data)
            outputs[address] = data
        return Outcome(
            stop=response["stop"], steps=response["steps"] or 0, psw=psw, gpr=gpr, cr=cr,
            read=snapshot.read, keys=snapshot.keys, outputs=outputs, fpr=fpr,
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


def implementation(spec: str) -> Implementation:
    """The implementation named on the command line (``--s370-impl``): ``reference``,
    or ``cmd:COMMAND``, an adapter process speaking docs/adapter-protocol.md."""
    if spec == "reference":
        return Reference()
    if spec.startswith("cmd:"):
        try:
            return AdapterImplementation(spec[4:])
        except AdapterError as e:
            raise ValueError(f"--s370-impl {spec}: {e}") from None
    raise ValueError(f"--s370-impl {spec}: unknown implementation (this version knows "
                     f"'reference' and adapters 'cmd:COMMAND', docs/adapter-protocol.md)")
