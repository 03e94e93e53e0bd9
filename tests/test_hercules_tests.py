"""The runner of Hercules' test scripts (conformance/hercules_tests.py).

The parser and every directive's check, passing and failing, on small scripts written
here, run on a scripted implementation whose outcome each test chooses (expectations
derived by hand from tests/README.md and redtest.rexx of SDL-Hercules-390/hyperion);
malformed scripts; the pytest collection (``--s370-hercules-tests``); and the scripts
of ../shared/workloads/hercules-tests (skipped when that folder is absent) on the
reference, natively and under the VMCP.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conformance import hercules_tests as HT
from conformance.adapter import AdapterImplementation
from conformance.implementations import Outcome, Reference, Start

pytest_plugins = ["pytester"]

SHARED = Path(__file__).resolve().parents[2] / "shared" / "workloads" / "hercules-tests"
ADAPTERS = Path(__file__).resolve().parents[1] / "adapters"
EXAMPLE = f"{shlex.quote(sys.executable)} {shlex.quote(str(ADAPTERS / 'example_adapter.py'))}"
HERCULES = f"{shlex.quote(sys.executable)} {shlex.quote(str(ADAPTERS / 'hercules_adapter.py'))}"
NEEDS_SHARED = pytest.mark.skipif(not SHARED.is_dir(),
                                  reason=f"the Hercules test scripts are not in {SHARED}")

WAIT_OK = 0x000A000000000000        # EC mode, wait, address 0: success


@dataclass
class Scripted:
    """An implementation whose runs end as the test says: ``effect`` changes the
    storage (a bytearray of the image) and gives the rest of the outcome."""

    stop: str = "disabled-wait"
    psw: int = WAIT_OK
    gpr: tuple[int, ...] = (0,) * 16
    cr: tuple[int, ...] = (0xE0, 0, 0xFFFFFFFF) + (0,) * 11 + (0xC2000000, 0x200)
    fpr: tuple[int, ...] | None = (0, 0, 0, 0)
    program_checks: tuple[int, ...] = ()
    keys: dict[int, int] = field(default_factory=dict)
    effect: Callable[[bytearray], None] | None = None
    name: str = "scripted"
    modes: tuple[str, ...] = ("native",)
    facilities: tuple[str, ...] = ("floating-point",)
    images: list[bytes] = field(default_factory=list)

    def run(self, image: bytes, storage: int, max_steps: int, mode: str) -> Outcome:
        self.images.append(image)
        memory = bytearray(storage)
        memory[:len(image)] = image
        if self.effect is not None:
            self.effect(memory)
        keys = bytearray(storage // 2048)
        for block, key in self.keys.items():
            keys[block] = key
        return Outcome(
            stop=self.stop, steps=10, psw=self.psw, gpr=self.gpr, cr=self.cr,
            read=lambda a, n: bytes(memory[a:a + n]), keys=bytes(keys),
            interruptions=[("program", c, 2, 0x000E0000_00000202)
                           for c in self.program_checks],
            fpr=self.fpr)


def script(tmp_path: Path, text: str, name: str = "t.tst") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PROLOGUE = "*Testcase t\nsysclear\narchlvl 370\nr 0=000A000000000200\n"


def run(tmp_path: Path, body: str, impl: Scripted | None = None) -> HT.Result:
    return HT.run_script(script(tmp_path, body), impl or Scripted(), "native")


# --- the parser ----------------------------------------------------------------------

def test_parse_statements(tmp_path: Path) -> None:
    text = ("# a comment\n"
            "* a loud comment that is no directive\n"
            "*\n"
            "*Testcase  name of the case\n"
            "  MAINSIZE 2   # two megabytes\n"
            "r 200=4700\t# alter\n"
            "\n"
            "*Want \"what\" 4700 # trailing\n"
            "runtest .1\n"
            "*Done\n")
    path = tmp_path / "p.tst"
    got = [(s.line, s.verb, s.rest) for s in HT.parse(text, path)]
    assert got == [(4, "*Testcase", "name of the case"),
                   (5, "mainsize", "2"),
                   (6, "r", "200=4700"),
                   (8, "*Want", "\"what\" 4700 # trailing"),
                   (9, "runtest", ".1"),
                   (10, "*Done", "")]


@pytest.mark.parametrize("line, problem", [
    ("*testcase x", "unknown directive *testcase"),
    ("*Wanted 00", "unknown directive *Wanted"),
    ("frobnicate 1", "unknown command 'frobnicate'"),
])
def test_parse_rejects(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.tst"
    with pytest.raises(HT.ScriptError) as e:
        HT.parse(f"*Testcase a\n{line}\n*Done\n", path)
    assert str(e.value).startswith(f"{path}:2: {problem}")


@pytest.mark.parametrize("expression, value", [
    ("\\$rexx_supported", True),
    ("$rexx_supported", False),
    ("$can_s370_mode & \\$can_zarch_mode", True),
    ("$can_esa390_mode | $can_zarch_mode", False),
    ("$rexx_package = 'Regina'", False),
    ("$rexx_VERSION = ''", True),
    ("$ptrsize = 4", False),
    ("$PTRSIZE = 8", True),
    ("$max_cpu_engines >= 1", True),
    ("($ptrsize = 8) & ($platform \\= 'Windows')", True),
])
def test_if_expressions(expression: str, value: bool) -> None:
    assert HT.evaluate(expression, HT.VARIABLES, "x:1") is value


@pytest.mark.parametrize("expression", ["", "$ptrsize =", "$platform", "(1", "1 2"])
def test_if_expression_errors(expression: str) -> None:
    with pytest.raises(HT.ScriptError, match="^x:1: "):
        HT.evaluate(expression, HT.VARIABLES, "x:1")


def test_rexx_comparison() -> None:
    assert HT.rexx_equal("7", "0007")           # numbers compare as numbers
    assert HT.rexx_equal("  00 ", "00")          # outer blanks do not count
    assert not HT.rexx_equal("000A", "A")       # not numbers: strings
    assert not HT.rexx_equal("00 01", "0001")   # inner blanks count


# --- each directive's check ---------------------------------------------------------

def test_passing_case_builds_the_image(tmp_path: Path) -> None:
    impl = Scripted()
    result = run(tmp_path, PROLOGUE + "r 200=82000208\nruntest\n*Done\n", impl)
    assert result.failures == [] and result.skip is None and result.passed == ["t"]
    image = impl.images[0]
    assert image[:8] == bytes.fromhex("000A000000000200")
    assert image[0x200:0x204] == bytes.fromhex("82000208")


def test_want(tmp_path: Path) -> None:
    def effect(m: bytearray) -> None:
        m[0x300:0x304] = bytes.fromhex("004080C0")
        m[0x310:0x314] = bytes.fromhex("11223344")

    body = (PROLOGUE + "runtest\n*Compare\nr 300.4\n*Want \"ilc\" 004080C0\n"
            "r 302.1\n*Want 80\n"                     # a partial line, blanks around
            "r 300-313\n*Want 11223344\n"              # the last line of the display
            "r 300.4\n*Want 004080C1 # wrong\n*Done\n")
    result = run(tmp_path, body, Scripted(effect=effect))
    assert result.testcases[0].oks == 3 + 1          # three *Want and the wait
    assert len(result.failures) == 1
    assert f"{tmp_path / 't.tst'}:14:" in result.failures[0]
    assert "Storage compare mismatch." in result.failures[0]
    assert "Want: R:00000300 004080C1" in result.failures[0]
    assert "Got:  R:00000300 004080C0" in result.failures[0]


def test_want_needs_compare(tmp_path: Path) -> None:
    result = run(tmp_path, PROLOGUE + "runtest\nr 0.8\n*Want 000A0000 00000200\n*Done\n")
    assert "No storage display after *Compare" in result.failures[0]


def test_registers(tmp_path: Path) -> None:
    impl = Scripted(gpr=(0, 5) + (0,) * 14, fpr=(0x4110000000000000, 0, 0, 0))
    body = (PROLOGUE + "runtest\ngpr\n*Gpr 1 00000005\n*Gpr 2 00000001\n"
            "cr\n*Cr 0 000000E0\n*Cr 15 00000201\n"
            "fpr\n*Fpr 0 4110000000000000\n*Fpr 2 0000000000000001\n*Done\n")
    result = run(tmp_path, body, impl)
    assert [f.splitlines()[0].split(": ", 1)[1] for f in result.failures] == [
        'Testcase "t" [native]: Gpr 2 compare mismatch.',
        'Testcase "t" [native]: Cr 15 compare mismatch.',
        'Testcase "t" [native]: Fpr 2 compare mismatch.']


def test_register_numbers_are_decimal_without_zero(tmp_path: Path) -> None:
    with pytest.raises(HT.ScriptError, match=r"t.tst:7: \*Gpr 01 5"):
        run(tmp_path, PROLOGUE + "runtest\ngpr\n*Gpr 01 5\n*Done\n")


def test_key_and_unusable_frames(tmp_path: Path) -> None:
    impl = Scripted(keys={2: 0x06, 3: 0x16})
    body = (PROLOGUE + "f- 1800\nruntest\n*Compare\n"
            "r 1000.10\n*Key 06\n"
            "r 1800.10\n*Key 17\n"          # key 1, change bit, and the f- mark X'01'
            "r 1000.10\n*Key 16\n*Done\n")
    result = run(tmp_path, body, impl)
    assert len(result.failures) == 1 and "Key 00001000 compare mismatch." in result.failures[0]


def test_prefix(tmp_path: Path) -> None:
    body = PROLOGUE + "runtest\npr\n*Prefix 00000000\n*Prefix 00001000\n*Done\n"
    result = run(tmp_path, body)
    assert len(result.failures) == 1 and "Prefix register compare" in result.failures[0]


@pytest.mark.parametrize("program, checks, psw, failure", [
    ("*Program 7\n", (6, 7), 0x0002000000000000, None),       # the last one counts
    ("*Program 0007\n", (7,), 0x00020000DEADDEAD, None),     # DEAD: an expected stop
    ("", (), 0x00020000DEADDEAD, "Received unexpected wait state: 00020000 DEADDEAD"),
    ("", (1,), WAIT_OK, "Unexpected pgm type 0001."),
    ("*Program 1\n", (), WAIT_OK, "Expected pgm type 1, but none happened."),
    ("*Program 6\n", (5,), WAIT_OK, "Expected pgm type 6, but got type 0005."),
    ("*Program 6\n", (5,), 0x00020000DEADDEAD, "Received unexpected wait state"),
    ("", (), 0x0002000000001234, "Received unexpected wait state: 00020000 00001234"),
])
def test_program_checks_and_waits(tmp_path: Path, program: str, checks: tuple[int, ...],
                                  psw: int, failure: str | None) -> None:
    impl = Scripted(program_checks=checks, psw=psw)
    result = run(tmp_path, PROLOGUE + program + "runtest\n*Done\n", impl)
    if failure is None:
        assert result.failures == []
    else:
        assert any(failure in f for f in result.failures), result.failures


def test_unexpected_operation_exception_outside_ga22_7000_skips(tmp_path: Path) -> None:
    def effect(m: bytearray) -> None:
        m[0x1FE:0x202] = bytes.fromhex("B22A0002")    # RRBE: not in GA22-7000

    impl = Scripted(program_checks=(1,), effect=effect)
    result = run(tmp_path, PROLOGUE + "runtest\n*Done\n", impl)
    assert result.failures == []
    assert result.skip is not None and "X'B22A0002' (RRBE) at 0001FE" in result.skip
    assert result.skip.endswith("an operation exception on scripted; "
                                "then Unexpected pgm type 0001.")


def test_unlogged_operation_exception_outside_ga22_7000_skips(tmp_path: Path) -> None:
    def effect(m: bytearray) -> None:
        m[0x1FE:0x202] = bytes.fromhex("E5020000")    # an MVS assist

    impl = Scripted(program_checks=(1,), effect=effect, psw=0x000A00000000DEAD)
    result = run(tmp_path, PROLOGUE + "ostailor quiet\nruntest\n*Done\n", impl)
    assert result.failures == [] and result.skip is not None
    assert "X'E5020000' (Fix-Page-assist)" in result.skip
    assert result.skip.endswith("then Received unexpected wait state: 000A0000 0000DEAD")


def test_operation_exception_outside_ga22_7000_handled_passes(tmp_path: Path) -> None:
    def effect(m: bytearray) -> None:
        m[0x1FE:0x202] = bytes.fromhex("B22A0002")

    impl = Scripted(program_checks=(1,), effect=effect)
    result = run(tmp_path, PROLOGUE + "*Program 1\nruntest\n*Done\n", impl)
    assert result.failures == [] and result.skip is None


@pytest.mark.parametrize("before, done, stop, failure", [
    ("", "*Done\n", "check-stop", "No wait state encountered."),
    ("", "*Done nowait\n", "check-stop", None),
    ("", "*Done\n", "step-limit", "Testcase timed out"),
    ("*Timeout\n", "*Done nowait\n", "step-limit", None),
])
def test_wait_and_timeout(tmp_path: Path, before: str, done: str, stop: str,
                          failure: str | None) -> None:
    result = run(tmp_path, PROLOGUE + before + "runtest 5\n" + done, Scripted(stop=stop))
    if failure is None:
        assert result.failures == []
    else:
        assert any(failure in f for f in result.failures), result.failures


def test_if_else_fi(tmp_path: Path) -> None:
    body = ("*If $can_zarch_mode\n"
            "  *Testcase never\n  archlvl z/Arch\n  *Done\n"
            "*Else\n"
            "  *If \\$rexx_supported\n" + PROLOGUE + "runtest\n*Done\n  *Fi\n"
            "*Fi\n")
    result = run(tmp_path, body)
    assert result.passed == ["t"] and result.skip is None


def test_explain_goes_with_the_next_failure(tmp_path: Path) -> None:
    body = (PROLOGUE + "runtest\n*Compare\nr 0.8\n*Explain the restart PSW\n"
            "*Explain must stay\n*Want 00000000 00000000\n*Done\n")
    result = run(tmp_path, body)
    assert result.failures[0].endswith("the restart PSW\n    must stay")


def test_skipping_message(tmp_path: Path) -> None:
    body = ("*If \\$rexx_supported\n*Message SKIPPING: Testcase r\n"
            "*Message REASON:   No Rexx.\n*Fi\n")
    result = run(tmp_path, body)
    assert result.failures == [] and result.skip == "the script skips itself: Testcase r; No Rexx."


def test_symbols_includes_and_loadcore(tmp_path: Path) -> None:
    (tmp_path / "prog.core").write_bytes(bytes.fromhex("000A000000000000"))
    (tmp_path / "sub").mkdir()
    script(tmp_path / "sub", "loadcore \"$(where)/prog.core\" 200\n", "part.subtst")
    impl = Scripted()
    body = ("*Testcase sym\nsysclear\narchmode S/370\ndefsym where \"$(testpath)\"\n"
            "script \"$(testpath)/sub/part.subtst\"\nr 0=000A000000000000\nruntest\n*Done\n")
    result = run(tmp_path, body, impl)
    assert result.failures == []
    assert impl.images[0][0x200:].ljust(8, b"\0") == bytes.fromhex("000A000000000000")


@pytest.mark.parametrize("line, reason", [
    ("archlvl z/Arch", "another architecture than System/370"),
    ("numcpu 2", "only one CPU"),
    ("mainsize 32", "at most 16M"),
    ("attach 00f 3211", "'attach' is not modelled"),
    ("facility enable HERC_370_EXTENSION", "Hercules' S/370 extension facility"),
    ("facility enable HERC_TCPIP_EXTENSION", "a Hercules facility outside GA22-7000"),
    ("fpr 1=4110000000000000", "additional floating-point registers (AFP)"),
    ("runtest start", "only a start by restart"),
    ("*Error HHC01234E message", "Hercules console message"),
])
def test_skips(tmp_path: Path, line: str, reason: str) -> None:
    result = run(tmp_path, PROLOGUE + line + "\nruntest\n*Done\n")
    assert result.failures == [] and result.skip is not None and reason in result.skip
    path = tmp_path / "t.tst"
    assert result.skip.startswith(f'{path}:1: Testcase "t": {path}:5: ')


def test_facility_disable_is_plain_s370(tmp_path: Path) -> None:
    body = PROLOGUE.replace("archlvl 370\n", "archlvl 370\nFACILITY DISABLE HERC_370_EXTENSION\n")
    result = run(tmp_path, body + "runtest\n*Done\n")
    assert result.failures == [] and result.skip is None and result.passed == ["t"]


# A program that stores CR0, GPR3 and FPR0 at X'300' (STCTL 0,0,X'300'; ST 3,X'304';
# STD 0,X'308') and loads the wait PSW at X'310' (EC mode, wait, address 0: success),
# started from the restart new PSW at 0 (BC mode, address X'200').
STORING = ("r 0=0000000000000200\nr 200=B6000300 50300304 60000308 82000310\n"
           "r 310=000A000000000000\n")


def test_start_registers_are_honoured(tmp_path: Path) -> None:
    # CR0 bit 13 is not assigned in System/370 (GA22-7000 ch.4 "Control Registers"):
    # LOAD CONTROL and the reference keep it as loaded, so STCTL gives it back.
    body = ("*Testcase start\nsysclear\narchlvl 370\n"
            "cr 0=00040000\ngpr 3=12345678\nfpr 0=4110000000000000\n"
            "cr\n*Cr 0 00040000\n*Cr 2 FFFFFFFF\ngpr\n*Gpr 3 12345678\n"    # before the run
            + STORING + "runtest\n*Compare\nr 300.10\n"
            "*Want 00040000 12345678 41100000 00000000\n"
            "cr\n*Cr 0 00040000\n*Cr 14 C2000000\ngpr\n*Gpr 3 12345678\n*Gpr 4 0\n"
            "fpr\n*Fpr 0 4110000000000000\n*Fpr 2 0\n*Done\n")
    path = script(tmp_path, body)
    for mode in ("native", "vmcp"):
        result = HT.run_script(path, Reference(), mode)
        assert result.failures == [] and result.skip is None, mode
        assert result.passed == ["start"] and result.runs == 1


def test_start_prefix(tmp_path: Path) -> None:
    # With prefix X'2000' the restart takes its PSW from real 0, absolute X'2000', and
    # "r" alters real storage: the program at real X'200' is at absolute X'2200'.  It
    # stores its prefix (STPX X'300') and loads the wait PSW at real X'310'.
    body = ("*Testcase prefix\nsysclear\narchlvl 370\npr 2000\n*Compare\npr\n"
            "*Prefix 00002000\nr 0=0000000000000200\nr 200=B2110300 82000310\n"
            "r 310=000A000000000000\nabs 2200.8\n*Want B2110300 82000310\nruntest\n"
            "r 300.4\n*Want 00002000\nabs 2300.4\n*Want 00002000\npr\n"
            "*Prefix 00002000\n*Done\n")
    path = script(tmp_path, body)
    result = HT.run_script(path, Reference(), "native")
    assert result.failures == [] and result.skip is None and result.passed == ["prefix"]
    result = HT.run_script(path, Reference(), "vmcp")
    assert result.failures == [] and result.passed == []
    assert result.skip is not None and f"{path}:13: runtest: the registers set before " \
        f"the run (prefix): under the VMCP a prefix of 00002000 before the run cannot be " \
        f"set" in result.skip


def test_start() -> None:
    start = Start(gpr={3: 0x12345678}, fpr={6: 1}, prefix=0x2000)
    assert start.fields() == ("gpr", "fpr", "prefix") and not Start()
    assert start.set_state() == {"gpr": {"3": "12345678"}, "fpr": {"6": "0000000000000001"},
                                 "prefix": "00002000"}
    for bad in ({"fpr": {1: 0}}, {"cr": {16: 0}}, {"gpr": {0: 1 << 32}},
                {"prefix": 0x1000800}):
        with pytest.raises(ValueError):
            Start(**bad)  # type: ignore[arg-type]
    ref = Reference()
    assert ref.lacks_start(start, "native") is None
    assert ref.lacks_start(Start(prefix=0), "vmcp") is None
    assert "VMCP.create_vm performs the VM's restart interruption at prefix 0" in \
        (ref.lacks_start(start, "vmcp") or "")
    with pytest.raises(ValueError, match="create_vm"):
        ref.run_from(bytes(8), 1 << 16, 10, "vmcp", start)
    with pytest.raises(ValueError, match="beyond storage"):
        ref.run_from(bytes(8), 1 << 16, 10, "native", Start(prefix=0x10000))


def test_start_registers_need_an_implementation_that_takes_them(tmp_path: Path) -> None:
    impl = Scripted()
    result = run(tmp_path, PROLOGUE + "cr 0=00000000\nruntest\n*Done\n", impl)
    path = tmp_path / "t.tst"
    assert result.failures == [] and impl.images == []
    assert result.skip == (f'{path}:1: Testcase "t": {path}:6: runtest: the registers set '
                           f"before the run (cr): scripted cannot begin a run from given "
                           f"registers (it has no run_from: conformance.implementations)")


def test_start_registers_through_the_adapter(tmp_path: Path) -> None:
    # The example adapter takes set_state natively and refuses it under the VMCP
    # (its mode_capabilities: "vmcp": {"set": []}).
    body = ("*Testcase start\nsysclear\narchlvl 370\ncr 0=00040000\ngpr 3=12345678\n"
            "fpr 0=4110000000000000\n" + STORING + "runtest\n*Compare\nr 300.10\n"
            "*Want 00040000 12345678 41100000 00000000\n*Done\n")
    path = script(tmp_path, body)
    impl = AdapterImplementation(EXAMPLE)
    try:
        result = HT.run_script(path, impl, "native")
        assert result.failures == [] and result.skip is None and result.passed == ["start"]
        result = HT.run_script(path, impl, "vmcp")
    finally:
        impl.close()
    assert result.failures == [] and result.passed == [] and result.skip is not None
    assert "runtest: the registers set before the run (gpr, cr, fpr): reference cannot " \
        "set gpr, cr, fpr before a run in mode vmcp (not in its " \
        "mode_capabilities.vmcp.set, docs/adapter-protocol.md)" in result.skip


def test_registers_after_a_run(tmp_path: Path) -> None:
    result = run(tmp_path, PROLOGUE + "runtest\ngpr 3=1\n*Done\n")
    assert result.skip is not None and "setting a register after a run" in result.skip
    result = run(tmp_path, PROLOGUE + "runtest\nsysclear\ngpr 3=0\npr 0\n"
                 "r 0=000A000000000000\nruntest\n*Done\n")
    assert result.skip is None and result.runs == 2
    for line, problem in (("gpr 16=1", "want N=HEX"), ("pr 1234", "a 4K frame"),
                          ("pr 3FF000", "a 4K frame in storage")):
        with pytest.raises(HT.ScriptError, match=problem):
            run(tmp_path, PROLOGUE + line + "\nruntest\n*Done\n")


def test_script_goes_on_after_a_skipped_test_case(tmp_path: Path) -> None:
    case = "sysclear\narchlvl 370\nr 0=000A000000000200\n"
    body = ("*Testcase a\n" + case + "facility enable HERC_370_EXTENSION\nruntest\n*Done\n"
            "facility disable HERC_370_EXTENSION\n"
            "*Testcase b\n" + case + "runtest\n*Done\n"
            "*Testcase c\narchlvl 390\nruntest\n*Done\n"
            "*Testcase d\nsysclear\nruntest\n*Done\n"          # no archlvl 370 since c
            "*Testcase e\n" + case + "runtest\n*Done\n")
    result = run(tmp_path, body)
    assert result.failures == [] and result.passed == ["b", "e"] and result.runs == 2
    assert [t.name for t in result.testcases if t.skipped] == ["a", "c", "d"]
    assert result.skip is not None and "no archlvl 370 since" in result.skip
    # A facility enabled in a skipped test case stays enabled until it is disabled.
    body = ("*Testcase a\n" + case + "facility enable FOO\nruntest\n*Done\n"
            "*Testcase b\n" + case + "runtest\n*Done\n")
    result = run(tmp_path, body)
    assert result.passed == [] and result.skip is not None
    assert "Hercules' facility FOO is enabled (facility enable at" in result.skip
    # A command that sysclear does not undo, not carried out, ends the script.
    body = ("*Testcase a\n" + case + "archlvl 390\nmainsize 4\n*Done\n"
            "*Testcase b\n" + case + "runtest\n*Done\n")
    result = run(tmp_path, body)
    assert result.passed == [] and result.runs == 0 and result.skip is not None
    assert "has commands not carried out (mainsize at" in result.skip


def test_setting_a_register_to_its_reset_value_is_no_change(tmp_path: Path) -> None:
    result = run(tmp_path, PROLOGUE + "cr 0=000000E0\ngpr 3=0\nfpr 6=0\nruntest\n*Done\n")
    assert result.failures == [] and result.skip is None


def test_runs_need_s370_and_a_clear_start(tmp_path: Path) -> None:
    result = run(tmp_path, "*Testcase t\nsysclear\nruntest\n*Done\n")
    assert result.skip is not None and "default architecture is z/Arch" in result.skip
    result = run(tmp_path, PROLOGUE + "runtest\nsysreset\nruntest\n*Done\n")
    assert result.skip is not None and "without sysclear" in result.skip
    result = run(tmp_path, PROLOGUE + "runtest\nsysclear\nr 0=000A000000000000\n"
                 "runtest\n*Done\n")
    assert result.skip is None and result.runs == 2


def test_storage_altered_after_a_run(tmp_path: Path) -> None:
    body = PROLOGUE + "runtest\n*Compare\nr 10=AB\nr 10.1\n*Want AB\n*Done\n"
    assert run(tmp_path, body).failures == []


def test_skip_after_failure_is_failure(tmp_path: Path) -> None:
    body = PROLOGUE + "runtest\n*Compare\nr 0.1\n*Want FF\n*Done\nnumcpu 4\n"
    result = run(tmp_path, body)
    assert len(result.failures) == 1 and result.skip is not None
    with pytest.raises(HT.ScriptFailure, match="then skipped: .*numcpu 4"):
        HT.outcome(result, "scripted", "native")


# --- malformed scripts ---------------------------------------------------------------

@pytest.mark.parametrize("body, line, problem", [
    (PROLOGUE + "r 0=ABC\nruntest\n*Done\n", 5, "want pairs of hex digits"),
    (PROLOGUE + "loadcore missing.core\n", 5, "loadcore"),
    (PROLOGUE + "script \"$(nowhere)/x\"\n", 5, "undefined symbol $(nowhere)"),
    (PROLOGUE + "*Else\n", 5, "*Else without *If"),
    (PROLOGUE + "*Fi\n", 5, "*Fi without *If"),
    (PROLOGUE + "runtest\n*Compare\nr 0.8\n*Want zz\n*Done\n", 8, "must be hex digits"),
    (PROLOGUE + "*Program 0C4X\n", 5, "not an interruption code"),
    (PROLOGUE + "mainsize lots\n", 5, "not a size"),
    (PROLOGUE + "runtest 1 2\n", 5, "want [restart] [timeout seconds]"),
    (PROLOGUE + "r 3000000.4\n", 5, "beyond storage"),
])
def test_malformed(tmp_path: Path, body: str, line: int, problem: str) -> None:
    with pytest.raises(HT.ScriptError) as e:
        run(tmp_path, body)
    assert str(e.value).startswith(f"{tmp_path / 't.tst'}:{line}: ")
    assert problem in str(e.value)


def test_missing_done_and_missing_testcase(tmp_path: Path) -> None:
    result = run(tmp_path, PROLOGUE + "runtest\n")
    assert result.failures == [f"{tmp_path / 't.tst'}:1: *Testcase t has no *Done"]
    result = run(tmp_path, "sysclear\n")
    assert "no *Testcase ran" in result.failures[0]


# --- the pytest option ---------------------------------------------------------------

def test_collection(pytester: pytest.Pytester) -> None:
    scripts = pytester.path / "scripts"
    scripts.mkdir()
    (scripts / "good.tst").write_text(PROLOGUE + "r 0=000A000000000000\nruntest\n*Done\n",
                                      encoding="utf-8")
    (scripts / "bad.tst").write_text("*Testcase b\nfrobnicate\n", encoding="utf-8")
    (scripts / "wrong.tst").write_text(
        PROLOGUE + "r 0=00020000DEADDEAD\nruntest\n*Done\n", encoding="utf-8")
    (scripts / "late.tst").write_text(PROLOGUE + "script missing.subtst\n", encoding="utf-8")
    (pytester.path / "test_nothing.py").write_text("def test_x():\n    pass\n")
    result = pytester.runpytest("-p", "no:randomly", "--continue-on-collection-errors",
                                "test_nothing.py", f"--s370-hercules-tests={scripts}")
    result.assert_outcomes(passed=3, failed=4, errors=1)
    text = result.stdout.str()
    assert f"{scripts / 'bad.tst'}:2: unknown command 'frobnicate'" in text
    assert f"{scripts / 'late.tst'}:5: script {scripts / 'missing.subtst'}: " in text
    assert "Received unexpected wait state: 00020000 DEADDEAD" in text
    assert "Traceback" not in text


def test_option_needs_a_directory(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--s370-hercules-tests={pytester.path / 'none'}")
    result.stderr.fnmatch_lines(["*--s370-hercules-tests*not a directory*"])


# --- Hercules' own scripts on the reference ------------------------------------------

# Each script: the test cases that pass, the runs, and what the skip names (None: no
# skip), the same natively and under the VMCP.
FLOAT_370 = ["HFP Floating Point (370, no AFP, no EXTENSION)",
             "HFP Floating Point (370, with AFP, no EXTENSION)"]
SHARED_RESULTS: dict[str, tuple[list[str], int, list[str] | None]] = {
    "bc-ilc.tst": (["BC-mode ILC Handling"], 1, None),
    "mvcle.tst": (["mvcle-370"], 1, None),
    "3211.tst": ([], 0, ["the script skips itself: Testcase 3211 printer; No Hercules Rexx "
                      "support."]),
    # The first two test cases run from CR0 X'00000000' and X'00040000' (set before
    # the run); the others need Hercules' S/370 extension facility or z/Arch.
    "float.tst": (FLOAT_370, 2, [
        "float.tst:77: Testcase \"HFP Floating Point (370, no AFP, with EXTENSION)\": ",
        "float.tst:88: facility ENABLE HERC_370_EXTENSION: the script asks for Hercules' "
        "S/370 extension facility",
        "float.tst:113: Testcase \"HFP Floating Point (370, with AFP, with EXTENSION)\": ",
        "float.tst:124: facility ENABLE HERC_370_EXTENSION",
        "float.tst:158: Testcase \"HFP Floating Point (z/Arch, no AFP)\": ",
        "float.tst:167: archlvl z/Arch: another architecture than System/370",
        "float.tst:193: Testcase \"HFP Floating Point (z/Arch, with AFP enabled)\": ",
        "float.tst:202: archlvl z/Arch: another architecture than System/370"]),
    "skey370.tst": ([], 1, ["skey370.tst:1: Testcase \"skey370\": the program executed "
                         "X'B22A0002' (RRBE) at 00020E, an instruction Hercules has in S/370 "
                         "mode beyond the reference's GA22-7000 operation codes: an "
                         "operation exception on reference; then Unexpected pgm type "
                         "0001."]),
}


@NEEDS_SHARED
@pytest.mark.parametrize("mode", ["native", "vmcp"])
@pytest.mark.parametrize("name", sorted(SHARED_RESULTS))
def test_shared_scripts(name: str, mode: str) -> None:
    assert sorted(p.name for p in HT.scripts(SHARED)) == sorted(SHARED_RESULTS)
    result = HT.run_script(SHARED / name, Reference(), mode)
    assert result.failures == []
    passed, runs, skips = SHARED_RESULTS[name]
    assert result.passed == passed and result.runs == runs
    if skips is None:
        assert result.skip is None
    else:
        assert result.skip is not None and all(s in result.skip for s in skips), result.skip


@NEEDS_SHARED
@pytest.mark.skipif(shutil.which("hercules") is None, reason="hercules is not on PATH")
def test_float_on_hercules() -> None:
    # Hercules 3.13 through its adapter, natively: CR0 set by set_state (the adapter's
    # helper program loads it); with CR0 bit 13 one its fpr display has sixteen
    # registers (conformance.hercules ``fpr``).
    impl = AdapterImplementation(HERCULES, run_time_limit=2.0)
    try:
        result = HT.run_script(SHARED / "float.tst", impl, "native")
    finally:
        impl.close()
    passed, runs, skips = SHARED_RESULTS["float.tst"]
    assert result.failures == [] and result.passed == passed and result.runs == runs
    assert result.skip is not None and all(s in result.skip for s in skips or ())


@NEEDS_SHARED
@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_shared_fragment(tmp_path: Path, mode: str) -> None:
    body = f"*Testcase dummy\nscript \"{SHARED / 'dummy.subtst'}\"\n*Done\n"
    result = HT.run_script(script(tmp_path, body), Reference(), mode)
    assert result.failures == [] and result.skip is None and result.passed == ["dummy"]


def test_testpath_of_a_relative_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "prog.core").write_bytes(bytes.fromhex("000A000000000000"))
    script(tmp_path, PROLOGUE + "loadcore \"$(testpath)/prog.core\"\nruntest\n*Done\n")
    monkeypatch.chdir(tmp_path.parent)
    impl = Scripted()
    result = HT.run_script(Path(tmp_path.name) / "t.tst", impl, "native")
    assert result.failures == [] and impl.images[0] == bytes.fromhex("000A")


@pytest.mark.parametrize("setting, code, failure", [
    ("", 0x11, None),                          # page translation: not logged by default
    ("", 0x40, None),                          # monitor event: not logged by default
    ("ostailor null\n", 0x11, "Unexpected pgm type 0011."),
    ("pgmtrace +11\n", 0x11, "Unexpected pgm type 0011."),
    ("ostailor quiet\n", 0x01, None),
    ("pgmtrace -1\n", 0x01, None),
    ("ostailor quiet\nostailor default\n", 0x06, "Unexpected pgm type 0006."),
])
def test_which_program_checks_are_logged(tmp_path: Path, setting: str, code: int,
                                         failure: str | None) -> None:
    result = run(tmp_path, PROLOGUE + setting + "runtest\n*Done\n",
                 Scripted(program_checks=(code,)))
    if failure is None:
        assert result.failures == [] and result.skip is None
    else:
        assert any(failure in f for f in result.failures), result.failures


def test_glued_operands(tmp_path: Path) -> None:
    path = tmp_path / "g.tst"
    assert [(s.verb, s.rest) for s in HT.parse("f-5000\nt+00e  # trace\n", path)] == [
        ("f-", "5000"), ("t+", "00e")]


def test_refused_operands_in_a_script_of_messages(tmp_path: Path) -> None:
    result = run(tmp_path, "*Testcase m\nmainsize -1\n*Error HHC01451E Invalid value\n"
                           "*Done nowait\n")
    assert result.skip is not None and "mainsize -1: not a size" in result.skip
    assert "checks Hercules' console messages (*Error at " in result.skip
