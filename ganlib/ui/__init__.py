"""Screen controls: every ipywidgets panel of the course, and what they share.

- ``training_panel``: ``TrainingPanel``, train a DCGAN live (notebook 04);
- ``playground_panel``: ``PlaygroundPanel``, the 2-D playground (notebook 03);
- ``translation_panel``: ``TranslationPanel``, retrain pix2pix or CycleGAN with other loss
  weights (notebooks 09 and 10);
- ``background``: ``BackgroundTask``, the training thread a Stop button can halt, and the
  status line.

Panels hold no training logic: they call ``ganlib.training`` and the topic packages. Nothing
else in ``ganlib`` imports this package.
"""

from ganlib.ui.background import BackgroundTask, Panel, status_html
from ganlib.ui.playground_panel import PlaygroundPanel
from ganlib.ui.training_panel import TrainingPanel
from ganlib.ui.translation_panel import TranslationPanel

__all__ = [
    "BackgroundTask",
    "Panel",
    "PlaygroundPanel",
    "TrainingPanel",
    "TranslationPanel",
    "status_html",
]
