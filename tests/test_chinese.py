"""The Chinese way into the course stays true to the notebooks.

Every notebook has one Chinese summary cell, right after its title, that states the same
time as the title cell; README.zh-CN.md's course map lists every notebook with that same
time; GLOSSARY.md has every key term, each linked to notebooks that exist.
"""

import re
from pathlib import Path

import nbformat
import pytest

from coursekit.chinese import ZH_HEADING, zh_cells, zh_stated_time, zh_summary, zh_time_line
from coursekit.stated_time import parse_stated_time, stated_time

PROJECT_DIR = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Chinese characters (the CJK Unified Ideographs block).
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Terms GLOSSARY.md must explain (matched in its English column, case-insensitive).
REQUIRED_TERMS = (
    "generator", "discriminator", "critic", "latent space", "mode collapse",
    "vanishing gradient", "minimax game", "optimal discriminator", "saturating loss",
    "non-saturating loss", "Jensen-Shannon divergence", "Wasserstein distance",
    "gradient penalty", "spectral normalisation", "R1 penalty", "EMA of weights", "FID", "KID",
    "precision", "recall", "conditional GAN", "projection discriminator", "AC-GAN",
    "data augmentation", "image-to-image translation", "pix2pix", "PatchGAN", "U-Net",
    "cycle consistency", "CycleGAN", "adversarial example", "FGSM", "VAE",
    "reparameterisation", "ELBO", "self-attention", "Transformer", "diffusion model",
    "truncation trick", "checkpoint")
#: The Chinese names the summaries use for these terms.
REQUIRED_CHINESE = {"generator": "生成器", "discriminator": "判别器", "latent space": "潜在空间",
                    "mode collapse": "模式崩溃", "vanishing gradient": "梯度消失",
                    "adversarial example": "对抗样本"}
NOTEBOOK_LINK = re.compile(r"\[([^\]]+)\]\((notebooks/[^)]+)\)")


def _chinese_characters(text):
    return len(CJK.findall(text))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_has_one_chinese_summary_after_its_title(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    tagged = zh_cells({"cells": cells})
    assert len(tagged) == 1, f"{notebook.name} has {len(tagged)} cells tagged zh, not one"
    assert cells[1] is tagged[0], f"{notebook.name}: the zh cell is not right after the title"
    cell = cells[1]
    assert cell.cell_type == "markdown" and cell.source.startswith(ZH_HEADING)
    assert _chinese_characters(cell.source) > 100, "the summary is not written in Chinese"
    summary = zh_summary({"cells": cells})
    assert summary.title and _chinese_characters(summary.title) > 0


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_chinese_summary_states_the_time_of_the_title_cell(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    stated = parse_stated_time(cells[0].source)
    line = zh_time_line(stated)
    assert line in cells[1].source.splitlines(), (
        f"{notebook.name}: the zh cell must state the title cell's time as the line "
        f"{line!r} (run the script that writes the zh cells again)")


def _table_rows(text):
    """The cells of a Markdown table's body rows (the first table in ``text``)."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            for line in lines[2:]]


def _glossary():
    return _table_rows((PROJECT_DIR / "GLOSSARY.md").read_text(encoding="utf-8"))


def test_every_glossary_row_links_notebooks_that_exist():
    rows = _glossary()
    assert len(rows) >= len(REQUIRED_TERMS)
    for english, chinese, meaning, notebooks in rows:
        links = NOTEBOOK_LINK.findall(notebooks)
        assert links, f"the glossary row {english!r} names no notebook"
        for text, target in links:
            path = PROJECT_DIR / target
            assert path.is_file(), f"the glossary row {english!r} links {target}, which is gone"
            assert text == path.stem[:2], f"{english!r}: the link to {target} reads {text!r}"
        assert _chinese_characters(chinese) > 0 or chinese == english, english
        assert _chinese_characters(meaning) > 0, english


@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_glossary_explains_the_key_term(term):
    word = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)
    rows = [row for row in _glossary() if word.search(row[0])]
    assert rows, f"GLOSSARY.md has no row for {term!r}"
    if term in REQUIRED_CHINESE:
        assert any(REQUIRED_CHINESE[term] in row[1] for row in rows), (term, rows)


def _readme_map():
    """{notebook file: (number, link text, time)} from README.zh-CN.md's course map."""
    text = (PROJECT_DIR / "README.zh-CN.md").read_text(encoding="utf-8")
    section = text.split("\n## 课程地图\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for number, notebook, _, time in _table_rows(section):
        (title, target), = NOTEBOOK_LINK.findall(notebook)
        rows[target] = (number, title, time)
    return rows


def test_chinese_readme_maps_every_notebook_with_its_stated_time():
    rows = _readme_map()
    expected = {f"notebooks/{path.name}" for path in NOTEBOOKS}
    assert set(rows) == expected, ("README.zh-CN.md's course map lists "
                                   f"{sorted(set(rows) - expected)} that do not exist and misses "
                                   f"{sorted(expected - set(rows))}")
    for path in NOTEBOOKS:
        title = zh_summary(nbformat.read(path, as_version=4)).title
        time = zh_stated_time(stated_time(path))
        assert rows[f"notebooks/{path.name}"] == (path.stem[:2], title, time), (
            f"README.zh-CN.md's row of {path.name} is out of date; it should read "
            f"| {path.stem[:2]} | [{title}](notebooks/{path.name}) | ... | {time} |")


def test_the_two_readmes_link_each_other():
    english = (PROJECT_DIR / "README.md").read_text(encoding="utf-8").splitlines()
    chinese = (PROJECT_DIR / "README.zh-CN.md").read_text(encoding="utf-8").splitlines()
    assert any("(README.zh-CN.md)" in line for line in english[:5])
    assert any("(README.md)" in line for line in chinese[:5])
