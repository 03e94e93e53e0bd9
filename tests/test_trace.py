"""Traces (reference/trace/, traces/FORMAT.md): the records of hand-built programs
derived from the Principles of Operation, the format's round trip and schema, diff and
verify (divergences, exit statuses, bad files), the floating-point extension (the
record key "f": what it records, how it is checked, the digest), the bounds and the
one reading rule of both commands, native against VMCP traces, and the golden traces
of the conformance corpus reproduced byte for byte.

The parser fuzzes (``test_fuzzed_*``) mutate valid headers and records structurally
(tests/jsonfuzz.py: nesting, other JSON types, sizes, encodings, dropped and
duplicated keys, truncated lines) and run ``s370 trace verify`` and ``s370 trace
diff`` on them in this process: each ends in exit 0, 1 (a divergence) or one line on
standard error with exit 2, never a traceback, and within a time bound.  They run
``tests.support.fuzz_examples()`` examples each: 200, or the number in the
environment variable ``S370_FUZZ_EXAMPLES`` (``S370_FUZZ_EXAMPLES=10000 pytest
tests/test_trace.py -k fuzzed`` for a long campaign).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import reference.trace.format as trace_module
import reference.trace.recorder as recorder_module
from conformance.corpus import programs
from conformance.goldens import GOLDEN, golden_cases
from conformance.strategies import guest_programs
from reference.asm.assembler import assemble
from reference.cli.bench import bench_workloads, run_trace_bench
from reference.cli.main import main
from reference.session import load_program, run_either, start_machine
from reference.trace import (
    TraceReader,
    check_record,
    diff_files,
    encode,
    iter_records,
    json_nesting,
    loads_bounded,
    record_lines,
    referenced_image,
    state_digest,
    verify_file,
    write_trace,
)
from reference.vm.vmcp import VMCPError
from tests.jsonfuzz import mutated_line
from tests.support import fuzz_examples, ins, within

SCHEMA = Path(__file__).resolve().parent.parent / "traces" / "trace-v1.schema.json"
WAIT_EC = bytes.fromhex("000A0000000000FF")      # EC mode, wait, disabled


def image(code: bytes, psw: str = "0000000000000200", data: dict[int, bytes] | None = None,
          size: int = 0x800) -> bytes:
    """A raw image: the PSW at 0 (loaded by the restart), code at X'200', the
    disabled-wait PSW at X'1F0', ``data`` where given."""
    out = bytearray(size)
    out[0:8] = bytes.fromhex(psw)
    out[0x1F0:0x1F8] = WAIT_EC
    out[0x200:0x200 + len(code)] = code
    for at, blob in (data or {}).items():
        out[at:at + len(blob)] = blob
    return bytes(out)


LA_ST_LPSW = image(ins("LA", 1, 0, 0, 5) + ins("ST", 1, 0, 0, 0x400) + ins("LPSW", 0, 0x1F0))


def records(img: bytes, mode: str = "native", max_steps: int = 1000,
            storage: int = 64 * 1024) -> list[dict]:
    return [json.loads(line) for line in record_lines(img, storage, mode, max_steps)]


def write(path: Path, lines: list[str]) -> Path:
    data = "".join(lines).encode("ascii")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


# --- what the records say, derived by hand ---------------------------------------

def test_la_st_lpsw_gives_one_record_per_instruction_with_its_changes():
    h, r1, r2, r3, f = records(LA_ST_LPSW)
    # start: the restart stored the all-zero PSW at 8: block 0 referenced and changed
    assert h["init"]["psw"] == "0000000000000200"
    assert h["init"]["keys"] == {"000000": "06"}
    assert h["init"]["cr"][0] == "000000E0" and h["init"]["cr"][2] == "FFFFFFFF"
    assert h["init"]["cr"][14] == "C2000000" and h["init"]["cr"][15] == "00000200"
    assert h["machine"] == {"storage": 65536, "mode": "native"}
    # LA 1,5 (41 1 0 0 005): R1 = 5; the BC-mode PSW before it is the one loaded
    assert r1 == {"t": "i", "n": 1, "p": "0000000000000200", "b": "41100005",
                  "g": {"1": "00000005"}}
    # ST 1,X'400': four bytes stored at 400; block 0's key was already 06
    assert r2 == {"t": "i", "n": 2, "p": "0000000000000204", "b": "50100400",
                  "w": {"000400": "00000005"}}
    # LPSW X'1F0': no register or storage changes; the new PSW is the footer's
    assert r3 == {"t": "i", "n": 3, "p": "0000000000000208", "b": "820001F0"}
    assert f["t"] == "f" and f["stop"] == "disabled-wait" and f["n"] == 3
    assert f["psw"] == "000A0000000000FF"


def test_operation_exception_is_in_the_instruction_record():
    # X'0000' is no instruction: operation exception, suppressed, ILC 1; BC mode: the
    # old PSW at X'28' carries code 0001, ILC 01 and the next address X'202'
    # (GA22-7000 ch.6 "Program Interruption", "Operation Exception").
    new = bytes.fromhex("0002000000000BAD")   # BC mode, wait, disabled
    _, r1, f = records(image(bytes(2), data={0x68: new}))
    old = "0000000140000202"   # code 0001 in bits 16-31, ILC 1 in bits 32-33, X'202'
    assert r1 == {"t": "i", "n": 1, "p": "0000000000000200", "b": "0000",
                  "w": {"000028": old},
                  "x": {"k": "program", "c": "0001", "l": 1, "old": old,
                        "new": "0002000000000BAD"}}
    assert f["n"] == 1 and f["psw"] == "0002000000000BAD"


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_early_exception_after_ssm_is_an_interruption_record_of_its_own_step(mode):
    # EC mode; SSM X'300' loads mask X'80' (bit 0 must be zero): the PSW is invalid,
    # and before the next instruction the specification exception is recognized as a
    # step of its own, ILC 2 because SSM introduced it (GA22-7000 ch.6 "Specification
    # Exception").  EC mode stores ILC and code at X'8C': 00 04 0006.
    img = image(ins("SSM", 0, 0x300), psw="0008000000000200",
                data={0x300: b"\x80", 0x68: bytes.fromhex("000A000000000BAD")})
    _, r1, r2, f = records(img, mode)
    assert r1 == {"t": "i", "n": 1, "p": "0008000000000200", "b": "80000300"}
    old = "8008000000000204"   # mask X'80', EC, key 0, the address after SSM
    assert r2 == {"t": "x", "n": 2, "w": {"000028": old, "00008C": "00040006"},
                  "x": {"k": "program", "c": "0006", "l": 2, "old": old,
                        "new": "000A000000000BAD"}}
    assert f["n"] == 2 and f["stop"] == "disabled-wait"


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_an_interruption_after_the_first_one_gets_a_record_of_its_own(mode):
    # LCTL sets the external-call subclass mask (CR0 bit 18, X'2000'); SIGP order 2
    # to CPU 0 (itself) makes an external call pending while the PSW is disabled;
    # X'0000' is an operation exception whose program new PSW enables external
    # interruptions: the external call is taken at once, with no instruction
    # between (GA22-7000 ch.6 "External Call", "Priority of Interruptions").
    code = ins("LCTL", 0, 0, 0, 0x300) + ins("SIGP", 1, 0, 0, 2) + bytes(2)
    img = image(code, psw="0008000000000200",
                data={0x300: bytes.fromhex("000020E0"),
                      0x68: bytes.fromhex("0108000000000400"),   # program new: ext mask
                      0x58: bytes.fromhex("000A000000000EEE")})  # external new: stop
    _, lctl, sigp, op, ext, f = records(img, mode)
    assert lctl == {"t": "i", "n": 1, "p": "0008000000000200", "b": "B7000300",
                    "c": {"0": "000020E0"}}
    assert sigp == {"t": "i", "n": 2, "p": "0008000000000204", "b": "AE100002"}
    # EC mode: the old PSW points past the 2-byte instruction; ILC 1 and code 0001
    # at X'8C' (00 02 0001)
    assert op == {"t": "i", "n": 3, "p": "0008000000000208", "b": "0000",
                  "w": {"000028": "000800000000020A", "00008C": "00020001"},
                  "x": {"k": "program", "c": "0001", "l": 1, "old": "000800000000020A",
                        "new": "0108000000000400"}}
    # the external call: CPU address 0000 at X'84', code 1202 at X'86'; the old PSW is
    # the program new PSW, no instruction of it having run
    assert ext == {"t": "x", "n": 3,
                   "w": {"000018": "0108000000000400", "000084": "00001202"},
                   "x": {"k": "external", "c": "1202", "l": 0, "old": "0108000000000400",
                         "new": "000A000000000EEE"}}
    assert f["n"] == 3 and f["stop"] == "disabled-wait" and f["psw"] == "000A000000000EEE"


def test_footer_digest_is_sha256_of_the_documented_serialization():
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    m = start_machine(LA_ST_LPSW, 64 * 1024)
    m.run(1000)
    s = m.state()
    text = ("s370-state 1\n"
            f"psw {s.psw:016X}\n"
            "gpr " + " ".join(f"{v:08X}" for v in s.gpr) + "\n"
            "cr " + " ".join(f"{v:08X}" for v in s.cr) + "\n"
            f"prefix {s.prefix:08X}\ntod {s.tod:016X}\nckc {s.clock_comparator:016X}\n"
            f"cpt {s.cpu_timer:016X}\nitimer {s.interval_timer:08X}\n"
            f"pending {' '.join(s.pending)}\nstopped \n"
            f"keys {s.keys.hex().upper()}\nstorage 65536\n")
    digest = hashlib.sha256(text.encode("ascii") + s.storage).hexdigest()
    assert json.loads(lines[-1])["sha256"] == digest
    # three instructions of one microsecond each: the TOD clock reads 3 << 12
    assert s.tod == 3 << 12


@pytest.mark.parametrize("name", ["general/sieve", "timers/interval_timer",
                                  "interruptions/restart_sigp", "dat/translate_4k"])
def test_recording_does_not_change_the_run(name):
    p = next(p for p in programs() if p.name == name)
    exp = p.expectations
    footer = json.loads(record_lines(p.image, exp.storage, "native", exp.max_steps)[-1])
    m = start_machine(p.image, exp.storage)
    stop = m.run(exp.max_steps)
    assert (footer["stop"], footer["n"], footer["sha256"]) == (stop, m.steps, state_digest(m))


# --- floating-point registers: the key "f" (FORMAT.md "Floating-point registers") ----
# Hexadecimal floating point (GA22-7000 ch.9 "Data Format"): sign bit, 7-bit
# characteristic (excess 64, a power of 16), fraction.  1.0 = 0.1 (hex) x 16**1:
# characteristic 64 + 1 = X'41', fraction X'10000000000000'; 2.0 = 0.2 x 16**1.
ONE = "4110000000000000"
TWO = "4120000000000000"
FOUR = "4140000000000000"

# LD 0,X'300' (1.0); ADR 0,0 (2.0, CC 2: the result is greater than zero); LDR 2,0;
# LDR 0,0 (the value it had: no change); STD 2,X'310'; LPSW X'1F0'.
FP_PROGRAM = image(ins("LD", 0, 0, 0, 0x300) + ins("ADR", 0, 0) + ins("LDR", 2, 0)
                   + ins("LDR", 0, 0) + ins("STD", 2, 0, 0, 0x310) + ins("LPSW", 0, 0x1F0),
                   data={0x300: bytes.fromhex(ONE)})


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_floating_point_register_writes_are_recorded_under_f(mode):
    h, *recs, f = records(FP_PROGRAM, mode)
    assert "fpr" not in h["init"]           # zero after the clear reset: not in init
    assert recs == [
        {"t": "i", "n": 1, "p": "0000000000000200", "b": "68000300", "f": {"0": ONE}},
        {"t": "i", "n": 2, "p": "0000000000000204", "b": "2A00", "f": {"0": TWO}},
        # BC mode: the CC is PSW bits 34-35, X'20000000' in the second word for CC 2
        {"t": "i", "n": 3, "p": "0000000020000206", "b": "2820", "f": {"2": TWO}},
        {"t": "i", "n": 4, "p": "0000000020000208", "b": "2800"},
        {"t": "i", "n": 5, "p": "000000002000020A", "b": "60200310",
         "w": {"000310": TWO}},
        {"t": "i", "n": 6, "p": "000000002000020E", "b": "820001F0"}]
    assert (f["stop"], f["n"]) == ("disabled-wait", 6)


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_f_names_every_register_written_in_ascending_order_whole(mode):
    # LD 4,X'300' (2.0); LDR 0,4; MXDR 0,4: 2.0 x 2.0 = 4.0 extended in registers 0
    # and 2 (ch.9 "Extended Operands": the low-order part's characteristic is 14 less
    # than the high-order part's, X'41' - 14 = X'33', its fraction zero).  LD 6 then
    # LE 6,X'300': LE replaces the left half of register 6 only, the right half stays
    # the X'89ABCDEF' that LD loaded (ch.9 "Short Operands").
    code = (ins("LD", 4, 0, 0, 0x300) + ins("LDR", 0, 4) + ins("MXDR", 0, 4)
            + ins("LD", 6, 0, 0, 0x308) + ins("LE", 6, 0, 0, 0x300) + ins("LPSW", 0, 0x1F0))
    img = image(code, data={0x300: bytes.fromhex(TWO),
                            0x308: bytes.fromhex("C212345689ABCDEF")})
    _, _, _, mxdr, ld, le, _, _ = records(img, mode)
    assert mxdr["b"] == "2704" and mxdr["f"] == {"0": FOUR, "2": "3300000000000000"}
    assert list(mxdr["f"]) == ["0", "2"]
    assert ld["f"] == {"6": "C212345689ABCDEF"}
    assert le["f"] == {"6": "4120000089ABCDEF"}


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_floating_point_result_with_its_program_interruption_is_one_record(mode):
    # EC mode with the significance mask (program mask bit 23 of the PSW: X'01' in
    # byte 2).  SDR 0,0 of 1.0: the result fraction is zero, a significance exception
    # (code X'000E'); with the mask one the operation completes with the
    # intermediate characteristic, X'41', and a zero fraction (ch.9 "Significance
    # Exception").  The register and the interruption are in the SDR's record.
    img = image(ins("LD", 0, 0, 0, 0x300) + ins("SDR", 0, 0), psw="0008010000000200",
                data={0x300: bytes.fromhex(ONE), 0x68: bytes.fromhex("000A000000000BAD")})
    _, ld, sdr, f = records(img, mode)
    assert ld["f"] == {"0": ONE}
    old = "0008010000000206"    # EC, the program mask, the address after SDR (2 bytes)
    assert sdr == {"t": "i", "n": 2, "p": "0008010000000204", "b": "2B00",
                   "f": {"0": "4100000000000000"},
                   "w": {"000028": old, "00008C": "0002000E"},
                   "x": {"k": "program", "c": "000E", "l": 1, "old": old,
                         "new": "000A000000000BAD"}}
    assert f["stop"] == "disabled-wait"


# LD 0,X'300' (1.0); EX 0,X'320' whose target is LDR 2,0; LA 1,1; LPSW X'1F0'.
EX_FP_PROGRAM = image(ins("LD", 0, 0, 0, 0x300) + ins("EX", 0, 0, 0, 0x320)
                      + ins("LA", 1, 0, 0, 1) + ins("LPSW", 0, 0x1F0),
                      data={0x300: bytes.fromhex(ONE), 0x320: ins("LDR", 2, 0)})


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_a_floating_point_register_written_under_execute_is_in_the_execute_record(mode):
    _, ld, ex, la, _, _ = records(EX_FP_PROGRAM, mode)
    assert ld["f"] == {"0": ONE}
    assert ex == {"t": "i", "n": 2, "p": "0000000000000204", "b": "44000320",
                  "f": {"2": ONE}}
    assert la == {"t": "i", "n": 3, "p": "0000000000000208", "b": "41100001",
                  "g": {"1": "00000001"}}


def _floating_point_images() -> list[tuple[str, bytes, int, int]]:
    """(name, image, storage, step limit) of the hand-built floating-point programs
    and of the corpus programs that require floating point."""
    out = [("FP_PROGRAM", FP_PROGRAM, 64 * 1024, 1000),
           ("EX_FP_PROGRAM", EX_FP_PROGRAM, 64 * 1024, 1000)]
    for p in programs():
        exp = p.expectations
        if "floating-point" in exp.requires and not p.has_devices:
            out.append((p.name, p.image, exp.storage, exp.max_steps))
    return out


@pytest.mark.parametrize("mode", ["native", "vmcp"])
def test_recording_one_instruction_at_a_time_gives_the_same_floating_point_records(
        monkeypatch, mode):
    # The fast loop compares the floating-point registers only after the
    # instructions that can write them; one instruction at a time (RunHooks
    # one_at_a_time) every record compares all four.  The two traces are one.
    cases = _floating_point_images()
    fast = {name: record_lines(img, storage, mode, steps)
            for name, img, storage, steps in cases}
    monkeypatch.setattr(recorder_module._Recorder, "one_at_a_time", True)
    for name, img, storage, steps in cases:
        assert record_lines(img, storage, mode, steps) == fast[name], name
    assert any('"f":' in line for lines in fast.values() for line in lines)


def test_footer_digest_has_the_floating_point_registers_when_one_is_not_zero():
    # FORMAT.md "Final state digest": the line "fpr" after "gpr", only when a
    # floating-point register is not zero.
    lines = record_lines(FP_PROGRAM, 64 * 1024, "native", 1000)
    m = start_machine(FP_PROGRAM, 64 * 1024)
    m.run(1000)
    s = m.state()
    assert s.fpr == (int(TWO, 16), int(TWO, 16), 0, 0)

    def digest(fpr_line: str) -> str:
        text = ("s370-state 1\n"
                f"psw {s.psw:016X}\n"
                "gpr " + " ".join(f"{v:08X}" for v in s.gpr) + "\n" + fpr_line +
                "cr " + " ".join(f"{v:08X}" for v in s.cr) + "\n"
                f"prefix {s.prefix:08X}\ntod {s.tod:016X}\nckc {s.clock_comparator:016X}\n"
                f"cpt {s.cpu_timer:016X}\nitimer {s.interval_timer:08X}\n"
                f"pending {' '.join(s.pending)}\nstopped \n"
                f"keys {s.keys.hex().upper()}\nstorage 65536\n")
        return hashlib.sha256(text.encode("ascii") + s.storage).hexdigest()

    footer = json.loads(lines[-1])
    assert footer["sha256"] == digest(f"fpr {TWO} {TWO} 0000000000000000 0000000000000000\n")
    assert footer["sha256"] != digest("")


def test_a_trace_without_floating_point_writes_has_no_f_and_verifies(tmp_path):
    # A run that writes no floating-point register: no "f" anywhere, the version 1
    # text as before the extension (the golden traces check it for the corpus).
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    assert not any('"f":' in line for line in lines)
    fp = record_lines(FP_PROGRAM, 64 * 1024, "native", 1000)
    assert json.loads(fp[0])["version"] == 1
    assert verify_file(write(tmp_path / "fp.jsonl", fp)).divergence is None


def test_f_records_validate_against_the_json_schema_and_bad_ones_do_not():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    for line in record_lines(FP_PROGRAM, 64 * 1024, "vmcp", 1000):
        assert not list(validator.iter_errors(json.loads(line))), line
    for bad in BAD_F:
        obj = json.loads(bad)
        if list(obj) == ["t", "n", "p", "f", "g"]:
            continue            # the key order: FORMAT.md's rule, not the schema's
        if list(obj["f"]) == ["2", "0"]:
            continue            # ascending order: likewise
        assert list(validator.iter_errors(obj)), bad


# Records with a malformed "f", and the problem each is refused with.
BAD_F = {
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"1":"4110000000000000"}}':
        "\"f\": bad key '1' (the floating-point registers are 0, 2, 4 and 6)",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"8":"4110000000000000"}}':
        "\"f\": bad key '8'",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"00":"4110000000000000"}}':
        "\"f\": bad key '00'",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"0":"41100000"}}':
        "\"f.0\": bad value '41100000' (a floating-point register is 16 upper-case hex",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"0":"41100000000000000"}}':
        "\"f.0\": bad value",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"0":"41100000000000ab"}}':
        "\"f.0\": bad value '41100000000000ab'",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{"0":1}}':
        "\"f.0\": bad value 1",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":{}}':
        "\"f\" must be a non-empty object",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300","f":["4110000000000000"]}':
        "\"f\" must be a non-empty object",
    '{"t":"i","n":1,"p":"0000000000000200","b":"68000300",'
    '"f":{"2":"4110000000000000","0":"4110000000000000"}}':
        "\"f\": keys not in ascending order",
    '{"t":"i","n":1,"p":"0000000000000200","f":{"0":"4110000000000000"},"g":{"1":"00000001"}}':
        "keys not in the format's order",
}


@pytest.mark.parametrize("bad", list(BAD_F))
def test_checker_rejects_a_malformed_f(bad):
    err = check_record(json.loads(bad))
    assert err is not None and err.startswith(BAD_F[bad]), err


@pytest.mark.parametrize("bad", list(BAD_F))
@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_malformed_f_is_one_line_naming_file_and_line_and_exit_2(tmp_path, bad, command):
    lines = record_lines(FP_PROGRAM, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    path = write(tmp_path / "bad.jsonl", [lines[0], bad + "\n"] + lines[2:])
    status, out, err = _run(_argv(command, path, good))
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"{path}:2: {BAD_F[bad]}"), err


def test_diff_and_verify_name_a_floating_point_register_difference(tmp_path):
    lines = record_lines(FP_PROGRAM, 64 * 1024, "native", 1000)
    a = write(tmp_path / "a.jsonl", lines)
    b = write(tmp_path / "b.jsonl.gz", _plant(lines, 3, f'"2":"{TWO}"', f'"2":"{FOUR}"'))
    status, out, err = _run(["trace", "diff", str(a), str(b)])
    assert (status, err) == (1, "")
    assert "at step 3 (line 4): f.2" in out and f"  {a}: {TWO}" in out \
        and f"  {b}: {FOUR}" in out
    assert "instruction 000206: LDR" in out
    status, out, err = _run(["trace", "verify", str(b)])
    assert (status, err) == (1, "")
    assert out.splitlines()[:3] == ["first divergence at step 3 (line 4): f.2",
                                    f"  {b}: {FOUR}", f"  reference: {TWO}"]
    # a record without the "f" the replay has: the field "f", "(absent)"
    c = write(tmp_path / "c.jsonl", _plant(lines, 3, f',"f":{{"2":"{TWO}"}}', ""))
    d = verify_file(c).divergence
    assert d is not None and (d.step, d.field, d.a) == (3, "f", "(absent)")


# --- the format ----------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_round_trip_every_line_encodes_back_to_itself(tmp_path, suffix):
    _, img = bench_workloads(600)[1]
    path = tmp_path / f"t{suffix}"
    write_trace(path, img, 64 * 1024, "native", 10_000)
    raw = path.read_bytes()
    if suffix.endswith(".gz"):
        assert raw[4:8] == bytes(4)   # gzip MTIME zero, and no FNAME flag
        assert not raw[3] & 0x08
        raw = gzip.decompress(raw)
    lines = raw.decode("ascii").splitlines(keepends=True)
    assert lines == record_lines(img, 64 * 1024, "native", 10_000)
    for line in lines:
        assert encode(json.loads(line)) == line
    assert list(iter_records(path)) == [json.loads(line) for line in lines[1:]]


def _sample_traces() -> list[list[str]]:
    chosen = {"general/sieve", "timers/clock_comparator_wait", "control/system_mask_ec",
              "interruptions/restart_sigp", "control/prefix", "dat/translate_2k"}
    out = []
    for p in programs():
        if p.name in chosen:
            exp = p.expectations
            out.append(record_lines(p.image, exp.storage, "native", exp.max_steps))
    return out


def test_records_follow_the_schema_rules():
    seen = set()
    for lines in _sample_traces():
        for line in lines:
            obj = json.loads(line)
            assert check_record(obj) is None, line
            seen |= {obj["t"], *obj}
    # the sample exercises every kind of record and most fields
    assert {"h", "i", "x", "f", "g", "c", "px", "w", "k", "d"} <= seen


def test_records_validate_against_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    for lines in _sample_traces():
        for line in lines[:500] + lines[-1:]:   # the sieve's 8,000 loop records: a few
            errors = list(validator.iter_errors(json.loads(line)))
            assert not errors, f"{line}: {errors[0].message}"


@pytest.mark.parametrize("obj, problem", [
    ({"t": "i", "n": 1, "p": "0000000000000200", "b": "1a42"}, '"b"'),
    ({"t": "i", "n": 1, "b": "1A42", "p": "0000000000000200"}, "order"),
    ({"t": "i", "n": 1, "p": "0000000000000200", "g": {"16": "00000000"}}, '"g"'),
    ({"t": "i", "n": 1, "p": "0000000000000200", "g": {"10": "00000000", "9": "00000001"}},
     "ascending"),
    ({"t": "i", "n": 1, "p": "0000000000000200", "q": 1}, "unknown"),
    ({"t": "x", "n": 1}, 'missing "x"'),
    ({"t": "x", "n": 1, "x": {"k": "timer", "c": "0080", "l": 0, "old": "0" * 16,
                              "new": "0" * 16}}, '"x.k"'),
    ({"t": "f", "stop": "disabled-wait", "n": 1, "psw": "0" * 16, "sha256": "A" * 64},
     "sha256"),
    ({"t": "h", "format": "s370-trace", "version": 2}, "version 2"),
    # a register number in digits that are not ASCII ("\u00b2" is a digit to Python)
    ({"t": "i", "n": 1, "p": "0000000000000200", "g": {"\u00b2": "00000000"}}, '"g"'),
])
def test_checker_rejects_what_the_format_forbids(obj, problem):
    err = check_record(obj)
    assert err is not None and problem in err


# --- diff and verify -------------------------------------------------------------------

def _plant(lines: list[str], step: int, old: str, new: str) -> list[str]:
    out = list(lines)
    i = next(i for i, line in enumerate(out) if line.startswith(f'{{"t":"i","n":{step},'))
    assert old in out[i]
    out[i] = out[i].replace(old, new)
    return out


def test_diff_finds_a_planted_divergence_at_its_step(tmp_path, capsys):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    a = write(tmp_path / "a.jsonl", lines)
    b = write(tmp_path / "b.jsonl.gz", _plant(lines, 2, '"00000005"}', '"00000006"}'))
    assert main(["trace", "diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "at step 2 (line 3): w.000400" in out
    assert "00000005" in out and "00000006" in out
    assert "instruction 000204: ST    1,1024(0,0)  (50100400)" in out
    result = diff_files(a, b)
    assert result.divergence is not None and result.divergence.step == 2
    assert result.divergence.field == "w.000400"


def test_diff_of_identical_traces_exits_0(tmp_path, capsys):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    a, b = write(tmp_path / "a.jsonl", lines), write(tmp_path / "b.jsonl.gz", lines)
    assert main(["trace", "diff", str(a), str(b)]) == 0
    assert "identical: 4 records" in capsys.readouterr().out


def test_record_command_then_verify_exits_0(tmp_path, capsys):
    out = tmp_path / "t.jsonl.gz"
    assert main(["trace", "record", "examples/hello.asm", "-o", str(out),
                 "--storage", "64K"]) == 0
    assert main(["trace", "verify", str(out)]) == 0
    assert "verified" in capsys.readouterr().out


def test_verify_finds_the_image_by_the_header_path_or_the_option(tmp_path, capsys):
    src = tmp_path / "prog.bin"
    src.write_bytes(LA_ST_LPSW)
    out = tmp_path / "sub" / "t.jsonl"
    out.parent.mkdir()
    assert main(["trace", "record", str(src), "-o", str(out), "--storage", "64K",
                 "--no-embed"]) == 0
    header = json.loads(out.read_text().splitlines()[0])
    assert header["image"]["path"] == "../prog.bin" and "base64" not in header["image"]
    assert main(["trace", "verify", str(out)]) == 0
    moved = tmp_path / "elsewhere.bin"
    src.rename(moved)
    assert main(["trace", "verify", str(out)]) == 2
    assert "image is not available" in capsys.readouterr().err
    assert main(["trace", "verify", str(out), "--image", str(moved)]) == 0


def test_verify_fails_a_tampered_trace_at_the_tampered_step(tmp_path, capsys):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    bad = write(tmp_path / "t.jsonl", _plant(lines, 1, '"00000005"', '"00000007"'))
    assert main(["trace", "verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "at step 1 (line 2): g.1" in out and "00000007" in out
    assert verify_file(bad).divergence.step == 1


def test_verify_fails_a_trace_of_another_run(tmp_path):
    # the same image, a VMCP-mode header: the replay under the VMCP agrees; a step
    # limit of 2 in the header but records of 3 steps does not
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    vm = write(tmp_path / "vm.jsonl", [lines[0].replace('"native"', '"vmcp"')] + lines[1:])
    assert verify_file(vm).divergence is None
    short = write(tmp_path / "short.jsonl",
                  [lines[0].replace('"max_steps":1000', '"max_steps":2')] + lines[1:])
    d = verify_file(short).divergence
    assert d is not None and d.line == 4


@pytest.mark.parametrize("case, where", [
    ("not json", 3),
    ("cut mid-line", 3),
    ("no footer", 5),
    ("wrong version", 1),
    ("bad field", 2),
    ("after footer", 6),
    ("truncated gzip", None),
    ("empty", 1),
])
@pytest.mark.parametrize("command", ["verify", "diff"])
def test_bad_traces_are_one_line_naming_file_and_line_and_exit_2(tmp_path, capsys, case,
                                                                 where, command):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    name = "bad.jsonl.gz" if case == "truncated gzip" else "bad.jsonl"
    path = tmp_path / name
    if case == "not json":
        write(path, lines[:2] + ['{"t":"i","n":2,\n'] + lines[3:])
    elif case == "cut mid-line":
        write(path, lines[:2] + [lines[2][:20]])
    elif case == "no footer":
        write(path, lines[:4])
    elif case == "wrong version":
        write(path, [lines[0].replace('"version":1', '"version":2')] + lines[1:])
    elif case == "bad field":
        write(path, [lines[0], lines[1].replace('"b":"41100005"', '"b":"4110000"')]
              + lines[2:])
    elif case == "after footer":
        write(path, lines + [lines[1]])
    elif case == "truncated gzip":
        path.write_bytes(gzip.compress("".join(lines).encode())[:-12])
    else:
        path.write_bytes(b"")
    argv = ["trace", command, str(path)] + ([str(good)] if command == "diff" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    expected = f"{path}:{where}:" if where is not None else f"{path}:"
    assert err.startswith(expected), err


# --- bounded reading: nesting and line length, before any parsing ------------------

def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _argv(command: str, path: Path, good: Path) -> list[str]:
    return ["trace", command, str(path)] + ([str(good)] if command == "diff" else [])


DEEP = 100_000      # far beyond the interpreter's recursion limit


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
@pytest.mark.parametrize("line", [1, 2])
@pytest.mark.parametrize("command", ["verify", "diff"])
def test_deep_nesting_in_a_trace_line_is_one_line_error_and_exit_2(tmp_path, opener, closer,
                                                                    line, command):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    deep = opener * DEEP + "0" + closer * DEEP
    if line == 1:
        lines[0] = lines[0][:-2] + f',"z":{deep}}}\n'
    else:
        lines[1] = f'{{"t":"i","n":1,"p":{deep}}}\n'
    bad = write(tmp_path / "bad.jsonl", lines)
    status, out, err = _run(_argv(command, bad, good))
    assert (status, err) == (2, f"{bad}:{line}: not JSON: nested more than 16 levels deep\n")


def test_nesting_is_measured_before_parsing_strings_skipped(monkeypatch):
    # Depth by hand: brackets inside strings (escaped quotes included) do not count;
    # unclosed ones count as deep as a parser would go before it finds the error.
    assert json_nesting('{"a":[{"b":"[[[[{{"}]}') == 3
    assert json_nesting('["\\"[[[", {}]') == 2
    assert json_nesting("[" * 5) == 5
    assert json_nesting('"[[[') == 0
    assert loads_bounded("[" * 16 + "]" * 16, 16) == [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]
    # 17 levels are refused without the parser being called at all
    def no_parsing(*args, **kwargs):
        raise AssertionError("json.loads called")
    monkeypatch.setattr(json, "loads", no_parsing)
    with pytest.raises(ValueError, match="nested more than 16 levels deep"):
        loads_bounded("[" * 17 + "]" * 17, 16)


@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_line_one_character_over_the_bound_is_refused_and_one_at_it_is_read(
        tmp_path, monkeypatch, command):
    # FORMAT.md: a line is at most MAX_LINE characters, its newline included.  Line 3
    # (ST's record) grown to exactly the bound is read (and differs: exit 1); one
    # character more is refused before it is parsed (exit 2).
    monkeypatch.setattr(trace_module, "MAX_LINE", 1000)
    monkeypatch.setattr(TraceReader, "BLOCK", 64)    # the line spans many reads
    # (the image named by path: an embedded one makes the header longer than 1000)
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000,
                         referenced_image(LA_ST_LPSW, "x.bin"))
    (tmp_path / "x.bin").write_bytes(LA_ST_LPSW)
    good = write(tmp_path / "good.jsonl", lines)
    head = '{"t":"i","n":2,"p":"0000000000000204","b":"50100400","w":{"000400":"'
    tail = '"}}\n'
    at_bound = head + "00" * ((1000 - len(head) - len(tail)) // 2) + tail
    assert len(at_bound) == 1000
    status, out, err = _run(_argv(command, write(tmp_path / "ok.jsonl",
                                                 lines[:2] + [at_bound] + lines[3:]), good))
    assert (status, err) == (1, "") and "w.000400" in out
    over = at_bound[:-len(tail)] + "0" + tail
    bad = write(tmp_path / "bad.jsonl", lines[:2] + [over] + lines[3:])
    status, out, err = _run(_argv(command, bad, good))
    assert (status, err) == (2, f"{bad}:3: a line longer than 1000 characters\n")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_verify_of_dev_zero_stops_at_the_line_bound(monkeypatch):
    # An endless line of NUL bytes (ASCII) is read only up to the bound.
    monkeypatch.setattr(trace_module, "MAX_LINE", 1 << 20)
    assert _run(["trace", "verify", "/dev/zero"]) == \
        (2, "", "/dev/zero:1: a line longer than 1048576 characters\n")


def test_reading_in_small_blocks_gives_the_same_lines(tmp_path, monkeypatch):
    # Lines cut across the reader's blocks (7 bytes) are put back together.
    _, img = bench_workloads(600)[1]
    path = tmp_path / "t.jsonl.gz"
    write_trace(path, img, 64 * 1024, "native", 10_000)
    lines = record_lines(img, 64 * 1024, "native", 10_000)
    monkeypatch.setattr(TraceReader, "BLOCK", 7)
    assert list(iter_records(path)) == [json.loads(line) for line in lines[1:]]
    assert verify_file(path).divergence is None
    assert diff_files(path, write(tmp_path / "t.jsonl", lines)).divergence is None


@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_byte_that_is_not_ascii_is_named_with_its_line(tmp_path, command):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    bad = tmp_path / "bad.jsonl"
    data = "".join(lines).encode("ascii").split(b"\n")
    data[2] = data[2][:4] + b"\xff" + data[2][4:]          # line 3, byte 5
    bad.write_bytes(b"\n".join(data))
    assert _run(_argv(command, bad, good)) == \
        (2, "", f"{bad}:3: not ASCII text (byte 5 of the line is X'FF')\n")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + "".join(lines).encode("ascii"))
    assert _run(_argv(command, bom, good)) == \
        (2, "", f"{bom}:1: not ASCII text (byte 1 of the line is X'EF')\n")


# --- one reading rule for diff and verify ---------------------------------------------

CANONICAL = "not in the format's canonical form"


@pytest.mark.parametrize("form", ["spaced", "key twice", "escaped"])
@pytest.mark.parametrize("index", [0, 2, 4])          # the header, a record, the footer
@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_line_not_in_canonical_form_is_refused_alike_by_diff_and_verify(
        tmp_path, form, index, command):
    # FORMAT.md "Compact and canonical": every line is what json.dumps(obj,
    # separators=(",", ":")) writes; valid JSON written otherwise is malformed.
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    text = lines[index]
    if form == "spaced":
        text = json.dumps(json.loads(text)) + "\n"
    elif form == "key twice":
        text = text.replace('{"t":"', '{"t":"x","t":"', 1)
    else:   # the record type's letter as a JSON escape
        text = text[:6] + f"\\u{ord(text[6]):04x}" + text[7:]
    assert json.loads(text) == json.loads(lines[index])      # the same object
    bad = write(tmp_path / "bad.jsonl", lines[:index] + [text] + lines[index + 1:])
    status, _, err = _run(_argv(command, bad, good))
    assert status == 2 and err.startswith(f"{bad}:{index + 1}: {CANONICAL}") \
        and err.count("\n") == 1
    if form == "spaced" and command == "diff":    # also where both traces have the line
        status, _, err = _run(["trace", "diff", str(bad), str(bad)])
        assert status == 2 and err.startswith(f"{bad}:{index + 1}: {CANONICAL}")


# --- verify: which side is which, its image -------------------------------------------

def test_verify_names_the_trace_value_first_and_the_replay_value_second(tmp_path):
    # The trace's header says R3 was 00000001 at the start; the reference starts
    # from a clear reset, R3 zero.  The report: FILE: the trace's value,
    # reference: the replay's.
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    header = json.loads(lines[0])
    header["init"]["gpr"][3] = "00000001"
    path = write(tmp_path / "t.jsonl", [encode(header)] + lines[1:])
    status, out, err = _run(["trace", "verify", str(path)])
    assert (status, err) == (1, "")
    report = out.splitlines()
    assert report[:3] == ["first divergence at the header (line 1): init.gpr[3]",
                          f"  {path}: 00000001", "  reference: 00000000"]


def test_verify_image_option_must_be_the_image_the_trace_embeds(tmp_path):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    path = write(tmp_path / "t.jsonl", lines)
    same = tmp_path / "same.bin"
    same.write_bytes(LA_ST_LPSW)
    assert _run(["trace", "verify", str(path), "--image", str(same)])[0] == 0
    other = tmp_path / "other.bin"
    other.write_bytes(LA_ST_LPSW[:-1] + b"\x01")
    assert _run(["trace", "verify", str(path), "--image", str(other)]) == \
        (2, "", f"{path}:1: --image {other} is another image than the one the trace embeds "
                "(sha256 differs)\n")


@pytest.mark.parametrize("command", ["verify", "diff"])
def test_a_header_whose_embedded_image_disagrees_with_its_size_or_sha256_is_refused(
        tmp_path, command):
    lines = record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000)
    good = write(tmp_path / "good.jsonl", lines)
    assert len(LA_ST_LPSW) == 2048
    header = json.loads(lines[0])
    header["image"]["size"] = 2049
    bad = write(tmp_path / "size.jsonl", [encode(header)] + lines[1:])
    assert _run(_argv(command, bad, good)) == (2, "", f'{bad}:1: "image.size" is 2049, but '
                                                      "the embedded image has 2048 bytes\n")
    header = json.loads(lines[0])
    header["image"]["sha256"] = hashlib.sha256(b"another image").hexdigest()
    bad = write(tmp_path / "sha.jsonl", [encode(header)] + lines[1:])
    assert _run(_argv(command, bad, good)) == \
        (2, "", f'{bad}:1: "image.sha256" is not the sha256 of the embedded image\n')


def test_a_header_whose_image_found_by_its_sha256_has_another_size_is_refused(tmp_path):
    (tmp_path / "prog.bin").write_bytes(LA_ST_LPSW)
    info = referenced_image(LA_ST_LPSW, "prog.bin")
    info["size"] = 4096
    path = write(tmp_path / "t.jsonl", record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000,
                                                    info))
    assert _run(["trace", "verify", str(path)]) == \
        (2, "", f'{path}:1: "image.size" is 4096, but the image with its sha256 has 2048 '
                "bytes\n")


# --- the parser fuzz: headers and records, through verify and diff ---------------------

# Valid traces to mutate: LA/ST/LPSW with its image embedded, the SSM program (an
# interruption record) with its image named by path, and the floating-point program
# (records with "f").
SSM_EARLY = image(ins("SSM", 0, 0x300), psw="0008000000000200",
                  data={0x300: b"\x80", 0x68: bytes.fromhex("000A000000000BAD")})
FUZZ_BASES = [record_lines(LA_ST_LPSW, 64 * 1024, "native", 1000),
              record_lines(SSM_EARLY, 64 * 1024, "native", 1000,
                           referenced_image(SSM_EARLY, "prog.bin")),
              record_lines(FP_PROGRAM, 64 * 1024, "native", 1000)]


def _fuzz_trace(data: st.DataObject, header: bool) -> None:
    lines = data.draw(st.sampled_from(FUZZ_BASES), label="base")
    index = 0 if header else data.draw(st.integers(1, len(lines) - 1), label="line")
    line = data.draw(mutated_line(json.loads(lines[index])), label="mutated")
    raw = [x.encode("ascii") for x in lines]
    raw[index] = line
    blob = b"".join(raw)
    gz = data.draw(st.booleans(), label="gzip")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        (d / "prog.bin").write_bytes(SSM_EARLY)
        good = write(d / "good.jsonl", lines)
        bad = d / ("bad.jsonl.gz" if gz else "bad.jsonl")
        bad.write_bytes(gzip.compress(blob) if gz else blob)
        for argv in (["trace", "verify", str(bad)], ["trace", "diff", str(bad), str(good)],
                     ["trace", "diff", str(good), str(bad)]):
            with within(60):
                status, out, err = _run(argv)
            if status in (0, 1):
                assert err == "", (argv, err)
            else:
                assert status == 2, (argv, status, err)
                assert err.count("\n") == 1 and err.endswith("\n") and len(err) > 2, err
                assert err.startswith(f"{bad}:"), err


FUZZ_SETTINGS = settings(max_examples=fuzz_examples(), deadline=None,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.data_too_large,
                                                HealthCheck.large_base_example])


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_trace_headers_end_in_exit_0_1_or_one_line_and_exit_2(data):
    _fuzz_trace(data, header=True)


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_trace_records_end_in_exit_0_1_or_one_line_and_exit_2(data):
    _fuzz_trace(data, header=False)


# --- native and under the VMCP ---------------------------------------------------------

def test_native_and_vmcp_traces_differ_only_in_the_header_mode():
    # The storage loop, 14,000 steps: three VMCP time slices of 5,000 us, four
    # interval-timer steps (one each 3,333 us) stored at location 80.
    _, img = bench_workloads(14_000)[1]
    native = record_lines(img, 64 * 1024, "native", 100_000)
    vmcp = record_lines(img, 64 * 1024, "vmcp", 100_000)
    assert native[0].replace('"mode":"native"', '"mode":"vmcp"') == vmcp[0]
    assert native[1:] == vmcp[1:]
    assert sum('"it":' in line for line in native) == 4


def test_golden_native_and_vmcp_traces_differ_only_in_the_header_mode():
    pairs = {}
    for case in golden_cases():
        pairs.setdefault(case.name, {})[case.mode] = case.path
    compared = 0
    for modes in pairs.values():
        if len(modes) == 2:
            a = gzip.decompress(modes["native"].read_bytes()).split(b"\n", 1)
            b = gzip.decompress(modes["vmcp"].read_bytes()).split(b"\n", 1)
            assert a[0].replace(b'"mode":"native"', b'"mode":"vmcp"') == b[0]
            assert a[1] == b[1], modes["native"]
            compared += 1
    assert compared > 100


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(source=guest_programs())
def test_generated_guest_programs_trace_the_same_natively_and_under_the_vmcp(source):
    # Guest programs mixing privileged and general instructions with interruption
    # handlers (conformance.strategies): every record equal, not only the end state.
    img = assemble(source, "<generated>").image
    native = record_lines(img, 64 * 1024, "native", 400)
    try:
        vmcp = record_lines(img, 64 * 1024, "vmcp", 400)
    except VMCPError:   # a configuration the VMCP refuses: not a trace question
        reject()
    assert native[1:] == vmcp[1:]


# --- golden traces ----------------------------------------------------------------------

def test_every_golden_trace_is_there_and_no_other():
    expected = {c.path for c in golden_cases()}
    present = set(GOLDEN.rglob("*.jsonl.gz"))
    assert not expected - present, f"missing: {sorted(expected - present)[:3]} " \
                                   "(python -m conformance.goldens)"
    assert not present - expected, f"stale: {sorted(present - expected)[:3]}"


def test_the_reference_reproduces_every_golden_trace_byte_for_byte():
    failures = []
    for case in golden_cases():
        result = verify_file(case.path)
        if result.divergence is not None:
            failures.append(result.divergence.report(str(case.path), "reference"))
    assert not failures, "\n".join(failures[:3]) + \
        f"\n{len(failures)} golden traces differ (python -m conformance.goldens)"


def test_golden_footers_are_what_plain_runs_end_in():
    # The recorder's loop stands in for the machine's own: every golden run, natively
    # and under the VMCP, ends as a run with no recorder does (stop, steps, digest).
    for case in golden_cases():
        with gzip.open(case.path, "rt") as f:
            footer = json.loads(f.readlines()[-1])
        cpu, stop = run_either(load_program(str(case.source)), case.storage, case.max_steps,
                               "vmcp" if case.mode == "vmcp" else None, str(case.source))
        assert (footer["stop"], footer["n"], footer["sha256"]) == \
            (stop, cpu.steps, state_digest(cpu)), case.path


def test_trace_bench_prints_every_figure():
    out: list[str] = []
    rows = run_trace_bench(700, repeats=1, storage=64 * 1024, out=out.append)
    assert [r["workload"] for r in rows] == ["register loop", "storage loop"]
    text = "\n".join(out)
    assert "x the plain run" in text and "records/s" in text
