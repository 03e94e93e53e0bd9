"""``s370 bench --growth``: how the costs grow with the size of what is run.

Measured in one run, each as a table (docs/performance.md has the figures and
where each curve bends):

- the VMCP's host time per dispatch against the number of VMs (1 to 1,024), each
  VM an 8K guest looping forever; the guest's own instructions are taken out at
  the native rate measured in the same run, as ``s370 bench --under vmcp`` does;
- host memory per VM against guest storage (64K to 16M), resident (the VM's
  storage a region of the VMCP's real storage) and paged (through a fixed pool of
  real frames and a backing file): the difference between VMCPs holding one and
  several such VMs, each VMCP's real storage sized for exactly its VMs, so that
  what a VM costs includes the real storage it occupies;
- start-up time (a native ``Machine``; a VMCP and one VM, resident and paged)
  against storage size;
- trace recording, ``verify`` and ``diff`` in records per second against the
  length of the trace (10^3 records up to ``max_records``);
- with ``suite=True``: the conformance suite's wall time with 1 and 2 xdist
  workers, each a ``python -m pytest`` subprocess.

Memory is measured with ``tracemalloc`` where the interpreter has it (CPython): it
counts the bytes Python allocates, the VMCP's real storage (a ``bytearray``)
included, exactly and independently of the allocator's arenas and of memory
freed earlier but not returned to the system.  Elsewhere (PyPy) it is the
change of the resident set in ``/proc/self/statm`` after a garbage collection,
coarser: whole pages, the collector's own heap growth shows in it, and memory
freed earlier and reused by the allocator does not.

The measurement functions return ``Table`` objects; the printed tables and the
plot (``--plot FILE``, with matplotlib, imported only there) are drawn from them.
"""

from __future__ import annotations

import gc
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from reference.arch.lowcore import MAX_STORAGE, MIN_STORAGE
from reference.cli.bench import bench_image, time_reference
from reference.session import UsageError, real_storage_for, start_machine
from reference.trace import diff_files, verify_file, write_trace
from reference.vm.shadow import SEGMENT
from reference.vm.vmcp import TABLES_AT, VMCP

K = 1024
M = 1024 * K
GROWTH_VMS = (1, 4, 16, 64, 256, 1024)
GROWTH_SIZES = (64 * K, 256 * K, 1 * M, 4 * M, 16 * M)
SUITE_WORKERS = (1, 2)
DEFAULT_MAX_RECORDS = 10 ** 6
POINT_LIMIT_SECONDS = 60.0    # a trace length taking longer: no longer lengths
DISPATCH_VM_STORAGE = 8 * K   # 1,024 VMs of it (and their tables) fit in 16M
DISPATCH_SLICE_US = 200
PAGING_POOL = 256 * K         # real frames shared by the paged VMs
MEMORY_VMS = 8                # VMs of the larger VMCP of a memory measurement (at most)
TRACE_STORAGE = 64 * K
NOT_MEASURED = "-"


@dataclass
class Table:
    """One measured curve: the first column is the variable, the others what was
    measured against it (None: not measured, ``notes`` say why).  ``formats``
    format each column; ``log_x``, ``log_y`` and ``y_label`` are for the plot."""

    key: str
    title: str
    columns: tuple[str, ...]
    formats: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log_x: bool = True
    log_y: bool = True
    y_label: str = ""

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


def format_table(table: Table) -> list[str]:
    """``table`` as lines of a Markdown table, its title and notes around it."""
    cells = [[NOT_MEASURED if v is None else fmt.format(v)
              for v, fmt in zip(row, table.formats)] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(v.rjust(w) for v, w in zip(values, widths)) + " |"

    lines = [table.title, "", line(table.columns),
             "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"]
    lines += [line(r) for r in cells]
    if table.notes:
        lines += [""] + table.notes
    return lines


def size_name(size: int) -> str:
    return f"{size // M}M" if size % M == 0 else f"{size // K}K"


def interpreter() -> str:
    """The interpreter that measures: implementation, version (PyPy's own too),
    platform."""
    pypy = getattr(sys, "pypy_version_info", None)
    own = f" (PyPy {'.'.join(map(str, pypy[:3]))})" if pypy is not None else ""
    return (f"{platform.python_implementation()} {platform.python_version()}{own} "
            f"({sys.executable}) on {platform.machine()} {platform.system()}")


# ---------------------------------------------------------------------------
# Dispatch cost against the number of VMs
# ---------------------------------------------------------------------------
def dispatch_cost(vms: int, dispatches: int, native_ips: float, repeats: int = 3,
                  storage: int = DISPATCH_VM_STORAGE) -> float:
    """Seconds of VMCP work per dispatch with ``vms`` VMs of ``storage`` bytes
    looping forever, best of ``repeats`` runs of ``dispatches`` dispatches on one
    VMCP after every VM was dispatched twice (its loop decoded): the host time of
    the run less the guests' instructions at ``native_ips``."""
    image = bench_image(10 ** 9)
    cp = VMCP(real_storage=MAX_STORAGE, slice_us=DISPATCH_SLICE_US)
    machines = [cp.create_vm(image, storage) for _ in range(vms)]
    cp.run(max_dispatches=2 * vms)
    best = float("inf")
    for _ in range(repeats):
        steps0 = sum(vm.steps for vm in machines)
        t0 = time.perf_counter()
        cp.run(max_dispatches=dispatches)
        elapsed = time.perf_counter() - t0
        guest = (sum(vm.steps for vm in machines) - steps0) / native_ips
        best = min(best, (elapsed - guest) / dispatches)
    cp.close()
    return best


def dispatch_growth(counts: Iterable[int] = GROWTH_VMS, dispatches: int = 2000,
                    native_ips: float | None = None, repeats: int = 5) -> Table:
    """The VMCP's host time per dispatch against the number of VMs; each run is
    at least ``dispatches`` dispatches and at least one of every VM."""
    if native_ips is None:
        # The best of three runs: a JIT (PyPy) compiles the loop in the first, and
        # the rate to take out is the compiled one the VMs run at.
        native_ips = max(executed / elapsed for executed, elapsed in
                         (time_reference(1_000_000) for _ in range(3)))
    table = Table("dispatch", "VMCP host time per dispatch against the number of VMs",
                  ("VMs", "us per dispatch", "dispatches timed"),
                  ("{:,}", "{:.1f}", "{:,}"), log_y=False, y_label="us per dispatch")
    for n in counts:
        count = max(dispatches, n)
        cost = dispatch_cost(n, count, native_ips, repeats)
        table.rows.append((n, cost * 1e6, count))
    table.notes.append(
        f"Each VM: {size_name(DISPATCH_VM_STORAGE)} of storage, the integer loop of "
        f"`s370 bench`, slices of {DISPATCH_SLICE_US} us; guest instructions taken out "
        f"at the native rate of this run ({native_ips / 1e6:.2f} million a second); best "
        f"of {repeats}.")
    return table


# ---------------------------------------------------------------------------
# Host memory per VM against guest storage
# ---------------------------------------------------------------------------
def memory_method() -> str:
    """How host memory is measured here: "tracemalloc" (CPython), "statm"
    (the resident set, /proc/self/statm, on another interpreter that returns
    freed memory), or "" (not measurable).  PyPy has no tracemalloc, and its
    garbage collector keeps freed memory and reuses it, so that the resident
    set does not grow by what a new VM holds: not measurable there."""
    impl = platform.python_implementation()
    if impl == "CPython":
        try:
            import tracemalloc  # noqa: F401
        except ImportError:  # pragma: no cover - CPython always has it
            pass
        else:
            return "tracemalloc"
    if impl == "PyPy":
        return ""
    return "statm" if os.path.exists("/proc/self/statm") else ""


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def host_bytes(build: Callable[[], Any], method: str) -> int:
    """The host memory that what ``build`` returns holds, by ``method``
    (``memory_method``), measured while it is alive."""
    gc.collect()
    if method == "tracemalloc":
        import tracemalloc
        started = not tracemalloc.is_tracing()
        if started:
            tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = build()
            gc.collect()
            used = tracemalloc.get_traced_memory()[0] - before
        finally:
            if started:
                tracemalloc.stop()
    else:
        before = _resident_bytes()
        kept = build()
        gc.collect()
        used = _resident_bytes() - before
    del kept
    return used


def vm_tables(storage: int) -> int:
    """Real storage the VMCP's segment and page tables of one VM take."""
    segments = (storage + SEGMENT - 1) // SEGMENT
    return (1024 + segments * 64 + 0xFFF) & ~0xFFF


def _real_size(needed: int) -> int:
    return max(MIN_STORAGE, (needed + 0x7FF) & ~0x7FF)


def resident_real_storage(vms: int, storage: int) -> int:
    """Real storage for a VMCP holding exactly ``vms`` resident VMs of ``storage``."""
    return _real_size(TABLES_AT + vms * (storage + vm_tables(storage)))


def paged_real_storage(vms: int, storage: int, pool: int = PAGING_POOL) -> int:
    """Real storage for a VMCP with a pool of ``pool`` bytes of frames and
    exactly ``vms`` paged VMs of ``storage``."""
    return _real_size(TABLES_AT + pool + vms * vm_tables(storage))


def _vmcp_with(vms: int, storage: int, paged: bool, pool: int) -> VMCP:
    image = bench_image(1)
    if paged:
        cp = VMCP(real_storage=paged_real_storage(vms, storage, pool), paging=pool)
    else:
        cp = VMCP(real_storage=resident_real_storage(vms, storage))
    for _ in range(vms):
        cp.create_vm(image, storage, paged=paged)
    return cp


def most_resident_vms(storage: int) -> int:
    """How many resident VMs of ``storage`` the largest real storage holds."""
    return (MAX_STORAGE - TABLES_AT) // (storage + vm_tables(storage))


def memory_per_vm(storage: int, paged: bool, method: str, pool: int = PAGING_POOL,
                  most: int = MEMORY_VMS) -> float | None:
    """Host bytes one more VM of ``storage`` costs: (memory of a VMCP with n VMs
    less that of a VMCP with one) / (n - 1), each VMCP's real storage sized for
    its VMs, n up to ``most``.  None when two resident VMs of that size do not
    fit in real storage."""
    n = most if paged else min(most, most_resident_vms(storage))
    if n < 2:
        return None
    closing: list[VMCP] = []

    def build(vms: int) -> Callable[[], Any]:
        def make() -> VMCP:
            cp = _vmcp_with(vms, storage, paged, pool)
            closing.append(cp)
            return cp
        return make

    try:
        build(1)()       # what the first VMCP of a run allocates once is not a VM's
        one = host_bytes(build(1), method)
        many = host_bytes(build(n), method)
    finally:
        for cp in closing:
            cp.close()
    return (many - one) / (n - 1)


def memory_growth(sizes: Iterable[int] = GROWTH_SIZES, pool: int = PAGING_POOL,
                  most: int = MEMORY_VMS, method: str | None = None) -> Table:
    """Host memory per VM, resident and paged, against guest storage."""
    method = memory_method() if method is None else method
    table = Table("memory", "Host memory per VM against guest storage",
                  ("guest storage (KiB)", "resident (KiB)", "resident / storage",
                   "paged (KiB)", "paged / storage"),
                  ("{:,}", "{:,.1f}", "{:.3f}", "{:,.1f}", "{:.4f}"),
                  y_label="host KiB per VM")
    if not method:
        table.notes.append("Not measured: no tracemalloc here, and the resident set does "
                           "not show what a VM holds (PyPy keeps and reuses freed memory; "
                           "or no /proc/self/statm).")
    for size in sizes:
        resident = paged = None
        if method:
            resident = memory_per_vm(size, False, method, pool, most)
            paged = memory_per_vm(size, True, method, pool, most)
        table.rows.append((size // K,
                           None if resident is None else resident / K,
                           None if resident is None else resident / size,
                           None if paged is None else paged / K,
                           None if paged is None else paged / size))
    how = {"tracemalloc": "tracemalloc (bytes Python allocated, current, after a "
                          "collection)",
           "statm": "the resident set of /proc/self/statm (whole pages, after a "
                    "collection)"}.get(method, "")
    if how:
        table.notes.append(
            f"Measured with {how}: (VMCP with n VMs - VMCP with one) / (n - 1), n up to "
            f"{most}, each VMCP's real storage sized for exactly its VMs (so a resident "
            f"VM's figure includes its storage and tables in real storage); paged VMs "
            f"share a pool of {size_name(pool)} of frames and are measured as created "
            f"(pages untouched since are in neither frames nor the backing file).")
    if any(row[1] is None for row in table.rows):
        table.notes.append("Resident: not possible where two VMs of that size do not fit "
                           "in the VMCP's real storage (16M at most, its own low storage "
                           "and tables included).")
    return table


# ---------------------------------------------------------------------------
# Start-up time against storage size
# ---------------------------------------------------------------------------
def _best_of(repeats: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        kept = fn()
        best = min(best, time.perf_counter() - t0)
        if isinstance(kept, VMCP):
            kept.close()
        del kept
    return best


def startup_growth(sizes: Iterable[int] = GROWTH_SIZES, repeats: int = 5,
                   pool: int = PAGING_POOL) -> Table:
    """Seconds to start a native machine, and a VMCP with one VM (resident, and
    paged), against storage size; best of ``repeats``."""
    image = bench_image(1)
    table = Table("startup", "Start-up time against storage size",
                  ("storage (KiB)", "native Machine (ms)", "VMCP + resident VM (ms)",
                   "VMCP + paged VM (ms)"),
                  ("{:,}", "{:.2f}", "{:.2f}", "{:.2f}"), y_label="ms")
    for size in sizes:
        native = _best_of(repeats, partial(start_machine, image, size))
        resident: float | None = None
        if real_storage_for(size) <= MAX_STORAGE:
            resident = _best_of(repeats, partial(_start_vmcp, image, size, False, pool))
        paged = _best_of(repeats, partial(_start_vmcp, image, size, True, pool))
        table.rows.append((size // K, native * 1e3,
                           None if resident is None else resident * 1e3, paged * 1e3))
    table.notes.append(
        f"Native: `start_machine` (clear reset, image, restart). Resident: a VMCP with "
        f"the real storage of `s370 run --under vmcp` and the VM; paged: a VMCP with a "
        f"{size_name(pool)} frame pool and the VM. Best of {repeats}.")
    if any(row[2] is None for row in table.rows):
        table.notes.append("Resident: not possible where the guest, the VMCP's low storage "
                           "and tables exceed the 16M of real storage.")
    return table


def _start_vmcp(image: bytes, size: int, paged: bool, pool: int) -> VMCP:
    if paged:
        cp = VMCP(real_storage=paged_real_storage(1, size, pool), paging=pool)
    else:
        cp = VMCP(real_storage=real_storage_for(size))
    cp.create_vm(image, size, paged=paged)
    return cp


# ---------------------------------------------------------------------------
# Trace record, verify and diff rates against trace length
# ---------------------------------------------------------------------------
def record_lengths(max_records: int) -> list[int]:
    """10^3, 10^4, ... up to ``max_records``."""
    lengths, n = [], 1000
    while n <= max_records:
        lengths.append(n)
        n *= 10
    return lengths


def trace_point(records: int, work: Path, repeats: int = 1) -> dict[str, float]:
    """One trace of about ``records`` records of the integer loop (``.jsonl``):
    records per second of recording, of ``verify``, and of ``diff`` against a
    copy; its records, bytes per record, and the longest single time (seconds).
    Best of ``repeats``."""
    image = bench_image(max(1, records // 7))
    path, copy = work / "a.jsonl", work / "b.jsonl"
    times: dict[str, float] = {}
    count = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        footer = write_trace(path, image, TRACE_STORAGE, "native", 10 * records + 100)
        t1 = time.perf_counter()
        shutil.copyfile(path, copy)
        t2 = time.perf_counter()
        verified = verify_file(path)
        t3 = time.perf_counter()
        compared = diff_files(path, copy)
        t4 = time.perf_counter()
        if verified.divergence is not None or compared.divergence is not None:
            raise RuntimeError("the growth trace does not verify against itself")
        count = compared.records
        for key, seconds in (("record", t1 - t0), ("verify", t3 - t2), ("diff", t4 - t3)):
            times[key] = min(times.get(key, float("inf")), seconds)
        assert footer["n"] > 0
    size = path.stat().st_size
    path.unlink()
    copy.unlink()
    return {"records": count, "bytes": size / max(1, count),
            "longest": max(times.values()),
            **{key: count / max(seconds, 1e-9) for key, seconds in times.items()}}


def trace_growth(lengths: Iterable[int] = (), max_records: int = DEFAULT_MAX_RECORDS,
                 limit: float = POINT_LIMIT_SECONDS,
                 out: Callable[[str], None] | None = None) -> Table:
    """Records per second of recording, verify and diff against trace length.
    After a length one of whose steps took longer than ``limit`` seconds, the
    longer lengths are not measured (and nothing is extrapolated)."""
    lengths = list(lengths) or record_lengths(max_records)
    table = Table("trace", "Trace recording, verify and diff rates against trace length",
                  ("records", "record (rec/s)", "verify (rec/s)", "diff (rec/s)",
                   "bytes/record"),
                  ("{:,}", "{:,.0f}", "{:,.0f}", "{:,.0f}", "{:.1f}"),
                  log_y=False, y_label="records per second")
    stopped: int | None = None
    with tempfile.TemporaryDirectory(prefix="s370-growth-") as d:
        for n in lengths:
            if stopped is not None:
                table.rows.append((n, None, None, None, None))
                continue
            point = trace_point(n, Path(d), repeats=3 if n <= 100_000 else 1)
            table.rows.append((point["records"], point["record"], point["verify"],
                               point["diff"], point["bytes"]))
            if out is not None:
                out(f"  trace of {point['records']:,} records measured")
            if point["longest"] > limit:
                stopped = n
    table.notes.append("The integer loop of `s370 bench` recorded natively to an "
                       "uncompressed `.jsonl` trace; `diff` against a copy of it. Best of 3 "
                       "up to 10^5 records, one run beyond.")
    if stopped is not None:
        table.notes.append(f"Longer traces not measured: a step at {stopped:,} records took "
                           f"more than {limit:.0f} s.")
    return table


# ---------------------------------------------------------------------------
# The conformance suite's wall time against xdist workers
# ---------------------------------------------------------------------------
def suite_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "pytest", "conformance", "-q", "-n", str(workers),
            "-p", "no:randomly"]


def suite_growth(workers: Iterable[int] = SUITE_WORKERS,
                 root: Path | None = None) -> Table:
    """Wall time of the conformance suite (a subprocess in ``root``, the checkout)
    with each number of xdist workers."""
    root = Path(__file__).resolve().parents[2] if root is None else root
    table = Table("suite", "Conformance suite wall time against xdist workers",
                  ("workers", "wall time (s)", "exit status"),
                  ("{:d}", "{:.1f}", "{:d}"), log_x=False, log_y=False, y_label="s")
    if not (root / "conformance").is_dir():
        table.notes.append(f"Not measured: no conformance suite in {root}.")
        return table
    for n in workers:
        t0 = time.perf_counter()
        done = subprocess.run(suite_command(n), cwd=root, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
        table.rows.append((n, time.perf_counter() - t0, done.returncode))
    table.notes.append("`python -m pytest conformance -q -n N -p no:randomly`, one run each.")
    return table


# ---------------------------------------------------------------------------
# The run, and the plot
# ---------------------------------------------------------------------------
def pyplot() -> Any:
    """matplotlib's pyplot with a file-only backend; UsageError (one line naming
    the missing module) without it."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        name = e.name or "matplotlib"
        raise UsageError(f"--plot: the module {name} is not installed "
                         f"(the optional extra plot: pip install matplotlib)") from None
    return plt


def plot_tables(tables: Sequence[Table], path: str | Path, plt: Any) -> None:
    """Every table with rows, one panel each, into the PNG ``path``."""
    shown = [t for t in tables if t.rows]
    columns = 2
    rows = max(1, (len(shown) + columns - 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6 * columns, 4.2 * rows), squeeze=False)
    for ax, table in zip([a for row in axes for a in row], shown):
        x = table.column(table.columns[0])
        for name in _plotted(table):
            points = [(a, b) for a, b in zip(x, table.column(name)) if b is not None]
            if points:
                ax.plot([a for a, _ in points], [b for _, b in points], marker="o",
                        label=name)
        ax.set_xscale("log" if table.log_x else "linear")
        ax.set_yscale("log" if table.log_y else "linear")
        if not table.log_y:
            ax.set_ylim(bottom=0)
        ax.set_xlabel(table.columns[0])
        ax.set_ylabel(table.y_label)
        ax.set_title(table.title, fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    for ax in [a for row in axes for a in row][len(shown):]:
        ax.axis("off")
    fig.suptitle(f"s370 bench --growth, {platform.python_implementation()} "
                 f"{platform.python_version()}", fontsize=10)
    fig.tight_layout()
    fig.savefig(str(path), dpi=100)
    plt.close(fig)


def _plotted(table: Table) -> list[str]:
    """The columns a table's panel draws."""
    if table.key == "memory":
        return ["resident (KiB)", "paged (KiB)"]
    if table.key == "trace":
        return ["record (rec/s)", "verify (rec/s)", "diff (rec/s)"]
    if table.key == "suite":
        return ["wall time (s)"]
    if table.key == "dispatch":
        return ["us per dispatch"]
    return list(table.columns[1:])


def run_growth(max_records: int = DEFAULT_MAX_RECORDS, suite: bool = False,
               out: Callable[[str], None] = print) -> list[Table]:
    """Every growth measurement, each table printed when it is measured."""
    out(f"interpreter: {interpreter()}")
    tables: list[Table] = []
    steps: list[Callable[[], Table]] = [
        dispatch_growth, memory_growth, startup_growth,
        lambda: trace_growth(max_records=max_records, out=out)]
    if suite:
        steps.append(suite_growth)
    for step in steps:
        t0 = time.perf_counter()
        table = step()
        tables.append(table)
        out("")
        for line in format_table(table):
            out(line)
        out(f"({time.perf_counter() - t0:.1f} s to measure)")
    return tables


def add_growth_arguments(parser: Any) -> None:
    """The options of ``s370 bench --growth``."""
    parser.add_argument("--growth", action="store_true",
                        help="measure how the costs grow: dispatch against VMs, memory "
                             "and start-up against storage, trace rates against length")
    parser.add_argument("--plot", metavar="FILE",
                        help="with --growth: draw the curves into a PNG (needs matplotlib)")
    parser.add_argument("--growth-max-records", type=int, default=DEFAULT_MAX_RECORDS,
                        metavar="N", help="with --growth: the longest trace measured "
                                          "(default 10^6; 10^7 adds about half a minute "
                                          "and needs 1.5G of scratch disk)")
    parser.add_argument("--growth-suite", action="store_true",
                        help="with --growth: also time the conformance suite with 1 and "
                             "2 xdist workers (minutes)")


def cmd_growth(args: Any) -> int:
    """``s370 bench --growth``: the plot's module is checked before anything runs."""
    if args.growth_max_records < 1000:
        raise UsageError(f"--growth-max-records {args.growth_max_records}: at least 1000")
    plt = pyplot() if args.plot else None
    if args.plot and not Path(args.plot).resolve().parent.is_dir():
        raise UsageError(f"--plot {args.plot}: no such directory")
    tables = run_growth(args.growth_max_records, args.growth_suite)
    if plt is not None:
        try:
            plot_tables(tables, args.plot, plt)
        except OSError as e:
            raise UsageError(f"--plot {args.plot}: {e.strerror or e}") from None
        print(f"plot: {args.plot}")
    return 0


def growth_options_alone(args: Any) -> None:
    """The growth options other than --growth mean nothing without it."""
    if not args.growth and (args.plot or args.growth_suite
                            or args.growth_max_records != DEFAULT_MAX_RECORDS):
        raise UsageError("--plot, --growth-max-records and --growth-suite go with --growth")
