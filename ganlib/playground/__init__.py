"""The 2-D GAN playground: train a GAN on points and watch every step.

- ``settings``: ``PlaygroundSettings`` (every knob, checked) and the measured ``PRESETS``;
- ``engine``: ``Playground``, which trains in chunks of steps, and ``train_run``;
- ``figure``: the live figure and rows of snapshots.

The panel with Play, Pause, Step and Reset is ``ganlib.ui.PlaygroundPanel``.
"""

from ganlib.playground.engine import Playground, train_run
from ganlib.playground.figure import PlaygroundFigure, snapshots_figure
from ganlib.playground.settings import (
    OPTIMIZERS,
    PRESET_VARIANTS,
    PRESETS,
    USER_POINTS,
    PlaygroundSettings,
    preset,
)

__all__ = [
    "OPTIMIZERS",
    "PRESETS",
    "PRESET_VARIANTS",
    "Playground",
    "PlaygroundFigure",
    "PlaygroundSettings",
    "USER_POINTS",
    "preset",
    "snapshots_figure",
    "train_run",
]
