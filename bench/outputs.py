"""What the benchmark times for the report and the annex, and the floors it compares them to.

- `write_report`: the year's report .docx as the program makes it (figures counted, text
  composed, laid out), written to `target`; the floor, `floor_docx`, is python-docx writing a
  blank document with as many paragraphs of the same text: what any .docx costs.
- `write_annex`: the annex .xlsx; the floor, `floor_xlsx`, is openpyxl's streaming writer
  writing the very same cells (read back from our file) with nothing else.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import Workbook, load_workbook

from core.report import build_content
from core.report.layout import write_docx


def write_report(store, year: int, target: Path) -> Path:
    with store.session() as s:
        content, _ = build_content(s, year)
    write_docx(content, Path(target), author="bench", year=year)
    return Path(target)


def floor_docx(report: Path, target: Path) -> None:
    texts = [p.text for p in Document(str(report)).paragraphs]
    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    doc.save(str(target))


def write_annex(store, year: int, target: Path) -> Path:
    from core.annex import write_annex as annex

    with store.session() as s:
        return annex(s, year, Path(target))


def read_cells(path: Path) -> list[tuple[str, list[tuple]]]:
    wb = load_workbook(str(path), read_only=True, data_only=True)
    try:
        return [(ws.title, list(ws.iter_rows(values_only=True))) for ws in wb.worksheets]
    finally:
        wb.close()


def floor_xlsx(cells: list[tuple[str, list[tuple]]], target: Path) -> None:
    wb = Workbook(write_only=True)
    for title, rows in cells:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(str(target))
