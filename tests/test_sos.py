"""The MIT Sample Operating System as a workload (reference/cli/sos.py and
conformance/sos.py): its jobs natively, under the VMCP, as one of several VMs and
on Hercules.

SOS is not part of the project; these tests read it from ../shared/workloads and
are skipped where that folder is absent.  The printer output each job stream
should give is derived by hand in conformance/sos/<stream>.toml.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import reference.cli.sos as sos
from conformance import sos as S
from conformance.hercules import hercules_executable
from reference.io.decks import deck_cards
from reference.session import differences
from reference.vm.vmcp import default_execution

NEEDS_SOS = pytest.mark.skipif(not sos.sos_present(),
                               reason=f"{sos.SOS_SOURCE} is not there (the workloads "
                                      "folder ../shared/workloads is absent)")
NEEDS_HERCULES = pytest.mark.skipif(hercules_executable() is None,
                                    reason="hercules is not installed")
STREAMS = [p.name for p in S.streams()]


@pytest.fixture(scope="module")
def image() -> bytes:
    return sos.sos_image()


# ---------------------------------------------------------------------------
# The source and the job streams
# ---------------------------------------------------------------------------
def test_there_are_three_streams_with_expectations() -> None:
    assert STREAMS == ["stream-a.deck", "stream-b.deck", "stream-c.deck"]
    for name in STREAMS:
        assert (S.EXPECTATIONS / name.replace(".deck", ".toml")).is_file()


def test_the_expected_printer_output_ends_each_page_with_sos_s_skip() -> None:
    want = S.expected_printer(sos.EXAMPLES / "stream-c.deck")
    assert want == ("$JOB,2K,RDR=IN,PRT=OUT\nDIVIDING 100 BY ZERO\nPROGRAM FLOP\n\r\f"
                    "$JOB,2K,RDR=IN,PRT=OUT\nSTREAM C\nPROGRAM HALT\n\r\f")


def test_sos_source_changes_only_the_satk_start_line(tmp_path: Path) -> None:
    source = tmp_path / "s.asm"
    source.write_text("* X\nPROGRAM  START 0,SOSLOAD           ASMA: region\n         END\n")
    assert sos.sos_source(source) == "* X\nPROGRAM  START 0\n         END\n"
    source.write_text("PROGRAM  START 0\n")
    with pytest.raises(sos.SOSError, match="is not there once"):
        sos.sos_source(source)
    with pytest.raises(sos.SOSError, match="nothing.asm"):
        sos.sos_source(tmp_path / "nothing.asm")


@NEEDS_SOS
def test_sos_source_differs_from_the_workload_in_line_15_only() -> None:
    original = sos.SOS_SOURCE.read_text(encoding="ascii").splitlines()
    changed = sos.sos_source().splitlines()
    assert len(original) == len(changed)
    assert [i + 1 for i, (a, b) in enumerate(zip(original, changed)) if a != b] == [15]


@NEEDS_SOS
def test_sos_assembles_with_its_ipl_psw_and_timer_in_place(image: bytes) -> None:
    # IPLPSW DC B'0',B'0',X'0000',X'00',AL3(IPLRTN): a BC PSW, all masks off;
    # TIMER DC F'-1' at location 80 (X'50'); the I/O new PSW at X'78'.
    assert image[:5] == bytes(5)
    assert image[0x50:0x54] == b"\xFF\xFF\xFF\xFF"
    assert image[0x78:0x7D] == bytes(5)
    # UCBRDR1 and UCBPRT1: device addresses X'012' and X'010' (read from the image
    # by their pattern: the address word, then the user semaphore F'1,0').
    words = re.findall(rb"\x00\x00\x00(\x12|\x10)\x00\x00\x00\x01\x00\x00\x00\x00", image)
    assert words[:2] == [b"\x12", b"\x10"]


# ---------------------------------------------------------------------------
# Natively and under the VMCP
# ---------------------------------------------------------------------------
@NEEDS_SOS
@pytest.mark.parametrize("mode", ["native", "vmcp"])
@pytest.mark.parametrize("stream", STREAMS)
def test_sos_prints_what_the_stream_expects(image: bytes, stream: str, mode: str) -> None:
    path = sos.EXAMPLES / stream
    run = S.run_reference(image, deck_cards(path), mode)
    assert run.stop == "enabled-wait"
    assert run.printer == S.expected_printer(path)


@NEEDS_SOS
def test_native_and_vmcp_runs_end_in_the_same_state(image: bytes) -> None:
    cards = deck_cards(sos.EXAMPLES / "stream-a.deck")
    native = S.run_reference(image, cards, "native")
    vmcp = S.run_reference(image, cards, "vmcp")
    assert differences(native.state, vmcp.state) == []
    assert native.instructions == vmcp.instructions


@NEEDS_SOS
def test_a_job_s_program_check_is_reported_and_sos_goes_on(image: bytes) -> None:
    run = S.run_reference(image, deck_cards(sos.EXAMPLES / "stream-a.deck"), "native")
    pages = run.printer.split("\r\f")
    assert pages[2].splitlines()[-1] == "PROGRAM FLOP"
    assert "THIS CARD IS NEVER READ" not in run.printer
    assert pages[3].splitlines() == ["$JOB,4K,RDR=IN,PRT=OUT",
                                     "LIST RUNS AFTER THE PROGRAM CHECK", "PROGRAM HALT"]


# ---------------------------------------------------------------------------
# Several operating systems at once
# ---------------------------------------------------------------------------
JOBS = [("sosa", "stream-a.deck", 1), ("sosb", "stream-b.deck", 2),
        ("sosc", "stream-c.deck", 3)]


@NEEDS_SOS
def test_three_sos_vms_and_minios_each_end_as_they_do_alone(image: bytes,
                                                            tmp_path: Path) -> None:
    jobs = [(name, deck_cards(sos.EXAMPLES / stream), share) for name, stream, share in JOBS]
    guests = S.run_several(image, jobs, tmp_path)
    assert [g.name for g in guests] == ["sosa", "sosb", "sosc", "minios"]
    for guest, (_, cards, share), (_, stream, _) in zip(guests, jobs, JOBS):
        native = S.run_reference(image, cards, "native")
        assert guest.share == share
        assert guest.stop == native.stop == "enabled-wait"
        assert guest.printer == native.printer
        assert guest.printer == S.expected_printer(sos.EXAMPLES / stream)
        assert differences(guest.state, native.state) == []
        # Its I/O needed the VMCP; with trap-and-simulate and the assist, its
        # supervisor's privileged instructions and SVCs too.
        assert guest.interventions.get("simulate SIO", 0) > 0
        if default_execution() != "sie":
            assert guest.interventions.get("simulate LPSW", 0) > 0
            assert guest.interventions.get("reflect SVC by the assist", 0) > 0 \
                or default_execution() == "trap"
    stop, state, steps = S.minios_native()
    assert guests[-1].stop == stop and guests[-1].instructions == steps
    assert differences(guests[-1].state, state) == []


@NEEDS_SOS
def test_s370_vmcp_directory_table_shows_each_vm_s_share_and_interventions(
        image: bytes, tmp_path: Path) -> None:
    jobs = [(name, deck_cards(sos.EXAMPLES / stream), share) for name, stream, share in JOBS]
    S.run_several(image, jobs, tmp_path / "api")
    directory = tmp_path / "api" / "directory.toml"
    for name, _, _ in JOBS:
        (tmp_path / "api" / f"{name}.prt").unlink()
    out = subprocess.run([sys.executable, "-m", "reference.cli", "vmcp", "--directory",
                          str(directory), "--policy", "share", "--execution", "assist"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split() for line in out.stdout.splitlines()[1:]}
    assert set(rows) == {"sosa", "sosb", "sosc", "minios"}
    for name, stream, share in JOBS:
        assert rows[name][1] == str(share) and rows[name][2] == "enabled-wait"
        assert "LPSW" in " ".join(rows[name]) and "SVC by the assist" in " ".join(rows[name])
        assert (tmp_path / "api" / f"{name}.prt").read_bytes().decode("latin-1") == \
            S.expected_printer(sos.EXAMPLES / stream)
    assert rows["minios"][2] == "disabled-wait"


# ---------------------------------------------------------------------------
# Hercules
# ---------------------------------------------------------------------------
@pytest.mark.hercules
@NEEDS_SOS
@NEEDS_HERCULES
@pytest.mark.parametrize("stream", STREAMS)
def test_sos_prints_the_same_lines_on_hercules(image: bytes, stream: str) -> None:
    path = sos.EXAMPLES / stream
    run = S.run_hercules(image, deck_cards(path))
    assert run.stop == "enabled-wait"
    assert run.printer == S.expected_printer(path)


# ---------------------------------------------------------------------------
# python -m conformance.sos
# ---------------------------------------------------------------------------
def test_a_bad_job_stream_is_one_line_and_exit_status_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.deck").write_text("X" * 81 + "\n")
    if not sos.sos_present():
        assert S.main([str(tmp_path / "bad.deck")]) == 2
        assert "not there" in capsys.readouterr().err
        return
    assert S.main([str(tmp_path / "bad.deck")]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("bad.deck:1: a card has 80 columns, this line 81")
    assert len(err.strip().splitlines()) == 1


@NEEDS_SOS
def test_a_stream_without_expectations_is_compared_with_its_native_run(
        tmp_path: Path, capsys) -> None:
    (tmp_path / "mine.deck").write_text(
        f"$JOB,2K,RDR=IN,PRT=OUT\n@{sos.EXAMPLES / 'list.asm'}\nHELLO\n")
    assert S.main([str(tmp_path / "mine.deck")]) == 0
    out = capsys.readouterr().out
    assert "HELLO\nPROGRAM HALT\n" in out and "no expectations" in out
    assert out.count(": as natively") == 2
