"""The benchmark programs run to their stop and agree natively and under the VMCP.

Speed is never asserted here (the machines are shared and noisy): these tests
check that the benchmarks measure what they claim to measure.
"""

from __future__ import annotations

from reference.asm.assembler import assemble
from reference.cli import bench
from reference.cli.main import main


def test_compute_loop_executes_seven_instructions_an_iteration():
    executed, elapsed = bench.time_reference(7 * 100 + bench.SETUP_INSTRUCTIONS)
    # 100 iterations of 7 instructions, 4 set-up instructions and the final LPSW
    assert executed == 100 * 7 + bench.SETUP_INSTRUCTIONS
    assert elapsed > 0


def test_privileged_loop_is_identical_natively_and_under_the_vmcp():
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
