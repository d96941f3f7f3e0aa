"""Pictures and text: figures are built without pyplot, safe in a training thread.

- ``grids``: sample grids, labelled images, rows, GIFs, PNG bytes;
- ``curves``: training curves, accuracy curves, panels of measured curves;
- ``maps``: perturbations, confusion matrices, latent maps, attention maps;
- ``text``: Markdown tables, durations and progress lines.
"""

from ganlib.viz.curves import (
    plot_accuracy_curves,
    plot_curves,
    plot_losses,
    plot_panels,
    training_figure,
)
from ganlib.viz.grids import (
    compare_grids,
    figure_to_png,
    image_grid,
    plot_image_rows,
    plot_images,
    save_gif,
)
from ganlib.viz.maps import (
    plot_attention,
    plot_class_attention,
    plot_confusion_matrix,
    plot_latent_map,
    plot_perturbation,
)
from ganlib.viz.text import duration_text, markdown_table, progress_text

__all__ = [
    "compare_grids",
    "duration_text",
    "figure_to_png",
    "image_grid",
    "markdown_table",
    "plot_accuracy_curves",
    "plot_attention",
    "plot_class_attention",
    "plot_confusion_matrix",
    "plot_curves",
    "plot_image_rows",
    "plot_images",
    "plot_latent_map",
    "plot_losses",
    "plot_panels",
    "plot_perturbation",
    "progress_text",
    "save_gif",
    "training_figure",
]
