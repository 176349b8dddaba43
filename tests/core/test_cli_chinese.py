"""`zhifa-cli --help`, each command's help and a mistyped command speak Chinese: no
「usage」, 「positional arguments」, 「show this help message and exit」 or 「YEAR」."""

from __future__ import annotations

import re

import pytest

from core.cli import build_parser, main

# Words that are names, not English: options as typed, file types, the program and products.
NAMES = re.compile(r"zhifa-cli|ZHIFA_DB|--?[a-z][a-z-]*|\.(docx|xlsx)|SQLAlchemy|Excel|JSON")


def _command_names(parser) -> set[str]:
    """The commands' names, those of a command's own sub-commands (server setup) included."""
    import argparse

    names = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                names |= {name} | _command_names(sub)
    return names


def english_words(text: str) -> list[str]:
    """What is left once names are taken out; the commands' names (init, report…) are
    typed as they are, like options."""
    parser, _commands = build_parser()
    commands = _command_names(parser)
    text = NAMES.sub("", text)
    for name in sorted(commands, key=len, reverse=True):
        text = re.sub(rf"\b{name}\b", "", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def _help(argv, capsys) -> str:
    with pytest.raises(SystemExit):
        main(argv)
    out = capsys.readouterr()
    return out.out + out.err


def test_the_help_of_every_command_is_in_chinese(capsys):
    text = _help(["--help"], capsys)
    assert text.startswith("用法：zhifa-cli")
    assert english_words(text) == []
    _parser, commands = build_parser()
    assert len(commands) >= 10
    for name in commands:
        text = _help([name, "--help"], capsys)
        assert english_words(text) == [], (name, text)


def test_a_mistyped_command_is_told_in_chinese(capsys):
    text = _help(["report"], capsys)
    assert "错误：缺少必填参数：--year/-y" in text and english_words(text) == []
    text = _help(["restore"], capsys)
    assert "缺少必填参数：文件" in text
    text = _help(["report", "--year"], capsys)
    assert "需要填写一个值" in text
