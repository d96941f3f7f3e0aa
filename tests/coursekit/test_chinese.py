"""The Chinese summary cells and the stated time in Chinese (coursekit.chinese)."""

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from coursekit import chinese
from coursekit.stated_time import parse_stated_time


@pytest.mark.parametrize(("english", "expected"), [
    ("about 6 minutes", "约 6 分钟"),
    ("under a minute", "不到 1 分钟"),
    ("well under a minute", "不到 1 分钟"),
    ("about 2.5 minutes", "约 2.5 分钟"),
    ("about 30 seconds", "约 30 秒"),
    ("under two minutes", "不到 2 分钟"),
    ("at most 90 seconds", "最多 1.5 分钟"),
    ("about 1.5 hours", "约 1.5 小时"),
])
def test_a_stated_duration_in_chinese(english, expected):
    stated = parse_stated_time(f"**Time on a laptop CPU:** {english}.")
    assert chinese.zh_duration(stated.full) == expected


@pytest.mark.parametrize(("english", "expected"), [
    ("about 6 minutes (5 of them training).\nWith `QUICK = True` the whole notebook runs in "
     "under a minute.", "约 6 分钟（`QUICK = True` 时不到 1 分钟）"),
    ("about 30 seconds (the same with `QUICK = True`).", "约 30 秒（`QUICK = True` 时相同）"),
    ("under a minute.", "不到 1 分钟（`QUICK = True` 时相同）"),
])
def test_the_stated_time_with_the_quick_setting(english, expected):
    stated = parse_stated_time(f"# 04 · X\n\n**Time on a laptop CPU:** {english}")
    assert chinese.zh_stated_time(stated) == expected
    assert chinese.zh_time_line(stated) == f"**用时（笔记本电脑 CPU）：** {expected}"


def _summary_cell(source, tags=("zh",)):
    return new_markdown_cell(source, metadata={"tags": list(tags)})


def test_the_summary_is_read_from_the_cell_tagged_zh():
    notebook = new_notebook(cells=[
        new_markdown_cell("# 04 · Train a DCGAN"),
        _summary_cell("## 中文概要：训练 DCGAN\n\n学什么。\n\n"
                      "**用时（笔记本电脑 CPU）：** 约 6 分钟\n\n**关键结果：** FID。\n"),
        new_markdown_cell("## 中文概要：not tagged, not read")])
    summary = chinese.zh_summary(notebook)
    assert summary.title == "训练 DCGAN"
    assert summary.body.startswith("学什么。") and summary.body.endswith("**关键结果：** FID。")
    assert summary.body_without_time() == "学什么。\n\n\n**关键结果：** FID。"
    assert len(chinese.zh_cells(notebook)) == 1


def test_a_notebook_without_a_summary_has_none():
    assert chinese.zh_summary(new_notebook(cells=[new_markdown_cell("# 01 · X")])) is None
    tagged_but_not_a_summary = new_notebook(cells=[_summary_cell("## Setup")])
    assert chinese.zh_summary(tagged_but_not_a_summary) is None


def test_the_summary_reads_a_notebook_as_json_too():
    notebook = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["zh"]},
                           "source": ["## 中文概要 · 从这里开始\n", "欢迎。"]}]}
    assert chinese.zh_summary(notebook) == chinese.ZhSummary("从这里开始", "欢迎。")
