"""Sentence templates for the annual report, read from resources/templates/*.toml.

A maintainer changes the report's wording there without touching code. Each entry is one
named sentence with `{placeholder}` fields filled by str.format_map; the code declares which
fields each template may use (TEMPLATE_FIELDS in core.report.content), and every template is
checked against that list when the file is loaded, so a typo or an unknown field stops the
report with a message naming the file, the template and the line, before anything is written.
"""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

from core.errors import TemplateError, os_reason
from core.paths import resources_dir

_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r'^\s*("([^"]+)"|[A-Za-z0-9_\-]+|[^\s=]+)\s*=')


def templates_dir() -> Path:
    return resources_dir() / "templates"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _line_numbers(text: str) -> dict[str, int]:
    """Where each dotted template name starts in the file (tomllib keeps no positions)."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("[["):
            section = header.group(1).replace('"', "").replace(" ", "")
            continue
        key = _KEY.match(line)
        if key and not line.lstrip().startswith("#"):
            name = key.group(2) or key.group(1)
            lines.setdefault(f"{section}.{name}" if section else name, number)
    return lines


def _fields(text: str) -> list[str]:
    """The placeholder names in `text`; raises ValueError on a broken brace."""
    names = []
    for _literal, field, spec, _conv in string.Formatter().parse(text):
        if field is None:
            continue
        if field == "" or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field):
            raise ValueError(f"占位符「{{{field}}}」写法不正确")
        if spec and "{" in spec:
            raise ValueError("占位符中不能嵌套占位符")
        names.append(field)
    return names


class TemplateSet:
    """The templates of one file, checked against the fields the code supplies."""

    def __init__(self, path: Path, allowed: dict[str, set[str]] | None = None,
                 required: bool = True):
        self.path = Path(path)
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError as exc:
            raise TemplateError(f"找不到报告模板文件「{self.path}」，请重新安装程序。") from exc
        except UnicodeDecodeError as exc:
            raise TemplateError(f"报告模板文件「{self.path}」不是 UTF-8 编码，请重新安装程序。") from exc
        except OSError as exc:
            raise TemplateError(f"报告模板文件「{self.path}」无法读取：{os_reason(exc)}") from exc
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            where = f"第{line.group(1)}行" if line else "某处"
            raise TemplateError(f"报告模板文件「{self.path.name}」{where}格式有误（{exc}），"
                                f"请检查引号和等号。") from exc
        self.lines = _line_numbers(text)
        self.entries = _flatten(data)
        for name, value in self.entries.items():
            if not isinstance(value, str):
                self._fail(name, "应为一段用引号括起的文字")
            try:
                used = _fields(value)
            except ValueError as exc:
                self._fail(name, f"{exc}（文字中的花括号须成对，字面花括号写作 {{{{ }}}}）")
            if allowed is not None and name in allowed:
                unknown = [f for f in used if f not in allowed[name]]
                if unknown:
                    known = "、".join("{" + f + "}" for f in sorted(allowed[name])) or "（无）"
                    self._fail(name, f"使用了未知的占位符「{{{unknown[0]}}}」，可用的有：{known}")
        if allowed is not None and required:
            for name in allowed:
                if name not in self.entries:
                    raise TemplateError(f"报告模板文件「{self.path.name}」缺少模板「{name}」。")

    def _fail(self, name: str, problem: str):
        line = self.lines.get(name)
        where = f"第{line}行" if line else ""
        raise TemplateError(f"报告模板文件「{self.path.name}」{where}的模板「{name}」{problem}。")

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def raw(self, name: str) -> str:
        return self.entries[name]

    def render(self, name: str, /, **fields) -> str:
        try:
            return self.entries[name].format_map(fields)
        except (KeyError, ValueError, IndexError) as exc:
            self._fail(name, f"无法填写（{exc}）")
