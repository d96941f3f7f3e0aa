"""Tests of ganlib.viz: grid layout and pixel mapping, figures and their axes, PNG and GIF."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from ganlib import viz

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HISTORY = [{"step": s, "d_loss": 1.4 - 0.1 * s, "g_loss": 0.7 + 0.1 * s} for s in range(1, 5)]


# --------------------------------------------------------------------------- image_grid


def test_image_grid_shape_for_ten_grey_images_in_five_columns():
    grid = viz.image_grid(np.zeros((10, 28, 28, 1), np.float32), ncols=5, padding=1)
    assert grid.shape == (2 * 29 - 1, 5 * 29 - 1)
    assert grid.dtype == np.uint8


def test_image_grid_default_columns_make_a_square():
    grid = viz.image_grid(np.zeros((9, 4, 4, 3), np.float32), padding=2)
    assert grid.shape == (3 * 6 - 2, 3 * 6 - 2, 3)


def test_image_grid_maps_model_range_to_bytes_and_pads():
    images = np.stack([np.full((2, 2, 1), -1.0), np.full((2, 2, 1), 1.0),
                       np.full((2, 2, 1), 0.0)]).astype(np.float32)
    grid = viz.image_grid(images, ncols=3, padding=1, pad_value=77)
    expected = np.array([
        [0, 0, 77, 255, 255, 77, 128, 128],
        [0, 0, 77, 255, 255, 77, 128, 128],
    ], np.uint8)  # (0 + 1) * 127.5 = 127.5 rounds to the even 128
    np.testing.assert_array_equal(grid, expected)


def test_image_grid_fills_missing_cells_with_the_pad_value():
    grid = viz.image_grid(np.full((3, 2, 2, 1), -1.0, np.float32), ncols=2, padding=0)
    np.testing.assert_array_equal(grid, [[0, 0, 0, 0], [0, 0, 0, 0],
                                         [0, 0, 255, 255], [0, 0, 255, 255]])


def test_image_grid_passes_uint8_through_unchanged():
    images = np.random.default_rng(0).integers(0, 256, (2, 3, 3, 3), dtype=np.uint8)
    grid = viz.image_grid(images, ncols=2, padding=0)
    np.testing.assert_array_equal(grid[:, :3], images[0])
    np.testing.assert_array_equal(grid[:, 3:], images[1])


def test_image_grid_clips_values_outside_the_model_range():
    grid = viz.image_grid(np.array([-3.0, 3.0], np.float32).reshape(2, 1, 1, 1), padding=0)
    np.testing.assert_array_equal(grid, [[0, 255]])


@pytest.mark.parametrize("shape", [(28, 28, 1), (2, 28, 28), (2, 28, 28, 2), (0, 28, 28, 1)])
def test_image_grid_refuses_bad_shapes(shape):
    with pytest.raises(ValueError, match=r"\(N, H, W, 1 or 3\)"):
        viz.image_grid(np.zeros(shape, np.float32))


# --------------------------------------------------------------------------- figures


def test_figure_to_png_gives_png_bytes():
    png = viz.figure_to_png(viz.plot_losses(HISTORY))
    assert png.startswith(PNG_MAGIC)


def test_training_figure_has_samples_and_curves():
    grid = viz.image_grid(np.zeros((4, 28, 28, 1), np.float32))
    figure = viz.training_figure(grid, HISTORY, step=4, title="DCGAN")
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 2
    assert figure.axes[0].get_title() == "DCGAN samples at step 4"
    labels = figure.axes[1].get_legend_handles_labels()[1]
    assert labels == ["discriminator loss", "generator loss"]


def test_training_figure_with_no_history_yet():
    figure = viz.training_figure(np.zeros((8, 8), np.uint8), [], step=0)
    assert len(figure.axes) == 2
    assert figure.axes[1].get_legend_handles_labels()[1] == []
    assert viz.figure_to_png(figure).startswith(PNG_MAGIC)


def test_plot_images_has_one_axis_per_cell_with_class_names():
    images = np.zeros((7, 28, 28, 1), np.float32)
    figure = viz.plot_images(images, labels=[0, 1, 2, 0, 1, 2, 0], class_names=("a", "b", "c"),
                             ncols=4, title="samples")
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 8  # 2 rows of 4, the last cell empty
    assert [axis.get_title() for axis in figure.axes[:7]] == list("abcabca")
    assert figure.axes[7].get_title() == ""


def test_plot_images_single_image():
    figure = viz.plot_images(np.zeros((1, 8, 8, 3), np.float32))
    assert len(figure.axes) == 1


def test_plot_losses_draws_one_curve_per_recorded_metric():
    history = [dict(record, real_score=0.6, fake_score=0.4) for record in HISTORY]
    figure = viz.plot_losses(history, title="curves")
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 1
    axis = figure.axes[0]
    assert axis.get_title() == "curves"
    assert axis.get_legend_handles_labels()[1] == [
        "discriminator loss", "generator loss", "D(x) on real", "D(G(z)) on fakes"]
    d_curve = axis.get_lines()[0]
    np.testing.assert_array_equal(d_curve.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(d_curve.get_ydata(), [1.3, 1.2, 1.1, 1.0])


# --------------------------------------------------------------------------- GIF


def test_save_gif_writes_every_frame_scaled(tmp_path):
    frames = [np.full((5, 7), value, np.uint8) for value in (0, 128, 255)]
    path = viz.save_gif(frames, tmp_path / "sub" / "progress.gif", scale=3)
    assert path == tmp_path / "sub" / "progress.gif"
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        assert gif.size == (21, 15)


def test_save_gif_with_no_frames_raises(tmp_path):
    with pytest.raises(ValueError, match="No frames"):
        viz.save_gif([], tmp_path / "empty.gif")
    assert not (tmp_path / "empty.gif").exists()


def test_markdown_table_aligns_columns_and_formats_numbers():
    rows = [{"recipe": "ema", "fid": 12.3456789, "modes": 10},
            {"recipe": "a|b", "fid": None, "modes": 9}]
    table = viz.markdown_table(rows, ["recipe", "fid", "modes"])
    assert table.split("\n") == [
        "| recipe | fid   | modes |",
        "| ------ | ----- | ----- |",
        "| ema    | 12.35 | 10    |",
        "| a\\|b   |       | 9     |",
    ]


def test_compare_grids_draws_one_titled_panel_per_name():
    rng = np.random.default_rng(0)
    named = {name: rng.uniform(-1, 1, (4, 8, 8, 1)) for name in ("a", "b", "c")}
    figure = viz.compare_grids(named, ncols=2, title="t")
    titles = [axis.get_title() for axis in figure.axes]
    assert titles == ["a", "b", "c", ""]  # the fourth panel is empty and hidden
    assert figure.axes[0].images[0].get_array().shape == (17, 17)
    with pytest.raises(ValueError, match="named_images is empty"):
        viz.compare_grids({})


def test_plot_curves_skips_missing_values():
    records = {"ema": [{"step": 0, "fid": 50.0}, {"step": 10, "fid": float("nan")},
                       {"step": 20, "fid": 30.0}],
               "none": [{"step": 0}]}
    figure = viz.plot_curves(records, "fid", title="FID")
    (line,) = figure.axes[0].lines
    np.testing.assert_array_equal(line.get_xdata(), [0, 20])
    np.testing.assert_array_equal(line.get_ydata(), [50.0, 30.0])


def test_plot_panels_draws_one_panel_per_label_and_one_line_per_name():
    figure = viz.plot_panels({"FID": {"FID": {1.0: 20.0, 0.5: 30.0}},
                              "share": {"precision": {0.5: 0.9, 1.0: 0.7},
                                        "recall": {0.5: 0.2, 1.0: 0.5}}},
                             "psi", title="trade-off", limits={"share": (0, 1)},
                             log_scale=["FID"])
    left, right = figure.axes
    assert (left.get_ylabel(), right.get_ylabel()) == ("FID", "share")
    assert left.get_yscale() == "log" and right.get_ylim() == (0, 1)
    np.testing.assert_array_equal(right.lines[0].get_xdata(), [0.5, 1.0])  # sorted by x
    assert [line.get_label() for line in right.lines] == ["precision", "recall"]
    assert figure.texts[0].get_text() == "trade-off"  # a suptitle over two panels
    (single,) = viz.plot_accuracy_curves({"FGSM": {0.0: 0.9, 0.1: 0.3}}).axes
    assert single.get_ylabel() == "accuracy"


def test_plot_image_rows_lays_out_one_row_per_name():
    images = np.zeros((6, 8, 8, 1), np.float32)
    figure = viz.plot_image_rows(images, ["a", "b"], column_names=["x", "y", "z"])
    assert len(figure.axes) == 6
    assert [t.get_text() for t in figure.axes[0].texts] == ["a"]
    assert figure.axes[1].get_title() == "y"
    with pytest.raises(ValueError, match="cannot be cut into 4 equal rows"):
        viz.plot_image_rows(images, ["a", "b", "c", "d"])


def test_plot_confusion_matrix_writes_the_row_shares():
    figure = viz.plot_confusion_matrix(np.array([[3, 1], [0, 4]]), ["cat", "dog"])
    texts = sorted(t.get_text() for t in figure.axes[0].texts)
    assert texts == ["100", "25", "75"]
    with pytest.raises(ValueError, match="must be 2 x 2"):
        viz.plot_confusion_matrix(np.ones((3, 3)), ["cat", "dog"])


def test_plot_latent_map_draws_the_codes_and_the_decoded_grid():
    grid = np.zeros((9, 8, 8, 1), np.float32)
    codes = np.array([[0.0, 1.0], [2.0, -1.0]])
    figure = viz.plot_latent_map(grid, [-2.0, 0.0, 2.0], codes, labels=[0, 3],
                                 class_names=[str(i) for i in range(10)])
    scatter_axis, grid_axis = figure.axes[:2]
    np.testing.assert_array_equal(scatter_axis.collections[0].get_offsets(), codes)
    assert grid_axis.images[0].get_extent() == [-3.0, 3.0, -3.0, 3.0]   # cells centred
    assert len(viz.plot_latent_map(grid, [-2.0, 0.0, 2.0]).axes) == 1
    with pytest.raises(ValueError, match="n \\* n images"):
        viz.plot_latent_map(grid[:8], [-2.0, 0.0, 2.0])


def test_plot_attention_draws_one_heat_map_per_query():
    images = np.zeros((2, 28, 28, 1), np.float32)
    maps = np.full((2, 196, 196), 1 / 196)
    maps[0, 3 * 14 + 5] = np.eye(196)[0]          # query (3, 5) of image 0 reads position 0
    figure = viz.plot_attention(images, maps, [(3, 5), (10, 10)])
    axes = np.asarray(figure.axes).reshape(2, 3)
    heat = axes[0, 1].images[1].get_array()
    assert heat[0, 0] == 1.0 and heat.sum() == 1.0
    assert axes[0, 1].get_title() == "query (3, 5)"
    with pytest.raises(ValueError, match=r"queries must be \(row, column\) pairs in 0..13"):
        viz.plot_attention(images, maps, [(14, 0)])
    with pytest.raises(ValueError, match="not a square feature map"):
        viz.plot_attention(images, maps[:, :195, :195], [(0, 0)])


def test_progress_text_extrapolates_the_time_left():
    assert viz.progress_text("fit:", 1, 4, 30.0, "step 1 / 4") == \
        "fit: [#####...............]  25%, step 1 / 4, 30 s elapsed, ~1 min 30 s left"
    assert viz.progress_text("fit:", 0, 4, 0.0).endswith("0 s elapsed, ~? left")
    assert viz.duration_text(3725) == "62 min 05 s"


def test_plot_class_attention_draws_each_image_and_its_patch_map():
    images = np.zeros((3, 28, 28, 1), np.float32)
    maps = np.full((3, 7, 7), 1 / 49)
    figure = viz.plot_class_attention(images, maps, titles=["a", "b", "c"], title="t")
    assert len(figure.axes) == 6
    assert [axis.get_title() for axis in figure.axes[:3]] == ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"maps must have shape \(N, s, s\) with N = 3"):
        viz.plot_class_attention(images, maps[:2])
