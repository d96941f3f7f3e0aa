"""Each notebook's stated "Time on a laptop CPU": read from its first cell and checked
against the time it took."""

from pathlib import Path

import pytest

from coursekit import stated_time

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


FOUR = "**Time on a laptop CPU with the defaults:** "


@pytest.mark.parametrize(("text", "full", "quick"), [
    (FOUR + "about 6 minutes (5 of them training).\nWith `QUICK = True` the whole notebook "
     "runs in under a minute.", ("about 6 minutes", 360, "about"),
     ("under a minute", 60, "under")),
    (FOUR + "about 30 seconds on 2 cores (two training runs, of about 5 and 15\nseconds). "
     "With `QUICK = True` the whole notebook runs in about 15\nseconds.",
     ("about 30 seconds", 30, "about"), ("about 15 seconds", 15, "about")),
    ("**Time on a laptop CPU:** about 10 seconds (the same with `QUICK = True`).",
     ("about 10 seconds", 10, "about"), ("about 10 seconds", 10, "about")),
    ("**Time on a laptop CPU:** under a minute.\n\nA later paragraph: about 2 hours.",
     ("under a minute", 60, "under"), ("under a minute", 60, "under")),
    ("Time on a laptop CPU: 1.5 h; with QUICK = True, half an hour.",
     ("1.5 h", 5400, "about"), ("half an hour", 1800, "about")),
    ("Time on a laptop CPU: as long as a minimax game takes, about 20 min.",
     ("about 20 min", 1200, "about"), ("about 20 min", 1200, "about")),
])
def test_stated_time_is_read_from_the_first_cell(text, full, quick):
    stated = stated_time.parse_stated_time("# Title\n\nWhat you will see.\n\n" + text)
    assert (stated.full.phrase, stated.full.seconds, stated.full.qualifier) == full
    assert (stated.quick.phrase, stated.quick.seconds, stated.quick.qualifier) == quick


@pytest.mark.parametrize("text", ["# Title\n\nNo time here.",
                                  "**Time on a laptop CPU:** it depends.",
                                  "**Time on a laptop CPU:**\n\nabout 5 minutes"])
def test_no_stated_time_gives_none(text):
    assert stated_time.parse_stated_time(text) is None


@pytest.mark.parametrize(("seconds", "phrase", "flagged"), [
    (449, "about 6 minutes", False),  # "about" allows 25% more: 450 s
    (451, "about 6 minutes", True),
    (59, "under a minute", False),
    (61, "under a minute", True),
    (38.2, "about 30 seconds", True),  # limit 37.5 s: shown with its decimal
])
def test_check_time_flags_only_a_notebook_slower_than_it_says(seconds, phrase, flagged):
    stated = stated_time.parse_stated_time(f"Time on a laptop CPU: {phrase}.").full
    message = stated_time.check_time(seconds, stated)
    assert bool(message) is flagged
    if flagged:
        assert phrase in message and f"took {seconds} s" in message
    if seconds == 38.2:
        assert message.endswith("(up to 37.5 s)")


def test_every_notebook_states_a_time_the_summary_can_check():
    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for path in notebooks:
        stated = stated_time.stated_time(path)
        assert stated is not None, f"{path.name}: no 'Time on a laptop CPU: about N minutes'"
        assert stated.quick.seconds <= stated.full.seconds, path.name
