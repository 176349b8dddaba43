"""What the benchmark times for the report and the annex, and the floors it compares them to.

- `write_report`: the year's report .docx as the program makes it (figures counted, text
  composed, laid out), written to `target`; the floor, `floor_docx`, is python-docx writing a
  blank document with as many paragraphs of the same text: what any .docx costs.
- `write_annex`: the annex as the report writes it, both workbooks (the published 数据统计表
  and the working copy 台账与数据来源, `target` and `working_path(target)`); the floor,
  `floor_xlsx`, is openpyxl's streaming writer writing the very same cells (read back from
  our two files, into two files) with nothing else.
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


def working_path(target: Path) -> Path:
    return Path(target).with_name(Path(target).stem + "-台账与数据来源.xlsx")


def write_annex(store, year: int, target: Path) -> Path:
    from core.annex import write_annex as annex

    with store.session() as s:
        return annex(s, year, Path(target), working=working_path(target))


def read_cells(path: Path) -> list[list[tuple[str, list[tuple]]]]:
    """The cells of both workbooks, one list of (sheet, rows) per file."""
    books = []
    for book in (Path(path), working_path(path)):
        wb = load_workbook(str(book), read_only=True, data_only=True)
        try:
            books.append([(ws.title, list(ws.iter_rows(values_only=True)))
                          for ws in wb.worksheets])
        finally:
            wb.close()
    return books


def floor_xlsx(books: list[list[tuple[str, list[tuple]]]], target: Path) -> None:
    for n, cells in enumerate(books):
        wb = Workbook(write_only=True)
        for title, rows in cells:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        wb.save(str(Path(target).with_name(f"{Path(target).stem}-{n}.xlsx")))
