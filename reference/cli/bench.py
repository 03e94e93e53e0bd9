"""``s370 bench``: native instructions per second on two compute loops.
``s370 bench --under vmcp``: the VMCP's cost against the native machine's on
compute, privileged, dispatch, DAT, unit-record I/O, hostile and disk cases.

The integer loop is register arithmetic, logic, a shift, LOAD ADDRESS and BRANCH
ON COUNT, seven instructions an iteration.  The floating-point loop is a dot
product of two vectors of eight long operands (LD, MD, ADR and BXLE for each
element, 35 instructions an iteration with the reset of the sum and BCT); its
rate is also given as a ratio to the integer loop's.  With ``--hercules`` the
same images run on Hercules (when installed) in the same invocation, so the
figures are measured side by side on the same machine; Hercules' start-up time is
removed by timing a run of one iteration as well.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import reference.cli.minivm as minivm
import reference.cli.sos as sos
from reference.asm.assembler import assemble
from reference.io.ckd_geometry import GEOMETRIES
from reference.io.config import load_configuration
from reference.io.dasd import Record, build_track, create, open_image
from reference.io.decks import deck_cards
from reference.session import configured_guest, real_storage_for, start_machine, start_vm
from reference.trace import diff_files, verify_file, write_trace
from reference.vm.states import RunState, VMCPError
from reference.vm.vmcp import EXECUTIONS, VMCP
from reference.vm.vmio import VirtualDevice

BENCH_SOURCE = """\
BENCH    START 0
         USING BENCH,0                  addresses below 4096 need no base
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'                  restart old PSW
         ORG   BENCH+X'200'
BEGIN    LA    1,7
         LA    2,3
         LA    3,1
         L     6,COUNT
LOOP     LR    4,1
         AR    4,2
         SR    4,3
         SLL   4,1
         XR    4,1
         LA    5,1(,5)
         BCT   6,LOOP
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
         END
"""
INSTRUCTIONS_PER_ITERATION = 7
SETUP_INSTRUCTIONS = 5  # four before the loop, LPSW after it

# The floating-point loop: the dot product of X and Y, eight long operands each,
# computed afresh in every iteration of the outer loop (SDR 0,0 makes the sum a
# true zero: the significance mask is zero).  The inner loop steps register 1
# through the indexes 0, 8, ..., 56 with BXLE (increment in register 4, limit in
# register 5).  The sum ends in floating-point register 0 and at RESULT.
FP_BENCH_SOURCE = """\
FPBENCH  START 0
         USING FPBENCH,0                addresses below 4096 need no base
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'                  restart old PSW
         ORG   FPBENCH+X'200'
BEGIN    L     6,COUNT
         LA    4,8                      increment: one long operand
         LA    5,56                     limit: the index of the last one
OUTER    SDR   0,0                      sum := 0
         SR    1,1                      index := 0
INNER    LD    2,X(1)
         MD    2,Y(1)
         ADR   0,2
         BXLE  1,4,INNER
         BCT   6,OUTER
         STD   0,RESULT
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
X        DC    D'1,2,3,4,5,6,7,8'
Y        DC    D'8,7,6,5,4,3,2,1'
RESULT   DC    D'0'
COUNT    DC    F'{count}'
         END
"""
FP_INSTRUCTIONS_PER_ITERATION = 2 + 8 * 4 + 1   # SDR, SR; 8 x (LD MD ADR BXLE); BCT
FP_SETUP_INSTRUCTIONS = 5  # three before the loop, STD and LPSW after it


@dataclass(frozen=True)
class Loop:
    """A benchmark loop: its source (``{count}`` is the number of iterations), the
    instructions of one iteration, and those outside the loop."""

    name: str
    source: str
    per_iteration: int
    setup: int

    def image(self, iterations: int) -> bytes:
        return assemble(self.source.format(count=iterations), f"<{self.name} bench>").image

    def iterations(self, steps: int) -> int:
        """The iterations of a run of about ``steps`` instructions."""
        return max(1, (steps - self.setup) // self.per_iteration)


INTEGER_LOOP = Loop("integer", BENCH_SOURCE, INSTRUCTIONS_PER_ITERATION, SETUP_INSTRUCTIONS)
FLOATING_POINT_LOOP = Loop("floating point", FP_BENCH_SOURCE, FP_INSTRUCTIONS_PER_ITERATION,
                           FP_SETUP_INSTRUCTIONS)


def bench_image(iterations: int) -> bytes:
    return INTEGER_LOOP.image(iterations)


def fp_bench_image(iterations: int) -> bytes:
    return FLOATING_POINT_LOOP.image(iterations)


def time_reference(steps: int, loop: Loop = INTEGER_LOOP) -> tuple[int, float]:
    """(instructions executed, seconds) of ``loop`` run for about ``steps``
    instructions on the reference machine."""
    m = start_machine(loop.image(loop.iterations(steps)), 1 << 20)
    t0 = time.perf_counter()
    stop = m.run(10 * steps + 100)
    elapsed = time.perf_counter() - t0
    if stop != "disabled-wait":
        raise RuntimeError(f"{loop.name} bench loop ended in {stop}")
    return m.steps, elapsed


HERCULES_CONFIG = """\
CPUSERIAL 000001
CPUMODEL  3033
MAINSIZE  2
NUMCPU    1
ARCHMODE  S/370
PANRATE   SLOW
000E 1403 /dev/null
"""


def _hercules_once(workdir: Path, iterations: int, loop: Loop = INTEGER_LOOP) -> float:
    image = workdir / "bench.bin"
    image.write_bytes(loop.image(iterations))
    (workdir / "s370.cnf").write_text(HERCULES_CONFIG)
    (workdir / "dump.rc").write_text("quit\n")
    (workdir / "run.rc").write_text(
        f"hao tgt HHCCP011I\nhao cmd script {workdir / 'dump.rc'}\n"
        f"loadcore {image} 0\nrestart\n")
    env = dict(os.environ, HERCULES_RC=str(workdir / "run.rc"))
    t0 = time.perf_counter()
    subprocess.run(["timeout", "120", "hercules", "-f", str(workdir / "s370.cnf"), "-d"],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env, cwd=workdir, check=False)
    return time.perf_counter() - t0


def time_hercules(iterations: int, loop: Loop = INTEGER_LOOP) -> float | None:
    """Seconds Hercules takes for ``iterations`` loop iterations, start-up removed."""
    if shutil.which("hercules") is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        base = min(_hercules_once(Path(d), 1, loop) for _ in range(3))
        full = _hercules_once(Path(d), iterations, loop)
    return max(full - base, 1e-9)


HERCULES_INSTRUCTIONS = 200_000_000   # per loop: long enough to dwarf start-up noise


def run_bench(steps: int, hercules: bool = False,
              out: Callable[[str], None] = print) -> dict[str, float]:
    """Both loops on the reference (about ``steps`` instructions each) and, with
    ``hercules``, on Hercules in the same run.  Returns the rates (instructions per
    second) and the floating-point loop's rate as a fraction of the integer loop's,
    on each machine."""
    result: dict[str, float] = {}
    for loop, key in ((INTEGER_LOOP, "reference_ips"), (FLOATING_POINT_LOOP, "reference_fp_ips")):
        executed, elapsed = time_reference(steps, loop)
        result[key] = executed / elapsed
        label = "reference:" if loop is INTEGER_LOOP else "reference floating point:"
        out(f"{label} {executed} instructions in {elapsed:.3f} s = "
            f"{result[key] / 1e6:.2f} million instructions per second")
    result["fp_ratio"] = result["reference_fp_ips"] / result["reference_ips"]
    out(f"reference floating point/integer = {result['fp_ratio']:.2f}")
    if hercules:
        for loop, key, ref_key in ((INTEGER_LOOP, "hercules_ips", "reference_ips"),
                                   (FLOATING_POINT_LOOP, "hercules_fp_ips",
                                    "reference_fp_ips")):
            iterations = HERCULES_INSTRUCTIONS // loop.per_iteration
            seconds = time_hercules(iterations, loop)
            if seconds is None:
                out("hercules: not installed")
                break
            executed = iterations * loop.per_iteration
            result[key] = executed / seconds
            label = "hercules: " if loop is INTEGER_LOOP else "hercules floating point:"
            out(f"{label} {executed} instructions in {seconds:.3f} s = "
                f"{result[key] / 1e6:.2f} million instructions per second "
                f"(hercules/reference = {result[key] / result[ref_key]:.0f}x)")
        else:
            result["hercules_fp_ratio"] = result["hercules_fp_ips"] / result["hercules_ips"]
            out(f"hercules floating point/integer = {result['hercules_fp_ratio']:.2f}")
    return result


# ---------------------------------------------------------------------------
# Traces (``s370 trace bench``): recording against a plain run; verify and diff
# in records per second
# ---------------------------------------------------------------------------
STORE_LOOP_SOURCE = """\
STORES   START 0
         USING STORES,0
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'
         ORG   STORES+X'200'
BEGIN    LA    2,3
         L     6,COUNT
LOOP     L     4,WORK
         AR    4,2
         ST    4,WORK
         STC   4,BYTE
         MVC   COPY(8),WORK
         BCT   6,LOOP
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
WORK     DC    2F'0'
BYTE     DC    X'00'
COPY     DS    XL8
         END
"""


def bench_workloads(steps: int) -> list[tuple[str, bytes]]:
    """(name, image): the register loop of ``s370 bench`` (seven instructions an
    iteration, one register written by each) and a loop of loads and stores (six
    an iteration, four of them stores)."""
    return [("register loop", bench_image(max(1, steps // 7))),
            ("storage loop", assemble(STORE_LOOP_SOURCE.format(count=max(1, steps // 6)),
                                      "<stores>").image)]


def run_trace_bench(steps: int, repeats: int = 3, storage: int = 1 << 20,
                    out: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Side by side in one run, best of ``repeats`` interleaved: a plain run (start
    and run, as ``s370 run``), recording to ``.jsonl`` and to ``.jsonl.gz`` (start,
    run, write), ``verify`` of each, and ``diff`` of the two files."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, image in bench_workloads(steps):
            row = _bench_one(image, storage, 10 * steps + 100, repeats, Path(tmp))
            row["workload"] = name
            results.append(row)
            records = row["records"]
            out(f"{name}: {records} records ({row['bytes'] / records:.0f} bytes each, "
                f"{row['gz_bytes'] / records:.1f} compressed)")
            out(f"  plain run      {row['plain']:7.3f} s")
            for key in ("record", "record .gz"):
                out(f"  {key:<14} {row[key]:7.3f} s  {row[key] / row['plain']:.2f}x the "
                    f"plain run")
            for key in ("verify", "verify .gz", "diff"):
                out(f"  {key:<14} {row[key]:7.3f} s  {records / row[key]:,.0f} records/s")
    return results


def _bench_one(image: bytes, storage: int, max_steps: int, repeats: int,
               tmp: Path) -> dict[str, Any]:
    plain_path, gz_path = tmp / "t.jsonl", tmp / "t.jsonl.gz"
    tasks: list[tuple[str, Callable[[], Any]]] = [
        ("plain", lambda: start_machine(image, storage).run(max_steps)),
        ("record", lambda: write_trace(plain_path, image, storage, "native", max_steps)),
        ("record .gz", lambda: write_trace(gz_path, image, storage, "native", max_steps)),
        ("verify", lambda: verify_file(plain_path)),
        ("verify .gz", lambda: verify_file(gz_path)),
        ("diff", lambda: diff_files(plain_path, gz_path)),
    ]
    best: dict[str, Any] = {}
    for _ in range(repeats):
        for key, task in tasks:
            t0 = time.perf_counter()
            value = task()
            best[key] = min(best.get(key, float("inf")), time.perf_counter() - t0)
            if key in ("verify", "diff"):
                assert value.divergence is None
                best["records"] = value.records
    best["bytes"], best["gz_bytes"] = plain_path.stat().st_size, gz_path.stat().st_size
    return best


# ---------------------------------------------------------------------------
# The VMCP against native runs (``s370 bench --under vmcp``)
# ---------------------------------------------------------------------------
PRIVILEGED_SOURCE = """\
PRIV     START 0
         USING PRIV,0
         DC    X'00080000',A(BEGIN)     EC-mode PSW, supervisor state, key 0
         DC    XL8'00'
         ORG   PRIV+X'200'
BEGIN    L     6,COUNT
         LA    2,X'800'                 a 2K block whose key is set and read
LOOP     SSM   MASK                     system mask: nothing enabled
         ISK   3,2
         SSK   3,2
         STPT  TIMER
         LA    4,1(,4)
         AR    5,4
         LPSW  NEXT                     continue at AGAIN
AGAIN    BCT   6,LOOP
         LPSW  DONE
         DS    0D
NEXT     DC    X'00080000',A(AGAIN)
DONE     DC    X'000A0000',A(0)
TIMER    DS    D
MASK     DC    X'00'
COUNT    DC    F'{count}'
         END
"""
PRIVILEGED_PER_ITERATION = 8


def _time(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _minios_image() -> bytes | None:
    """The bundled guest OS (examples/minios.asm), when the checkout has it."""
    path = Path(__file__).resolve().parents[2] / "examples" / "minios.asm"
    if not path.exists():
        return None
    return assemble(path.read_text(encoding="utf-8"), str(path)).image


def _native_and_vmcp(image: bytes, max_steps: int, repeats: int = 3,
                     storage: int = 1 << 20) -> tuple[float, float, Any, Any]:
    """Best of ``repeats`` interleaved native and VMCP runs of ``image``."""
    best_native = best_vmcp = float("inf")
    native = vm = None
    for _ in range(repeats):
        native = start_machine(image, storage)
        cp = VMCP(real_storage=real_storage_for(storage))
        vm = cp.create_vm(image, storage, max_steps=max_steps)
        best_native = min(best_native, _time(partial(native.run, max_steps)))
        best_vmcp = min(best_vmcp, _time(cp.run))
        if native.state() != vm.state():
            raise RuntimeError("the VMCP's guest state differs from the native run's")
    return best_native, best_vmcp, native, vm


def _dispatch_cost(vms: int, dispatches: int, native_ips: float) -> tuple[float, int]:
    """Seconds of VMCP work per dispatch with ``vms`` VMs looping forever."""
    image = bench_image(10 ** 9)
    cp = VMCP(real_storage=16 << 20, slice_us=200)
    machines = [cp.create_vm(image, 32 * 1024) for _ in range(vms)]
    cp.run(max_dispatches=2 * vms)  # every VM dispatched: its loop decoded
    steps0 = sum(vm.steps for vm in machines)
    elapsed = _time(lambda: cp.run(max_dispatches=dispatches))
    guest = (sum(vm.steps for vm in machines) - steps0) / native_ips
    return (elapsed - guest) / dispatches, dispatches


def run_vmcp_bench(steps: int) -> dict[str, float]:
    """Native and VMCP time, measured side by side in one run."""
    out: dict[str, float] = {}
    iterations = max(1, (steps - SETUP_INSTRUCTIONS) // INSTRUCTIONS_PER_ITERATION)
    t_n, t_v, native, _ = _native_and_vmcp(bench_image(iterations), 10 * steps)
    native_ips = native.steps / t_n
    out["compute_ratio"] = t_v / t_n
    print(f"(a) compute loop, {native.steps} instructions: "
          f"native {t_n:.3f} s, VMCP {t_v:.3f} s, ratio {t_v / t_n:.3f}")

    count = max(1, steps // (PRIVILEGED_PER_ITERATION * 10))
    image = assemble(PRIVILEGED_SOURCE.format(count=count), "<bench>").image
    t_n, t_v, native, vm = _native_and_vmcp(image, 10 * steps)
    interventions = sum(vm.interventions.values())
    per_1000 = 1000 * interventions / vm.steps
    out["privileged_ratio"] = t_v / t_n
    out["interventions_per_1000"] = per_1000
    print(f"(b) privileged-heavy loop (SSM ISK SSK STPT LPSW), {vm.steps} "
          f"instructions: native {t_n:.3f} s, VMCP {t_v:.3f} s, ratio {t_v / t_n:.2f}, "
          f"{per_1000:.0f} VMCP interventions per 1000 guest instructions "
          f"({100 * vm.assisted / max(1, interventions):.0f}% by the assist, without a "
          f"real interruption)")

    cost4, _ = _dispatch_cost(4, 400, native_ips)
    cost256, _ = _dispatch_cost(256, 400, native_ips)
    out["dispatch_ratio"] = cost256 / cost4
    print(f"(c) VMCP cost per dispatch: {cost4 * 1e6:.1f} us with 4 VMs, "
          f"{cost256 * 1e6:.1f} us with 256 VMs, ratio {cost256 / cost4:.2f}")
    minios = _minios_image()
    if minios is not None:
        t_n, t_v, native, vm = _native_and_vmcp(minios, 10 ** 7, storage=256 * 1024)
        faults = 1000 * vm.interventions["shadow fault"] / vm.steps
        out["dat_ratio"] = t_v / t_n
        out["shadow_faults_per_1000"] = faults
        print(f"(d) DAT-heavy guest (examples/minios.asm), {vm.steps} instructions: native "
              f"{t_n:.3f} s, VMCP {t_v:.3f} s, ratio {t_v / t_n:.2f}, {faults:.1f} shadow "
              f"faults per 1000 guest instructions")

    ratio, per_io, operations = io_bench(max(50, steps // 2000))
    out["io_ratio"] = ratio
    out["interventions_per_io"] = per_io
    print(f"(e) I/O-heavy guest (examples/cards_to_printer.asm), {operations} I/O operations: "
          f"VMCP/native ratio {ratio:.2f}, {per_io:.2f} VMCP interventions per I/O operation")

    slowdowns = hostile_bench()
    if slowdowns:
        out.update({f"hostile_{name}": ratio for name, ratio in slowdowns.items()})
        worst = max(slowdowns.values())
        print("(f) an innocent compute loop next to a hostile VM of equal share, its host "
              "time against its time alone (2.0 is its fair share; round-robin/share): "
              + ", ".join(f"{name} {slowdowns[name + ' round-robin']:.2f}/"
                          f"{slowdowns[name + ' share']:.2f}"
                          for name in HOSTILE_KINDS) + f"; worst {worst:.2f}")

    disk = disk_bench()
    reads = disk.passes * disk.tracks * disk.records
    out["disk_native_seconds"] = disk.native
    vmcp_part = (f"VMCP {disk.vmcp:.3f} s, ratio {disk.vmcp / disk.native:.2f}"
                 if disk.vmcp is not None else f"VMCP not measured ({disk.why_no_vmcp})")
    if disk.vmcp is not None:
        out["disk_ratio"] = disk.vmcp / disk.native
    print(f"(g) disk-heavy guest (a {DISK_BENCH_TYPE} cylinder read sequentially "
          f"{disk.passes} times by SEARCH ID EQUAL/TIC loops), "
          f"{disk.passes * disk.tracks} I/O operations, {reads} records: "
          f"native {disk.native:.3f} s, {vmcp_part}")

    result = sos_bench()
    if isinstance(result, str):
        print(f"(h) an operating system written by others (SOS): not measured ({result})")
    else:
        t_n, t_v, vm = result
        per_1000 = 1000 * sum(vm.interventions.values()) / vm.steps
        out["sos_ratio"] = t_v / t_n
        out["sos_interventions_per_1000"] = per_1000
        print(f"(h) an operating system written by others (SOS, MIT 1973) running the "
              f"jobs of examples/sos/{SOS_BENCH_STREAM}, {vm.steps} instructions: native "
              f"{t_n:.3f} s, VMCP {t_v:.3f} s, ratio {t_v / t_n:.2f}, {per_1000:.0f} VMCP "
              f"interventions per 1000 guest instructions")
    return out


HOSTILE_KINDS = ("interruption_loop", "sio_storm", "privileged_storm", "timer_storm",
                 "endless_channel")


def hostile_bench(repeats: int = 3, loops: int = 300_000) -> dict[str, float]:
    """(f) The innocent guest of examples/hostile/ alone, and next to each hostile
    guest there (one VM each, equal shares, a printer at 00E for the hostile one),
    under both policies: its host time until it stops against its time alone, best
    of ``repeats`` interleaved runs, the innocent loop ``loops`` iterations long.
    Empty when the examples are not there."""
    folder = Path(__file__).resolve().parents[2] / "examples" / "hostile"
    if not folder.is_dir():
        return {}

    def image(name: str) -> bytes:
        path = folder / f"{name}.asm"
        text = path.read_text(encoding="utf-8")
        if name == "innocent":
            assert "F'300000'" in text
            text = text.replace("F'300000'", f"F'{loops}'")
        return assemble(text, str(path)).image

    innocent = image("innocent")

    def innocent_time(hostile: bytes | None, policy: str) -> float:
        cp = VMCP(real_storage=1 << 20, policy=policy)
        vm = cp.create_vm(innocent, 64 * 1024, max_steps=10 ** 7)
        if hostile is not None:
            cp.create_vm(hostile, 64 * 1024, max_steps=10 ** 9,
                         devices=[VirtualDevice(0x00E, "1403")])
        t0 = time.perf_counter()
        while vm.run_state is not RunState.STOPPED:
            cp.run(max_dispatches=1)
        elapsed = time.perf_counter() - t0
        cp.close()
        return elapsed

    hostiles = {name: image(name) for name in HOSTILE_KINDS}
    best: dict[str, float] = {}
    alone = float("inf")
    for _ in range(repeats):
        alone = min(alone, innocent_time(None, "round-robin"))
        for name, hostile in hostiles.items():
            for policy in ("round-robin", "share"):
                key = f"{name} {policy}"
                best[key] = min(best.get(key, float("inf")), innocent_time(hostile, policy))
    return {key: t / alone for key, t in best.items()}


def io_bench(cards: int, repeats: int = 3) -> tuple[float, float, int]:
    """(e) The bundled card-to-printer copy with a deck of ``cards`` cards, natively
    and under the VMCP (``io_side_by_side``): (time ratio, VMCP interventions per
    I/O operation, I/O operations)."""
    t_n, t_v, _, vm = io_side_by_side(cards, repeats)
    operations = vm.interventions["simulate SIO"]
    return t_v / t_n, sum(vm.interventions.values()) / max(1, operations), operations


def _printing_side_by_side(image: bytes, storage: int, work: Path,
                           configuration: Callable[[str], str], repeats: int,
                           what: str) -> tuple[float, float, Any, Any]:
    """``image`` natively and as the only VM of a VMCP, each with the devices of
    ``configuration(printer_file)`` (files relative to ``work``), best of
    ``repeats`` interleaved runs: (native seconds, VMCP seconds, the native
    machine, the VM).  Both must end in the same state and print the same
    (RuntimeError naming ``what``)."""
    for mode in ("native", "vmcp"):
        (work / f"{mode}.toml").write_text(configuration(f"{mode}.prt"), encoding="ascii")
    best_native = best_vmcp = float("inf")
    native: Any = None
    vm: Any = None
    for _ in range(repeats):
        native = load_configuration(work / "native.toml").start(image, storage)
        try:
            best_native = min(best_native, _time(partial(native.run, 10 ** 8)))
        finally:
            native.channels.close()
        cp, vm = configured_guest(load_configuration(work / "vmcp.toml"), image, storage,
                                  max_steps=10 ** 8)
        try:
            best_vmcp = min(best_vmcp, _time(cp.run))
        finally:
            cp.close()
        if native.state() != vm.state() or (work / "native.prt").read_bytes() != \
                (work / "vmcp.prt").read_bytes():
            raise RuntimeError(f"{what} differs under the VMCP")
    return best_native, best_vmcp, native, vm


def io_side_by_side(cards: int, repeats: int = 3) -> tuple[float, float, Any, Any]:
    """The bundled card-to-printer copy with a deck of ``cards`` cards, natively
    and under the VMCP (spooled reader and printer), best of ``repeats``
    interleaved runs: (native seconds, VMCP seconds, the native machine, the VM).
    The two runs must end in the same state and print the same."""

    examples = Path(__file__).resolve().parents[2] / "examples"
    source = examples / "cards_to_printer.asm"
    text = source.read_text(encoding="utf-8")
    # A deck longer than a page: the printer's unit exception at the end of the
    # form (channel 12) is not a failure here, so the copy goes on.
    check = "         TM    X'44',X'F3'\n         BNZ   FAIL\n         LA    5,1(,5)"
    assert check in text
    text = text.replace(check, check.replace("X'F3'", "X'F2'"))
    image = assemble(text, str(source)).image
    with tempfile.TemporaryDirectory(prefix="s370-bench-") as d:
        work = Path(d)
        (work / "deck.txt").write_text("".join(f"CARD {i:06d}\n" for i in range(cards)),
                                       encoding="ascii")
        return _printing_side_by_side(
            image, 256 * 1024, work,
            lambda printer: ('[[device]]\naddress = "00C"\ntype = "2540R"\n'
                             'file = "deck.txt"\n[[device]]\naddress = "00E"\n'
                             f'type = "1403"\nfile = "{printer}"\n'),
            repeats, "the card-to-printer copy")


# ---------------------------------------------------------------------------
# (g) A disk-heavy guest: a sequential CKD read of a cylinder
# ---------------------------------------------------------------------------
DISK_BENCH_ADDRESS = 0x150
DISK_BENCH_TYPE = "3350"
DISK_BENCH_CYLINDER = 1
DISK_BENCH_LENGTH = 4000                 # data bytes of a record (no key)
DISK_BENCH_BUFFER = 0x10000              # where the records of a track are read


def disk_bench_records(type_name: str = DISK_BENCH_TYPE,
                       length: int = DISK_BENCH_LENGTH) -> int:
    """Records of ``length`` data bytes (no key) a track of ``type_name`` holds."""
    return GEOMETRIES[type_name].records_per_track(0, length)


def disk_bench_data(cyl: int, head: int, record: int, length: int = DISK_BENCH_LENGTH
                    ) -> bytes:
    """The data of a record of the bench's volume: its CCHHR, then a pattern of its
    own (so that a record read in the wrong place shows)."""
    ident = struct.pack(">HHB", cyl, head, record)
    seed = (cyl * 7 + head * 13 + record * 31) & 0xFF
    return ident + bytes((seed + i) & 0xFF for i in range(length - len(ident)))


def make_disk_bench_volume(path: str, type_name: str = DISK_BENCH_TYPE,
                           cylinder: int = DISK_BENCH_CYLINDER,
                           length: int = DISK_BENCH_LENGTH) -> None:
    """A new volume (``reference.io.dasd.create``, cylinder + 1 cylinders) whose
    cylinder ``cylinder`` holds, on every track, records 1..n of ``length`` data
    bytes (``disk_bench_data``) after R0."""
    create(path, type_name, "BENCH1", cylinders=cylinder + 1)
    records = disk_bench_records(type_name, length)
    with open_image(path) as image:
        for head in range(image.heads):
            image.write_track(cylinder, head, build_track(cylinder, head, [
                Record(cylinder, head, 0, b"", bytes(8))] + [
                Record(cylinder, head, r, b"", disk_bench_data(cylinder, head, r, length))
                for r in range(1, records + 1)]))


def disk_bench_source(heads: int, records: int, passes: int = 1,
                      cylinder: int = DISK_BENCH_CYLINDER, length: int = DISK_BENCH_LENGTH,
                      address: int = DISK_BENCH_ADDRESS) -> str:
    """The disk guest: ``passes`` times over the cylinder ``cylinder``, for each
    head one channel program (one
    START I/O, then an enabled wait for its interruption): SEEK, then for each
    record 1..``records`` a SEARCH ID EQUAL / TIC loop on its CCHHR and READ DATA
    into the buffer at DISK_BENCH_BUFFER.  After each track the program checks
    that every record's data begins with its CCHHR.  At the stop: R5 the records
    read, R6 those whose first bytes were not their CCHHR (0), R3 the heads; a
    stop at X'BAD' is an unexpected status."""
    assert 0 < length < 4096 and records * length <= 0x20000
    check, ids, ccws = [], [], []
    for r in range(1, records + 1):
        check.append(f"         STH   3,ID{r}+2")
        ids.append(f"ID{r}      DC    H'{cylinder}',H'0',AL1({r})")
        flags = "X'40'" if r < records else "X'00'"
        ccws += [f"S{r}       DC    X'31',AL3(ID{r}),X'40',X'00',AL2(5)   SEARCH ID EQUAL",
                 f"         DC    X'08',AL3(S{r}),X'00',X'00',AL2(0)    TIC back to it",
                 f"         DC    X'06',AL3(BUF+{(r - 1) * length}),{flags},X'00',"
                 f"AL2({length})"]
    compare = []
    for r in range(1, records + 1):
        compare += [f"         CLC   0(5,8),ID{r}",
                    f"         BE    OK{r}",
                    "         LA    6,1(,6)",
                    f"OK{r}      LA    5,1(,5)",
                    f"         LA    8,{length}(,8)"]
    return "\n".join([
        "DISKBNCH START 0",
        "RESTART  DC    X'00000000',A(BEGIN)    BC mode, disabled, key 0",
        "         ORG   DISKBNCH+X'78'",
        "IONEW    DC    X'00000000',A(IOINT)    I/O new PSW: BC mode, disabled",
        "         ORG   DISKBNCH+X'200'",
        f"BUF      EQU   X'{DISK_BENCH_BUFFER:X}'",
        "BEGIN    BALR  12,0",
        "         USING *,12",
        "         SR    5,5                     records read",
        "         SR    6,6                     records not their CCHHR",
        f"         LA    9,{passes}                    passes over the cylinder",
        "PASS     SR    3,3                     head",
        "TRACK    STH   3,SEEKARG+4",
        *check,
        "         LA    1,PROGRAM",
        f"         LA    2,X'{address:03X}'",
        "         BAL   14,DOIO",
        "         TM    X'44',X'F3'             anything but CE, DE (and SM)?",
        "         BNZ   FAIL",
        "         L     8,BUFADDR",
        *compare,
        "         LA    3,1(,3)",
        "         CH    3,HEADS",
        "         BL    TRACK",
        "         BCT   9,PASS",
        "         LPSW  DONE",
        "FAIL     LPSW  BAD",
        "DOIO     ST    1,X'48'                 CAW: key 0, command address",
        "         SIO   0(2)",
        "         BNZ   FAIL",
        "WAIT     LPSW  WAITPSW                 enabled wait for the I/O interruption",
        "IOINT    CH    2,X'3A'",
        "         BNE   WAIT",
        "         BR    14",
        "         DS    0D",
        "WAITPSW  DC    X'FE020000',A(0)        BC, channels enabled, wait",
        "DONE     DC    X'000A0000',A(0)",
        "BAD      DC    X'000A0000',A(X'BAD')",
        "PROGRAM  DC    X'07',AL3(SEEKARG),X'40',X'00',AL2(6)    SEEK",
        *ccws,
        f"SEEKARG  DC    H'0',H'{cylinder}',H'0'",
        *ids,
        "         DS    0F",
        "BUFADDR  DC    A(BUF)",
        f"HEADS    DC    H'{heads}'",
        "         END   BEGIN",
        ""])


@dataclass
class DiskBench:
    """(g): the disk guest's runs: the best native time (seconds), the VMCP's
    (None when not measured, ``why_no_vmcp`` says why), the native machine at its
    stop and its stop; the tracks and the records of a track read in a pass."""

    native: float
    vmcp: float | None
    machine: Any
    stop: str
    tracks: int
    records: int
    passes: int
    why_no_vmcp: str = ""
    vm: Any = None              # the VM of the last VMCP run (None: not measured)


def disk_bench(repeats: int = 3, passes: int = 30,
               type_name: str = DISK_BENCH_TYPE) -> DiskBench:
    """(g) The disk guest (``disk_bench_source``, ``passes`` over the cylinder) on
    a volume made by ``make_disk_bench_volume``, configured as a ``type_name`` at
    150 (read-only), natively and as the only VM of a VMCP (the volume a real disk
    of the VMCP, a minidisk of all of it for the VM); best of ``repeats``
    interleaved runs.  The two must end in the same state (RuntimeError).  When
    the VMCP refuses the device, ``vmcp`` is None and ``why_no_vmcp`` says why."""
    g = GEOMETRIES[type_name]
    records = disk_bench_records(type_name)
    image = assemble(disk_bench_source(g.heads, records, passes), "<disk bench>").image
    storage = 256 * 1024
    best = best_vmcp = float("inf")
    machine: Any = None
    stop = why = ""
    with tempfile.TemporaryDirectory(prefix="s370-bench-") as d:
        work = Path(d)
        make_disk_bench_volume(str(work / "bench.ckd"), type_name)
        (work / "native.toml").write_text(
            f'[[device]]\naddress = "{DISK_BENCH_ADDRESS:03X}"\ntype = "{type_name}"\n'
            'file = "bench.ckd"\nreadonly = true\n', encoding="ascii")
        for _ in range(repeats):
            machine = load_configuration(work / "native.toml").start(image, storage)
            try:
                t0 = time.perf_counter()
                stop = machine.run(10 ** 8)
                best = min(best, time.perf_counter() - t0)
            finally:
                machine.channels.close()
            if why:
                continue
            try:
                cp, vm = configured_guest(load_configuration(work / "native.toml"), image,
                                          storage, max_steps=10 ** 8)
            except VMCPError as e:
                why = f"the VMCP refuses the disk: {e}"
                continue
            try:
                best_vmcp = min(best_vmcp, _time(cp.run))
            finally:
                cp.close()
            if machine.state() != vm.state():
                raise RuntimeError("the disk guest's state differs under the VMCP")
    return DiskBench(best, None if why else best_vmcp, machine, stop, g.heads, records,
                     passes, why, None if why else vm)


# ---------------------------------------------------------------------------
# (h) An operating system written by others: SOS running a job stream
# ---------------------------------------------------------------------------
SOS_BENCH_STREAM = "stream-a.deck"


def sos_bench(repeats: int = 3) -> tuple[float, float, Any] | str:
    """(h) SOS (``reference.cli.sos``) running the jobs of
    ``examples/sos/stream-a.deck``, natively and as the only VM of a VMCP (its
    reader and printer spooled), best of ``repeats`` interleaved runs: (native
    seconds, VMCP seconds, the VM).  The two must end in the same state and
    print the same (RuntimeError).  Without SOS's source: why, as a string."""
    if not sos.sos_present():
        return f"{sos.SOS_SOURCE} is not there"
    image = sos.sos_image()
    with tempfile.TemporaryDirectory(prefix="s370-bench-") as d:
        work = Path(d)
        (work / "cards.bin").write_bytes(deck_cards(sos.EXAMPLES / SOS_BENCH_STREAM))
        t_n, t_v, _, vm = _printing_side_by_side(
            image, sos.STORAGE, work,
            lambda printer: sos.configuration_text("cards.bin", printer), repeats, "SOS")
    return t_n, t_v, vm


# ---------------------------------------------------------------------------
# The benchmark table (``s370 bench --table``): every guest kind, side by side
# ---------------------------------------------------------------------------
STORAGE_LOOP_SOURCE = """\
STORAGE  START 0
         USING STORAGE,0                addresses below 4096 need no base
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'                  restart old PSW
         ORG   STORAGE+X'200'
BEGIN    LA    2,3
         L     6,COUNT
LOOP     L     4,WORK
         AR    4,2
         ST    4,WORK
         MVC   COPY(16),WORK
         CLC   COPY(16),WORK
         BCT   6,LOOP
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
WORK     DC    4F'0'
COPY     DS    XL16
         END
"""

DECIMAL_LOOP_SOURCE = """\
DECIMAL  START 0
         USING DECIMAL,0
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'
         ORG   DECIMAL+X'200'
BEGIN    L     6,COUNT
LOOP     PACK  NUMBER,ZONED             five zoned digits to packed
         AP    TOTAL,NUMBER
         ZAP   TOTAL,NUMBER             the total stays in range
         MVC   LINE,PATTERN
         ED    LINE,TOTAL
         BCT   6,LOOP
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
ZONED    DC    Z'12345'
NUMBER   DC    PL3'0'
TOTAL    DC    PL4'0'
PATTERN  DC    X'4020202020202120'
LINE     DS    CL8
         END
"""

BRANCHY_LOOP_SOURCE = """\
BRANCHY  START 0
         USING BRANCHY,0
         DC    X'00000000',A(BEGIN)     BC-mode PSW: key 0, enabled for nothing
         DC    XL8'00'
         ORG   BRANCHY+X'200'
BEGIN    L     6,COUNT
         LA    7,SUB
LOOP     LTR   6,6
         BZ    DONE-4                   never taken
         BALR  14,7                     call and return
         CH    6,=H'0'
         BH    SKIP                     taken
         NOPR  0
SKIP     BCT   6,LOOP
         LPSW  DONE
SUB      LA    5,1(,5)
         BR    14
         DS    0D
DONE     DC    X'000A0000',A(0)         disabled wait
COUNT    DC    F'{count}'
         LTORG
         END
"""

STORAGE_LOOP = Loop("storage", STORAGE_LOOP_SOURCE, 6, 3)
DECIMAL_LOOP = Loop("decimal", DECIMAL_LOOP_SOURCE, 6, 2)
BRANCHY_LOOP = Loop("branchy", BRANCHY_LOOP_SOURCE, 8, 3)   # LTR BZ BALR LA BR CH BH BCT
PRIVILEGED_LOOP = Loop("privileged", PRIVILEGED_SOURCE, PRIVILEGED_PER_ITERATION, 3)


@dataclass
class Row:
    """One guest kind of the table: its instructions, native seconds, Hercules'
    instructions per second (None: not measured, ``hercules_why`` says why),
    the VMCP's seconds and the VM's interventions (None: not measured, ``why``)."""

    kind: str
    instructions: int
    native: float
    vmcp: float | None
    interventions: int
    hercules_ips: float | None = None
    hercules_why: str = ""
    why: str = ""

    @property
    def native_ips(self) -> float:
        return self.instructions / self.native


def _loop_row(loop: Loop, steps: int, hercules: bool, storage: int = 1 << 20) -> Row:
    image = loop.image(loop.iterations(steps))
    t_n, t_v, native, vm = _native_and_vmcp(image, 10 * steps + 100, storage=storage)
    row = Row(loop.name + " loop", native.steps, t_n, t_v, sum(vm.interventions.values()))
    if hercules:
        iterations = HERCULES_INSTRUCTIONS // 4 // loop.per_iteration
        seconds = time_hercules(iterations, loop)
        if seconds is None:
            row.hercules_why = "not installed"
        else:
            row.hercules_ips = iterations * loop.per_iteration / seconds
    return row


def table_rows(steps: int, hercules: bool = False) -> list[Row]:
    """Every guest kind natively, under the VMCP and (loops only, with
    ``hercules``) on Hercules, measured side by side in one run."""
    rows = [_loop_row(loop, steps, hercules) for loop in
            (INTEGER_LOOP, STORAGE_LOOP, DECIMAL_LOOP, BRANCHY_LOOP, PRIVILEGED_LOOP,
             FLOATING_POINT_LOOP)]
    rows[0].kind = "register loop"
    device_why = ("a fixed workload (an image of its own, devices): Hercules' start-up "
                  "would be most of its time")
    minios = _minios_image()
    if minios is not None:
        # A short run (26,071 instructions): best of ten, so that an interpreter with a
        # JIT (PyPy) is measured once it has compiled the machine's paths.
        t_n, t_v, native, vm = _native_and_vmcp(minios, 10 ** 7, repeats=10,
                                                storage=256 * 1024)
        rows.append(Row("DAT-heavy (minios)", native.steps, t_n, t_v,
                        sum(vm.interventions.values()), hercules_why=device_why))
    t_n, t_v, native, vm = io_side_by_side(max(50, steps // 2000))
    rows.append(Row("I/O-heavy (cards to printer)", native.steps, t_n, t_v,
                    sum(vm.interventions.values()), hercules_why=device_why))
    disk = disk_bench()
    rows.append(Row("CKD disk (3350 cylinder reads)", disk.machine.steps, disk.native,
                    disk.vmcp, sum(disk.vm.interventions.values()) if disk.vm else 0,
                    hercules_why=device_why, why=disk.why_no_vmcp))
    result = sos_bench()
    if isinstance(result, str):
        rows.append(Row("SOS (an operating system)", 0, 0.0, None, 0,
                        hercules_why=result, why=result))
    else:
        t_n, t_v, vm = result
        rows.append(Row("SOS (an operating system)", vm.steps, t_n, t_v,
                        sum(vm.interventions.values()), hercules_why=device_why))
    return rows


def format_table(rows: list[Row]) -> list[str]:
    """The table as text lines (Markdown), with the interpreter that measured it."""
    impl = platform.python_implementation()
    out = [f"{impl} {platform.python_version()}"
           + (f" (PyPy {'.'.join(map(str, sys.pypy_version_info[:3]))})"  # type: ignore
              if impl == "PyPy" else ""),
           "",
           "| guest kind | instructions | native M/s | Hercules M/s | Hercules/native "
           "| VMCP/native | interventions per 1000 |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    notes = []
    for r in rows:
        if not r.instructions:
            out.append(f"| {r.kind} | — | — | — | — | — | — |")
            notes.append(f"{r.kind}: {r.why}")
            continue
        if r.hercules_ips is None:
            herc = ratio = "—"
            if r.hercules_why:
                notes.append(f"{r.kind}, Hercules: {r.hercules_why}")
        else:
            herc = f"{r.hercules_ips / 1e6:.1f}"
            ratio = f"{r.hercules_ips / r.native_ips:.0f}x"
        vmcp = f"{r.vmcp / r.native:.2f}" if r.vmcp is not None else "—"
        per_1000 = f"{1000 * r.interventions / r.instructions:.1f}" if r.vmcp is not None \
            else "—"
        if r.vmcp is None and r.why:
            notes.append(f"{r.kind}, VMCP: {r.why}")
        out.append(f"| {r.kind} | {r.instructions} | {r.native_ips / 1e6:.2f} | {herc} "
                   f"| {ratio} | {vmcp} | {per_1000} |")
    if notes:
        out.append("")
        out.extend(f"- {n}" for n in dict.fromkeys(notes))
    return out


def run_bench_table(steps: int, hercules: bool = False,
                    out: Callable[[str], None] = print) -> list[Row]:
    rows = table_rows(steps, hercules)
    for line in format_table(rows):
        out(line)
    out("")
    for line in format_chapters(chapter_rows(steps)):
        out(line)
    return rows


# ---------------------------------------------------------------------------
# The three chapters: trap-and-simulate, the assist, interpretive execution
# ---------------------------------------------------------------------------
@contextmanager
def _execution(mode: str) -> Iterator[None]:
    """VMCPs made inside run their guests in ``mode`` (their default execution,
    ``reference.vm.vmcp.default_execution``: the environment's S370_EXECUTION)."""
    before = os.environ.get("S370_EXECUTION")
    os.environ["S370_EXECUTION"] = mode
    try:
        yield
    finally:
        if before is None:
            del os.environ["S370_EXECUTION"]
        else:
            os.environ["S370_EXECUTION"] = before


@dataclass
class Chapter:
    """One guest kind in each execution mode of the VMCP: its instructions, the
    best native seconds of all the runs, and per mode the VMCP's seconds and the
    VM's interventions (``vmcp`` empty: not measured, ``why``)."""

    kind: str
    instructions: int
    native: float
    vmcp: dict[str, float]
    interventions: dict[str, int]
    why: str = ""


class _NotMeasured(Exception):
    """A guest kind that cannot be measured here, and why."""


def _chapter(kind: str, measure: Callable[[], tuple[float, float | None, int, Any]]
             ) -> Chapter:
    """``measure()`` (native seconds, VMCP seconds or None, instructions, the VM;
    ``_NotMeasured``: why not) in each execution mode in turn."""
    row = Chapter(kind, 0, float("inf"), {}, {})
    for mode in EXECUTIONS:
        with _execution(mode):
            try:
                t_n, t_v, instructions, vm = measure()
            except _NotMeasured as e:
                return Chapter(kind, 0, 0.0, {}, {}, why=str(e))
        row.native = min(row.native, t_n)
        row.instructions = instructions
        if t_v is not None and vm is not None:
            row.vmcp[mode] = t_v
            row.interventions[mode] = sum(vm.interventions.values())
    return row


def chapter_rows(steps: int) -> list[Chapter]:
    """Every guest kind natively and under the VMCP in its three execution modes,
    measured side by side in one run."""
    rows = []
    for loop in (INTEGER_LOOP, STORAGE_LOOP, DECIMAL_LOOP, BRANCHY_LOOP, PRIVILEGED_LOOP,
                 FLOATING_POINT_LOOP):
        image = loop.image(loop.iterations(steps))

        def measure_loop(image: bytes = image) -> tuple[float, float | None, int, Any]:
            t_n, t_v, native, vm = _native_and_vmcp(image, 10 * steps + 100)
            return t_n, t_v, native.steps, vm
        name = "register loop" if loop is INTEGER_LOOP else loop.name + " loop"
        rows.append(_chapter(name, measure_loop))
    minios = _minios_image()
    if minios is not None:
        def measure_minios() -> tuple[float, float | None, int, Any]:
            t_n, t_v, native, vm = _native_and_vmcp(minios, 10 ** 7, repeats=10,
                                                    storage=256 * 1024)
            return t_n, t_v, native.steps, vm
        rows.append(_chapter("DAT-heavy (minios)", measure_minios))

    def measure_io() -> tuple[float, float | None, int, Any]:
        t_n, t_v, native, vm = io_side_by_side(max(50, steps // 2000))
        return t_n, t_v, native.steps, vm
    rows.append(_chapter("I/O-heavy (cards to printer)", measure_io))

    def measure_disk() -> tuple[float, float | None, int, Any]:
        disk = disk_bench()
        return disk.native, disk.vmcp, disk.machine.steps, disk.vm
    rows.append(_chapter("CKD disk (3350 cylinder reads)", measure_disk))
    def measure_sos() -> tuple[float, float | None, int, Any]:
        result = sos_bench()
        if isinstance(result, str):
            raise _NotMeasured(result)
        t_n, t_v, vm = result
        return t_n, t_v, vm.steps, vm
    rows.append(_chapter("SOS (an operating system)", measure_sos))
    return rows


def format_chapters(rows: list[Chapter]) -> list[str]:
    """The three chapters as text lines (Markdown): per mode the VMCP/native
    ratio and the interventions per 1000 guest instructions."""
    impl = platform.python_implementation()
    head = " | ".join(f"{mode} VMCP/native | {mode} per 1000" for mode in EXECUTIONS)
    out = [f"VMCP execution modes ({impl} {platform.python_version()}): trap-and-simulate "
           f"(trap), with the assist (assist), interpretive execution (sie)",
           "",
           f"| guest kind | instructions | native M/s | {head} |",
           "| --- | ---: | ---: |" + " ---: | ---: |" * len(EXECUTIONS)]
    notes = []
    for r in rows:
        if not r.instructions:
            out.append(f"| {r.kind} | — | — |" + " — | — |" * len(EXECUTIONS))
            notes.append(f"{r.kind}: {r.why}")
            continue
        cells = []
        for mode in EXECUTIONS:
            if mode in r.vmcp:
                cells.append(f"{r.vmcp[mode] / r.native:.2f} | "
                             f"{1000 * r.interventions[mode] / r.instructions:.1f}")
            else:
                cells.append("— | —")
        out.append(f"| {r.kind} | {r.instructions} | {r.instructions / r.native / 1e6:.2f} | "
                   + " | ".join(cells) + " |")
    if notes:
        out.append("")
        out.extend(f"- {n}" for n in notes)
    return out


# ---------------------------------------------------------------------------
# Nesting levels: one guest under 0, 1, 2 and 3 hypervisors
# ---------------------------------------------------------------------------
@dataclass
class Nesting:
    """One guest run under a stack of hypervisors: its ``levels`` (1: alone on
    the machine), the stack named from the outside in, the best seconds of the
    whole run and of the same run with the guest's *null twin* (its deck with a
    disabled-wait restart PSW: the stack's start, reading and loading the deck
    included), and the stack one level lower it is compared with (None: the
    guest alone)."""

    guest: str
    levels: int
    stack: str
    instructions: int
    seconds: float
    start: float
    below: str | None

    @property
    def guest_seconds(self) -> float:
        """The guest's own run under the stack: the whole run less its start."""
        return max(self.seconds - self.start, 1e-9)


NESTING_MAX_STEPS = 200_000_000
WAIT_PSW = bytes.fromhex("000A000000000000")


def _nesting_guest(kind: str, steps: int) -> minivm.Guest:
    """The guest of the nesting bench: the register loop of about ``steps``
    instructions, or minios."""
    if kind == "minios":
        return minivm.minios()
    iterations = INTEGER_LOOP.iterations(steps)
    return minivm.guest_from_source("LOOP", INTEGER_LOOP.source.format(count=iterations),
                                    64 * 1024)


def null_twin(guest: minivm.Guest) -> minivm.Guest:
    """``guest`` with a disabled-wait PSW at its location 0 (in its image and in
    the TXT card of its object deck that loads location 0): the same deck, the same
    start under every stack, and no instruction of its own."""
    deck = bytearray(guest.objdeck)
    for at in range(0, len(deck), 80):
        c = deck[at:at + 80]
        if c[1:4] == "TXT".encode("cp037") and c[5:8] == bytes(3) and c[11] >= 8:
            deck[at + 16:at + 24] = WAIT_PSW
            break
    else:
        raise ValueError(f"{guest.name}: no TXT card loads location 0")
    return dataclasses.replace(guest, objdeck=bytes(deck),
                               image=WAIT_PSW + guest.image[8:])


def nesting_rows(steps: int, repeats: int = 2,
                 kinds: tuple[str, ...] = ("register loop", "minios")) -> list[Nesting]:
    """Each guest kind alone, under minivm (examples/minivm.asm) and under minivm
    under minivm, natively and as a VM of the VMCP in each execution mode: each
    stack with the guest and with its null twin, the runs interleaved round by
    round and the best of ``repeats`` kept.  Every run ends the guest as alone
    (tests/test_minivm.py checks it)."""
    rows: list[Nesting] = []
    image = minivm.minivm_image()
    for kind in kinds:
        guest = _nesting_guest(kind, steps)
        twin = null_twin(guest)
        alone = start_machine(guest.image, guest.storage)
        alone.run(NESTING_MAX_STEPS)
        n = alone.steps
        inner_storage = max(1 << 20, 2 * guest.storage + (256 << 10))

        def native(g: minivm.Guest) -> None:
            start_machine(g.image, g.storage).run(NESTING_MAX_STEPS)

        def vmcp(g: minivm.Guest, mode: str) -> None:
            start_vm(g.image, g.storage, NESTING_MAX_STEPS, execution=mode)

        def under(g: minivm.Guest, depth: int, mode: str = "native",
                  execution: str | None = None, inner: int = inner_storage) -> None:
            stack = [g] if depth == 1 else [minivm.minivm_guest("MINIVM2", [g], inner)]
            minivm.run_configured(image, 2 * inner, minivm.deck(stack),
                                  NESTING_MAX_STEPS, mode=mode, execution=execution)

        stacks: list[tuple[int, str, str | None, Callable[[minivm.Guest], None]]] = [
            (1, "alone", None, native),
            (2, "minivm", "alone", partial(under, depth=1)),
            (3, "minivm, minivm", "minivm", partial(under, depth=2))]
        for mode in EXECUTIONS:
            name = f"VMCP ({mode})"
            stacks += [(2, name, "alone", partial(vmcp, mode=mode)),
                       (3, f"{name}, minivm", name,
                        partial(under, depth=1, mode="vmcp", execution=mode)),
                       (4, f"{name}, minivm, minivm", f"{name}, minivm",
                        partial(under, depth=2, mode="vmcp", execution=mode))]
        best = [[float("inf"), float("inf")] for _ in stacks]
        for _ in range(repeats):
            for i, (_, _, _, run) in enumerate(stacks):
                best[i][0] = min(best[i][0], _time(partial(run, guest)))
                best[i][1] = min(best[i][1], _time(partial(run, twin)))
        rows += [Nesting(kind, levels, name, n, whole, start, below)
                 for (levels, name, below, _), (whole, start) in zip(stacks, best)]
    return rows


def format_nesting(rows: list[Nesting]) -> list[str]:
    """The nesting levels as text lines (Markdown): the whole run and its start
    (the null twin), the guest's own instructions per second, and its own time
    against the guest alone and against the stack one level lower."""
    impl = platform.python_implementation()
    out = [f"Nesting levels ({impl} {platform.python_version()}): the guest alone (1), "
           f"under minivm or the VMCP (2), and deeper; stacks named from the outside in; "
           f"the guest's own time is the whole run's less the start's (its null twin's)",
           "",
           "| guest | levels | stack | whole run s | start s | guest M/s | × alone | "
           "× one level lower |",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    by_name = {(r.guest, r.stack): r for r in rows}
    for r in rows:
        alone = by_name[(r.guest, "alone")]
        below = by_name.get((r.guest, r.below)) if r.below else None
        step = f"{r.guest_seconds / below.guest_seconds:.2f}" if below else "—"
        out.append(f"| {r.guest} | {r.levels} | {r.stack} | {r.seconds:.3f} | "
                   f"{r.start:.3f} | {r.instructions / r.guest_seconds / 1e6:.3f} | "
                   f"{r.guest_seconds / alone.guest_seconds:.2f} | {step} |")
    return out
