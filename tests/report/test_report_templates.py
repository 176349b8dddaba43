"""A maintainer edits the wording in resources/templates; a mistake is named, never half-written."""

from __future__ import annotations

import shutil

import pytest

import core.report.content
from core.errors import TemplateError
from core.report.templates import templates_dir


@pytest.fixture
def templates(tmp_path, monkeypatch):
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    monkeypatch.setattr(core.report.content, "templates_dir", lambda: folder)
    return folder


def _edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


def test_changed_wording_appears_in_the_report(demo_store, make_report, templates):
    _edit(templates / "report.toml", '内部“双随机、一公开”检查{internal}次"',
          '局内“双随机、一公开”抽查{internal}次"')
    _, texts = make_report(demo_store, 2025)
    assert any("局内“双随机、一公开”抽查11次。" in t for t in texts)


@pytest.mark.parametrize("old,new,problem", [
    ("行政检查{total}次{change}", "行政检查{totl}次{change}", "未知的占位符「{totl}」"),
    ("行政检查{total}次{change}", "行政检查{total次{change}", "花括号须成对"),
])
def test_a_broken_placeholder_names_file_template_and_line(demo_store, make_report, templates,
                                                           tmp_path, old, new, problem):
    path = templates / "report.toml"
    _edit(path, old, new)
    line = _line_of(path, new)
    with pytest.raises(TemplateError) as err:
        make_report(demo_store, 2025)
    message = str(err.value)
    assert "report.toml" in message and f"第{line}行" in message
    assert "inspection.summary" in message and problem in message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_missing_quote_names_the_line(demo_store, make_report, templates):
    path = templates / "report.toml"
    _edit(path, 'none = "本年度未开展行政检查。"', 'none = "本年度未开展行政检查。')
    line = _line_of(path, 'none = "本年度未开展行政检查。')
    with pytest.raises(TemplateError, match=f"report.toml」第{line}行格式有误"):
        make_report(demo_store, 2025)


def test_a_deleted_template_is_named(demo_store, make_report, templates):
    _edit(templates / "report.toml", 'hearing = "依当事人申请举行听证{hearing}件。"\n', "")
    with pytest.raises(TemplateError, match="缺少模板「penalty.hearing」"):
        make_report(demo_store, 2025)


def test_a_missing_template_file_says_reinstall(demo_store, make_report, templates):
    (templates / "narrative.toml").unlink()
    with pytest.raises(TemplateError, match="找不到报告模板文件.*narrative.toml.*重新安装"):
        make_report(demo_store, 2025)
