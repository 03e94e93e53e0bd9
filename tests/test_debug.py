"""``s370 debug``, the monitor (reference/cli/debug.py), and the storage dumps of
``s370 run`` (reference/cli/dump.py).

The monitor runs in script mode (``--commands FILE``) on small programs assembled
here, natively and under the VMCP, with every expected value derived from the
Principles of Operation (GA22-7000); and once on a pseudo-terminal, as a person
uses it, with its line editing and history.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import reference.cli.debug as debug_module
from reference.cli.dump import ebcdic_text, format_dump
from reference.cli.main import main
from tests.support import ipl_deck, within, working_directory

REPO = Path(__file__).resolve().parent.parent

# LA 1,5 and AR 1,1 leave 10 in R1 (cc 2: the sum is positive); SVC 3 swaps the
# SVC PSWs (old at X'20', new from X'60'); the SVC routine stores C'MAIN' at
# X'400' and executes X'0000', an operation exception (code 1: old PSW at X'28',
# new from X'68'), whose routine loads a disabled-wait PSW.
PROGRAM = """\
T        START 0
         DC    X'00080000',A(BEGIN)        restart PSW: EC mode, disabled
         ORG   T+X'60'
         DC    X'00080000',A(SVCRTN)       SVC new PSW
         DC    X'00080000',A(PGMRTN)       program new PSW
         ORG   T+X'200'
         USING T,0
BEGIN    LA    1,5                         000200
         AR    1,1                         000204
         SVC   3                           000206
SVCRTN   MVC   X'400'(4),=C'MAIN'          000208
         DC    X'0000'                     00020E: operation exception
PGMRTN   LPSW  DONE                        000210
         DS    0D
DONE     DC    X'000A0000',A(X'EEE')       disabled wait
         LTORG
         END   BEGIN
"""


@pytest.fixture
def program(tmp_path: Path) -> Path:
    p = tmp_path / "prog.asm"
    p.write_text(PROGRAM, encoding="utf-8")
    return p


def debug(tmp_path: Path, program: Path | None, commands: str, *options: str
          ) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of ``s370 debug PROGRAM
    --commands FILE`` with ``commands`` in FILE."""
    script = tmp_path / "commands.txt"
    script.write_text(commands, encoding="utf-8")
    argv = ["debug", *([str(program)] if program is not None else []),
            "--commands", str(script), *options]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), within(120):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def after(out: str, command: str) -> list[str]:
    """The output lines of the first ``command`` in a transcript."""
    lines = out.splitlines()
    at = lines.index(f"(s370) {command}")
    end = next((i for i in range(at + 1, len(lines)) if lines[i].startswith("(s370) ")),
               len(lines))
    return lines[at + 1:end]


# ---------------------------------------------------------------------------
# The dump formatter
# ---------------------------------------------------------------------------
def test_dump_line_has_hex_and_ebcdic_text():
    # C'MAIN' is D4 C1 C9 D5 in EBCDIC; X'40' is the blank.
    data = bytes.fromhex("D4C1C9D5 40404040 C1C2C3C4 F0F1F2F3")
    assert format_dump(data, 0x1000) == [
        "00001000  D4C1C9D5 40404040 C1C2C3C4 F0F1F2F3  *MAIN    ABCD0123*"]


def test_dump_shows_unprintable_bytes_as_dots_and_keeps_the_text_column():
    # X'00', X'FF' and X'15' (new line) print nothing: '.'; X'4B' is '.' itself.
    data = bytes.fromhex("00FF154B" + "E2E4D440" * 4 + "C8C9")
    lines = format_dump(data, 0x250, "R:")
    assert lines == [
        "R:00000250  00FF154B E2E4D440 E2E4D440 E2E4D440  *....SUM SUM SUM *",
        "R:00000260  E2E4D440 C8C9                        *SUM HI*",
    ]
    assert lines[0].index("*") == lines[1].index("*")


def test_ebcdic_text_of_lowercase_and_digits():
    assert ebcdic_text(bytes.fromhex("818283F9")) == "abc9"


def test_run_dump_prints_the_ebcdic_text(tmp_path, capsys):
    # hello.asm builds C'SUM 1..100 = 5050' at LINE, X'26D' (its listing).
    assert main(["run", str(REPO / "examples" / "hello.asm"), "--dump", "26D-27D"]) == 0
    out = capsys.readouterr().out
    assert "R:0000026D  E2E4D440 F14B4BF1 F0F0407E 40F5F0F5  *SUM 1..100 = 505*" in out
    assert "R:0000027D  F0" in out and out.rstrip().count("*0*") == 1


# ---------------------------------------------------------------------------
# Script mode
# ---------------------------------------------------------------------------
def test_step_shows_each_instruction_and_the_registers(tmp_path, program):
    status, out, err = debug(tmp_path, program, "step 2\nregs\npsw\nlast\n")
    assert status == 0 and err == ""
    assert after(out, "step 2") == ["000200  41100005      LA    1,5(0,0)",
                                    "000204  1A11          AR    1,1"]
    regs = after(out, "regs")
    assert regs[0] == "GR0 =00000000  GR1 =0000000A  GR2 =00000000  GR3 =00000000"
    # EC mode (bit 12), cc 2 in bits 18-19, instruction address 206.
    assert after(out, "psw")[0].startswith("PSW 00082000 00000206  EC mode, key 0, "
                                           "supervisor state, cc 2")
    assert after(out, "last") == ["       1  000200  41100005      LA    1,5(0,0)",
                                  "       2  000204  1A11          AR    1,1"]


def test_breakpoint_at_an_address(tmp_path, program):
    status, out, _ = debug(tmp_path, program, "break 206\ngo\nlast 1\n")
    assert status == 0
    assert after(out, "break 206") == ["breakpoint 1: address 000206"]
    assert after(out, "go") == ["breakpoint 1: address 000206 after 2 instructions; next:",
                                "  000206  0A03          SVC   3"]
    assert after(out, "last 1") == ["       2  000204  1A11          AR    1,1"]


def test_breakpoint_on_an_svc_and_on_a_program_interruption(tmp_path, program):
    status, out, _ = debug(tmp_path, program,
                           "break svc 3\nbreak program 0x0001\nlist\ngo\nd 20 8\ngo\n"
                           "d 28 8\nd 88 8\ngo\npsw\n")
    assert status == 0
    assert after(out, "list") == ["breakpoint 1: svc interruption 3",
                                  "breakpoint 2: program interruption 0001"]
    go = out.split("(s370) go\n")
    # The SVC: old PSW (cc 2, after the SVC at 208) at X'20', the new one from X'60'.
    assert go[1].splitlines()[:3] == [
        "        SVC interruption 3, ILC 1: old PSW 00082000 00000208, "
        "new PSW 00080000 00000208",
        "breakpoint 1: svc interruption 3 after 3 instructions; next:",
        # the literal C'MAIN' after DONE (X'218'-X'21F'): X'220' = 544
        "  000208  D20304000220  MVC   1024(4,0),544(0)"]
    assert after(out, "d 20 8")[0].startswith("R:00000020  00082000 00000208")
    # The operation exception: ILC 1, the old PSW past the two bytes at 20E, with
    # the cc of the SVC new PSW (MVC sets none).
    assert go[2].splitlines()[:2] == [
        "        program interruption code 0001 (operation exception), ILC 1: "
        "old PSW 00080000 00000210, new PSW 00080000 00000210",
        "breakpoint 2: program interruption 0001 after 2 instructions; next:"]
    # EC mode: the SVC's ILC (times 2) and number at X'88'-X'8B' (136-139), the
    # program interruption's at X'8C'-X'8F' (140-143).
    assert after(out, "d 88 8")[0].startswith("R:00000088  00020003 00020001")
    assert go[3].splitlines()[0] == "stopped: disabled-wait after 1 instruction; next:"
    assert after(out, "psw")[0].startswith("PSW 000A0000 00000EEE")


def test_alter_then_display_and_registers(tmp_path, program):
    status, out, _ = debug(tmp_path, program,
                           "alter 500 C'MAIN'\nd 500 10\nalter A:504 c1 c2\nd A:500 8\n"
                           "r5=0000FFFF\ncr6=12345678\npsw=00080000 00000204\nstep\n"
                           "f2=4110000000000000\nfpr\n")
    assert status == 0
    assert after(out, "alter 500 C'MAIN'") == [
        "R:00000500  D4C1C9D5                             *MAIN*"]
    assert after(out, "d 500 10") == [
        "R:00000500  D4C1C9D5 00000000 00000000 00000000  *MAIN............*"]
    assert after(out, "d A:500 8") == [
        "A:00000500  D4C1C9D5 C1C20000                    *MAINAB..*"]
    assert after(out, "r5=0000FFFF")[1].startswith("GR4 =00000000  GR5 =0000FFFF")
    assert after(out, "cr6=12345678")[1].startswith("CR4 =00000000  CR5 =00000000  "
                                                    "CR6 =12345678")
    # The PSW altered to X'204': the next step is AR 1,1 with R1 zero.
    assert after(out, "step") == ["000204  1A11          AR    1,1"]
    assert after(out, "fpr") == ["FR0=0000000000000000  FR2=4110000000000000  "
                                 "FR4=0000000000000000  FR6=0000000000000000"]


def test_restart_starts_over(tmp_path, program):
    status, out, _ = debug(tmp_path, program,
                           "break 204\ngo\nr1=FFFFFFFF\nrestart\nregs\nlast\ngo\n")
    assert status == 0
    assert after(out, "restart") == [
        f"s370 debug: {program} natively, 2048K storage; PSW 00080000 00000200; "
        f"'help' lists the commands"]
    assert after(out, "regs")[0].startswith("GR0 =00000000  GR1 =00000000")
    assert after(out, "last") == ["no instructions executed yet"]
    # The breakpoint stays.
    assert out.count("breakpoint 1: address 000204 after 1 instruction; next:") == 2


def test_restart_with_a_program_that_no_longer_assembles_keeps_the_session(tmp_path,
                                                                           program):
    script = tmp_path / "commands.txt"
    script.write_text("step\nrestart\nstep\n", encoding="utf-8")
    out = io.StringIO()

    class Breaking(io.StringIO):
        """Standard output that spoils the program once the first step is shown."""

        def write(self, text: str) -> int:
            if "LA    1,5" in text:
                program.write_text("         BOGUS\n", encoding="utf-8")
            return out.write(text)

    with contextlib.redirect_stdout(Breaking()), within(60):
        status = main(["debug", str(program), "--commands", str(script)])
    assert status == 1
    lines = out.getvalue().splitlines()
    assert after(out.getvalue(), "restart")[0].startswith(f"error: restart: {program}:1: ")
    # The old run goes on: the second step is the second instruction.
    assert lines[-1] == "000204  1A11          AR    1,1"


def test_bad_commands_get_one_line_and_the_monitor_goes_on(tmp_path, program):
    commands = ["bogus", "step x", "step 0", "d", "d zz", "d 1FFFFF 10", "d 300-200",
                "alter 400", "alter 400 ABC", "alter 400 C'\u20ac'", "break", "break 201",
                "break svc 300", "break program ZZ", "delete 9", "delete", "r16=0",
                "r1=123456789", "f1=0", "psw=12", "help nothing", "last -1", "regs 5"]
    status, out, err = debug(tmp_path, program, "\n".join(commands) + "\nstep\n")
    assert status == 1 and err == "" and "Traceback" not in out
    for command in commands:
        lines = after(out, command)
        if command == "break":              # lists the breakpoints: none yet
            assert lines == ["no breakpoints"]
            continue
        assert len(lines) == 1 and lines[0].startswith("error: "), (command, lines)
    assert after(out, "step") == ["000200  41100005      LA    1,5(0,0)"]


def test_help_lists_and_explains_the_commands(tmp_path, program):
    status, out, _ = debug(tmp_path, program, "help\nhelp break\n")
    assert status == 0
    listing = " ".join(after(out, "help"))
    for name in ("step", "go", "break", "list", "delete", "psw", "regs", "cr", "fpr", "d",
                 "alter", "last", "restart", "quit"):
        assert re.search(rf"\b{name}\b", listing), name
    assert after(out, "help break")[0].startswith("break ADDR: stop before the instruction")


def test_quit_ends_the_script(tmp_path, program):
    status, out, _ = debug(tmp_path, program, "quit\nstep\n")
    assert status == 0 and "(s370) step" not in out


def test_under_the_vmcp_the_guest_state_is_shown(tmp_path, program):
    commands = "step 2\nregs\nbreak svc 3\ngo\nd 20 8\nlast 3\n"
    _, native, _ = debug(tmp_path, program, commands)
    status, guest, err = debug(tmp_path, program, commands, "--under", "vmcp")
    assert status == 0 and err == ""
    assert "as the only guest of the VMCP" in guest.splitlines()[0]
    # Everything after the banner is the native transcript.
    assert guest.splitlines()[1:] == native.splitlines()[1:]


@pytest.mark.parametrize("execution", ["trap", "assist", "sie"])
def test_under_the_vmcp_each_execution_mode_steps_as_the_native_machine(tmp_path, program,
                                                                       execution):
    commands = "step 2\nregs\nbreak svc 3\ngo\nd 20 8\nlast 3\n"
    _, native, _ = debug(tmp_path, program, commands)
    status, guest, err = debug(tmp_path, program, commands, "--under", "vmcp",
                               "--execution", execution)
    assert status == 0 and err == ""
    assert f"as the only guest of the VMCP ({execution})," in guest.splitlines()[0]
    assert guest.splitlines()[1:] == native.splitlines()[1:]


def test_a_guest_that_translates_steps_as_the_native_machine(tmp_path):
    # minios turns DAT on (the VMCP runs it on shadow tables): a thousand single
    # steps, then a run to its stop, leave the guest where the native run is.
    minios = REPO / "examples" / "minios.asm"
    commands = "step 1000\nregs\ncr\npsw\ngo\nregs\npsw\nd 0 100\nlast 5\n"
    _, native, _ = debug(tmp_path, minios, commands)
    status, guest, _ = debug(tmp_path, minios, commands, "--under", "vmcp")
    assert status == 0
    assert "stopped: disabled-wait" in guest
    n, g = native.splitlines()[1:], guest.splitlines()[1:]
    # The PSW lines under the VMCP also name the VM's run state.
    assert [re.sub(r", VM \w+.*", "", line) for line in g] == n


# An enabled wait ended by the CPU timer: CR0 bit 21 (X'400') lets the CPU-timer
# subclass in; SPT sets the timer to 10 microseconds (bit 51 is one microsecond:
# X'A000'); the wait PSW enables external interruptions (system mask bit 7).
WAIT = """\
W        START 0
         DC    X'00080000',A(BEGIN)
         ORG   W+X'58'
         DC    X'00080000',A(EXTRTN)       external new PSW
         ORG   W+X'200'
         USING W,0
BEGIN    LCTL  0,0,CR0                     000200
         SPT   TIMER                       000204
         LPSW  WAITPSW                     000208
EXTRTN   LPSW  DONE                        00020C
         DS    0D
WAITPSW  DC    X'010A0000',A(0)            000210: EC, external mask, wait
DONE     DC    X'000A0000',A(0)            000218
TIMER    DC    XL8'000000000000A000'       000220
CR0      DC    X'00000400'                 000228
         END   BEGIN
"""


@pytest.mark.parametrize("under", [[], ["--under", "vmcp"]])
def test_a_wait_ended_by_the_cpu_timer(tmp_path, under):
    p = tmp_path / "wait.asm"
    p.write_text(WAIT, encoding="utf-8")
    status, out, _ = debug(tmp_path, p, "step 3\npsw\nstep 5\n", *under)
    assert status == 0
    # The wait is entered by the third instruction and ends in the same step: the
    # timer, set to 10 by the SPT (the second instruction, at 2 us), is negative at
    # 13 us: external interruption code X'1005', the old PSW the wait PSW.
    assert after(out, "step 3") == [
        "000200  B7000228      LCTL  0,0,552(0)",
        "000204  B2080220      SPT   544(0)",
        "000208  82000210      LPSW  528(0)",
        "        external interruption code 1005 (CPU timer): old PSW 010A0000 00000000, "
        "new PSW 00080000 0000020C"]
    assert after(out, "psw")[1].startswith("    3 instructions, machine time 13 us")
    assert after(out, "step 5") == [
        "00020C  82000218      LPSW  536(0)",
        "stopped: disabled-wait after 1 instruction; next:",
        "  wait state, PSW 000A0000 00000000"]


def test_a_wait_cut_in_slices_ends_where_it_ends_whole(tmp_path, monkeypatch):
    # The monitor waits in slices of machine time (Ctrl-C is looked at between
    # them): with slices of one microsecond, the transcript and the device output
    # are those of slices longer than any wait.
    p = tmp_path / "wait.asm"
    p.write_text(WAIT, encoding="utf-8")
    for name in ("cards_to_printer.asm", "cards.toml", "cards.txt"):
        shutil.copy(REPO / "examples" / name, tmp_path / name)
    cards = ["--config", str(tmp_path / "cards.toml")]
    runs = []
    for slice_us in (10 ** 9, 1):
        monkeypatch.setattr(debug_module._Native, "wait_slice_us", slice_us)
        _, waits, _ = debug(tmp_path, p, "step 3\npsw\nstep 5\n")
        _, copy, _ = debug(tmp_path, tmp_path / "cards_to_printer.asm", "go\npsw\nregs\n",
                           *cards)
        runs.append((waits, copy, (tmp_path / "cards_to_printer.prt").read_bytes()))
    assert runs[1] == runs[0]
    assert "machine time 13 us" in runs[1][0]


def test_a_wait_that_never_ends_stops_at_the_time_bound(tmp_path):
    # examples/hostile/endless_channel.asm with a printer at 00E: a channel program
    # that never ends, and a wait for its interruption.  --max-time bounds it,
    # natively and under the VMCP alike, at exactly that machine time.
    (tmp_path / "m.toml").write_text('[[device]]\naddress = "00E"\ntype = "1403"\n'
                                     'file = "out.prt"\n')
    program = REPO / "examples" / "hostile" / "endless_channel.asm"
    outs = []
    for under in ([], ["--under", "vmcp"]):
        status, out, _ = debug(tmp_path, program, "go\npsw\nstep\n", "--config",
                               str(tmp_path / "m.toml"), "--max-time", "0.2", *under)
        assert status == 0
        assert after(out, "go")[0] == "stopped: time-limit after 5 instructions; next:"
        assert after(out, "psw")[1].startswith("    5 instructions, machine time 200000 us")
        assert after(out, "step")[0] == "stopped: time-limit after 0 instructions; next:"
        outs.append([re.sub(r", VM \w+.*", "", line) for line in out.splitlines()[1:]])
    assert outs[1] == outs[0]


LOOP = """\
L        START 0
         DC    X'00080000',A(BEGIN)
         ORG   L+X'200'
         USING L,0
BEGIN    LA    1,1(1)                      count in R1
         B     BEGIN
         END   BEGIN
"""


def test_go_with_a_count_and_an_endless_loop(tmp_path):
    p = tmp_path / "loop.asm"
    p.write_text(LOOP, encoding="utf-8")
    status, out, _ = debug(tmp_path, p, "go 1001\nregs\nlast 2\n")
    assert status == 0
    assert after(out, "go 1001") == ["done after 1001 instructions; next:",
                                     "  000204  47F00200      B     512(0,0)"]
    # 501 passes through LA: R1 = 501 = X'1F5'.  LA 1,1(1): RX, op X'41', R1 1,
    # X2 1, B2 0, D2 1.
    assert after(out, "regs")[0].startswith("GR0 =00000000  GR1 =000001F5")
    assert after(out, "last 2") == ["    1000  000204  47F00200      B     512(0,0)",
                                    "    1001  000200  41110001      LA    1,1(1,0)"]


PREFIXED = """\
P        START 0
         DC    X'00080000',A(BEGIN)
         ORG   P+X'2000'
         DC    C'PREFIXED'
         ORG   P+X'3000'
BEGIN    BALR  12,0
         USING *,12
         SPX   PFX                         the prefix: X'2000'
         LPSW  DONE
         DS    0D
DONE     DC    X'000A0000',A(0)
PFX      DC    A(X'2000')
         END   BEGIN
"""


def test_prefixing_real_and_absolute_displays(tmp_path):
    # With prefix X'2000', real 0-FFF is absolute 2000-2FFF and real 2000-2FFF is
    # absolute 0-FFF (GA22-7000 ch.3 "Prefixing"); other addresses are both.
    p = tmp_path / "prefix.asm"
    p.write_text(PREFIXED, encoding="utf-8")
    status, out, _ = debug(tmp_path, p, "step 2\npsw\nd 0 8\nd A:0 8\nd 2000 8\n"
                           "d 3000 2\nd A:3000 2\n")
    assert status == 0
    assert after(out, "psw")[1].endswith(", prefix 002000")
    note = "prefix 002000: real 000000-000FFF is absolute 002000-002FFF and the other way round"
    assert after(out, "d 0 8") == [
        note, "R:00000000  D7D9C5C6 C9E7C5C4                    *PREFIXED*"]
    assert after(out, "d A:0 8") == [
        "A:00000000  00080000 00003000                    *........*"]
    assert after(out, "d 2000 8") == [
        note, "R:00002000  00080000 00003000                    *........*"]
    assert after(out, "d 3000 2") == ["R:00003000  05C0                                 *.{*"]
    assert after(out, "d A:3000 2") == ["A:00003000  05C0                                 *.{*"]


def test_bad_command_line_is_one_line_and_exit_2(tmp_path, program):
    def run(*argv: str) -> tuple[int, str]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["debug", *argv])
        return status, err.getvalue()

    bad_utf8 = tmp_path / "bad.txt"
    bad_utf8.write_bytes(b"step\n\xff\n")
    cases = [
        (str(tmp_path / "missing.asm"),),
        (str(program), "--commands", str(tmp_path / "missing.txt")),
        (str(program), "--commands", str(bad_utf8)),
        (str(program), "--commands", str(tmp_path)),
        (str(program), "--storage", "3K"),
        (str(program), "--ipl", "00C"),
        ("--commands", str(bad_utf8)),
        (str(program), "--under", "hypervisor"),
    ]
    for argv in cases:
        status, err = run(*argv)
        assert status == 2, argv
        assert err.count("\n") == 1 and "Traceback" not in err, (argv, err)
    assert "bad.txt:2: not UTF-8" in run(str(program), "--commands", str(bad_utf8))[1]


def test_a_configured_machine_loaded_by_ipl(tmp_path):
    # The IPL deck of tests/support.py: card 1 reads card 2 to X'400', whose first
    # instruction is LA 7,X'77'.
    (tmp_path / "deck.bin").write_bytes(ipl_deck())
    (tmp_path / "m.toml").write_text('storage = "64K"\n[[device]]\naddress = "00C"\n'
                                     'type = "2540R"\nfile = "deck.bin"\nformat = "binary"\n')
    outs = []
    for extra in ([], ["--under", "vmcp"]):
        status, out, err = debug(tmp_path, None, "step\nregs\ngo\n", "--config",
                                 str(tmp_path / "m.toml"), "--ipl", "00C", *extra)
        assert status == 0 and err == ""
        assert out.splitlines()[0].startswith("s370 debug: IPL from 00C ")
        outs.append(out.splitlines()[1:])
    assert after("\n".join(outs[0]), "step") == ["000400  41700077      LA    7,119(0,0)"]
    assert after("\n".join(outs[0]), "regs")[1].endswith("GR7 =00000077")
    assert "stopped: disabled-wait after 1 instruction; next:" in outs[0]
    assert outs[1] == outs[0]


def test_a_configured_machine_writes_its_devices(tmp_path):
    # The card-to-printer example, in a scratch folder: the printer file the
    # monitor's run writes is the one `s370 run` writes (under the VMCP, from the
    # spool when the monitor ends).
    for name in ("cards_to_printer.asm", "cards.toml", "cards.txt"):
        shutil.copy(REPO / "examples" / name, tmp_path / name)
    program, config = tmp_path / "cards_to_printer.asm", str(tmp_path / "cards.toml")
    printer = tmp_path / "cards_to_printer.prt"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(program), "--config", config]) == 0
    expected = printer.read_bytes()
    assert expected
    for extra in ([], ["--under", "vmcp"]):
        printer.unlink()
        status, out, err = debug(tmp_path, program, "go\n", "--config", config, *extra)
        assert status == 0 and err == "" and "stopped: disabled-wait" in out
        assert printer.read_bytes() == expected


# ---------------------------------------------------------------------------
# On a terminal
# ---------------------------------------------------------------------------
ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[=>])")


class Terminal:
    """``s370 debug PROGRAM`` on a pseudo-terminal."""

    def __init__(self, program: Path) -> None:
        self.master, slave = pty.openpty()
        env = dict(os.environ, TERM="xterm", INPUTRC=os.devnull, PYTHONPATH=str(REPO))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reference.cli", "debug", str(program)],
            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO,
            start_new_session=True)
        os.close(slave)
        self.seen = ""

    def read_until(self, text: str, seconds: float = 30) -> str:
        """Everything up to and including ``text`` (escape sequences removed)."""
        deadline = time.monotonic() + seconds
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} within {seconds} s: {self.seen!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise AssertionError(f"the monitor ended before {text!r}: {self.seen!r}")
                self.seen += ANSI.sub("", data.decode("utf-8", "replace")).replace("\r", "")
        at = self.seen.index(text) + len(text)
        out, self.seen = self.seen[:at], self.seen[at:]
        return out

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            self.send("quit\r")
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)


@pytest.fixture
def terminal(program):
    if not hasattr(os, "openpty"):
        pytest.skip("no pseudo-terminals on this system")
    t = Terminal(program)
    yield t
    t.close()


def test_on_a_terminal_commands_answer_at_the_prompt(terminal):
    assert "'help' lists the commands" in terminal.read_until("(s370) ")
    terminal.send("step 2\r")
    out = terminal.read_until("(s370) ")
    assert "000200  41100005      LA    1,5(0,0)" in out
    assert "000204  1A11          AR    1,1" in out
    terminal.send("bogus\r")
    assert "error: bogus: unknown command" in terminal.read_until("(s370) ")
    terminal.send("regs\r")
    assert "GR1 =0000000A" in terminal.read_until("(s370) ")
    # An empty line repeats the step.
    terminal.send("step\r")
    assert "000206  0A03          SVC   3" in terminal.read_until("(s370) ")
    terminal.send("\r")
    assert "000208  D20304000220" in terminal.read_until("(s370) ")


def test_on_a_terminal_up_arrow_recalls_the_history(terminal):
    probe = subprocess.run([sys.executable, "-c", "import readline"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this Python has no readline: no line editing nor history")
    terminal.read_until("(s370) ")
    terminal.send("r7=00000777\r")
    terminal.read_until("(s370) ")
    terminal.send("regs\r")
    terminal.read_until("(s370) ")
    terminal.send("r7=00000001\r")
    terminal.read_until("(s370) ")
    # Up twice: "regs"; up three times: "r7=00000777" (set again, then shown).  The Up
    # key as a terminal in application cursor-key mode sends it (ESC O A), which line
    # editors take in either mode.
    terminal.send("\x1bOA\x1bOA\x1bOA\r")
    assert "GR7 =00000777" in terminal.read_until("(s370) ")


def test_on_a_terminal_ctrl_c_stops_go(tmp_path):
    p = tmp_path / "loop.asm"
    p.write_text(LOOP, encoding="utf-8")
    t = Terminal(p)
    try:
        t.read_until("(s370) ")
        t.send("go\r")
        time.sleep(1)
        t.process.send_signal(signal.SIGINT)
        out = t.read_until("(s370) ")
        assert re.search(r"interrupted \(Ctrl-C\) after \d+ instructions; next:", out), out
        t.send("regs\r")
        assert "GR1 =" in t.read_until("(s370) ")
    finally:
        assert t.close() == 0


def test_the_session_of_the_documentation_is_what_the_monitor_prints(tmp_path):
    # docs/debug.md, "A session": its commands, run again, print its lines.
    doc = (REPO / "docs" / "debug.md").read_text(encoding="utf-8")
    block = doc.split("## A session", 1)[1].split("\n\n")[1]
    lines = [line[4:] for line in block.splitlines()]
    assert lines[0] == "$ s370 debug examples/hello.asm --commands session.txt"
    commands = [line[len("(s370) "):] for line in lines if line.startswith("(s370) ")]
    with working_directory(REPO):
        status, out, _ = debug(tmp_path, Path("examples/hello.asm"),
                               "\n".join(commands) + "\n")
    assert status == 0
    assert out.splitlines() == lines[1:]
