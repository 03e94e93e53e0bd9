"""An adapter (docs/adapter-protocol.md, protocol 1) for Hercules 3.13 in
System/370 mode, through one persistent Hercules process.

    pytest conformance --s370-impl="cmd:python adapters/hercules_adapter.py" --s370-mode=native

Hercules runs on a pseudo-terminal and is driven by panel commands, as
``conformance/hercules.py`` does it (whose ``Hercules`` class this adapter uses for
the process, the echo-synchronized commands, the retries and the panel commands that
read and store the state): 2M of storage, one CPU.

How each request maps onto Hercules:

- ``reset``: ``sysclear``, then the helper program (below) is placed at X'1FF000',
  the last 4K of storage, which the adapter keeps for itself (``reserved``).
- ``load`` and ``set_state`` storage: ``loadcore`` of the bytes.  ``loadcore`` sets the
  reference and change bits of what it loads (docs/hercules-differences.md X3), so the
  helper program then gives every block touched its key back with SET STORAGE KEY.
- ``set_state``: general registers with the ``gpr`` command; control registers, the
  prefix and storage keys through the helper program (LCTL, SPX, SSK: the panel's
  ``cr`` command would not update what Hercules derives from CR0, and the panel cannot
  set the prefix); the PSW last, with the ``psw`` command, which cannot set the
  interruption code or the ILC of a BC-mode PSW nor the bits an EC-mode PSW must have
  zero (such a PSW is refused).
- ``run``: ``restart`` or ``start``, then wait for the disabled-wait message
  (HHCCP011I), looking at the PSW between waits: a disabled wait entered by an
  interruption before any instruction has no message (an invalid restart new PSW:
  the program interruption loads the program new PSW silently).  Hercules counts no
  instructions for us: a run ends at a disabled wait or, after ``time_limit``
  seconds, with ``stop`` (stop ``timeout``; an enabled wait that nothing ends also
  ends so).
- ``get_state``: ``psw``, ``gpr``, ``cr``, ``fpr`` (the floating-point registers are
  read, not set: ``set_state`` does not offer them), ``pr``; storage with ``savecore``
  (absolute); each key with one ``r`` of the block's first byte (``r`` takes a real
  address and shows the key: ``R:00000800:K:06=...``).

The helper program runs in the BC mode, supervisor state, key 0, disabled for every
interruption, from X'1FF000', with R15 its base.  The adapter saves the PSW and the
general registers before it and puts them back after it; the ILC of a BC-mode PSW
cannot be put back and keeps the helper's LPSW (2): the restart old PSW that a later
``run`` stores at location 8 then shows ILC 2 (X4 in docs/hercules-differences.md).

Declared in ``hello``: native mode only; floating point and channel I/O installed;
no step counting, no interruption list, no trace; the interval timer (real
locations 80-83), the TOD clock, the CPU timer and the clock comparator follow host
time; the H entries of docs/hercules-differences.md as known differences.  No
``devices`` capability (no ``attach``, ``outputs`` or IPL): the corpus programs with
devices ask for 64K of storage, where this adapter has 2M only, and on Hercules each
of the CKD and tape programs shows several documented differences at once
(docs/hercules-differences.md, "CKD disks and 3420 tapes"), where a program can be
the expected failure of one; tests/test_hercules.py and tests/test_hercules_dasd.py
compare Hercules' devices with the reference's (docs/adapter-protocol.md, "The
corpus on the two adapters").
"""

from __future__ import annotations

import base64
import json
import signal
import sys
import time
from pathlib import Path
from typing import Any, TextIO

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))   # for conformance and reference, when run as a script

from conformance.adapter import absolute  # noqa: E402
from conformance.hercules import (  # noqa: E402
    STORAGE_SIZE,
    Hercules,
    HerculesError,
    hercules_executable,
    known_differences,
)
from reference.trace import loads_bounded  # noqa: E402

PROTOCOL = 1
MAX_NESTING = 32     # levels of a request (conformance/adapter.py's bound)
BLOCK = 2048
HELPER_AT = STORAGE_SIZE - 4096          # X'1FF000': the adapter's own 4K
CR_AT, PREFIX_AT, WAIT_AT, TABLE_AT = 0x0C0, 0x100, 0x108, 0x200
TABLE_ENTRIES = (4096 - TABLE_AT) // 8 - 1
DEFAULT_TIME_LIMIT = 5.0

# The pieces of the helper program (R15 = X'1FF000'), hand-assembled (ssk_loop too):
LCTL_ALL = bytes.fromhex(f"B70FF{CR_AT:03X}")       # LCTL  0,15,X'0C0'(15)
SPX = bytes.fromhex(f"B210F{PREFIX_AT:03X}")        # SPX   X'100'(15)
LPSW_WAIT = bytes.fromhex(f"8200F{WAIT_AT:03X}")     # LPSW  X'108'(15): disabled wait
WAIT_PSW = bytes.fromhex("0002000000000000")


class RequestError(Exception):
    """A request the adapter refuses: the message becomes {"error": ...}."""


def ssk_loop(offset: int) -> bytes:
    """The SSK loop, placed at ``offset`` of the helper program: for each pair of words
    of the table at X'200' (a real block address, a key in bits 24-31; the address
    X'FFFFFFFF' ends the table), SET STORAGE KEY.  (The key cannot share the address's
    register: SSK wants bits 28-31 of it zero, GA22-7000 ch.10 "Set Storage Key".)"""
    return bytes.fromhex(
        "4110F200"                    # +00  LA    1,X'200'(0,15)   R1 -> the table
        "98231000"                    # +04  LM    2,3,0(1)         address, key
        "1222"                        # +08  LTR   2,2
        f"4740F{offset + 0x1A:03X}"   # +0A  BM    +1A              X'FFFFFFFF': done
        "0832"                        # +0E  SSK   3,2
        "41101008"                    # +10  LA    1,8(0,1)
        f"47F0F{offset + 4:03X}"      # +14  B     +04
        "0700")                       # +18  NOPR  0


def defects() -> dict[str, str]:
    """The H entries of docs/hercules-differences.md: Hercules departing from the
    Principles of Operation (entry -> summary)."""
    return {k: v for k, v in known_differences().items() if k.startswith("H")}


def disabled_wait(psw: int) -> bool:
    """The wait state with I/O and external interruptions disabled (GA22-7000 ch.4:
    EC mode, bits 6 and 7; BC mode, bits 0-7 of the system mask)."""
    if not psw >> 49 & 1:
        return False
    mask = 0x03 if psw >> 51 & 1 else 0xFF
    return not (psw >> 56) & mask


def hexvalue(value: object, digits: int, what: str) -> int:
    text = str(value)
    try:
        if len(text) != digits:
            raise ValueError
        return int(text, 16)
    except ValueError:
        raise RequestError(f"{what}: expected {digits} hex digits, got {value!r}") from None


def integer(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RequestError(f"{what}: expected a non-negative integer, got {value!r}")
    return value


def unb64(value: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except ValueError:
        raise RequestError(f"{what}: not base64") from None


class HerculesAdapter:
    """The protocol's requests on one Hercules process."""

    def __init__(self) -> None:
        self.h: Hercules | None = None
        # The storage keys as the adapter knows them (block -> key, others zero)
        # while nothing ran since they were last set; None: unknown.
        self.keys: dict[int, int] | None = {}

    # -- plumbing ----------------------------------------------------------------
    @property
    def panel(self) -> Hercules:
        if self.h is None:
            raise RequestError("hercules is not running (no hello yet)")
        return self.h

    def command(self, line: str) -> str:
        """A panel command that must be accepted; returns its output."""
        return self.panel.command(line)

    def close(self) -> None:
        if self.h is not None:
            self.h.close()
            self.h = None

    # -- reading the state ---------------------------------------------------------
    def psw(self) -> int:
        return self.panel.psw()

    def registers(self, name: str) -> list[int]:
        return self.panel.registers(name)

    def fpr(self) -> list[int]:
        return self.panel.fpr()

    def prefix(self) -> int:
        return self.panel.prefix()

    def storage(self, address: int, length: int) -> bytes:
        if length == 0:
            return b""
        return self.panel.savecore(address, address + length - 1)

    def key(self, block: int, prefix: int) -> int:
        # Prefixing is its own inverse: the real address of an absolute block.
        return self.panel.key(absolute(block, prefix)) & 0xFE   # bit 7: Hercules' own

    # -- the helper program ----------------------------------------------------------
    def helper(self, keys: dict[int, int] | None = None, crs: list[int] | None = None,
               prefix: int | None = None) -> None:
        """Run the helper program: LCTL ``crs``, SPX ``prefix``, SSK ``keys``
        (absolute block -> key); the PSW and general registers are kept."""
        entries = sorted((keys or {}).items())
        chunks = [entries[i:i + TABLE_ENTRIES]
                  for i in range(0, len(entries), TABLE_ENTRIES)] or [[]]
        saved_psw = self.psw()
        saved_gpr = self.registers("gpr")
        for n, chunk in enumerate(chunks):
            code = b""
            if n == 0 and crs is not None:
                code += LCTL_ALL
            if n == 0 and prefix is not None:
                code += SPX
            at_prefix = prefix if prefix is not None else self.prefix()
            if chunk:
                code += ssk_loop(len(code))
            code += LPSW_WAIT
            area = bytearray(TABLE_AT + 8 * len(chunk) + 4)
            area[:len(code)] = code
            if crs is not None:
                area[CR_AT:CR_AT + 64] = b"".join(v.to_bytes(4, "big") for v in crs)
            area[PREFIX_AT:PREFIX_AT + 4] = (prefix or 0).to_bytes(4, "big")
            area[WAIT_AT:WAIT_AT + 8] = WAIT_PSW
            for i, (block, key) in enumerate(chunk):
                at = TABLE_AT + 8 * i
                area[at:at + 8] = absolute(block, at_prefix).to_bytes(4, "big") + bytes(
                    [0, 0, 0, key])
            end = TABLE_AT + 8 * len(chunk)
            area[end:end + 4] = b"\xff\xff\xff\xff"
            self.panel.loadcore(HELPER_AT, bytes(area))
            self.command(f"psw sm=00 pk=0 cmwp=0 cc=0 pm=0 ia={HELPER_AT:X}")
            self.command(f"gpr 15={HELPER_AT:X}")
            start = self.panel.start("start")
            if not self.panel.wait_ended(start, 2.0):
                self.panel.stop()
                raise HerculesError("the helper program did not end")
        now = self.registers("gpr")
        for r in range(16):
            if now[r] != saved_gpr[r]:
                self.command(f"gpr {r}={saved_gpr[r]:X}")
        self.set_psw(saved_psw, restore=True)

    def set_psw(self, value: int, restore: bool = False) -> None:
        """The PSW through the panel's ``psw`` command (fields sm, pk, cmwp, as, cc,
        pm, ia).  ``restore``: putting back a PSW read before, whose BC-mode
        interruption code and ILC are left as they are."""
        ec = bool(value >> 51 & 1)
        if ec:
            bad = value & ((1 << 63) | (0b111 << 59) | (1 << 46) | (0xFFFF << 24))
            if bad and not restore:
                raise RequestError(f"set_state: hercules' psw command cannot set an "
                                   f"EC-mode PSW with bits {bad:016X} on")
            cc, pm = value >> 44 & 3, value >> 40 & 15
            space = " as=sec" if value >> 47 & 1 else " as=pri"
        else:
            if value >> 30 & 0x3FFFF and not restore:   # interruption code, ILC
                raise RequestError("set_state: hercules' psw command cannot set the "
                                   "interruption code or the ILC of a BC-mode PSW")
            cc, pm = value >> 28 & 3, value >> 24 & 15
            space = ""
        self.command(f"psw sm={value >> 56:02X} pk={value >> 52 & 15} "
                     f"cmwp={value >> 48 & 15:X} cc={cc} pm={pm:X} ia={value & 0xFFFFFF:X}")
        if space and ec:
            self.command(f"psw{space}")

    # -- requests -------------------------------------------------------------------------
    def hello(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.h is None:
            if hercules_executable() is None:
                raise RequestError("hercules is not on PATH (Debian package 'hercules')")
            self.h = Hercules()
        every = ["psw", "gpr", "cr", "prefix", "storage", "keys"]
        return {
            "protocol": PROTOCOL,
            "implementation": "hercules",
            "version": "3.13 (ARCHMODE S/370)",
            "capabilities": {
                "modes": ["native"],
                "facilities": ["floating-point", "channel-io"],
                "storage": {"min": STORAGE_SIZE, "max": STORAGE_SIZE},
                "reserved": [[HELPER_AT, STORAGE_SIZE - 1]],
                "get": [*every, "fpr"],
                "set": every,
                "step_limit": False,
                "interruptions": False,
                "trace": False,
                "nondeterministic": ["interval-timer", "tod-clock", "cpu-timer",
                                     "clock-comparator"],
                "known_differences": defects(),
                "notes": [
                    "run ends at a disabled wait or after time_limit (stop 'timeout'); "
                    "an enabled wait is not recognized",
                    "the ILC of the restart old PSW at location 8 is that of the "
                    "adapter's helper program (X4)",
                    "a BC-mode PSW's interruption code and ILC cannot be set",
                ],
            },
        }

    def reset(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("mode", "native") != "native":
            raise RequestError(f"reset: hercules has the mode native only, not "
                               f"{request.get('mode')!r}")
        if request.get("storage", STORAGE_SIZE) != STORAGE_SIZE:
            raise RequestError(f"reset: hercules runs with {STORAGE_SIZE} bytes of storage "
                               f"(MAINSIZE 2), not {request.get('storage')!r}")
        self.command("sysclear")
        self.keys = {}
        return {"ok": True}

    def _check_range(self, address: int, length: int, what: str) -> None:
        if address + length > STORAGE_SIZE:
            raise RequestError(f"{what}: {length} bytes at {address:X} beyond storage")
        if address + length > HELPER_AT:
            raise RequestError(f"{what}: X'{HELPER_AT:X}'-X'{STORAGE_SIZE - 1:X}' is the "
                               f"adapter's own storage")

    def _store(self, items: list[tuple[int, bytes]]) -> dict[int, int]:
        """loadcore each (address, bytes); the keys to give back to the blocks touched."""
        blocks: set[int] = set()
        for address, data in items:
            blocks.update(range(address & ~(BLOCK - 1), address + len(data), BLOCK))
        if self.keys is None:
            prefix = self.prefix()
            before = {b: self.key(b, prefix) for b in sorted(blocks)}
        else:
            before = {b: self.keys.get(b, 0) for b in sorted(blocks)}
        for address, data in items:
            if data:
                self.panel.loadcore(address, data)
        return before

    def load(self, request: dict[str, Any]) -> dict[str, Any]:
        address = integer(request.get("address"), "load: address")
        data = unb64(request.get("data"), "load: data")
        self._check_range(address, len(data), "load")
        keys = self._store([(address, data)])
        self.helper(keys=keys)
        return {"ok": True}

    def set_state(self, request: dict[str, Any]) -> dict[str, Any]:
        items = []
        for item in request.get("storage", []):
            address = integer(item.get("address"), "set_state: storage address")
            data = unb64(item.get("data"), "set_state: storage data")
            self._check_range(address, len(data), "set_state: storage")
            items.append((address, data))
        new_keys: dict[int, int] = {}
        for item in request.get("keys", []):
            address = integer(item.get("address"), "set_state: keys address")
            values = unb64(item.get("data"), "set_state: keys data")
            if address % BLOCK:
                raise RequestError("set_state: keys: address is not a 2K block's")
            self._check_range(address, len(values) * BLOCK, "set_state: keys")
            for i, key in enumerate(values):
                new_keys[address + i * BLOCK] = key & 0xFE
        gprs = self._registers(request.get("gpr", {}), "gpr")
        crs_set = self._registers(request.get("cr", {}), "cr")
        prefix = None
        if "prefix" in request:
            prefix = hexvalue(request["prefix"], 8, "set_state: prefix") & 0x00FFF000
            if prefix >= HELPER_AT:
                raise RequestError(f"set_state: prefix {prefix:X} is beyond storage or "
                                   f"in the adapter's own storage")
        psw = hexvalue(request["psw"], 16, "set_state: psw") if "psw" in request else None
        if psw is not None and not psw >> 51 & 1 and psw >> 30 & 0x3FFFF:
            raise RequestError("set_state: hercules' psw command cannot set the "
                               "interruption code or the ILC of a BC-mode PSW")
        # Storage, keys, control registers and prefix through the helper program.
        keys = self._store(items) if items else {}
        keys.update(new_keys)
        crs = None
        if crs_set:
            crs = self.registers("cr")
            for r, v in crs_set.items():
                crs[r] = v
        if keys or crs is not None or prefix is not None:
            self.helper(keys=keys, crs=crs, prefix=prefix)
            if self.keys is not None:
                self.keys.update(keys)
        for r, v in gprs.items():
            self.command(f"gpr {r}={v:X}")
        if psw is not None:
            self.set_psw(psw)
        return {"ok": True}

    @staticmethod
    def _registers(table: object, name: str) -> dict[int, int]:
        if not isinstance(table, dict):
            raise RequestError(f"set_state: {name} is not an object")
        out = {}
        for r, value in table.items():
            if not str(r).isdigit() or int(r) > 15:
                raise RequestError(f"set_state: {name} {r!r} is not 0-15")
            out[int(r)] = hexvalue(value, 8, f"set_state: {name}{r}")
        return out

    def get_state(self, request: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = {
            "psw": f"{self.psw():016X}",
            "gpr": [f"{v:08X}" for v in self.registers("gpr")],
            "cr": [f"{v:08X}" for v in self.registers("cr")],
            "fpr": [f"{v:016X}" for v in self.fpr()],
        }
        prefix = self.prefix()
        response["prefix"] = f"{prefix:08X}"
        storage = []
        for address, length in self._ranges(request.get("storage", []), "storage"):
            if address + length > STORAGE_SIZE:
                raise RequestError(f"get_state: storage {address:X}+{length:X} beyond storage")
            data = self.storage(address, length)
            storage.append({"address": address,
                            "data": base64.b64encode(data).decode("ascii")})
        keys = []
        for address, length in self._ranges(request.get("keys", []), "keys"):
            first = address & ~(BLOCK - 1)
            last = (address + max(length, 1) - 1) & ~(BLOCK - 1)
            if last >= STORAGE_SIZE:
                raise RequestError(f"get_state: keys {address:X}+{length:X} beyond storage")
            data = bytes(self.key(b, prefix) for b in range(first, last + 1, BLOCK))
            keys.append({"address": first, "data": base64.b64encode(data).decode("ascii")})
        response["storage"], response["keys"] = storage, keys
        return response

    @staticmethod
    def _ranges(value: object, name: str) -> list[tuple[int, int]]:
        if not isinstance(value, list):
            raise RequestError(f"get_state: {name} is not a list of [address, length]")
        out = []
        for item in value:
            if not isinstance(item, list) or len(item) != 2:
                raise RequestError(f"get_state: {name}: {item!r} is not [address, length]")
            out.append((integer(item[0], f"get_state: {name}"),
                        integer(item[1], f"get_state: {name}")))
        return out

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        start = request.get("start", "continue")
        if start not in ("restart", "continue"):
            raise RequestError(f"run: start {start!r} is neither restart nor continue")
        limit = request.get("time_limit", DEFAULT_TIME_LIMIT)
        if not isinstance(limit, (int, float)) or limit <= 0:
            raise RequestError(f"run: time_limit {limit!r} is not a positive number")
        self.keys = None
        deadline = time.monotonic() + float(limit)
        at = self.panel.start("restart" if start == "restart" else "start")
        # Hercules announces a disabled wait (HHCCP011I), except one entered by an
        # interruption before any instruction (a restart new PSW that is invalid: the
        # program new PSW is loaded silently): the PSW is looked at between waits.
        pause = 0.01
        while True:
            if self.panel.wait_ended(at, max(0.0, min(pause, deadline - time.monotonic()))):
                return {"stop": "disabled-wait", "steps": None}
            if disabled_wait(self.psw()):
                self.panel.stop()
                return {"stop": "disabled-wait", "steps": None}
            if time.monotonic() >= deadline:
                self.panel.stop()
                return {"stop": "timeout", "steps": None}
            pause = min(pause * 2, 0.1)


def serve(adapter: HerculesAdapter, requests: TextIO, responses: TextIO) -> None:
    handlers = {"hello": adapter.hello, "reset": adapter.reset, "load": adapter.load,
                "set_state": adapter.set_state, "get_state": adapter.get_state,
                "run": adapter.run}
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
            if cmd == "trace":
                raise RequestError("trace: hercules gives no trace records "
                                   "(capabilities.trace is false)")
            if cmd not in handlers:
                raise RequestError(f"unknown request {cmd!r}")
            response = handlers[cmd](request)
        except RequestError as e:
            response = {"error": str(e)}
        except HerculesError as e:
            response = {"error": f"{cmd}: hercules: {' '.join(str(e).split())[:300]}"}
        except UnicodeEncodeError:
            response = {"error": "a request is UTF-8 text"}
        except ValueError as e:          # not JSON, or nested too deeply
            response = {"error": f"not JSON: {e}"}
        except Exception as e:  # an adapter answers every request, whatever happens
            response = {"error": f"{cmd}: {type(e).__name__}: {e}"}
        responses.write(json.dumps(response) + "\n")
        responses.flush()


def main() -> None:
    responses = sys.stdout
    sys.stdout = sys.stderr
    sys.stdin.reconfigure(errors="surrogateescape")   # type: ignore[attr-defined]
    adapter = HerculesAdapter()

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    try:
        serve(adapter, sys.stdin, responses)
    finally:
        adapter.close()


if __name__ == "__main__":
    main()
