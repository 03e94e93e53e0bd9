"""Deck files (reference/io/decks.py): text cards and object decks for a reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference.io.decks import DeckFileError, deck_cards

# EBCDIC (code page 037): C'$JOB,2K' and a blank.
JOB_2K = bytes.fromhex("5BD1D6C26BF2D2")
BLANK = b"\x40"


def test_a_text_line_is_one_card_padded_with_blanks(tmp_path: Path) -> None:
    (tmp_path / "d.deck").write_text("# a comment\n\n$JOB,2K\n")
    cards = deck_cards(tmp_path / "d.deck")
    assert cards == JOB_2K + BLANK * 73


def test_an_object_deck_line_gives_the_assembled_cards(tmp_path: Path) -> None:
    (tmp_path / "p.asm").write_text("P        START 0\n         BR    14\n         END   P\n")
    (tmp_path / "d.deck").write_text("FIRST\n@p.asm\nLAST\n")
    cards = deck_cards(tmp_path / "d.deck")
    assert len(cards) % 80 == 0
    kinds = [cards[i + 1:i + 4] for i in range(80, len(cards) - 80, 80)]
    # Column 1 X'02', columns 2-4 the card type in EBCDIC: ESD, TXT, END.
    assert all(cards[i] == 0x02 for i in range(80, len(cards) - 80, 80))
    assert kinds == [bytes.fromhex("C5E2C4"), bytes.fromhex("E3E7E3"),
                     bytes.fromhex("C5D5C4")]
    # The text card holds BR 14 (X'07FE') in columns 17-18.
    txt = cards[160:240]
    assert txt[16:18] == b"\x07\xFE"
    assert cards[:5] == bytes.fromhex("C6C9D9E2E3")           # FIRST
    assert cards[-80:-76] == bytes.fromhex("D3C1E2E3")        # LAST


@pytest.mark.parametrize("text, problem", [
    ("X" * 81 + "\n", "d.deck:1: a card has 80 columns, this line 81"),
    ("OK\n\u00e9\n", "d.deck:2: character"),
    ("@missing.asm\n", "d.deck:1: "),
    ("@bad.asm\n", "d.deck:1: "),
])
def test_a_bad_deck_file_is_one_line_naming_the_place(tmp_path: Path, text: str,
                                                       problem: str) -> None:
    (tmp_path / "bad.asm").write_text("         NOSUCH 1\n")
    (tmp_path / "d.deck").write_text(text, encoding="utf-8")
    with pytest.raises(DeckFileError) as e:
        deck_cards(tmp_path / "d.deck")
    assert problem in str(e.value) and "\n" not in str(e.value)


def test_a_deck_file_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DeckFileError, match="none.deck"):
        deck_cards(tmp_path / "none.deck")
