"""The `s370` command: the `run` contract, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reference.vm.vmcp
from reference.asm.assembler import assemble
from reference.cli.main import main
from reference.machine.instructions import control
from reference.vm.directory import load_directory
from reference.vm.simulate import SIMULATIONS, Simulation
from reference.vm.vmcp import VMCP
from tests.support import ins, ipl_deck

# A raw image: BC-mode PSW at 0 -> X'200'; LA 1,5; ST 1,X'400'; LPSW X'1F0' (disabled wait).
WAIT_PSW = bytes.fromhex("000A0000000000FF")


def raw_image() -> bytes:
    image = bytearray(0x410)
    image[0:8] = bytes.fromhex("0000000000000200")
    image[0x1F0:0x1F8] = WAIT_PSW
    code = ins("LA", 1, 0, 0, 5) + ins("ST", 1, 0, 0, 0x400) + ins("LPSW", 0, 0x1F0)
    image[0x200:0x200 + len(code)] = code
    return bytes(image)


def run_json(capsys, *args: str) -> dict:
    assert main(["run", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_run_json_has_exactly_the_contract_fields(tmp_path, capsys):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    out = run_json(capsys, str(p), "--dump", "400-403", "--storage", "64K")
    assert set(out) == {"stop", "steps", "psw", "gpr", "fpr", "cr", "storage", "keys"}
    assert out["fpr"] == ["0000000000000000"] * 4
    assert out["stop"] == "disabled-wait"
    assert out["steps"] == 3
    assert out["psw"] == "000A0000000000FF"
    assert out["gpr"][1] == "00000005" and len(out["gpr"]) == 16
    assert out["cr"][0] == "000000E0" and out["cr"][2] == "FFFFFFFF"
    assert out["storage"] == [{"start": 0x400, "end": 0x403, "hex": "00000005"}]
    # 64K = 32 blocks; block 0 referenced and changed (restart PSW store, ST at 400)
    assert len(out["keys"]) == 32
    assert out["keys"][0] == 0x06 and out["keys"][1:] == [0] * 31


def test_run_step_limit_is_reported(tmp_path, capsys):
    image = bytearray(raw_image())
    image[0x200:0x204] = ins("BC", 15, 0, 0, 0x200)
    p = tmp_path / "loop.bin"
    p.write_bytes(bytes(image))
    out = run_json(capsys, str(p), "--max-steps", "50")
    assert out["stop"] == "step-limit" and out["steps"] == 50


def test_multiple_dumps_keep_their_order(tmp_path, capsys):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    out = run_json(capsys, str(p), "--dump", "400-401", "--dump", "0-7")
    assert [d["start"] for d in out["storage"]] == [0x400, 0]


@pytest.mark.parametrize("args, fragment", [
    (["run", "{img}", "--storage", "3X"], "--storage 3X"),
    (["run", "{img}", "--storage", "32K"], "--storage 32K"),
    (["run", "{img}", "--dump", "400"], "--dump 400"),
    (["run", "{img}", "--dump", "500-400"], "--dump 500-400"),
    (["run", "{img}", "--max-steps", "x"], "invalid int"),
    (["run", "/nonexistent/prog.bin"], "/nonexistent/prog.bin"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, fragment):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    argv = [a.replace("{img}", str(p)) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err


def test_image_larger_than_storage_is_one_line_and_exit_2(tmp_path, capsys):
    p = tmp_path / "big.bin"
    p.write_bytes(bytes(70 * 1024))
    assert main(["run", str(p), "--storage", "64K"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "larger than storage" in err


def test_human_output_names_stop_psw_and_registers(tmp_path, capsys):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    assert main(["run", str(p), "--dump", "400-40F"]) == 0
    out = capsys.readouterr().out
    assert "disabled-wait" in out and "000A0000000000FF" in out and "GR1 =00000005" in out


def test_console_script_runs_as_a_process(tmp_path):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    r = subprocess.run([sys.executable, "-m", "reference.cli", "run", str(p), "--json"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["stop"] == "disabled-wait"


# --- the VMCP commands -----------------------------------------------------------

HELLO = "examples/hello.asm"


@pytest.mark.parametrize("execution", [[], ["--execution", "trap"], ["--execution", "assist"],
                                       ["--execution", "sie"]],
                         ids=["default", "trap", "assist", "sie"])
def test_run_under_vmcp_prints_the_same_json_as_a_native_run(capsys, execution):
    native = run_json(capsys, HELLO, "--dump", "250-27F")
    guest = run_json(capsys, HELLO, "--dump", "250-27F", "--under", "vmcp", *execution)
    assert guest == native
    # the example's own result (examples/hello.asm): the sum 5050 and its text
    assert native["gpr"][2] == "000013BA"
    assert native["storage"][0]["hex"][16:24] == "000013BA"


def test_compare_identical_program_exits_0(capsys):
    assert main(["compare", HELLO]) == 0
    assert "identical" in capsys.readouterr().out


@pytest.mark.parametrize("execution", ["trap", "assist", "sie"])
def test_compare_in_each_execution_mode_is_identical_and_names_the_mode(capsys, execution):
    assert main(["compare", HELLO, "--execution", execution]) == 0
    out = capsys.readouterr().out
    # examples/hello.asm: 212 instructions to its disabled wait
    assert out == (f"identical: 212 instructions, stop disabled-wait, natively and under "
                   f"the VMCP ({execution})\n")


def test_without_execution_the_vmcp_default_follows_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("S370_EXECUTION", "trap")
    assert main(["compare", HELLO]) == 0
    assert capsys.readouterr().out.endswith("under the VMCP (trap)\n")
    monkeypatch.setenv("S370_EXECUTION", "nonsense")
    assert main(["compare", HELLO]) == 0
    assert capsys.readouterr().out.endswith("under the VMCP (assist)\n")


@pytest.mark.parametrize("argv", [
    ["run", HELLO, "--execution", "sie"],
    ["run", HELLO, "--execution", "trap", "--json"],
    ["run", HELLO, "--config", "examples/cards.toml", "--execution", "sie"],
    ["debug", HELLO, "--execution", "sie"],
], ids=["run", "run-json", "run-config", "debug"])
def test_execution_without_under_vmcp_is_one_line_error(capsys, argv):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"--execution {argv[argv.index('--execution') + 1]}: only with --under vmcp\n"


@pytest.mark.parametrize("command", [["run", HELLO, "--under", "vmcp"], ["compare", HELLO],
                                     ["vmcp", HELLO], ["debug", HELLO, "--under", "vmcp"]],
                         ids=["run", "compare", "vmcp", "debug"])
def test_an_unknown_execution_mode_is_one_line_error(capsys, command):
    assert main([*command, "--execution", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--execution: invalid choice: 'bogus'" in err


@pytest.mark.parametrize("execution", ["trap", "sie"])
def test_run_config_under_vmcp_in_each_mode_prints_the_native_printer_file(tmp_path, capsys,
                                                                           execution):
    shutil.copy(EXAMPLES / "cards.txt", tmp_path / "cards.txt")
    (tmp_path / "cards.toml").write_text(
        (EXAMPLES / "cards.toml").read_text().replace("cards_to_printer.prt", "out.prt"))
    assert "out.prt" in (tmp_path / "cards.toml").read_text()
    outs = []
    for extra in ([], ["--under", "vmcp", "--execution", execution]):
        assert main(["run", str(EXAMPLES / "cards_to_printer.asm"), "--config",
                     str(tmp_path / "cards.toml"), "--json", "--dump", "0-FFF", *extra]) == 0
        outs.append((json.loads(capsys.readouterr().out), (tmp_path / "out.prt").read_text()))
    assert outs[1] == outs[0]
    # The program copies each card to a line of the printer.
    assert outs[0][1].splitlines() == [
        line.rstrip() for line in (tmp_path / "cards.txt").read_text().splitlines()]


def test_compare_names_the_field_and_instruction_where_runs_part(tmp_path, capsys,
                                                                monkeypatch):
    # A VMCP with a deliberately wrong simulation of SSM: it ignores the mask byte
    # and clears the system mask.  (Simulations: trap-and-simulate's.)
    monkeypatch.setenv("S370_EXECUTION", "assist")
    def wrong_ssm(m, b2, d2):
        control._set_system_mask(m, 0)

    monkeypatch.setitem(SIMULATIONS, "SSM", Simulation(wrong_ssm))
    src = tmp_path / "ssm.asm"
    src.write_text(
        "S        START 0\n"
        "         USING S,0\n"
        "         DC    X'00080000',A(GO)\n"
        "         ORG   S+X'200'\n"
        "GO       LA    1,1\n"
        "         SSM   MASK\n"
        "         STNSM SAVE,X'FF'\n"
        "         LPSW  DONE\n"
        "         DS    0D\n"
        "DONE     DC    X'000A0000',A(0)\n"
        "MASK     DC    X'03'\n"
        "SAVE     DC    X'00'\n"
        "         END\n")
    assert main(["compare", str(src), "--storage", "64K"]) == 1
    out = capsys.readouterr().out
    # the final states differ in the mask STNSM saved; the runs part at the SSM
    # (instruction 2, at X'204'), after which the PSWs differ
    assert "differ: storage" in out and "instruction 2 at 000204" in out and "SSM" in out


def test_vmcp_command_prints_a_row_per_vm(capsys):
    assert main(["vmcp", HELLO, HELLO, "--policy", "share", "--share", "1",
                 "--share", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("VM") and len(lines) == 3
    assert all("disabled-wait" in line for line in lines[1:])


def test_vmcp_command_names_its_execution_mode_in_the_heading(capsys):
    assert main(["vmcp", HELLO, HELLO, "--execution", "sie"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("interventions by cause (sie)") and len(lines) == 3
    assert all(line.split()[2:4] == ["disabled-wait", "212"] for line in lines[1:])


def test_vmcp_share_count_must_match_programs(capsys):
    assert main(["vmcp", HELLO, HELLO, "--share", "2"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_run_under_vmcp_refuses_a_guest_too_big_for_real_storage(tmp_path, capsys):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    assert main(["run", str(p), "--under", "vmcp", "--storage", "16M"]) == 2
    assert "real storage" in capsys.readouterr().err


def test_virtual_cpu_id_option_shows_version_code_ff_under_the_vmcp(tmp_path, capsys):
    src = tmp_path / "stidp.asm"
    src.write_text("S        START 0\n         USING S,0\n         DC    X'00080000',A(GO)\n"
                   "         ORG   S+X'200'\nGO       STIDP ID\n         LPSW  DONE\n"
                   "         DS    0D\nDONE     DC    X'000A0000',A(0)\nID       DS    D\n"
                   "         END\n")
    # ID is at X'210': the CPU ID's first byte is the version code (GA22-7000 ch.10)
    virtual = run_json(capsys, str(src), "--under", "vmcp", "--virtual-cpu-id",
                       "--dump", "210-217")
    native = run_json(capsys, str(src), "--dump", "210-217")
    assert virtual["storage"][0]["hex"][:2] == "FF"
    assert virtual["storage"][0]["hex"][2:] == native["storage"][0]["hex"][2:]
    assert native["storage"][0]["hex"][:2] == "00"
    assert main(["run", str(src), "--virtual-cpu-id"]) == 2


def test_vmcp_paging_runs_guests_through_few_frames(capsys):
    # nine VMs whose page 0 is all they use, in eight frames: they take turns
    assert main(["vmcp", *[HELLO] * 9, "--storage", "128K", "--paging", "32K"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and all("disabled-wait" in line for line in lines[1:])
    assert any("page fault" in line for line in lines[1:])
    assert main(["vmcp", HELLO, "--paging", "8K"]) == 2


def test_output_to_a_closed_pipe_ends_quietly():
    # `s370 run ... | head -1`: the reader goes away; no traceback.
    r = subprocess.run(f"{sys.executable} -m reference.cli run {HELLO} --dump 0-1FFFFF | head -1",
                       shell=True, capture_output=True, text=True, check=False)
    assert r.stdout.startswith("stop") and "Traceback" not in r.stderr


# --- s370 vmcp --directory (reference/vm/vmio.py load_directory) ------------------
EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def _copy_examples(tmp_path):
    for name in ("directory.toml", "pack.img", "disk_to_printer.asm", "cards_to_printer.asm",
                 "cards.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path / "directory.toml"


def _blocks_as_lines(image: bytes, first: int, count: int) -> list[str]:
    """What a 1403 prints for the first 80 bytes of each block (EBCDIC -> ASCII,
    trailing blanks dropped), computed from the disk image independently."""
    return [image[512 * b:512 * b + 80].decode("cp037").rstrip()
            for b in range(first, first + count)]


def test_vmcp_directory_gives_each_vm_its_minidisk_and_spooled_printer(tmp_path, capsys):
    directory = _copy_examples(tmp_path)
    pack = (tmp_path / "pack.img").read_bytes()
    assert main(["vmcp", "--directory", str(directory), "--spool", str(tmp_path / "spool")]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["alpha", "beta", "cards"]
    assert all("disabled-wait" in line for line in out.splitlines()[1:])
    # alpha's minidisk is blocks 0-3 of the real disk, beta's 4-6: each prints its
    # own blocks and stops at the end of its minidisk (block 7 is nobody's).
    assert (tmp_path / "alpha.prt").read_text().splitlines() == _blocks_as_lines(pack, 0, 4)
    assert (tmp_path / "beta.prt").read_text().splitlines() == _blocks_as_lines(pack, 4, 3)
    assert (tmp_path / "cards.prt").read_text().splitlines() == [
        line.rstrip() for line in (tmp_path / "cards.txt").read_text().splitlines()]
    assert (tmp_path / "pack.img").read_bytes() == pack          # only read
    # The spool keeps each VM's files in a folder of its own.
    assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == [
        "001-alpha", "002-beta", "003-cards"]


def test_a_minidisk_vm_ends_as_the_native_machine_on_a_disk_of_its_blocks(tmp_path):
    # Native: disk_to_printer on a disk image holding just beta's blocks (4-6);
    # under the VMCP: the same program on the minidisk of those blocks.
    directory = _copy_examples(tmp_path)
    pack = (tmp_path / "pack.img").read_bytes()
    (tmp_path / "beta.img").write_bytes(pack[4 * 512:7 * 512])
    (tmp_path / "native.toml").write_text(
        '[[device]]\naddress = "191"\ntype = "3370"\nfile = "beta.img"\n'
        '[[device]]\naddress = "00E"\ntype = "1403"\nfile = "native.prt"\n')
    native = subprocess.run(
        [sys.executable, "-m", "reference.cli", "run", str(tmp_path / "disk_to_printer.asm"),
         "--config", str(tmp_path / "native.toml"), "--storage", "64K", "--json",
         "--dump", "0-FFFF"], capture_output=True, text=True, check=True)
    d = load_directory(directory)
    cp = VMCP(real_storage=1 << 20, spool_directory=tmp_path / "spool")
    cp.attach_real_disk(0x130, tmp_path / "pack.img")
    beta = next(v for v in d.vms if v.name == "beta")
    image = assemble((tmp_path / "disk_to_printer.asm").read_text(), "d").image
    vm = cp.create_vm(image, beta.storage, name="beta", devices=beta.devices)
    cp.run()
    cp.release_spool(vm)
    n = json.loads(native.stdout)
    assert n["stop"] == vm.stop_reason == "disabled-wait"
    assert n["steps"] == vm.steps
    assert n["gpr"] == [f"{r:08X}" for r in vm.gpr]
    assert int(n["gpr"][5], 16) == 3                      # three blocks printed
    assert n["storage"][0]["hex"] == bytes(vm.mem[0:0x10000]).hex().upper()
    assert (tmp_path / "beta.prt").read_text() == (tmp_path / "native.prt").read_text()


@pytest.mark.parametrize("edit,message", [
    # (the lines of examples/directory.toml: beta's minidisk table starts at 39,
    # its disk/start/blocks keys are at 42-44, alpha's minidisk table at 22)
    (("start = 4", "start = 2"), "directory.toml:44: blocks 2-4 of disk 130 overlap the "
                                 "minidisk at line 22"),
    (("blocks = 3", "blocks = 9"), "directory.toml:44: blocks 4-12 are not on disk 130 "
                                   "(8 blocks)"),
    (('disk = "130"\n  start = 4', 'disk = "131"\n  start = 4'),
     "directory.toml:42: disk 131: not a [[disk]] of the directory"),
    (('name = "beta"', 'name = "beta"\ncolour = "blue"'), "directory.toml:36: vm: unknown "
                                                           "key 'colour'"),
    (('program = "cards_to_printer.asm"', 'program = "nothing.asm"'),
     "directory.toml:53: program 'nothing.asm': no such file"),
    (('type = "1403"\n  file = "beta.prt"', 'type = "3370"\n  file = "pack.img"'),
     "directory.toml:46: a VM's disk is a minidisk"),
])
def test_a_bad_directory_is_one_line_naming_the_place_and_exit_2(tmp_path, capsys, edit,
                                                                  message):
    directory = _copy_examples(tmp_path)
    text = directory.read_text()
    assert edit[0] in text
    directory.write_text(text.replace(edit[0], edit[1], 1))
    assert main(["vmcp", "--directory", str(directory)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and message in err, err


@pytest.mark.parametrize("option,expected", [([], "sie"), (["--execution", "trap"], "trap")],
                         ids=["directory", "command-line-wins"])
def test_vmcp_directory_execution_runs_every_vm_that_way(tmp_path, capsys, monkeypatch,
                                                         option, expected):
    directory = _copy_examples(tmp_path)
    directory.write_text('execution = "sie"\n' + directory.read_text())
    assert load_directory(directory).execution == "sie"
    made = []
    original = VMCP.__post_init__

    def record(self):
        made.append(self.execution)
        original(self)

    monkeypatch.setattr(VMCP, "__post_init__", record)
    pack = (tmp_path / "pack.img").read_bytes()
    assert main(["vmcp", "--directory", str(directory), *option]) == 0
    assert made == [expected]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(f"interventions by cause ({expected})")
    assert [line.split()[:3] for line in lines[1:]] == [
        [name, "1", "disabled-wait"] for name in ("alpha", "beta", "cards")]
    # the same printer files as without the key (test above)
    assert (tmp_path / "alpha.prt").read_text().splitlines() == _blocks_as_lines(pack, 0, 4)
    assert (tmp_path / "beta.prt").read_text().splitlines() == _blocks_as_lines(pack, 4, 3)


def test_a_directory_without_execution_leaves_the_vmcp_default(tmp_path):
    assert load_directory(_copy_examples(tmp_path)).execution is None


@pytest.mark.parametrize("line,message", [
    ('execution = "fast"', "execution 'fast': one of trap, assist, sie"),
    ('execution = "SIE"', "execution 'SIE': one of trap, assist, sie"),
    ("execution = 1", "execution 1: one of trap, assist, sie"),
    ('execution = ["sie"]', "execution ['sie']: one of trap, assist, sie"),
])
def test_a_bad_directory_execution_is_one_line_with_its_line(tmp_path, capsys, line, message):
    directory = _copy_examples(tmp_path)
    # after two comment lines, so on line 3
    directory.write_text(f"# a directory\n#\n{line}\n" + directory.read_text())
    assert main(["vmcp", "--directory", str(directory)]) == 2
    assert capsys.readouterr().err == f"{directory}:3: {message}\n"


def test_execution_inside_a_vm_table_is_an_unknown_key(tmp_path, capsys):
    directory = _copy_examples(tmp_path)
    text = directory.read_text()
    directory.write_text(text.replace('name = "beta"', 'name = "beta"\nexecution = "sie"', 1))
    assert main(["vmcp", "--directory", str(directory)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "directory.toml:36: vm: unknown key 'execution'" in err


def test_run_ipl_under_the_vmcp_ends_as_the_native_ipl(tmp_path, capsys):
    # The IPL deck of tests/support.py (its program sets R7 to X'77' and stops):
    # `s370 run --config --ipl 00C` natively and with --under vmcp print the same
    # state, storage included.
    (tmp_path / "deck.bin").write_bytes(ipl_deck())
    (tmp_path / "m.toml").write_text('storage = "64K"\n[[device]]\naddress = "00C"\n'
                                     'type = "2540R"\nfile = "deck.bin"\nformat = "binary"\n')
    outs = []
    for extra in ([], ["--under", "vmcp"]):
        assert main(["run", "--config", str(tmp_path / "m.toml"), "--ipl", "00C", "--json",
                     "--dump", "0-FFFF", *extra]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0]["stop"] == "disabled-wait" and outs[0]["gpr"][7] == "00000077"
    assert outs[1] == outs[0]


def _cards_example(tmp_path):
    for name in ("cards_to_printer.asm", "cards.toml", "cards.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return str(tmp_path / "cards_to_printer.asm"), str(tmp_path / "cards.toml")


def test_compare_with_a_configuration_compares_the_device_files_too(tmp_path, capsys):
    program, config = _cards_example(tmp_path)
    assert main(["compare", program, "--config", config]) == 0
    out = capsys.readouterr().out
    assert out.startswith("identical: ") and "1 device files" in out
    assert not (tmp_path / "cards_to_printer.prt").exists()   # the configured file: untouched


def test_compare_with_a_configuration_names_the_device_file_that_differs(tmp_path, capsys,
                                                                        monkeypatch):
    # A VMCP that never hands its spool files on: the printer file under the VMCP
    # is missing.  compare names the device and the first byte: the native file
    # begins with the first card, "THIS DECK" in ASCII (54 48 49 53 20 44 45 43).
    monkeypatch.setattr(reference.vm.vmcp, "release_spool", lambda kept: kept.channels.close())
    program, config = _cards_example(tmp_path)
    assert main(["compare", program, "--config", config]) == 1
    out = capsys.readouterr().out
    assert "differ: device 00E 1403 at byte 0: native 5448495320444543, vmcp (end of file, " \
           "0 bytes)" in out
    assert f"reproduce: s370 run {program} --config {config} --max-steps" in out


# --- host files: the spool folder, undelivered output (exit status 3) ------------
# Exit status (README): 2 bad input, found before anything runs; 3 the run ended
# but some spooled output could not be delivered and stays in the spool, one line
# on stderr per file: "s370 vmcp: VM ADDR: output kept in SPOOLFILE: DEST: reason".
DEV_FULL = __import__("pathlib").Path("/dev/full")
NEEDS_DEV_FULL = pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")


def _line_of(path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


@pytest.mark.parametrize("spool, problem", [
    ("plain", "not a folder"),
    ("missing/spool", "folder {tmp}/missing does not exist"),
], ids=["a-file", "no-parent"])
def test_vmcp_spool_that_cannot_be_a_folder_is_one_line_exit_2_before_anything_runs(
        tmp_path, capsys, spool, problem):
    directory = _copy_examples(tmp_path)
    (tmp_path / "plain").write_text("a file\n")
    assert main(["vmcp", "--directory", str(directory), "--spool",
                 str(tmp_path / spool)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"--spool {tmp_path / spool}: {problem.format(tmp=tmp_path)}\n"
    assert not (tmp_path / "missing").exists() and not (tmp_path / "alpha.prt").exists()
    assert (tmp_path / "plain").read_text() == "a file\n"


@pytest.mark.parametrize("make, problem", [
    ("folder", "file 'alpha.prt': a folder, not a file"),
    ("no-parent", "file 'gone/alpha.prt': folder {tmp}/gone does not exist"),
], ids=["folder", "no-parent"])
def test_vmcp_directory_printer_destination_unusable_is_refused_before_any_vm_runs(
        tmp_path, capsys, make, problem):
    directory = _copy_examples(tmp_path)
    if make == "folder":
        (tmp_path / "alpha.prt").mkdir()
    else:
        directory.write_text(directory.read_text().replace('"alpha.prt"', '"gone/alpha.prt"'))
    line = _line_of(directory, '  file = "alpha.prt"' if make == "folder"
                    else '  file = "gone/alpha.prt"')
    assert main(["vmcp", "--directory", str(directory), "--spool",
                 str(tmp_path / "spool")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"{directory}:{line}: {problem.format(tmp=tmp_path)}\n"
    assert not (tmp_path / "beta.prt").exists() and not (tmp_path / "spool").exists()


@NEEDS_DEV_FULL
def test_vmcp_output_that_cannot_be_delivered_is_kept_reported_and_exit_3(tmp_path, capsys):
    directory = _copy_examples(tmp_path)
    directory.write_text(directory.read_text().replace('"alpha.prt"', '"/dev/full"'))
    pack = (tmp_path / "pack.img").read_bytes()
    spool = tmp_path / "spool"
    assert main(["vmcp", "--directory", str(directory), "--spool", str(spool)]) == 3
    out, err = capsys.readouterr()
    # The result table is printed; every VM ran to its end.
    assert [line.split()[:3] for line in out.splitlines()[1:]] == [
        [name, "1", "disabled-wait"] for name in ("alpha", "beta", "cards")]
    kept = spool / "001-alpha" / "00E.printer"
    assert err == (f"s370 vmcp: alpha 00E: output kept in {kept}: /dev/full: "
                   f"No space left on device\n")
    assert kept.read_text().splitlines() == _blocks_as_lines(pack, 0, 4)
    # The others' output was delivered.
    assert (tmp_path / "beta.prt").read_text().splitlines() == _blocks_as_lines(pack, 4, 3)
    assert (tmp_path / "cards.prt").exists()


@NEEDS_DEV_FULL
def test_run_under_vmcp_output_that_cannot_be_delivered_is_kept_and_exit_3(tmp_path, capsys):
    program, config = _cards_example(tmp_path)
    path = __import__("pathlib").Path(config)
    path.write_text(path.read_text().replace('"cards_to_printer.prt"', '"/dev/full"'))
    assert main(["run", program, "--config", config, "--under", "vmcp", "--json"]) == 3
    out, err = capsys.readouterr()
    state = json.loads(out)
    # The guest printed into its spool file without trouble: its normal end.
    assert state["stop"] == "disabled-wait" and state["psw"] == "000A000000000000"
    assert err.count("\n") == 1 and err.startswith("s370 run: vm1 00E: output kept in ")
    assert err.endswith(": /dev/full: No space left on device\n")
    kept = __import__("pathlib").Path(err[len("s370 run: vm1 00E: output kept in "):]
                                      .split(": /dev/full:")[0])
    try:
        deck = (tmp_path / "cards.txt").read_text().splitlines()
        assert kept.read_text() == "".join(line.rstrip() + "\n" for line in deck)
    finally:
        shutil.rmtree(kept.parent.parent, ignore_errors=True)   # the temporary spool


# ---------------------------------------------------------------------------
# Size options and program files: empty and non-decimal sizes, endless and
# oversized files (one line, exit 2)
# ---------------------------------------------------------------------------
_EMPTY_STORAGE = "--storage: empty (a size: 64K, 2M, 16M)"


@pytest.mark.parametrize("argv, message", [
    (["run", "{img}", "--storage", ""], _EMPTY_STORAGE),
    (["run", "{img}", "--config", "{cfg}", "--storage", ""], _EMPTY_STORAGE),
    (["compare", "{img}", "--storage", ""], _EMPTY_STORAGE),
    (["vmcp", "{img}", "--storage", ""], _EMPTY_STORAGE),
    (["trace", "record", "{img}", "-o", "{trace}", "--storage", ""], _EMPTY_STORAGE),
    (["vmcp", "{img}", "--paging", ""], "--paging: empty (a size: 64K, 1M)"),
], ids=["run", "run-config", "compare", "vmcp", "trace-record", "vmcp-paging"])
def test_empty_size_option_is_one_line_error_and_exit_2(tmp_path, capsys, argv, message):
    (tmp_path / "prog.bin").write_bytes(raw_image())
    (tmp_path / "cfg.toml").write_text('storage = "64K"\n')
    names = {"{img}": "prog.bin", "{cfg}": "cfg.toml", "{trace}": "t.jsonl"}
    argv = [str(tmp_path / names[a]) if a in names else a for a in argv]
    assert main(argv) == 2
    assert capsys.readouterr().err == message + "\n"


@pytest.mark.parametrize("option, value", [
    ("--storage", "²"),                    # a digit to str.isdigit, not to int()
    ("--storage", "١٢٨K"),                 # Arabic-Indic digits: sizes are 0-9
    ("--storage", "9" * 5000),             # more digits than int() converts
    ("--paging", "٦٤K"),
    ("--paging", "9" * 5000 + "K"),
], ids=["superscript", "arabic-indic", "5000-digits", "paging-arabic-indic",
        "paging-5000-digits"])
def test_size_of_other_than_ascii_digits_or_of_5000_digits_is_one_line_error(
        tmp_path, capsys, option, value):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    command = "run" if option == "--storage" else "vmcp"
    assert main([command, str(p), option, value]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{option} {value}: ")


def _limited_memory() -> None:
    """In the child: 1G of address space at most, so that reading an endless file
    without bound ends in MemoryError instead of exhausting the machine."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("argv", [
    ["run", "/dev/zero", "--storage", "64K"],
    ["run", "/dev/zero", "--config", "{cfg}"],
    ["compare", "/dev/zero", "--storage", "64K"],
    ["vmcp", "/dev/zero", "--storage", "64K"],
    ["trace", "record", "/dev/zero", "-o", "{trace}", "--storage", "64K"],
], ids=["run", "run-config", "compare", "vmcp", "trace-record"])
def test_endless_image_is_refused_after_storage_plus_one_bytes(tmp_path, argv):
    (tmp_path / "cfg.toml").write_text('storage = "64K"\n')
    names = {"{cfg}": "cfg.toml", "{trace}": "t.jsonl"}
    argv = [str(tmp_path / names[a]) if a in names else a for a in argv]
    done = subprocess.run([sys.executable, "-m", "reference.cli", *argv], capture_output=True,
                          text=True, timeout=300, preexec_fn=_limited_memory)
    assert (done.returncode, done.stderr) == (
        2, "/dev/zero: image of more than 65536 bytes is larger than storage (65536 bytes)\n")


def test_image_of_exactly_the_storage_size_is_accepted(tmp_path, capsys):
    p = tmp_path / "full.bin"
    p.write_bytes(raw_image().ljust(64 * 1024, b"\0"))
    out = run_json(capsys, str(p), "--storage", "64K")
    assert out["stop"] == "disabled-wait" and out["gpr"][1] == "00000005"


def test_assembler_source_larger_than_4M_is_one_line_error(tmp_path, capsys):
    p = tmp_path / "big.asm"
    p.write_text(("*" + " " * 98 + "\n") * (4 * 1024 * 1024 // 100 + 1))
    assert main(["run", str(p)]) == 2
    assert capsys.readouterr().err == (f"{p}: source larger than 4194304 bytes, the most the "
                                       "assembler reads\n")


def test_source_that_is_not_utf8_names_its_line(tmp_path, capsys):
    p = tmp_path / "prog.asm"
    p.write_bytes(b"* one\n* two\n* thr\xe9e\n")
    assert main(["run", str(p)]) == 2
    assert capsys.readouterr().err == (f"{p}:3: not UTF-8 text (invalid continuation byte "
                                       "at byte 17)\n")


# ---------------------------------------------------------------------------
# Bounds of a run: --max-time, and a guest that never gives the machine back
# ---------------------------------------------------------------------------
def _endless(tmp_path):
    """examples/hostile/endless_channel.asm (SIO of a NO-OPERATION command-chained
    to a TIC back to it, then an enabled wait) with a printer at 00E."""
    shutil.copyfile("examples/hostile/endless_channel.asm", tmp_path / "endless.asm")
    (tmp_path / "endless.toml").write_text(
        'storage = "64K"\n[[device]]\naddress = "00E"\ntype = "1403"\nfile = "out.prt"\n')
    return str(tmp_path / "endless.asm"), str(tmp_path / "endless.toml")


@pytest.mark.parametrize("under", [[], ["--under", "vmcp"]], ids=["native", "vmcp"])
def test_run_of_a_channel_program_that_never_ends_stops_at_max_time(tmp_path, capsys, under):
    program, config = _endless(tmp_path)
    out = run_json(capsys, program, "--config", config, "--max-steps", "10000",
                   "--max-time", "0.02", *under)
    # BALR, LA, ST, SIO, LPSW: then only the channel works, until the bound.
    assert out["stop"] == "time-limit" and out["steps"] == 5
    assert out["psw"] == "8002000000000000"


def test_compare_of_a_run_ended_by_its_time_bound_is_identical(tmp_path, capsys):
    program, config = _endless(tmp_path)
    assert main(["compare", program, "--config", config, "--max-time", "0.05"]) == 0
    assert "stop time-limit" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["", "x", "-1", "nan", "inf", "1e400", "٣"])
def test_a_bad_max_time_is_one_line_error_and_exit_2(tmp_path, capsys, value):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    assert main(["run", str(p), "--max-time", value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"--max-time {value}:")


def test_vmcp_goes_on_with_the_other_vms_and_prints_the_time_charged(tmp_path, capsys):
    program, _ = _endless(tmp_path)
    (tmp_path / "cards.txt").write_text("ONE\nTWO\n")
    cards = "examples/cards_to_printer.asm"
    (tmp_path / "dir.toml").write_text(f"""
[[vm]]
name = "endless"
program = "{program}"
storage = "64K"
  [[vm.device]]
  address = "00E"
  type = "1403"
  file = "{tmp_path / 'endless.prt'}"
[[vm]]
name = "cards"
program = "{Path(cards).resolve()}"
storage = "64K"
  [[vm.device]]
  address = "00C"
  type = "2540R"
  file = "{tmp_path / 'cards.txt'}"
  [[vm.device]]
  address = "00E"
  type = "1403"
  file = "{tmp_path / 'cards.prt'}"
""")
    assert main(["vmcp", "--directory", str(tmp_path / "dir.toml"), "--max-time", "0.05"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:7] == ["VM", "share", "stop", "instructions", "charged", "ms",
                                    "vmcp"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["endless"][2] == "time-limit"
    assert rows["cards"][2] == "disabled-wait"
    assert (tmp_path / "cards.prt").read_text().split() == ["ONE", "TWO"]
    # 0.05 s of the endless VM's time: 5 instructions, then 50,000 us of channel
    # work, charged 25 us an event and 25 us a wake, 5,000 events of 10 us at least.
    charged = float(rows["endless"][4])
    assert charged >= 5_000 * 50 / 1000


@pytest.mark.parametrize("argv", [["asm", "/dev/zero"], ["disasm", "/dev/zero"]])
def test_asm_and_disasm_of_an_endless_file_stop_reading_at_their_limit(argv, capsys):
    # asm reads at most 4M of source (assembler.MAX_SOURCE) + 1 byte, disasm at most
    # 16M of image (the largest storage) + 1 byte.
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("/dev/zero: ")


@pytest.mark.parametrize("share", ["²", "0", "1" * 5000, "10001", "-1"])
def test_a_share_other_than_a_whole_number_from_1_to_10000_is_one_line_error(capsys, share):
    assert main(["vmcp", "examples/hello.asm", "--share", share]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--share" in err[0]


@pytest.mark.parametrize("value", ["-1", "1_0", " 10", "1000000", "g"])
def test_disasm_addresses_are_1_to_6_hex_digits(tmp_path, capsys, value):
    p = tmp_path / "prog.bin"
    p.write_bytes(raw_image())
    assert main(["disasm", str(p), "--start", value]) == 2
    assert capsys.readouterr().err.count("\n") == 1


# --- a model without the floating-point facility ----------------------------------

FLOATING_POINT_PROGRAM = """\
FP       START 0
         USING FP,0
         DC    X'00000000',A(BEGIN)
         DC    XL8'00'
         ORG   FP+X'68'
         DC    X'00020000',A(X'BAD')    program new PSW: disabled wait
         ORG   FP+X'200'
BEGIN    LD    0,ONE
         LPSW  DONE
         DS    0D
DONE     DC    X'00020000',A(0)
ONE      DC    D'1'
         END
"""


@pytest.mark.parametrize("under", [[], ["--under", "vmcp"]])
def test_run_no_floating_point_makes_ld_an_operation_exception(tmp_path, capsys, under):
    # With the facility LD loads 1.0 (X'4110000000000000') and the program ends at
    # its wait PSW.  With --no-floating-point (GA22-7000 ch.9: the facility is
    # optional; "Operation (if the floating-point facility is not installed)") LD
    # is an operation exception: the program old PSW at X'28' holds code X'0001',
    # ILC 2 (LD is 4 bytes: bits 32-33 = 10, X'80'), CC 0, and the address of the
    # next instruction X'204'; the run ends at the program-new wait PSW (X'BAD').
    program = tmp_path / "fp.asm"
    program.write_text(FLOATING_POINT_PROGRAM)
    with_fp = run_json(capsys, str(program), *under)
    assert with_fp["fpr"][0] == "4110000000000000"
    assert with_fp["psw"] == "0002000000000000"
    without = run_json(capsys, str(program), "--no-floating-point", "--dump", "28-2F", *under)
    assert without["fpr"] == ["0000000000000000"] * 4
    assert without["psw"] == "0002000000000BAD"
    assert without["storage"][0]["hex"] == "0000000180000204"
