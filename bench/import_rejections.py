"""A large wrong workbook, bounded: 17 sheets × 200,000 rows that are all rejected.

    PYTHONPATH=. .venv/bin/python -m bench.import_rejections [FOLDER]

The workbook (about 25 MB, under every limit of core.ledger_io.reader) is written directly
as XML: every row a 行政检查 row whose date is 「第N天」. `zhifa-cli import --dry-run` then
previews it in a child process; printed: its time, its peak memory (the child's maximum
resident set), and the preview's totals. Issue 18 asks for less than 400 MB, and for the
rejected rows to be listed up to 10,000 and the rest counted.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SHEETS = 17
ROWS = 200_000
HEADER = ["检查日期", "检查对象", "对象类型", "检查类别", "检查方式", "检查结果"]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write(path: Path, sheets: int = SHEETS, rows: int = ROWS) -> Path:
    strings = HEADER + ["一中", "公办中小学", "日常检查", "其他", "合格"]
    strings += [f"第{i}天" for i in range(rows)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                      f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for n in range(1, sheets + 1)) + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL}"><sheets>'
            + "".join(f'<sheet name="行政检查{n}" sheetId="{n}" r:id="rId{n}"/>'
                      for n in range(1, sheets + 1)) + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/'
                      f'sheet{n}.xml"/>' for n in range(1, sheets + 1))
            + f'<Relationship Id="rId{sheets + 1}" Type="{REL}/sharedStrings" '
              f'Target="sharedStrings.xml"/></Relationships>'))
        z.writestr("xl/sharedStrings.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings)
            + "</sst>"))
        header = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCDEF"))
        first = len(HEADER) + 5
        body = "".join(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{first + r - 2}</v></c></row>'
            for r in range(2, rows + 2))
        sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
                 f'<row r="1">{header}</row>{body}</sheetData></worksheet>')
        for n in range(1, sheets + 1):
            z.writestr(f"xl/worksheets/sheet{n}.xml", sheet)
    return path


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(tempfile.mkdtemp())
    book = folder / "拒收.xlsx"
    if not book.exists():
        write(book)
    with zipfile.ZipFile(book) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    print(f"{book}: {book.stat().st_size / 1e6:.1f} MB, {unpacked / 1e6:.0f} MB unpacked, "
          f"{SHEETS} × {ROWS:,} rows; load average {os.getloadavg()[0]:.1f}")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "ZHIFA_DATA_DIR": str(folder / "data")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "core.cli", "--db", str(folder / "l.db"),
                           "import", "--dry-run", str(book)],
                          capture_output=True, text=True, env=env, cwd=folder)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"rc {done.returncode}, {took:.1f} s, peak memory {peak:.0f} MB (target < 400 MB)")
    print("\n".join(done.stdout.splitlines()[-4:]) or done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
