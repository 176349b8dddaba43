"""core.text: what the clerk typed, made safe for Word and Excel."""

from __future__ import annotations

from core.text import clean_text, excel_text, excel_texts


def test_a_formula_typed_as_a_name_stays_text_and_control_characters_go():
    assert excel_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert excel_text("-1") == "'-1"
    assert excel_text("第一\x00小学\x1b") == "第一小学"
    assert clean_text("甲\r\n乙\t丙", keep_newlines=False) == "甲 乙 丙"


def test_the_workbook_memo_answers_as_excel_text_does_and_leaves_empty_cells_empty():
    text = excel_texts()
    for value in ["=1+1", "红桥区第一小学", "=1+1", "@SUM(A1)", "\x07", ""]:
        assert text(value) == (excel_text(value) or None)
    assert text("") is None and text("\x07") is None      # an empty cell, not a "" cell
    assert text("日常检查") is text("日常检查")


def test_a_pasted_100000_character_note_is_cut_to_what_an_excel_cell_holds_and_says_so():
    from core.text import EXCEL_CELL_LIMIT, EXCEL_CUT

    for long in ("执" * 100_000, "🏫" * 20_000, "=" + "a" * 40_000):
        cell = excel_text(long)
        assert len(cell.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT     # Excel counts UTF-16
        assert cell.endswith(EXCEL_CUT)
        assert long[1:1000] in cell                                        # the start is kept
    assert "🏫" * 10 in excel_text("🏫" * 20_000)                         # no half emoji
    exact = "执" * EXCEL_CELL_LIMIT
    assert excel_text(exact) == exact                                      # at the limit: whole
