"""The `s370` command: the `run` contract, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reference.cli import main
from tests.support import ins

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
    assert set(out) == {"stop", "steps", "psw", "gpr", "cr", "storage", "keys"}
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


def test_run_under_vmcp_prints_the_same_json_as_a_native_run(capsys):
    native = run_json(capsys, HELLO, "--dump", "250-27F")
    guest = run_json(capsys, HELLO, "--dump", "250-27F", "--under", "vmcp")
    assert guest == native
    # the example's own result (examples/hello.asm): the sum 5050 and its text
    assert native["gpr"][2] == "000013BA"
    assert native["storage"][0]["hex"][16:24] == "000013BA"


def test_compare_identical_program_exits_0(capsys):
    assert main(["compare", HELLO]) == 0
    assert "identical" in capsys.readouterr().out


def test_compare_names_the_field_and_instruction_where_runs_part(tmp_path, capsys,
                                                                monkeypatch):
    # A VMCP with a deliberately wrong simulation of SSM: it ignores the mask byte
    # and clears the system mask.
    from reference.instructions import control
    from reference.vmcp import SIMULATIONS, Simulation

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


# --- s370 vmcp --directory (reference/vmio.py load_directory) ------------------
EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def _copy_examples(tmp_path):
    import shutil
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
    from reference.assembler import assemble
    from reference.vmcp import VMCP
    from reference.vmio import load_directory
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


def test_run_ipl_under_the_vmcp_ends_as_the_native_ipl(tmp_path, capsys):
    # The IPL deck of tests/test_io.py (its program sets R7 to X'77' and stops):
    # `s370 run --config --ipl 00C` natively and with --under vmcp print the same
    # state, storage included.
    from tests.test_io import ipl_deck
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
    import shutil
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
    import reference.vmcp
    monkeypatch.setattr(reference.vmcp, "release_spool", lambda kept: kept.channels.close())
    program, config = _cards_example(tmp_path)
    assert main(["compare", program, "--config", config]) == 1
    out = capsys.readouterr().out
    assert "differ: device 00E 1403 at byte 0: native 5448495320444543, vmcp (end of file, " \
           "0 bytes)" in out
    assert f"reproduce: s370 run {program} --config {config} --max-steps" in out
