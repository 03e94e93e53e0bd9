"""The benchmark programs run to their stop and agree natively and under the VMCP.

Speed is never asserted here (the machines are shared and noisy): these tests
check that the benchmarks measure what they claim to measure.
"""

from __future__ import annotations

import pytest

from conformance import hercules as H
from conformance import minivm
from reference.asm.assembler import assemble
from reference.cli import bench
from reference.cli.main import main
from reference.io import dasd
from reference.io.config import load_configuration
from reference.session import start_machine


def test_compute_loop_executes_seven_instructions_an_iteration():
    executed, elapsed = bench.time_reference(7 * 100 + bench.SETUP_INSTRUCTIONS)
    # 100 iterations of 7 instructions, 4 set-up instructions and the final LPSW
    assert executed == 100 * 7 + bench.SETUP_INSTRUCTIONS
    assert elapsed > 0


def test_privileged_loop_is_identical_natively_and_under_the_vmcp(monkeypatch):
    monkeypatch.setenv("S370_EXECUTION", "assist")    # the simulations counted
    image = assemble(bench.PRIVILEGED_SOURCE.format(count=20), "<bench>").image
    t_native, t_vmcp, native, vm = bench._native_and_vmcp(image, 10_000, repeats=1)
    # 2 set-up instructions, 20 iterations of 8, the final LPSW
    assert native.steps == vm.steps == 2 + 20 * bench.PRIVILEGED_PER_ITERATION + 1
    # SSM, ISK, SSK, STPT and LPSW trap in every iteration, plus the final LPSW
    simulated = sum(n for cause, n in vm.interventions.items() if cause.startswith("simulate"))
    assert simulated == 20 * 5 + 1


def test_dispatch_cost_runs_the_requested_dispatches():
    cost, dispatches = bench._dispatch_cost(4, 20, native_ips=1e6)
    assert dispatches == 20


def test_bench_command_prints_instructions_per_second(capsys):
    assert main(["bench", "--steps", "2000"]) == 0
    assert "million instructions per second" in capsys.readouterr().out


def test_io_bench_copies_the_deck_and_counts_three_interventions_per_io():
    # (e): a deck of 10 cards is 10 reads and 10 prints and the read that finds
    # the end of the deck: 21 START I/Os.  Each I/O operation costs the VMCP three
    # interventions: the simulated SIO, the simulated LPSW of the wait PSW, and the
    # wait itself (a timer ending a slice may add a few).  io_bench raises if the
    # VMCP's state or printer output differed from the native run's.
    ratio, per_io, operations = bench.io_bench(10, repeats=1)
    assert operations == 21
    assert 3.0 <= per_io < 3.5
    assert ratio > 0


def test_hostile_bench_times_the_innocent_loop_next_to_each_hostile_kind():
    # (f): every hostile guest of examples/hostile/ under both policies; each time
    # is the innocent loop's, which runs to its end in every case.
    slowdowns = bench.hostile_bench(repeats=1, loops=2_000)
    assert set(slowdowns) == {f"{kind} {policy}" for kind in bench.HOSTILE_KINDS
                              for policy in ("round-robin", "share")}
    assert all(ratio > 0 for ratio in slowdowns.values())


# ---------------------------------------------------------------------------
# The floating-point loop
# ---------------------------------------------------------------------------
# The dot product of X = (1, 2, ..., 8) and Y = (8, 7, ..., 1):
# 1x8 + 2x7 + 3x6 + 4x5 + 5x4 + 6x3 + 7x2 + 8x1 = 8 + 14 + 18 + 20 + 20 + 18 + 14 + 8
# = 120 = X'78' = 0.78 (hex) x 16**2: characteristic 64 + 2 = X'42', fraction
# X'78000000000000' -> X'4278000000000000'.  Every product and partial sum is a small
# integer, exact in hexadecimal floating point, so truncation never shows.
DOT_PRODUCT = 0x4278000000000000


def test_floating_point_loop_computes_the_dot_product_and_counts_its_instructions():
    image = bench.fp_bench_image(3)
    result_at = assemble(bench.FP_BENCH_SOURCE.format(count=3), "<fp>").symbols["RESULT"]
    m = start_machine(image, 1 << 20)
    assert m.run(10_000) == "disabled-wait"
    assert m.fpr[0] == DOT_PRODUCT
    assert m.mem[result_at:result_at + 8] == DOT_PRODUCT.to_bytes(8, "big")
    # 3 set-up instructions, 3 iterations of SDR, SR, 8 x (LD, MD, ADR, BXLE) and
    # BCT (2 + 32 + 1 = 35), then STD and LPSW
    assert bench.FP_INSTRUCTIONS_PER_ITERATION == 35
    assert m.steps == 3 + 3 * 35 + 2


def test_floating_point_loop_operands_are_the_two_vectors():
    # D'1' = 0.1 x 16**1: X'4110000000000000'; D'8' = 0.8 x 16: X'4180000000000000';
    # X at its label, Y eight doublewords later.
    assembly = assemble(bench.FP_BENCH_SOURCE.format(count=1), "<fp>")
    x, y = assembly.symbols["X"], assembly.symbols["Y"]
    words = [int.from_bytes(assembly.image[a:a + 8], "big") for a in range(x, x + 128, 8)]
    assert y == x + 64
    assert words[:8] == [(0x41 << 56) | (v << 52) for v in (1, 2, 3, 4, 5, 6, 7, 8)]
    assert words[8:] == [(0x41 << 56) | (v << 52) for v in (8, 7, 6, 5, 4, 3, 2, 1)]


def test_time_reference_runs_the_floating_point_loop():
    executed, elapsed = bench.time_reference(35 * 100 + bench.FP_SETUP_INSTRUCTIONS,
                                             bench.FLOATING_POINT_LOOP)
    assert executed == 100 * 35 + bench.FP_SETUP_INSTRUCTIONS
    assert elapsed > 0


def test_bench_command_prints_the_floating_point_figures_and_the_ratio(capsys):
    assert main(["bench", "--steps", "2000"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("reference: ") and "million instructions per second" in out[0]
    assert out[1].startswith("reference floating point: ")
    assert "million instructions per second" in out[1]
    assert out[2].startswith("reference floating point/integer = ")


def test_run_bench_reports_hercules_floating_point_figures_beside_the_reference(monkeypatch):
    # Hercules replaced by fixed times: 2 s for any integer run, 4 s for any
    # floating-point run.  The report gives both loops on both machines and the
    # floating-point/integer ratio of each (the numbers themselves are not checked).
    def fake(iterations, loop=bench.INTEGER_LOOP):
        return 2.0 if loop is bench.INTEGER_LOOP else 4.0

    monkeypatch.setattr(bench, "time_hercules", fake)
    lines: list[str] = []
    result = bench.run_bench(2000, hercules=True, out=lines.append)
    assert set(result) == {"reference_ips", "reference_fp_ips", "fp_ratio", "hercules_ips",
                           "hercules_fp_ips", "hercules_fp_ratio"}
    prefixes = ["reference: ", "reference floating point: ",
                "reference floating point/integer = ", "hercules:  ",
                "hercules floating point: ", "hercules floating point/integer = "]
    assert len(lines) == len(prefixes)
    assert all(line.startswith(prefix) for line, prefix in zip(lines, prefixes))
    assert "hercules/reference = " in lines[3] and "hercules/reference = " in lines[4]
    # the Hercules rates: instructions of the run over its time
    per = bench.HERCULES_INSTRUCTIONS
    assert result["hercules_ips"] == (per // 7) * 7 / 2.0
    assert result["hercules_fp_ips"] == (per // 35) * 35 / 4.0
    assert result["hercules_fp_ratio"] == result["hercules_fp_ips"] / result["hercules_ips"]


@pytest.mark.hercules
@pytest.mark.skipif(H.hercules_executable() is None, reason="hercules is not installed")
def test_hercules_computes_the_same_dot_product():
    # The image timed on Hercules computes what the reference computes.
    assembly = assemble(bench.FP_BENCH_SOURCE.format(count=3), "<fp>")
    at = assembly.symbols["RESULT"]
    with H.Hercules() as herc:
        result = herc.run(assembly.image, [(at, at + 7)])
    assert result.stopped == "disabled-wait"
    assert result.fpr is not None and result.fpr[0] == DOT_PRODUCT
    assert result.storage[(at, at + 7)] == DOT_PRODUCT.to_bytes(8, "big")


def test_disk_bench_reads_every_record_of_the_cylinder_in_each_pass():
    # (g): two passes over cylinder 1 of a 3350 volume: 30 tracks, one START I/O
    # each (SEEK, then a SEARCH ID EQUAL / TIC loop and READ DATA per record).
    # Every record's data begins with its CCHHR (R6 counts those that do not); at
    # the stop the buffer holds the last track's records as the volume has them.
    result = bench.disk_bench(repeats=1, passes=2)
    m = result.machine
    assert result.stop == "disabled-wait" and m.state().psw & 0xFFFFFF == 0   # DONE, not X'BAD'
    assert (result.tracks, result.records) == (30, 4)
    assert m.gpr[5] == 2 * 30 * 4 and m.gpr[6] == 0
    buffer = bytes(m.mem[bench.DISK_BENCH_BUFFER:bench.DISK_BENCH_BUFFER + 4 * 4000])
    assert buffer == b"".join(bench.disk_bench_data(1, 29, r) for r in range(1, 5))
    # The VMCP side (the volume a CKD minidisk of the guest) ran to the same state,
    # or the VMCP refused the device and says why.
    assert (result.vmcp is not None and result.vmcp > 0) != bool(result.why_no_vmcp)


def test_disk_bench_program_counts_a_record_that_is_not_where_it_should_be(tmp_path):
    # The same program on a volume whose record 3 of head 7 carries another
    # record's CCHHR: it is read (the search finds its count) and counted in R6.
    path = tmp_path / "v.3350"
    bench.make_disk_bench_volume(str(path))
    with dasd.open_image(str(path)) as image:
        records = dasd.parse_track(image.read_track(1, 7))
        bad = records[3]
        records[3] = dasd.Record(bad.cyl, bad.head, bad.record, b"",
                                 bench.disk_bench_data(1, 8, 3))
        image.write_track(1, 7, dasd.build_track(1, 7, records))
    (tmp_path / "c.toml").write_text('[[device]]\naddress = "150"\ntype = "3350"\n'
                                     'file = "v.3350"\nreadonly = true\n')
    image = assemble(bench.disk_bench_source(30, 4), "<disk bench>").image
    m = load_configuration(tmp_path / "c.toml").start(image, 256 * 1024)
    try:
        assert m.run(10 ** 6) == "disabled-wait"
    finally:
        m.channels.close()
    assert m.gpr[5] == 120 and m.gpr[6] == 1


def test_vmcp_bench_prints_the_disk_case_with_its_ratio(monkeypatch, capsys):
    # The (g) line of s370 bench --under vmcp; the other cases cut short.
    real = bench.disk_bench
    monkeypatch.setattr(bench, "disk_bench", lambda: real(repeats=1, passes=1))
    monkeypatch.setattr(bench, "hostile_bench", lambda: {})
    monkeypatch.setattr(bench, "_dispatch_cost", lambda *a: (1e-5, 1))
    monkeypatch.setattr(bench, "_minios_image", lambda: None)
    monkeypatch.setattr(bench, "io_bench", lambda cards: (1.0, 3.0, 1))
    monkeypatch.setattr(bench, "sos_bench", lambda: "not here")
    out = bench.run_vmcp_bench(2000)
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("(g)"))
    assert line.startswith("(g) disk-heavy guest (a 3350 cylinder read sequentially 1 times")
    assert "30 I/O operations, 120 records: native " in line
    assert out["disk_native_seconds"] > 0
    assert ("disk_ratio" in out) == ("ratio" in line)


def test_disk_bench_says_why_when_the_vmcp_refuses_the_disk(monkeypatch):
    def refuse(*args, **kwargs):
        raise bench.VMCPError("cfg.toml:1: device 150: the VMCP does not give a 3350")
    monkeypatch.setattr(bench, "configured_guest", refuse)
    result = bench.disk_bench(repeats=2, passes=1)
    assert result.vmcp is None and result.machine.gpr[5] == 120
    assert result.why_no_vmcp == ("the VMCP refuses the disk: cfg.toml:1: device 150: the "
                                  "VMCP does not give a 3350")


def test_vmcp_bench_says_why_sos_is_not_measured(monkeypatch, capsys):
    monkeypatch.setattr(bench, "disk_bench", lambda: bench.DiskBench(1.0, 1.0, None, "", 1,
                                                                     1, 1))
    monkeypatch.setattr(bench, "hostile_bench", lambda: {})
    monkeypatch.setattr(bench, "_dispatch_cost", lambda *a: (1e-5, 1))
    monkeypatch.setattr(bench, "_minios_image", lambda: None)
    monkeypatch.setattr(bench, "io_bench", lambda cards: (1.0, 3.0, 1))
    monkeypatch.setattr(bench.sos, "SOS_SOURCE", bench.sos.REPO / "no-such-sos.asm")
    out = bench.run_vmcp_bench(2000)
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.startswith("(h) an operating system written by others (SOS): not measured (")
    assert "no-such-sos.asm is not there" in line and "sos_ratio" not in out


@pytest.mark.skipif(not bench.sos.sos_present(), reason="../shared/workloads/sos is absent")
def test_sos_bench_runs_the_jobs_natively_and_under_the_vmcp_alike():
    result = bench.sos_bench(repeats=1)
    assert not isinstance(result, str)
    native, vmcp, vm = result
    assert native > 0 and vmcp > 0
    assert vm.stop_reason == "enabled-wait"
    assert vm.interventions["simulate SIO"] > 0


# ---------------------------------------------------------------------------
# The table (s370 bench --table)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("loop", [bench.STORAGE_LOOP, bench.DECIMAL_LOOP, bench.BRANCHY_LOOP,
                                  bench.PRIVILEGED_LOOP])
def test_table_loops_execute_their_stated_instructions_per_iteration(loop):
    # Two runs differing by ten iterations differ by ten times the instructions
    # the loop claims for one iteration; each ends in its disabled wait.
    counts = []
    for iterations in (5, 15):
        m = bench.start_machine(loop.image(iterations), 1 << 20)
        assert m.run(100_000) == "disabled-wait"
        counts.append(m.steps)
    assert counts[1] - counts[0] == 10 * loop.per_iteration
    assert counts[0] == 5 * loop.per_iteration + loop.setup


def test_format_table_derives_each_column_from_the_measurements():
    rows = [bench.Row("register loop", 1_000_000, 0.5, 0.55, 2_000, hercules_ips=1e8),
            bench.Row("SOS (an operating system)", 0, 0.0, None, 0, hercules_why="absent",
                      why="absent"),
            bench.Row("CKD disk", 10_000, 0.1, None, 0, hercules_why="fixed",
                      why="the VMCP refuses the disk")]
    lines = bench.format_table(rows)
    assert lines[0].split()[0] in ("CPython", "PyPy")
    # 1,000,000 in 0.5 s: 2.00 M/s; Hercules 100 M/s: 50x; VMCP 0.55/0.5 = 1.10;
    # 2,000 interventions in 1,000,000 instructions: 2.0 per 1000.
    assert "| register loop | 1000000 | 2.00 | 100.0 | 50x | 1.10 | 2.0 |" in lines
    assert "| SOS (an operating system) | — | — | — | — | — | — |" in lines
    assert "| CKD disk | 10000 | 0.10 | — | — | — | — |" in lines
    assert "- SOS (an operating system): absent" in lines
    assert "- CKD disk, VMCP: the VMCP refuses the disk" in lines


def test_bench_table_cli_prints_every_guest_kind(monkeypatch, capsys):
    monkeypatch.setattr(bench, "disk_bench", lambda: bench.DiskBench(0.1, None, type(
        "M", (), {"steps": 100})(), "", 1, 1, 1, "not measured here"))
    monkeypatch.setattr(bench, "sos_bench", lambda: "not here")
    monkeypatch.setattr(bench, "io_side_by_side", lambda cards: bench._native_and_vmcp(
        bench.bench_image(10), 1000))
    from reference.cli.main import main
    assert main(["bench", "--table", "--steps", "2000"]) == 0
    out = capsys.readouterr().out
    # ... and the three execution modes of the VMCP, side by side.
    assert "| guest kind | instructions | native M/s | trap VMCP/native | trap per 1000 " \
        "| assist VMCP/native | assist per 1000 | sie VMCP/native | sie per 1000 |" in out
    assert "- SOS (an operating system): not here" in out
    for kind in ("register loop", "storage loop", "decimal loop", "branchy loop",
                 "privileged loop", "floating point loop", "DAT-heavy (minios)",
                 "I/O-heavy (cards to printer)", "CKD disk", "SOS (an operating system)"):
        assert f"| {kind}" in out


# ---------------------------------------------------------------------------
# Nesting levels (s370 bench --nesting)
# ---------------------------------------------------------------------------
def test_the_null_twin_of_a_guest_stops_at_once_alone_and_under_minivm():
    guest = bench._nesting_guest("register loop", 2000)
    twin = bench.null_twin(guest)
    assert len(twin.objdeck) == len(guest.objdeck) and twin.objdeck != guest.objdeck
    m = start_machine(twin.image, twin.storage)
    assert m.run(100) == "disabled-wait" and m.steps == 0
    r = minivm.run_minivm([twin], storage=1 << 20)
    g = r.guest("LOOP")
    assert g.how == "WAIT" and g.sd.instructions == 0
    assert bytes(g.storage[8:len(guest.image)]) == guest.image[8:]


def test_nesting_rows_run_every_stack_to_four_levels_with_the_guest_s_instructions():
    rows = bench.nesting_rows(3000, repeats=1, kinds=("register loop",))
    assert [(r.levels, r.stack) for r in rows][:3] == [
        (1, "alone"), (2, "minivm"), (3, "minivm, minivm")]
    assert {r.stack for r in rows if r.levels == 4} == {
        f"VMCP ({mode}), minivm, minivm" for mode in ("trap", "assist", "sie")}
    assert {r.instructions for r in rows} == {rows[0].instructions}
    assert all(r.seconds > 0 and r.start >= 0 for r in rows)
    lines = bench.format_nesting(rows)
    assert len(lines) == 4 + len(rows)
    assert lines[4].startswith("| register loop | 1 | alone |")
