"""``s370 bench --growth`` (reference/cli/growth.py): the measurements on tiny
sizes, the tables, the plot and the command line.  No assertion on how long
anything takes: the machines that run the tests are shared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reference.cli import growth
from reference.cli.main import main

K = 1024


def test_dispatch_growth_gives_a_positive_cost_for_each_number_of_vms():
    table = growth.dispatch_growth((1, 3), dispatches=10, native_ips=4e6, repeats=1)
    assert table.column("VMs") == [1, 3]
    assert table.column("dispatches timed") == [10, 10]
    # The VMCP's time: the guests' instructions are taken out at the native rate,
    # which a very fast assumed rate leaves almost whole.
    assert all(cost > 0 for cost in growth.dispatch_growth(
        (2,), dispatches=4, native_ips=1e12, repeats=1).column("us per dispatch"))


def test_dispatch_cost_runs_every_vm_at_least_once_with_many_vms():
    table = growth.dispatch_growth((5,), dispatches=2, native_ips=1e12, repeats=1)
    assert table.column("dispatches timed") == [5]


def test_1024_vms_of_the_dispatch_measurement_fit_in_real_storage():
    assert growth.most_resident_vms(growth.DISPATCH_VM_STORAGE) >= max(growth.GROWTH_VMS)


NEEDS_MEMORY_METHOD = pytest.mark.skipif(
    not growth.memory_method(),
    reason="host memory is not measurable on this interpreter (growth.memory_method)")


@NEEDS_MEMORY_METHOD
def test_a_resident_vm_costs_at_least_its_guest_storage():
    table = growth.memory_growth((64 * K, 128 * K), most=3)
    for size, resident, paged in zip(table.column("guest storage (KiB)"),
                                     table.column("resident (KiB)"),
                                     table.column("paged (KiB)")):
        assert resident >= size
        assert paged is not None and 0 < paged < size
    assert any("tracemalloc" in note or "statm" in note for note in table.notes)


@pytest.mark.parametrize("method", ["tracemalloc", "statm"])
def test_host_bytes_sees_a_bytearray_it_keeps(method):
    if method == "statm" and not Path("/proc/self/statm").exists():
        pytest.skip("no /proc/self/statm")
    if method == "statm" and sys.implementation.name == "pypy":
        pytest.skip("PyPy keeps and reuses freed memory: its resident set shows no new block")
    if method == "tracemalloc" and growth.memory_method() != "tracemalloc":
        pytest.skip("tracemalloc is CPython's")
    # Larger than the C library's largest threshold for mapping a block of its own
    # (32M): fresh pages, whatever memory earlier tests freed.
    assert growth.host_bytes(lambda: bytearray(b"\1" * (40 << 20)), method) >= 32 << 20


def test_memory_is_not_measured_where_no_method_serves_and_the_table_says_so():
    table = growth.memory_growth((64 * K,), most=2, method="")
    assert table.column("resident (KiB)") == [None] and table.column("paged (KiB)") == [None]
    assert any(note.startswith("Not measured") for note in table.notes)


@NEEDS_MEMORY_METHOD
def test_a_resident_vm_that_does_not_fit_twice_is_not_measured_and_the_table_says_why():
    table = growth.memory_growth((16 * 1024 * K,), most=2)
    assert table.column("resident (KiB)") == [None]
    assert table.column("paged (KiB)")[0] > 0
    assert any("not possible" in note for note in table.notes)
    row = growth.format_table(table)[4]
    assert row.split("|")[1:3] == [" 16,384 ".rjust(len(row.split("|")[1])),
                                   " - ".rjust(len(row.split("|")[2]))]


def test_vmcp_real_storage_is_sized_for_exactly_its_vms():
    assert growth.resident_real_storage(1, 64 * K) == 4 * K + 64 * K + 4 * K
    assert growth.resident_real_storage(1, 8 * K) == 64 * K       # the smallest machine
    assert growth.paged_real_storage(2, 16 * 1024 * K, 256 * K) == \
        4 * K + 256 * K + 2 * growth.vm_tables(16 * 1024 * K)
    assert growth.vm_tables(16 * 1024 * K) == 20 * K


def test_startup_growth_times_native_resident_and_paged_starts():
    table = growth.startup_growth((64 * K, 16 * 1024 * K), repeats=1)
    native, resident, paged = (table.column(c) for c in table.columns[1:])
    assert all(t > 0 for t in native + paged)
    assert resident[0] > 0 and resident[1] is None
    assert any("not possible" in note for note in table.notes)


def test_trace_growth_gives_positive_rates_and_the_records_of_each_length():
    table = growth.trace_growth((1000, 3000))
    records = table.column("records")
    assert records[0] >= 1000 and records[1] >= 3000
    for name in ("record (rec/s)", "verify (rec/s)", "diff (rec/s)", "bytes/record"):
        assert all(v > 0 for v in table.column(name))


def test_trace_growth_measures_no_longer_lengths_after_a_slow_one():
    table = growth.trace_growth((1000, 2000, 4000), limit=0.0)
    assert table.rows[0][1] is not None
    assert table.rows[1:] == [(2000, None, None, None, None), (4000, None, None, None, None)]
    assert any("not measured" in note for note in table.notes)


def test_record_lengths_are_decades_up_to_the_maximum():
    assert growth.record_lengths(10 ** 6) == [10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6]
    assert growth.record_lengths(50_000) == [10 ** 3, 10 ** 4]


def test_suite_growth_runs_the_suite_with_each_number_of_workers(monkeypatch, tmp_path):
    (tmp_path / "conformance").mkdir()
    calls = []

    class Done:
        returncode = 0

    def fake_run(command, **kwargs):
        calls.append((command, kwargs["cwd"]))
        return Done()

    monkeypatch.setattr(growth.subprocess, "run", fake_run)
    table = growth.suite_growth((1, 2), root=tmp_path)
    assert [c[0][-5:] for c in calls] == [["-q", "-n", "1", "-p", "no:randomly"],
                                          ["-q", "-n", "2", "-p", "no:randomly"]]
    assert calls[0][0][:4] == [sys.executable, "-m", "pytest", "conformance"]
    assert {c[1] for c in calls} == {tmp_path}
    assert table.column("workers") == [1, 2] and table.column("exit status") == [0, 0]


def test_suite_growth_without_the_suite_says_so(tmp_path):
    table = growth.suite_growth((1,), root=tmp_path)
    assert table.rows == [] and "Not measured" in table.notes[0]


def test_format_table_is_a_markdown_table_with_dashes_for_what_was_not_measured():
    table = growth.Table("t", "Title", ("x", "y"), ("{:,}", "{:.1f}"),
                         rows=[(1000, 2.25), (10_000, None)], notes=["A note."])
    lines = growth.format_table(table)
    assert lines[0] == "Title"
    assert lines[2:] == ["|      x |   y |", "|-------:|----:|", "|  1,000 | 2.2 |",
                         "| 10,000 |   - |", "", "A note."]


def tiny_tables() -> list[growth.Table]:
    return [growth.Table("dispatch", "Dispatch", ("VMs", "us per dispatch"),
                         ("{:,}", "{:.1f}"), rows=[(1, 30.0), (4, 31.0)]),
            growth.Table("memory", "Memory", ("guest storage (KiB)", "resident (KiB)",
                                              "paged (KiB)"), ("{:,}", "{:.1f}", "{:.1f}"),
                         rows=[(64, 72.0, 8.0), (16384, None, 40.0)])]


@pytest.fixture
def tiny_growth(monkeypatch):
    """The growth run with tiny tables: the wiring, not the measurements."""
    seen: dict[str, object] = {}

    def fake_run_growth(max_records, suite, out=print):
        seen.update(max_records=max_records, suite=suite)
        out(f"interpreter: {growth.interpreter()}")
        for table in tiny_tables():
            for line in growth.format_table(table):
                out(line)
        return tiny_tables()

    monkeypatch.setattr(growth, "run_growth", fake_run_growth)
    return seen


def test_bench_growth_prints_the_interpreter_and_the_tables(tiny_growth, capsys):
    assert main(["bench", "--growth"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("interpreter: ")
    assert growth.platform.python_implementation() in out.splitlines()[0]
    assert "| VMs | us per dispatch |" in out
    assert tiny_growth == {"max_records": 10 ** 6, "suite": False}


def test_bench_growth_passes_the_longest_trace_and_the_suite_option(tiny_growth):
    assert main(["bench", "--growth", "--growth-max-records", "10000000",
                 "--growth-suite"]) == 0
    assert tiny_growth == {"max_records": 10 ** 7, "suite": True}


@pytest.mark.parametrize("argv", [["bench", "--plot", "x.png"], ["bench", "--growth-suite"],
                                  ["bench", "--growth-max-records", "10000"],
                                  ["bench", "--growth", "--growth-max-records", "999"]])
def test_growth_options_misused_are_one_line_and_exit_2(argv, tiny_growth, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert tiny_growth == {}


def test_plot_without_matplotlib_is_one_line_naming_it_and_exit_2_before_measuring(
        tiny_growth, monkeypatch, capsys, tmp_path):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)     # import fails
    assert main(["bench", "--growth", "--plot", str(tmp_path / "g.png")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and "matplotlib" in captured.err
    assert tiny_growth == {}
    assert not (tmp_path / "g.png").exists()


def test_plot_draws_the_tables_into_a_png(tiny_growth, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "g.png"
    assert main(["bench", "--growth", "--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plot: {path}" in capsys.readouterr().out


def test_plot_into_a_missing_directory_is_one_line_and_exit_2_before_measuring(
        tiny_growth, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert main(["bench", "--growth", "--plot", str(tmp_path / "no" / "g.png")]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert tiny_growth == {}
