"""The 2-D playground: settings checks, chunked training, the live figure and the panel."""

import numpy as np
import pytest

from ganlib import playground

#: A small, fast setting.
TINY = playground.PlaygroundSettings(g_width=8, d_width=8, depth=1, batch_size=16)


@pytest.fixture
def engine():
    return playground.Playground(TINY, eval_samples=200, arrows=5)


@pytest.mark.parametrize(("changes", "message"), [
    ({"d_learning_rate": 0.0}, r"d_learning_rate must be a finite number > 0 and < 1 .*got 0.0"),
    ({"g_learning_rate": -1e-3}, "g_learning_rate must be .*got -0.001"),
    ({"g_learning_rate": float("nan")}, "g_learning_rate must be .*got nan"),
    ({"g_width": 0}, "g_width must be a whole number >= 1 and <= 512 .*got 0"),
    ({"d_width": 0}, "d_width must be .*got 0"),
    ({"loss": "wgan"}, r"loss must be one of \['hinge'.*got 'wgan'"),
    ({"distribution": "ring9"}, r"distribution must be one of \['ring8'.*got 'ring9'"),
    ({"optimizer": "adagrad"}, r"optimizer must be one of \['adam', 'rmsprop', 'sgd'\]"),
    ({"d_steps": 0}, "d_steps must be a whole number >= 1 .*got 0"),
    ({"gradient_penalty_weight": -1.0}, "gradient_penalty_weight must be .*got -1.0"),
    ({"r1_weight": -0.1}, r"r1_weight must be a finite number >= 0 .*\(0 switches R1 off"),
    ({"r1_weight": float("inf")}, "r1_weight must be .*got inf"),
])
def test_bad_settings_are_refused_with_their_name(changes, message):
    with pytest.raises(ValueError, match=message):
        TINY.replace(**changes)


def test_seed_of_2_to_the_32_is_refused_by_the_settings_not_later_by_keras():
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0 and <= 4294967295 "
                                         r"\(Keras seeds are below 2\*\*32\), got 4294967296\.$"):
        TINY.replace(seed=2**32)
    assert TINY.replace(seed=2**32 - 1).seed == 4294967295


def test_numpy_numbers_are_stored_as_python_numbers():
    settings = TINY.replace(g_width=np.int64(16), seed=np.int32(2), r1_weight=np.int64(1),
                            d_learning_rate=np.float32(0.5), loss=np.str_("hinge"))
    assert settings == TINY.replace(g_width=16, seed=2, r1_weight=1.0, d_learning_rate=0.5,
                                    loss="hinge")
    assert [type(getattr(settings, name)) for name in (
        "g_width", "seed", "r1_weight", "d_learning_rate", "loss")] == [int, int, float, float,
                                                                         str]


def test_presets_are_valid_settings():
    assert set(playground.PRESETS) == {"vanilla", "best", "best_grid"}
    assert playground.PRESETS["vanilla"].loss == "non_saturating"


def test_preset_takes_the_distribution_variant():
    assert playground.preset("best", "ring8") == playground.PRESETS["best"]
    assert playground.preset("best", "grid25") == playground.PRESETS["best_grid"]
    assert playground.preset("vanilla", "grid25") == \
        playground.PRESETS["vanilla"].replace(distribution="grid25")
    with pytest.raises(ValueError, match=r"preset must be one of \[.*\], got 'nope'"):
        playground.preset("nope", "ring8")


def test_train_makes_exactly_the_steps_asked_and_records_metrics(engine):
    assert engine.step == 0
    record = engine.train(1)
    assert engine.step == 1 and record["step"] == 1
    engine.train(7)
    assert engine.step == 8
    assert [r["step"] for r in engine.history] == [1, 8]
    assert set(record) >= {"d_loss", "g_loss", "modes_covered", "high_quality_share"}
    assert 0 <= record["modes_covered"] <= 8 and 0 <= record["high_quality_share"] <= 1
    with pytest.raises(ValueError, match="steps must be a whole number >= 1"):
        engine.train(0)


def test_d_steps_and_penalty_reach_the_gan():
    engine = playground.Playground(TINY.replace(loss="wasserstein", d_steps=3,
                                        gradient_penalty_weight=10.0), eval_samples=50)
    engine.train(2)
    assert engine.gan.d_optimizer.iterations.numpy() == 6  # 3 critic updates per G step
    assert engine.step == 2
    assert np.isfinite(engine.history[-1]["gradient_penalty"])


def test_r1_penalty_reaches_the_gan_and_changes_training():
    plain = playground.Playground(TINY, eval_samples=50)
    penalised = playground.Playground(TINY.replace(r1_weight=10.0), eval_samples=50)
    assert penalised.gan.r1_weight == 10.0 and plain.gan.r1_weight == 0.0
    plain.train(3)
    record = penalised.train(3)
    assert np.isfinite(record["r1_penalty"]) and record["r1_penalty"] >= 0
    assert "r1_penalty" not in plain.history[-1]
    # Same seed, same batches: only the penalty differs, so the discriminators must differ.
    assert not all(np.array_equal(a, b) for a, b in zip(
        plain.gan.discriminator.get_weights(), penalised.gan.discriminator.get_weights(),
        strict=True))


def test_r1_keeps_the_discriminator_gentle_at_the_real_points():
    """The mechanism notebook 03 teaches: R1 flattens the discriminator where the data are."""
    from ganlib import losses

    def slope(r1_weight):
        settings = TINY.replace(distribution="grid25", g_width=32, d_width=32, depth=2,
                                batch_size=128, r1_weight=r1_weight)
        engine = playground.Playground(settings, eval_samples=50)
        engine.train(1000)
        return float(losses.r1_penalty(engine.gan.discriminator, engine.real_pool[:2000]))

    free, penalised = slope(0.0), slope(1.0)
    assert penalised < 0.5 * free, (free, penalised)


def test_same_seed_same_generator(engine):
    engine.train(3)
    again = playground.Playground(TINY, eval_samples=200, arrows=5)
    again.train(3)
    np.testing.assert_array_equal(engine.samples(), again.samples())


def test_decision_surface_and_generator_gradient(engine):
    grid = np.array([[0.0, 0.0], [1.0, -1.0], [3.0, 3.0]], np.float32)
    surface = engine.decision_surface(grid)
    assert surface.shape == (3,) and np.all((surface > 0) & (surface < 1))
    fakes = engine.samples()[:5]
    gradient = engine.generator_gradient(fakes)
    assert gradient.shape == (5, 2) and np.isfinite(gradient).all()
    # Moving a fake a little along its arrow lowers the generator loss.
    import tensorflow as tf

    def loss(points):
        return float(engine.gan.g_loss_fn(engine.gan.discriminator(points)))

    step = 1e-3 * gradient / np.linalg.norm(gradient, axis=1, keepdims=True)
    for point, move in zip(fakes, step, strict=True):
        before, after = loss(tf.constant(point[None])), loss(tf.constant((point + move)[None]))
        assert after < before


def test_figure_renders_png_and_counts_its_time(engine):
    engine.train(2)
    figure = playground.PlaygroundFigure(engine, grid_size=16)
    assert figure.due()  # nothing drawn yet
    png = figure.render()
    assert png.startswith(b"\x89PNG") and figure.draw_seconds > 0 and figure.frames == 1
    figure.pace = 1e9  # a redraw must wait a billion times the last render's duration
    assert not figure.due()
    figure.pace = 0.0
    assert figure.due()


def test_continuous_distribution_has_no_mode_metrics():
    engine = playground.Playground(TINY.replace(distribution="moons"), eval_samples=50)
    record = engine.train(1)
    assert "modes_covered" not in record
    assert playground.PlaygroundFigure(engine, grid_size=8).render().startswith(b"\x89PNG")


def test_user_points_become_the_modes():
    settings = TINY.replace(distribution=playground.USER_POINTS)
    engine = playground.Playground(settings, points="0, 0\n2, 2\n", eval_samples=50)
    np.testing.assert_array_equal(engine.distribution.centres, [[0, 0], [2, 2]])
    with pytest.raises(ValueError, match="needs points"):
        playground.Playground(settings)
