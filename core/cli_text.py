"""argparse's own words in Chinese for `zhifa-cli`: usage, the headings, -h's help and the
errors a mistyped command gets (「缺少必填参数」 rather than 「the following arguments are
required」). The clerk never sees English (issue 20)."""

from __future__ import annotations

import argparse

# argparse looks each of these up through gettext when it builds a parser or reports an
# error (Python 3.11–3.13); any other string stays as argparse wrote it.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "命令和参数",
    "options": "选项",
    "show this help message and exit": "显示本说明并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须填写一个",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "多余的参数值 %r",
    "expected one argument": "需要填写一个值",
    "expected at most one argument": "最多填写一个值",
    "expected at least one argument": "至少填写一个值",
    "expected %s argument": "需要填写 %s 个值",
    "expected %s arguments": "需要填写 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 不明确，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "无效的选择：%(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
}

# What a value stands for, in place of argparse's English upper-case names (YEAR, OUT…).
METAVARS = {"db": "数据库", "year": "年度", "out": "文件夹", "to": "文件夹", "file": "文件",
            "bureau": "单位全称", "region": "地区", "path": "文件", "target": "文件",
            "source": "文件"}


def _chinese(text: str) -> str:
    return ARGPARSE_ZH.get(text, text)


def _chinese_plural(singular: str, plural: str, n: int) -> str:
    return _chinese(singular if n == 1 else plural)


def speak_chinese() -> None:
    """Make argparse look its words up here. Only `zhifa-cli` calls it, before it builds
    its parser; the module is argparse's own, so this is for the CLI's process only."""
    argparse._ = _chinese
    argparse.ngettext = _chinese_plural


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Values named in Chinese (「--year 年度」), not by their English attribute."""

    def _get_default_metavar_for_optional(self, action) -> str:
        return METAVARS.get(action.dest, "值")

    def _get_default_metavar_for_positional(self, action) -> str:
        return METAVARS.get(action.dest, action.dest)


def name_positionals(parser: argparse.ArgumentParser) -> None:
    """A positional's Chinese name also in errors (「缺少必填参数：文件」), which use the
    metavar, not the help formatter."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                name_positionals(sub)
        elif not action.option_strings and action.metavar is None and action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
