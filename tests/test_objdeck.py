"""OS/360 object decks (reference.asm.objdeck): the cards written, read back, loaded.

The expected card images are built column by column from the record formats of the
HLASM Programmer's Guide (SC26-4941), appendix "Object deck output" (ESD, TXT, RLD
and END record formats), with each field's derivation beside it; EBCDIC comes from
Python's cp037 codec, not from the project.
"""

from __future__ import annotations

import glob
import json
import random
from pathlib import Path

import pytest

from reference.asm.assembler import (
    AssemblyError,
    EsdItem,
    ObjectModule,
    RldItem,
    assemble,
)
from reference.asm.objdeck import DeckError, is_deck, load_deck, read_deck, write_deck
from reference.cli.main import main

BLANK = b"\x40"


def E(text: str) -> bytes:
    """EBCDIC (code page 037) of ``text``."""
    return text.encode("cp037")


def seq(n: int, deck_id: str = "") -> bytes:
    """Columns 73-80: the deck ID then the card number, zero-filled, EBCDIC digits."""
    return E(deck_id + f"{n:0{8 - len(deck_id)}d}")


def deck_of(source: str) -> bytes:
    module = assemble(source, "t.asm", object_module=True).module
    assert module is not None
    return write_deck(module)


def cards(deck: bytes) -> list[bytes]:
    assert len(deck) % 80 == 0
    return [deck[i:i + 80] for i in range(0, len(deck), 80)]


def card_type(card: bytes) -> str:
    return card[1:4].decode("cp037")


def rld_field(card: bytes) -> bytes:
    """The RLD items of an RLD card: columns 17 on, as many as columns 11-12 say."""
    return card[16:16 + int.from_bytes(card[10:12], "big")]


def fullword(image: bytes, at: int) -> int:
    return int.from_bytes(image[at:at + 4], "big")


# ---------------------------------------------------------------------------
# The cards written
# ---------------------------------------------------------------------------
SMALL = """\
PROG     START 0
         EXTRN EXT
         ENTRY LAB
LAB      DC    A(LAB)
         DC    V(EXT)
         END   LAB
"""


def test_deck_of_a_section_an_extrn_and_an_entry_matches_the_manual_column_by_column():
    got = cards(deck_of(SMALL))
    # PROG: SD, ESDID 1, address 0, length 8 (two fullwords).  EXT: ER, ESDID 2.
    # LAB: LD at 0 in section ESDID 1.  A(LAB) at 0 is 0; V(EXT) at 4 is 0.
    esd = (b"\x02" + E("ESD")             # col 1 X'02', col 2-4 ESD
           + BLANK * 6                     # col 5-10 blank
           + (48).to_bytes(2, "big")       # col 11-12 variable field: 3 items x 16
           + BLANK * 2                     # col 13-14 blank
           + (1).to_bytes(2, "big")        # col 15-16 ESDID of the first non-LD item
           # item 1, col 17-32: name, type X'00' SD, address 0, flag X'00' (AMODE 24,
           # RMODE 24), length 8
           + E("PROG    ") + b"\x00" + bytes(3) + b"\x00" + (8).to_bytes(3, "big")
           # item 2, col 33-48: name, type X'02' ER, address 0, flag blank, blank
           + E("EXT     ") + b"\x02" + bytes(3) + BLANK + BLANK * 3
           # item 3, col 49-64: name, type X'01' LD, address 0, flag blank, LDID 1
           + E("LAB     ") + b"\x01" + bytes(3) + BLANK + (1).to_bytes(3, "big")
           + BLANK * 8                     # col 65-72 blank
           + seq(1))                       # col 73-80 sequence 00000001
    txt = (b"\x02" + E("TXT")
           + BLANK                         # col 5 blank
           + (0).to_bytes(3, "big")        # col 6-8 address of the first byte: 0
           + BLANK * 2                     # col 9-10 blank
           + (8).to_bytes(2, "big")        # col 11-12 byte count 8
           + BLANK * 2                     # col 13-14 blank
           + (1).to_bytes(2, "big")        # col 15-16 ESDID of PROG
           + bytes(8) + BLANK * 48         # col 17-72 text, blank after it
           + seq(2))
    rld = (b"\x02" + E("RLD")
           + BLANK * 6                     # col 5-10 blank
           + (16).to_bytes(2, "big")       # col 11-12: two 8-byte items
           + BLANK * 4                     # col 13-16 blank
           # A(LAB): relocation ESDID 1 (PROG), position ESDID 1; flag B'0000 1100':
           # type A (bits 2-3 = 0), length 4 (bits 4-5 = 3), +, next item differs
           + (1).to_bytes(2, "big") + (1).to_bytes(2, "big") + b"\x0C" + (0).to_bytes(3, "big")
           # V(EXT): relocation ESDID 2 (EXT), position 1; flag B'0001 1100': type V
           + (2).to_bytes(2, "big") + (1).to_bytes(2, "big") + b"\x1C" + (4).to_bytes(3, "big")
           + BLANK * 40                    # the rest of col 17-72
           + seq(3))
    end = (b"\x02" + E("END")
           + BLANK                         # col 5 blank
           + (0).to_bytes(3, "big")        # col 6-8 entry address: LAB = 0
           + BLANK * 6                     # col 9-14 blank
           + (1).to_bytes(2, "big")        # col 15-16 ESDID of the entry's section
           + BLANK * 56                    # col 17-72 blank (no IDR data)
           + seq(4))
    assert got == [esd, txt, rld, end]


def test_rld_items_with_the_same_esdids_share_them_through_the_flag_continuation_bit():
    got = cards(deck_of("P        START 0\nX        DC    A(X),A(X+4)\n         END\n"))
    rld = [c for c in got if card_type(c) == "RLD"]
    assert len(rld) == 1
    # Item 1: R 1, P 1, flag X'0C' + bit 7 (the next item has the same ESDIDs) =
    # X'0D', address 0; item 2: only flag X'0C' and address 4.  4 + 4 + 4 = 12 bytes.
    assert rld[0][10:12] == (12).to_bytes(2, "big")
    assert rld_field(rld[0]) == bytes.fromhex("0001" "0001" "0D" "000000" "0C" "000004")


def test_v_constant_gets_an_rld_entry_against_its_er_item():
    # No EXTRN: a V-constant's symbol defined nowhere is an external reference.
    got = cards(deck_of("P        START 0\n         DC    F'0',V(SUB)\n         END\n"))
    esd = got[0]
    # ESDIDs: P 1, SUB 2; SUB is item 2, col 33-48, type X'02'.
    assert esd[32:48] == E("SUB     ") + b"\x02" + bytes(3) + BLANK * 4
    rld = [c for c in got if card_type(c) == "RLD"][0]
    # Relocation ESDID 2 (SUB), position 1, flag X'1C' (V, length 4), address 4.
    assert rld_field(rld) == bytes.fromhex("0002" "0001" "1C" "000004")


def test_vl3_constant_has_length_3_in_its_rld_flag():
    got = cards(deck_of("P        START 0\n         DC    VL3(SUB)\n         END\n"))
    rld = [c for c in got if card_type(c) == "RLD"][0]
    # flag B'0001 1000': type V, length 3 (bits 4-5 = 2) = X'18'
    assert rld_field(rld) == bytes.fromhex("0002" "0001" "18" "000000")


def test_a_constant_in_a_second_csect_is_relocated_by_the_section_of_its_symbol():
    source = ("A        START 0\n         DC    F'1'\n"
              "B        CSECT\nY        DC    A(Y),A(A)\n         END\n")
    got = cards(deck_of(source))
    esd = got[0]
    # B starts at the doubleword after A's 4 bytes: 8; its SD item (col 33-48) has
    # that assembled address and length 8.
    assert esd[32:48] == E("B       ") + b"\x00" + (8).to_bytes(3, "big") + b"\x00" \
        + (8).to_bytes(3, "big")
    rld = [c for c in got if card_type(c) == "RLD"][0]
    # A(Y) at 8: relocation 2 (B), position 2; A(A) at X'0C': relocation 1, position 2.
    assert rld_field(rld) == bytes.fromhex("0002" "0002" "0C" "000008"
                                           "0001" "0002" "0C" "00000C")
    txt = [c for c in got if card_type(c) == "TXT"]
    # The TXT of B: address 8, 8 bytes, ESDID 2: A(Y) = 8, A(A) = 0.
    assert txt[1][4:16] == BLANK + bytes.fromhex("000008") + BLANK * 2 + bytes.fromhex(
        "0008") + BLANK * 2 + bytes.fromhex("0002")
    assert txt[1][16:24] == bytes.fromhex("00000008" "00000000")


def test_difference_of_two_relocatable_terms_in_a_section_is_absolute_without_rld():
    got = cards(deck_of("P        START 0\nX        DC    A(Y-X)\nY        DC    F'0'\n"
                        "         END\n"))
    assert [card_type(c) for c in got] == ["ESD", "TXT", "END"]


def test_text_is_cut_into_cards_of_56_bytes():
    got = cards(deck_of("P        START 0\n         DC    60X'AB'\n         END\n"))
    txt = [c for c in got if card_type(c) == "TXT"]
    # 60 bytes: 56 at address 0, then 4 at address 56 = X'38'.
    assert [(c[5:8], c[10:12]) for c in txt] == [(bytes.fromhex("000000"), b"\x00\x38"),
                                                 (bytes.fromhex("000038"), b"\x00\x04")]
    assert txt[1][16:72] == b"\xAB" * 4 + BLANK * 52


def test_text_stops_where_nothing_is_assembled():
    got = cards(deck_of("P        START 0\n         DC    X'01'\n         DS    CL3\n"
                        "         DC    X'02'\n         END\n"))
    txt = [c for c in got if card_type(c) == "TXT"]
    # X'01' at 0 and X'02' at 4, on two cards of one byte each.
    assert [(c[5:8], c[10:12], c[16:17]) for c in txt] == [
        (bytes.fromhex("000000"), b"\x00\x01", b"\x01"),
        (bytes.fromhex("000004"), b"\x00\x01", b"\x02")]


def test_deck_id_from_the_first_named_title_fills_columns_73_to_80():
    got = cards(deck_of("DECK     TITLE 'A TEST'\nP        START 0\n         DC    F'1'\n"
                        "         END\n"))
    # "DECK" in col 73-76, the card number in col 77-80.
    assert [c[72:80] for c in got] == [E("DECK0001"), E("DECK0002"), E("DECK0003")]


def test_private_code_is_a_pc_item_with_a_blank_name():
    got = cards(deck_of("         DC    F'1'\n         END\n"))
    # Type X'04' PC, name blank, address 0, flag X'00', length 4; ESDID 1.
    assert got[0][14:32] == (1).to_bytes(2, "big") + BLANK * 8 + b"\x04" + bytes(3) \
        + b"\x00" + (4).to_bytes(3, "big")


def test_esd_items_go_three_to_a_card_with_the_first_esdid_of_each_card():
    source = ("P        START 0\n         EXTRN X1,X2,X3\n         ENTRY L1,L2,L3\n"
              "L1       DC    F'1'\nL2       DC    F'2'\nL3       DC    F'3'\n         END\n")
    esd = [c for c in cards(deck_of(source)) if card_type(c) == "ESD"]
    # Items: P (1), X1 (2), X2 (3) | X3 (4), L1, L2 | L3.  Columns 11-12 the bytes of
    # items, 15-16 the ESDID of the first non-LD item, blank on the card of LDs only.
    assert [(c[10:12], c[14:16]) for c in esd] == [
        (b"\x00\x30", b"\x00\x01"), (b"\x00\x30", b"\x00\x04"), (b"\x00\x10", BLANK * 2)]
    # L3: type X'01', address 8, flag blank, LDID 1 (P); then blank to column 72.
    assert esd[2][16:72] == E("L3      ") + b"\x01" + (8).to_bytes(3, "big") + BLANK \
        + (1).to_bytes(3, "big") + BLANK * 40


def test_wxtrn_is_a_wx_item():
    got = cards(deck_of("P        START 0\n         WXTRN W\n         DC    A(W)\n"
                        "         END\n"))
    assert got[0][32:48] == E("W       ") + b"\x0A" + bytes(3) + BLANK * 4


def test_end_without_operand_has_blank_entry_fields():
    got = cards(deck_of("P        START 0\n         DC    F'1'\n         END\n"))
    assert got[-1][:72] == b"\x02" + E("END") + BLANK * 68


def test_a_constant_of_an_external_plus_an_offset_keeps_the_offset():
    got = cards(deck_of("P        START 0\n         EXTRN X\n         DC    A(X+12)\n"
                        "         END\n"))
    txt = [c for c in got if card_type(c) == "TXT"][0]
    assert txt[16:20] == bytes.fromhex("0000000C")


# ---------------------------------------------------------------------------
# Read back and loaded
# ---------------------------------------------------------------------------
RELOCATABLE = """\
PROG     START 0
         ENTRY SUBR
         DC    X'00000000',A(BEGIN)
BEGIN    BALR  12,0
         USING *,12
         L     1,AV
         LPSW  DONE
         DS    0D
DONE     DC    X'0002000000000000'
AV       DC    A(VAL)
A3       DC    AL3(VAL)
LEN      DC    A(VAL-PROG)
VV       DC    V(SUBR)
VAL      DC    F'7'
SUBR     DC    F'9'
         END   BEGIN
"""


@pytest.mark.parametrize("origin", [0x1000, 0x23450])
def test_loading_at_two_origins_relocates_the_address_constants(origin):
    asm = assemble(RELOCATABLE, "t.asm", object_module=True)
    assert asm.module is not None
    loaded = load_deck(read_deck(write_deck(asm.module)), origin)
    s = asm.symbols
    image = loaded.image
    assert fullword(image, origin + s["AV"]) == origin + s["VAL"]
    assert int.from_bytes(image[origin + s["A3"]:origin + s["A3"] + 3], "big") == \
        origin + s["VAL"]
    assert fullword(image, origin + s["LEN"]) == s["VAL"]          # absolute: unchanged
    assert fullword(image, origin + s["VV"]) == origin + s["SUBR"]
    assert fullword(image, origin + 4) == origin + s["BEGIN"]
    # The END entry point is the restart PSW at 0.
    assert image[0:8] == bytes(4) + (origin + s["BEGIN"]).to_bytes(4, "big")
    assert loaded.start == origin + s["BEGIN"]


def test_loading_at_its_own_origin_gives_the_image():
    asm = assemble(RELOCATABLE, "t.asm", object_module=True)
    assert asm.module is not None
    image = load_deck(read_deck(write_deck(asm.module))).image
    assert image == asm.image


def test_end_without_entry_loaded_above_8_starts_at_the_first_byte():
    deck = deck_of("P        START 0\n         DC    F'1'\n         END\n")
    assert load_deck(read_deck(deck), 0x800).image[0:8] == bytes.fromhex("0000000000000800")


def test_end_without_entry_loaded_at_0_keeps_its_own_psw():
    deck = deck_of("P        START 0\n         DC    X'0000000000000200'\n         END\n")
    assert load_deck(read_deck(deck)).image[0:8] == bytes.fromhex("0000000000000200")


def hand_module(rld: list[RldItem], extra: list[EsdItem]) -> bytes:
    """A deck with a section MAIN (ESDID 1, 8 bytes at 0: two fullwords 4 and 0) and
    a section SUB (ESDID 2, 8 bytes at 8), plus ``extra`` ESD items."""
    esd = [EsdItem("MAIN", "SD", 1, 0, 8), EsdItem("SUB", "SD", 2, 8, 8), *extra]
    text = [(1, 0, bytes.fromhex("0000000400000000")), (2, 8, bytes(8))]
    return write_deck(ObjectModule(esd, text, rld, None))


def test_extrn_is_resolved_by_another_section_of_the_deck():
    deck = hand_module([RldItem(1, 3, 4, 4, vcon=True)], [EsdItem("SUB", "ER", 3)])
    image = load_deck(read_deck(deck), 0x100).image
    assert fullword(image, 0x104) == 0x108           # SUB loaded at X'100' + 8


def test_extrn_is_resolved_by_an_ld_item_of_the_deck():
    # ER LBL (ESDID 3) and LD LBL at 12, in SUB: A(LBL) at 4 gets X'100' + 12.
    deck = hand_module([RldItem(1, 3, 4, 4)],
                       [EsdItem("LBL", "ER", 3), EsdItem("LBL", "LD", 0, 12, 0, 2)])
    assert fullword(load_deck(read_deck(deck), 0x100).image, 0x104) == 0x10C


def test_extrn_that_no_section_or_ld_defines_is_a_load_error_at_its_esd_card():
    deck = hand_module([RldItem(1, 3, 4, 4)],
                       [EsdItem("X", "ER", 3), EsdItem("LBL", "LD", 0, 12, 0, 2)])
    with pytest.raises(DeckError, match="^card 1: external symbol X is not defined"):
        load_deck(read_deck(deck))


def test_unresolved_weak_external_loads_as_zero():
    deck = hand_module([RldItem(1, 3, 4, 4)], [EsdItem("W", "WX", 3)])
    assert fullword(load_deck(read_deck(deck), 0x100).image, 0x104) == 0


def test_negative_rld_item_subtracts_the_relocation():
    # The fullword at 0 holds 4; relocated by -(X'200' - 0) it wraps to X'FFFFFE04'.
    deck = hand_module([RldItem(1, 1, 0, 4, negative=True)], [])
    assert fullword(load_deck(read_deck(deck), 0x200).image, 0x200) == 0xFFFFFE04


def test_unresolved_extrn_is_a_load_error_naming_the_symbol_and_its_esd_card():
    deck = deck_of("P        START 0\n         EXTRN NOWHERE\n         DC    A(NOWHERE)\n"
                   "         END\n")
    with pytest.raises(DeckError, match=r"^card 1: external symbol NOWHERE is not defined"):
        load_deck(read_deck(deck))


def test_image_assembly_with_an_unresolved_extrn_is_an_error_naming_the_symbol():
    with pytest.raises(AssemblyError, match=r"t.asm:3: external symbol EXT is unresolved"):
        assemble("P        START 0\n         EXTRN EXT\n         DC    A(EXT)\n         END\n",
                 "t.asm")


def test_every_corpus_program_loaded_from_its_deck_at_its_own_origin_is_its_image():
    programs = sorted(glob.glob("conformance/programs/**/*.asm", recursive=True))
    assert programs
    for path in programs:
        source = Path(path).read_text(encoding="utf-8")
        asm = assemble(source, path, object_module=True)
        assert asm.module is not None
        loaded = load_deck(read_deck(write_deck(asm.module)))
        assert loaded.image == assemble(source, path).image, path


def test_deck_detection_needs_x02_then_esd_or_txt():
    assert is_deck(b"\x02" + E("ESD") + BLANK * 76)
    assert is_deck(b"\x02" + E("TXT"))
    assert not is_deck(b"\x02" + E("RLD"))
    assert not is_deck(bytes.fromhex("0000000000000200"))
    assert not is_deck(b"\x02")


# ---------------------------------------------------------------------------
# Malformed decks
# ---------------------------------------------------------------------------
GOOD = deck_of(SMALL)        # cards: 1 ESD, 2 TXT, 3 RLD, 4 END


def with_card(n: int, card: bytes) -> bytes:
    return GOOD[:80 * (n - 1)] + card + GOOD[80 * n:]


def patched(n: int, column: int, data: bytes) -> bytes:
    card = bytearray(GOOD[80 * (n - 1):80 * n])
    card[column - 1:column - 1 + len(data)] = data
    return with_card(n, bytes(card))


@pytest.mark.parametrize(("deck", "card", "problem"), [
    (patched(2, 2, E("XYZ")), 2, "card type 'XYZ'"),
    (patched(2, 1, b"\x03"), 2, "column 1 is X'03'"),
    (GOOD[:200], 3, "40 bytes, not 80"),
    (GOOD[:240], 3, "without an END card"),
    (GOOD + GOOD[:80], 5, "card after the END card"),
    # TXT at address 4 with 8 bytes: 4-11 is beyond PROG (0-7).
    (patched(2, 6, bytes.fromhex("000004")), 2, "outside section PROG"),
    # TXT of ESDID 2, an ER.
    (patched(2, 15, bytes.fromhex("0002")), 2, "TXT ESDID 2 is not a section"),
    # RLD relocation ESDID 9.
    (patched(3, 17, bytes.fromhex("0009")), 3, "relocation ESDID 9 is unknown"),
    # RLD position ESDID 2 (the ER).
    (patched(3, 19, bytes.fromhex("0002")), 3, "position ESDID 2 is not a section"),
    # RLD item at address 6 of length 4: beyond PROG's 8 bytes.
    (patched(3, 22, bytes.fromhex("000006")), 3, "outside section PROG"),
    # The second RLD item's flag with the continuation bit: the last item on the card.
    (patched(3, 29, b"\x1D"), 3, "last RLD item"),
    (patched(3, 21, b"\x2C"), 3, "Q-type"),
    (patched(1, 15, bytes.fromhex("0005")), 1, "ESDID 5 out of sequence"),
    (patched(1, 25, b"\x05"), 1, "common"),
    (patched(4, 15, bytes.fromhex("0007")), 4, "END entry point ESDID 7"),
])
def test_malformed_deck_is_an_error_naming_the_card(deck, card, problem):
    with pytest.raises(DeckError) as info:
        load_deck(read_deck(deck))
    assert info.value.card == card
    assert problem in str(info.value)


def test_the_good_deck_of_the_malformed_cases_reads():
    assert read_deck(GOOD).cards == 4


# ---------------------------------------------------------------------------
# The s370 command
# ---------------------------------------------------------------------------
def test_asm_object_writes_the_deck_and_run_origin_loads_it(tmp_path, capsys):
    source = tmp_path / "p.asm"
    source.write_text(RELOCATABLE)
    deck = tmp_path / "p.obj"
    assert main(["asm", str(source), "--object", str(deck)]) == 0
    module = assemble(RELOCATABLE, str(source), object_module=True).module
    assert module is not None
    assert deck.read_bytes() == write_deck(module)
    assert not (tmp_path / "p.bin").exists()         # --object alone: no image
    for origin in ("1000", "23450"):
        capsys.readouterr()
        assert main(["run", str(deck), "--origin", origin, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["stop"] == "disabled-wait"
        # R1 = A(VAL), relocated.
        symbols = assemble(RELOCATABLE, "t.asm").symbols
        assert int(out["gpr"][1], 16) == int(origin, 16) + symbols["VAL"]


def test_asm_object_and_image_together(tmp_path):
    source = tmp_path / "p.asm"
    source.write_text(RELOCATABLE)
    assert main(["asm", str(source), "--object", str(tmp_path / "p.obj"),
                 "-o", str(tmp_path / "p.img")]) == 0
    assert (tmp_path / "p.img").read_bytes() == assemble(RELOCATABLE, "p.asm").image


def test_asm_image_of_an_unresolved_extrn_is_one_line_naming_it(tmp_path, capsys):
    source = tmp_path / "p.asm"
    source.write_text("P        START 0\n         DC    V(SUB)\n         END\n")
    assert main(["asm", str(source), "-o", str(tmp_path / "p.bin")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "p.asm:2: external symbol SUB" in err[0]
    assert main(["asm", str(source), "--object", str(tmp_path / "p.obj")]) == 0


def test_run_of_a_malformed_deck_is_one_line_with_file_and_card(tmp_path, capsys):
    deck = tmp_path / "bad.obj"
    deck.write_bytes(GOOD[:240])
    assert main(["run", str(deck)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{deck}: card 3: the deck ends without an END card"]


def test_run_of_a_deck_with_an_undefined_extrn_is_one_line(tmp_path, capsys):
    deck = tmp_path / "x.obj"
    deck.write_bytes(deck_of("P        START 0\n         DC    V(SUB)\n         END\n"))
    assert main(["run", str(deck)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{deck}: card 1: external symbol SUB")


@pytest.mark.parametrize(("origin", "problem"), [
    ("12345", "doubleword"), ("xyz", "hex address"), ("FFFFF8", "outside 0-X'FFFFFF'")])
def test_run_with_a_bad_origin_is_one_line(tmp_path, capsys, origin, problem):
    deck = tmp_path / "p.obj"
    deck.write_bytes(deck_of(RELOCATABLE))
    assert main(["run", str(deck), "--origin", origin]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and problem in err[0]


def test_run_origin_of_a_raw_image_is_one_line(tmp_path, capsys):
    image = tmp_path / "p.bin"
    image.write_bytes(bytes(16))
    assert main(["run", str(image), "--origin", "1000"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "only for an object deck" in err[0]


def test_run_of_a_deck_too_big_for_storage_is_one_line(tmp_path, capsys):
    deck = tmp_path / "p.obj"
    deck.write_bytes(deck_of(RELOCATABLE))
    assert main(["run", str(deck), "--origin", "100000", "--storage", "64K"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "more than storage" in err[0]


def test_mutated_decks_are_read_and_loaded_or_refused_with_a_deck_error():
    # Random damage to a valid deck (bytes changed, cards dropped, duplicated or
    # cut): reading and loading either succeed or raise DeckError, nothing else.
    rng = random.Random(370)
    good = deck_of(RELOCATABLE)
    for _ in range(500):
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            what = rng.random()
            if what < 0.6:
                data[rng.randrange(len(data))] = rng.choice([0, 1, 0x02, 0x40, 0xFF,
                                                             rng.randrange(256)])
            elif what < 0.75 and len(data) > 80:
                k = rng.randrange(len(data) // 80)
                del data[80 * k:80 * k + 80]
            elif what < 0.9:
                k = rng.randrange(len(data) // 80 or 1)
                data[80 * k:80 * k] = data[80 * k:80 * k + 80]
            else:
                del data[rng.randrange(len(data) + 1):]
        try:
            load_deck(read_deck(bytes(data)), rng.choice([None, 0, 0x1000, 0xFFF000]))
        except DeckError:
            pass
