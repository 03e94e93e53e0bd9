"""Tests of the architectural coverage of the conformance suite (conformance/coverage.py).

Sections: 1 the data model (merge, exchange form, the PER parts of a code) with
hand-made counts; 2 the recorder with hand-made interruption records (which
instruction a program interruption is charged to); 3 real runs of a small program
natively and under the VMCP, with every count derived from the program by hand;
4 the report (summary targets, JSON, a well-formed self-contained HTML); 5 the
pytest side (the option in a pytest session, the pytest-xdist exchange); 6 watching
does not change what a program does; 7 the channel commands per device type (the
data, the summary and HTML, and the commands of the io/tape and io/ckd programs).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from types import SimpleNamespace

import pytest

from conformance import PROGRAMS, implementations
from conformance.corpus import programs
from conformance.coverage import (
    PROGRAM_CODES,
    TARGET_CODES,
    WORKER_KEY,
    Collector,
    Coverage,
    CoveragePlugin,
    ModeCoverage,
    RowCounts,
    RunRecorder,
    code_parts,
    paused,
    report,
    summary,
    to_html,
    write,
)
from conformance.implementations import Reference
from conformance.strategies.channel import DEVICE_COMMANDS
from reference.arch.opcodes import BY_MNEMONIC, TABLE
from reference.machine.cpu import InterruptionRecord
from reference.machine.machine import Machine
from tests.support import ins, make_machine

pytest_plugins = ["pytester"]


# ---------------------------------------------------------------------------
# 1 the data model
# ---------------------------------------------------------------------------
def test_target_codes_are_the_program_exceptions_and_per():
    # GA22-7000 ch.6: 0001-000F (000C-000F the floating-point exceptions), 0010-0013,
    # 0040 (monitor event), 0080 (PER).
    assert TARGET_CODES == (0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                            0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x40, 0x80)
    assert PROGRAM_CODES[0x80] == "PER event"
    assert PROGRAM_CODES[0x09] == "fixed point divide"


def test_code_with_the_per_bit_reaches_the_exception_and_per():
    assert code_parts(0x0086) == [0x0006, 0x0080]
    assert code_parts(0x0080) == [0x0080]
    assert code_parts(0x0006) == [0x0006]


def _mode(runs: int, rows: dict[str, tuple[int, int, int, dict[int, int]]],
          program: dict[int, int]) -> ModeCoverage:
    mode = ModeCoverage(runs=runs)
    for mnemonic, (executed, trapped, simulated, codes) in rows.items():
        mode.rows[mnemonic] = RowCounts(executed, trapped, simulated, Counter(codes))
    mode.interruptions["program"] = Counter(program)
    return mode


def test_merge_adds_every_count():
    a = Coverage()
    a.modes["native"] = _mode(2, {"L": (3, 0, 0, {}), "DR": (1, 0, 0, {9: 1})}, {9: 1})
    a.modes["vmcp"] = _mode(1, {"LPSW": (2, 2, 2, {6: 1})}, {6: 1})
    b = Coverage()
    b.modes["native"] = _mode(1, {"DR": (4, 0, 0, {9: 2, 0x89: 1})}, {9: 2, 0x89: 1})
    b.modes["vmcp"] = _mode(5, {"LPSW": (1, 1, 0, {})}, {})
    b.mode("native").interruption("svc", 0x2A)
    a.merge(b)
    native, vmcp = a.mode("native"), a.mode("vmcp")
    assert native.runs == 2 + 1
    assert native.rows["L"] == RowCounts(3, 0, 0, Counter())
    assert native.rows["DR"] == RowCounts(1 + 4, 0, 0, Counter({9: 1 + 2, 0x89: 1}))
    assert native.interruptions == {"program": Counter({9: 3, 0x89: 1}),
                                    "svc": Counter({0x2A: 1})}
    assert vmcp.runs == 1 + 5
    assert vmcp.rows["LPSW"] == RowCounts(2 + 1, 2 + 1, 2, Counter({6: 1}))
    # 0089 = PER + fixed-point divide: reaches 0009 and 0080
    assert native.program_codes_reached() == {0x09, 0x80}


def test_exchange_form_is_plain_json_and_round_trips():
    cov = Coverage()
    cov.modes["native"] = _mode(2, {"AR": (7, 0, 0, {8: 2})}, {8: 2, 0x80: 1})
    cov.mode("native").not_decoded.executed = 1
    cov.mode("native").not_decoded.codes[1] += 1
    cov.mode("vmcp").interruption("external", 0x1005)
    text = json.dumps(cov.to_data())
    again = Coverage.from_data(json.loads(text))
    assert again == cov


def test_exchange_form_of_something_else_is_refused():
    with pytest.raises(ValueError, match="s370-coverage/1"):
        Coverage.from_data({"format": "other"})


# ---------------------------------------------------------------------------
# 2 the recorder, with hand-made interruption records
# ---------------------------------------------------------------------------
def _record(kind: str, code: int, step: int) -> InterruptionRecord:
    return InterruptionRecord(kind, code, 1, 0, 0, step)


def test_program_interruption_is_charged_to_the_instruction_of_its_step():
    cpu = SimpleNamespace(interruption_log=[], steps=0, observer=None)
    data = ModeCoverage()
    rec = RunRecorder(data, cpu, cpu)
    assert cpu.observer is rec
    # step 1: DR completes its count, then raises a fixed-point divide (step 1)
    cpu.steps = 1
    rec.instruction(cpu, BY_MNEMONIC["DR"], Exception("divide"))
    cpu.interruption_log.append(_record("program", 0x0009, 1))
    # step 2: LPSW loads an invalid PSW; the early exception is step 3, of no instruction
    cpu.steps = 2
    rec.instruction(cpu, BY_MNEMONIC["LPSW"], None)
    cpu.interruption_log.append(_record("program", 0x0006, 3))
    cpu.interruption_log.append(_record("external", 0x1005, 3))
    # step 4: bytes that do not decode (counted when the interruption is taken)
    cpu.steps = 3
    rec.instruction(cpu, None, Exception("operation"))
    cpu.interruption_log.append(_record("program", 0x0001, 4))
    # step 5: BC with a PER event only
    cpu.steps = 5
    rec.instruction(cpu, BY_MNEMONIC["BC"], None)
    cpu.interruption_log.append(_record("program", 0x0080, 5))
    rec.finish()
    assert cpu.observer is None
    assert data.runs == 1
    assert data.rows["DR"] == RowCounts(1, 0, 0, Counter({0x0009: 1}))
    assert data.rows["LPSW"] == RowCounts(1, 0, 0, Counter())
    assert data.not_decoded == RowCounts(1, 0, 0, Counter({0x0001: 1}))
    assert data.rows["BC"].codes == Counter({0x0080: 1})
    assert data.interruptions == {"program": Counter({9: 1, 6: 1, 1: 1, 0x80: 1}),
                                  "external": Counter({0x1005: 1})}


def test_under_the_vmcp_guest_steps_follow_the_dispatches():
    # The VM has done 10 steps when the real machine (at real step 100) is
    # dispatched; its 2nd instruction (guest step 12) traps and is reflected.
    vm = SimpleNamespace(interruption_log=[], steps=10, dispatches=1)
    real = SimpleNamespace(steps=100, observer=None)
    cp = SimpleNamespace(observer=None)
    data = ModeCoverage()
    rec = RunRecorder(data, vm, real, cp)
    assert real.observer is rec and cp.observer is rec
    real.steps = 101
    rec.instruction(real, BY_MNEMONIC["LR"], None)
    real.steps = 102
    rec.instruction(real, BY_MNEMONIC["SSM"], Exception("privileged operation"))
    rec.simulated(vm, BY_MNEMONIC["SSM"])
    vm.steps = 12                   # the VMCP adds the dispatch's 2 steps
    vm.interruption_log.append(_record("program", 0x0013, 12))   # special operation
    # next dispatch: the VM is at 12, the real machine at 102 (its timer ran out)
    vm.dispatches = 2
    real.steps = 103
    rec.instruction(real, BY_MNEMONIC["ST"], Exception("page translation"))
    vm.steps = 13
    vm.interruption_log.append(_record("program", 0x0005, 13))    # reflected addressing
    rec.finish()
    assert data.rows["LR"] == RowCounts(1, 0, 0, Counter())
    assert data.rows["SSM"] == RowCounts(1, 1, 1, Counter({0x13: 1}))
    assert data.rows["ST"] == RowCounts(1, 1, 0, Counter({0x05: 1}))
    assert real.observer is None and cp.observer is None


# ---------------------------------------------------------------------------
# 3 real runs
# ---------------------------------------------------------------------------
BC_WAIT = 0x00020000_00000000


def _image() -> bytes:
    """At X'200': SSM (mask X'00'); SR 1,1; DR 2,1 (divisor 0: fixed-point divide
    X'0009', suppressed, old PSW at X'208'); X'0000' (no such opcode: operation
    exception X'0001', ILC 1, old PSW at X'20A'); LPSW of a disabled wait.  The
    program new PSW (X'68') goes to X'300': LPSW of the program old PSW (X'28'),
    which resumes after the exception."""
    image = bytearray(0x400)
    image[0:8] = (0x200).to_bytes(8, "big")              # BC, supervisor, key 0
    image[0x68:0x70] = (0x300).to_bytes(8, "big")        # program new PSW
    image[0x1F0:0x1F8] = BC_WAIT.to_bytes(8, "big")
    image[0x1F8] = 0x00                                  # the SSM mask
    code = (ins("SSM", 0, 0x1F8) + ins("SR", 1, 1) + ins("DR", 2, 1) + b"\x00\x00"
            + ins("LPSW", 0, 0x1F0))
    image[0x200:0x200 + len(code)] = code
    handler = ins("LPSW", 0, 0x28)
    image[0x300:0x300 + len(handler)] = handler
    return bytes(image)


@pytest.fixture
def collector():
    saved = implementations.coverage_hook
    c = Collector()
    implementations.coverage_hook = c
    try:
        yield c
    finally:
        implementations.coverage_hook = saved


def test_native_and_vmcp_runs_are_counted(collector, monkeypatch):
    # (Trap-and-simulate's traps and simulations, with the assist.)
    monkeypatch.setenv("S370_EXECUTION", "assist")
    for mode in ("native", "vmcp"):
        out = Reference().run(_image(), 64 * 1024, 1000, mode)
        assert out.stop == "disabled-wait"
    native, vmcp = collector.coverage.mode("native"), collector.coverage.mode("vmcp")
    assert native.runs == 1 and vmcp.runs == 1
    # natively nothing traps and nothing is simulated
    assert native.rows["SSM"] == RowCounts(1, 0, 0, Counter())
    assert native.rows["SR"] == RowCounts(1, 0, 0, Counter())
    assert native.rows["DR"] == RowCounts(1, 0, 0, Counter({0x0009: 1}))
    # LPSW: the handler twice, then the final one
    assert native.rows["LPSW"] == RowCounts(3, 0, 0, Counter())
    assert native.not_decoded == RowCounts(1, 0, 0, Counter({0x0001: 1}))
    assert native.interruptions == {"program": Counter({0x0009: 1, 0x0001: 1})}
    # under the VMCP: SSM and LPSW trap (privileged on the real problem-state
    # machine) and are simulated; DR and the bad opcode trap and are reflected
    assert vmcp.rows["SSM"] == RowCounts(1, 1, 1, Counter())
    assert vmcp.rows["SR"] == RowCounts(1, 0, 0, Counter())
    assert vmcp.rows["DR"] == RowCounts(1, 1, 0, Counter({0x0009: 1}))
    assert vmcp.rows["LPSW"] == RowCounts(3, 3, 3, Counter())
    assert vmcp.not_decoded == RowCounts(1, 1, 0, Counter({0x0001: 1}))
    assert vmcp.interruptions == {"program": Counter({0x0009: 1, 0x0001: 1})}


def test_nothing_is_watched_while_the_hook_is_off(monkeypatch):
    """Off (the default), the machine keeps its fast path: no instruction goes
    through the one-at-a-time step that an observer forces."""
    monkeypatch.setattr(implementations, "coverage_hook", None)
    slow = []
    original = Machine._step_slow
    monkeypatch.setattr(Machine, "_step_slow", lambda m: (slow.append(m.ia), original(m)))
    for mode in ("native", "vmcp"):
        assert Reference().run(_image(), 64 * 1024, 1000, mode).stop == "disabled-wait"
    assert slow == []
    # and with the hook on, every instruction goes through it (7 natively)
    monkeypatch.setattr(implementations, "coverage_hook", Collector())
    Reference().run(_image(), 64 * 1024, 1000, "native")
    assert len(slow) == 7


def test_paused_turns_the_hook_off_and_back_on(collector):
    with paused():
        assert implementations.coverage_hook is None
        Reference().run(_image(), 64 * 1024, 1000, "native")
    assert implementations.coverage_hook is collector
    assert collector.coverage.mode("native").runs == 0


# ---------------------------------------------------------------------------
# 4 the report
# ---------------------------------------------------------------------------
def _everything() -> Coverage:
    cov = Coverage()
    for mode in ("native", "vmcp"):
        data = cov.mode(mode)
        for row in TABLE:
            data.row(row.mnemonic).executed = 1
            if row.privileged and mode == "vmcp":
                data.row(row.mnemonic).simulated = 1
        for code in TARGET_CODES:
            if code != 0x80:
                data.interruption("program", code)
    # PER only as part of another code, in both modes
    cov.mode("native").interruption("program", 0x0086)
    cov.mode("vmcp").interruption("program", 0x0081)
    return cov


def test_summary_targets_met_when_everything_was_reached():
    s = summary(_everything())
    assert all(s["targets"].values())
    for mode in ("native", "vmcp"):
        assert s["opcodes"][mode] == {"exercised": len(TABLE), "rows": len(TABLE),
                                      "missing": [], **({"privileged_not_simulated": []}
                                                        if mode == "vmcp" else {})}
        assert s["program_codes"][mode]["missing"] == []
        assert len(s["program_codes"][mode]["reached"]) == 21


def test_summary_lists_what_is_missing_per_mode():
    cov = _everything()
    del cov.mode("vmcp").rows["DIAG"]
    cov.mode("vmcp").rows["LPSW"].simulated = 0
    cov.mode("native").interruptions["program"] = Counter({0x0006: 1, 0x0001: 2})
    s = summary(cov)
    assert s["targets"] == {"every implemented opcode exercised in every mode": False,
                            "every program-interruption code reached in every mode": False}
    assert s["opcodes"]["native"]["missing"] == []
    assert s["opcodes"]["vmcp"]["missing"] == ["DIAG"]
    assert s["opcodes"]["vmcp"]["exercised"] == len(TABLE) - 1
    assert s["opcodes"]["vmcp"]["privileged_not_simulated"] == ["LPSW", "DIAG"]
    assert s["program_codes"]["native"]["reached"] == ["0001", "0006"]
    assert s["program_codes"]["native"]["missing"] == [
        "0002", "0003", "0004", "0005", "0007", "0008", "0009", "000A", "000B",
        "000C", "000D", "000E", "000F", "0010", "0011", "0012", "0013", "0040", "0080"]
    assert s["program_codes"]["vmcp"]["missing"] == []
    assert s["interruption_classes"]["native"] == {
        "reached": ["program"], "missing": ["restart", "external", "svc", "machine-check",
                                            "io"]}


def test_report_has_a_row_per_opcode_with_both_modes():
    cov = Coverage()
    cov.mode("vmcp").row("LPSW").simulated = 4
    data = json.loads(json.dumps(report(cov)))
    assert [e["mnemonic"] for e in data["opcodes"]] == [row.mnemonic for row in TABLE]
    stck = next(e for e in data["opcodes"] if e["mnemonic"] == "STCK")
    assert stck["opcode"] == "B205" and stck["native"]["executed"] == 0
    lpsw = next(e for e in data["opcodes"] if e["mnemonic"] == "LPSW")
    assert lpsw["opcode"] == "82" and lpsw["privileged"] is True
    assert lpsw["vmcp"]["simulated"] == 4
    assert Coverage.from_data(data["data"]) == cov


def _check_html(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE html>\n")
    root = ET.fromstring(text[len("<!DOCTYPE html>\n"):])   # well-formed, or it raises
    assert root.tag == "html"
    # self-contained: nothing loaded from anywhere
    assert not re.search(r"\b(src|href)\s*=|<link|<script|url\(|@import", text)
    return root


def test_html_is_well_formed_and_self_contained():
    cov = _everything()
    cov.mode("native").row("<odd & name>").executed = 1     # escaped, not markup
    root = _check_html(to_html(report(cov)))
    cells = ["".join(td.itertext()) for td in root.iter("td")]
    assert "0086" in cells
    assert any("B205" == c for c in cells)


def test_write_makes_both_files(tmp_path):
    cov = Coverage()
    cov.mode("native").row("AR").executed = 2
    write(cov, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "coverage.json").read_text())
    assert data["summary"]["opcodes"]["native"]["exercised"] == 1
    _check_html((tmp_path / "out" / "coverage.html").read_text())


# ---------------------------------------------------------------------------
# 5 the pytest side
# ---------------------------------------------------------------------------
def test_option_writes_coverage_of_a_corpus_program(pytester, tmp_path, monkeypatch):
    monkeypatch.setenv("S370_EXECUTION", "assist")    # simulations counted
    source = PROGRAMS / "general" / "add.asm"
    out = tmp_path / "cov"
    result = pytester.runpytest(str(source), f"--s370-coverage={out}",
                                "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["s370 coverage (native: opcodes *"])
    assert implementations.coverage_hook is None
    data = json.loads((out / "coverage.json").read_text())
    rows = {e["mnemonic"]: e for e in data["opcodes"]}
    # add.asm adds with AR and ends with LPSW of a disabled wait
    assert rows["AR"]["native"]["executed"] > 0 and rows["AR"]["vmcp"]["executed"] > 0
    assert rows["AR"]["vmcp"]["simulated"] == 0
    assert rows["LPSW"]["native"]["executed"] > 0
    assert rows["LPSW"]["native"]["simulated"] == 0
    assert rows["LPSW"]["vmcp"]["simulated"] > 0
    assert data["summary"]["runs"] == {"native": 1, "vmcp": 1}
    _check_html((out / "coverage.html").read_text())


def test_without_the_option_nothing_is_written(pytester, tmp_path):
    source = PROGRAMS / "general" / "add.asm"
    result = pytester.runpytest(str(source), "--s370-mode=native", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert "s370 coverage" not in result.stdout.str()
    assert implementations.coverage_hook is None


def test_xdist_workers_send_their_data_and_the_controller_merges(tmp_path):
    saved = implementations.coverage_hook
    try:
        outputs = []
        for executed in (2, 3):                               # two workers
            config = SimpleNamespace(workerinput={}, workeroutput={})
            worker = CoveragePlugin(config, tmp_path)         # type: ignore[arg-type]
            assert implementations.coverage_hook is worker.collector
            worker.collector.coverage.mode("native").row("AR").executed = executed
            worker.pytest_sessionfinish(None)                 # type: ignore[arg-type]
            worker.pytest_unconfigure(config)                 # type: ignore[arg-type]
            outputs.append(json.loads(json.dumps(config.workeroutput)))
        assert not (tmp_path / "coverage.json").exists()      # workers write nothing
        controller = CoveragePlugin(SimpleNamespace(), tmp_path)  # type: ignore[arg-type]
        for output in outputs:
            controller.pytest_testnodedown(SimpleNamespace(workeroutput=output), None)
        controller.pytest_testnodedown(SimpleNamespace(workeroutput={}), "crashed")
        controller.pytest_sessionfinish(None)                 # type: ignore[arg-type]
        controller.pytest_unconfigure(None)                   # type: ignore[arg-type]
        data = json.loads((tmp_path / "coverage.json").read_text())
        ar = next(e for e in data["opcodes"] if e["mnemonic"] == "AR")
        assert ar["native"]["executed"] == 2 + 3
        assert WORKER_KEY in outputs[0]
    finally:
        implementations.coverage_hook = saved
    assert implementations.coverage_hook is saved


# ---------------------------------------------------------------------------
# 6 watching does not change what a program does
# ---------------------------------------------------------------------------
def test_observed_runs_end_as_unobserved_ones(collector):
    """Every corpus program in both modes: the same stop, steps, state and
    interruptions with the observers attached (they make the machine run one
    instruction at a time, which must still take the timers where they fall)."""
    corpus = programs()
    if not corpus:
        pytest.skip("no corpus program has its expectations yet")
    differ = []
    for program in corpus:
        exp = program.expectations
        for mode in exp.modes:
            with paused():
                plain = Reference().run(program.image, exp.storage, exp.max_steps, mode)
            watched = Reference().run(program.image, exp.storage, exp.max_steps, mode)
            if (plain.stop, plain.steps, plain.state, plain.interruptions) != \
                    (watched.stop, watched.steps, watched.state, watched.interruptions):
                differ.append(f"{program.name} [{mode}]")
    assert differ == []
    assert collector.coverage.mode("native").runs > 0


def _timer_loop(system_mask: int):
    """EC mode, at X'200': LCTL 0 (CR0 X'00000400': the CPU-timer subclass, bit 21);
    LCTL 9-11 (CR9 X'10000001': PER general-register alteration of R15 only, which
    nothing alters); SR 1,1; SPT 100 microseconds; SSM ``system_mask``; then LOOP:
    LA 1,1(0,1); B LOOP.  The external new PSW is a disabled wait."""
    code = (ins("LCTL", 0, 0, 0, 0x300) + ins("LCTL", 9, 11, 0, 0x304) + ins("SR", 1, 1)
            + ins("SPT", 0, 0x318) + ins("SSM", 0, 0x320)
            + ins("LA", 1, 0, 1, 1) + ins("BC", 15, 0, 0, 0x212))
    data = {0x58: (0x000A0000_00000058).to_bytes(8, "big"),
            0x68: (0x000A0000_00000068).to_bytes(8, "big"),
            0x300: bytes.fromhex("00000400 10000001 00000000 00000000"),
            0x318: (100 << 12).to_bytes(8, "big"),          # 100 us: bit 51 is 1 us
            0x320: bytes([system_mask])}
    return make_machine(code, ec=True, data=data, end=False)


@pytest.mark.parametrize("system_mask", [0x01, 0x41], ids=["external", "external+PER"])
@pytest.mark.parametrize("watched", [False, True], ids=["plain", "observed"])
def test_cpu_timer_is_taken_where_it_falls_when_instructions_run_one_at_a_time(
        system_mask, watched):
    """The machine's one-at-a-time step (an observer attached, or PER on) must take
    the timers where the fast path takes them: at the same instruction boundary.
    By hand (this machine counts 1 microsecond an instruction): SPT is step 4 and
    sets 100 us; the timer is negative after step 4 + 101 = 105.  SSM is step 5,
    then LA and B alternate over steps 6-105: 50 of each, so R1 = 50 and the
    external old PSW (X'18') points at LOOP (X'212'), after a B."""
    m = _timer_loop(system_mask)
    m.interruption_log = []
    if watched:
        RunRecorder(ModeCoverage(), m, m)
    assert m.run(20_000) == "disabled-wait"
    assert [(r.kind, r.code, r.step) for r in m.interruption_log] == [("external", 0x1005, 105)]
    assert m.gpr[1] == 50
    assert int.from_bytes(m.mem[0x18:0x20], "big") & 0xFFFFFF == 0x212


# ---------------------------------------------------------------------------
# 7 channel commands per device type
# ---------------------------------------------------------------------------
def test_channel_commands_merge_and_round_trip():
    a, b = ModeCoverage(), ModeCoverage()
    a.command("3420", 0x01)
    a.command("3420", 0x01)
    b.command("3420", 0x01)
    b.command("3350", 0x31)
    a.merge(b)
    assert a.commands == {"3420": Counter({0x01: 3}), "3350": Counter({0x31: 1})}
    data = json.loads(json.dumps(a.to_data()))
    assert data["commands"] == {"3350": {"31": 1}, "3420": {"01": 3}}
    assert ModeCoverage.from_data(data).commands == a.commands
    # data without commands (an older worker's) reads as none
    assert ModeCoverage.from_data({"runs": 1}).commands == {}


def test_summary_lists_channel_commands_reached_missing_and_other():
    cov = Coverage()
    native = cov.mode("native")
    for code in DEVICE_COMMANDS["3420"]:
        native.command("3420", code)
    native.command("3420", 0x01)
    native.command("3420", 0xE5)                 # not a 3420 command: rejected
    native.command("3370", 0x42)
    native.command("9999", 0x01)                 # a type without a command set
    s = summary(cov)["channel_commands"]
    tape = s["native"]["3420"]
    assert tape["missing"] == [] and tape["other"] == ["E5"]
    assert tape["reached"]["01"] == 2 and tape["reached"]["E5"] == 1
    disk = s["native"]["3370"]
    assert disk["reached"] == {"42": 1}
    assert disk["missing"] == [f"{c:02X}" for c in sorted(DEVICE_COMMANDS["3370"])
                               if c != 0x42]
    assert s["native"]["9999"] == {"reached": {"01": 1}, "missing": [], "other": []}
    # every type of the command sets is listed in every mode, reached or not
    assert set(DEVICE_COMMANDS) <= set(s["vmcp"])
    assert s["vmcp"]["3420"]["reached"] == {} and \
        len(s["vmcp"]["3420"]["missing"]) == len(DEVICE_COMMANDS["3420"])
    assert report(cov)["data"]["modes"]["native"]["commands"]["3420"]["E5"] == 1


def test_html_has_the_channel_commands_table():
    cov = Coverage()
    cov.mode("native").command("3420", 0x02)
    cov.mode("native").command("3420", 0xE5)
    cov.mode("vmcp").command("<odd & type>", 0x01)            # escaped, not markup
    root = _check_html(to_html(report(cov)))
    rows = {"".join(tr[0].itertext()): ["".join(td.itertext()) for td in tr[1:]]
            for tr in root.iter("tr") if len(tr) == 5 and tr[0].tag == "td"}
    assert rows["3420"][0] == "02\u00d71, E5*\u00d71"            # native reached
    assert "01" in rows["3420"][1] and "02" not in rows["3420"][1].split()
    assert rows["3420"][2] == "none"                          # vmcp reached
    assert rows["<odd & type>"][2] == "01\u00d71"


# The commands io/tape.asm gives the 3420, by hand from its channel programs: WRITE
# (01 01 1F 01 1F), REWREAD (07 02), SHORT (02), READTM (02), READ3 (02), BSB2 (27
# 27), RDBACK (0C), FSFREAD (3F 02), REWRITE (2F 01 1F), SENSE1 (04), BSBLP (07 27),
# SENSE2 (04): every CCW reached, none ended a chain early.
TAPE_COMMANDS = Counter({0x01: 4, 0x1F: 3, 0x07: 2, 0x02: 5, 0x27: 3, 0x0C: 1, 0x3F: 1,
                         0x2F: 1, 0x04: 2})


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_tape_program_counts_its_commands(collector, mode):
    from conformance.corpus import Program, check

    program = Program(PROGRAMS / "io" / "tape.asm")
    if mode not in program.expectations.modes:
        pytest.skip(f"io/tape.asm does not run in {mode}")
    _, misses = check(program, Reference(), mode)
    assert misses == []
    data = collector.coverage.mode(mode)
    assert data.runs == 1
    assert data.commands == {"3420": TAPE_COMMANDS}


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_ckd_program_counts_its_commands_and_leaves_the_device_alone(collector, mode):
    from conformance.corpus import Program, run_program

    program = Program(PROGRAMS / "io" / "ckd.asm")
    if mode not in program.expectations.modes:
        pytest.skip(f"io/ckd.asm does not run in {mode}")
    starts = []
    original = RunRecorder._watch

    def watch(self, device):
        original(self, device)
        starts.append(device)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(RunRecorder, "_watch", watch)
        run_program(program, Reference(), mode)
    commands = collector.coverage.mode(mode).commands["3350"]
    # io/ckd.asm: SEEK, SEEK HEAD, SET FILE MASK, SEARCH HA, SEARCH ID (single and
    # multitrack), SEARCH KEY, WRITE R0, WRITE CKD, WRITE DATA (twice: the second
    # rejected), READ DATA, READ KEY AND DATA, READ CKD, SENSE (twice).
    assert set(commands) == {0x07, 0x1B, 0x1F, 0x39, 0x31, 0xB1, 0x29, 0x15, 0x1D, 0x05,
                             0x06, 0x0E, 0x1E, 0x04}
    assert commands[0x1D] == 4 and commands[0x15] == 2 and commands[0x39] == 2
    assert commands[0x05] == 2 and commands[0x04] == 2 and commands[0x07] == 7
    # the recorder put every device's own start back when the run ended
    assert starts and all("start" not in vars(device) for device in starts)
