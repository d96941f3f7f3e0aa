"""U-Net, PatchGAN, pix2pix and CycleGAN: shapes, a training step that learns, checkpoints."""

import keras
import numpy as np
import pytest

from ganlib import nets, training, translation
from ganlib.data import pairs
from ganlib.translation import cyclegan, pix2pix


def _pairs(n=16, size=8, seed=0):
    rng = np.random.default_rng(seed)
    targets = rng.uniform(-1, 1, (n, size, size, 3)).astype(np.float32)
    return pairs.ImagePairs(pairs.to_grey(targets), targets, "random", "test")


def test_unet_maps_the_input_shape_to_the_output_channels_in_tanh_range():
    generator = nets.unet_generator((8, 8, 1), 3, width=4, depth=2)
    out = generator(np.random.default_rng(0).uniform(-5, 5, (2, 8, 8, 1)).astype("float32"))
    assert out.shape == (2, 8, 8, 3)
    assert float(np.abs(out).max()) <= 1.0
    assert generator.get_layer("skip_0").output.shape[-1] == 8  # 4 up + 4 from the stem


def test_unet_refuses_sizes_its_depth_cannot_halve():
    with pytest.raises(ValueError, match="multiples of 2\\*\\*depth = 8"):
        nets.unet_generator((28, 28, 1), depth=3)
    with pytest.raises(ValueError, match="norm must be one of"):
        nets.unet_generator((8, 8, 1), norm="layer")


@pytest.mark.parametrize("image_shape, shown", [
    ((8.0, 8, 1), "(8.0, 8, 1)"), (("8", 8, 1), "('8', 8, 1)"),
    ((2048, 2048, 3), "(2048, 2048, 3)"), ((8, 8, 2), "(8, 8, 2)"),
])
def test_translation_networks_refuse_a_bad_image_shape_by_name(image_shape, shown):
    rule = ("must be (height, width, channels) of whole numbers, height and width 1 to 1024, "
            f"channels 1 or 3, got {shown}.")
    for build in (nets.unet_generator, nets.patchgan_discriminator):
        with pytest.raises(ValueError) as excinfo:
            build(image_shape)
        assert str(excinfo.value) == f"image_shape {rule}"
    with pytest.raises(ValueError) as excinfo:
        nets.patchgan_discriminator((8, 8, 3), condition_shape=image_shape)
    assert str(excinfo.value) == f"condition_shape {rule}"


def test_patchgan_gives_one_logit_per_patch_and_reads_the_condition():
    plain = nets.patchgan_discriminator((16, 16, 3), width=4, depth=2)
    assert plain.output_shape == (None, 4, 4, 1)
    conditional = nets.patchgan_discriminator((16, 16, 3), condition_shape=(16, 16, 1),
                                                     width=4, depth=2)
    assert [tuple(s) for s in conditional.input_shape] == [(None, 16, 16, 1),
                                                            (None, 16, 16, 3)]


def test_pix2pix_refuses_mismatched_networks_and_weights():
    generator = nets.unet_generator((8, 8, 1), 3, width=4)
    wrong = nets.patchgan_discriminator((8, 8, 1), condition_shape=(8, 8, 1), width=4)
    with pytest.raises(ValueError, match="build both for the same shapes"):
        pix2pix.Pix2Pix(generator, wrong)
    with pytest.raises(ValueError, match="l1_weight must be a finite number >= 0"):
        pix2pix.build_pix2pix((8, 8, 1), 3, width=4, l1_weight=-1)
    with pytest.raises(ValueError, match="both 0"):
        pix2pix.build_pix2pix((8, 8, 1), 3, width=4, l1_weight=0, adversarial_weight=0)


@pytest.mark.parametrize("build", [pix2pix.build_pix2pix, cyclegan.build_cyclegan])
def test_translation_builders_refuse_a_nan_learning_rate_and_a_seed_keras_refuses(build):
    with pytest.raises(ValueError, match=r"^learning_rate must be a finite number > 0 and < 1 "
                                         r".*got nan\.$"):
        build((8, 8, 3), width=4, learning_rate=float("nan"))
    with pytest.raises(ValueError, match=r"^seed must be a whole number >= 0 and <= 4294967295"):
        build((8, 8, 3), width=4, seed=2**32)


@pytest.mark.parametrize("make", ["pix2pix", "cyclegan"])
def test_translation_compile_refuses_an_optimizer_with_a_nan_learning_rate(make):
    model = pix2pix.build_pix2pix((8, 8, 1), 3, width=4) if make == "pix2pix" \
        else cyclegan.build_cyclegan((8, 8, 3), width=4)
    with pytest.raises(ValueError, match=r"^g_optimizer's learning rate must be a finite number "
                                         r"> 0 and < 1 .*got nan\.$"):
        model.compile(d_optimizer=keras.optimizers.Adam(2e-4),
                      g_optimizer=keras.optimizers.Adam(float("nan")))


def test_pix2pix_on_l1_alone_learns_the_pairs():
    """With the adversarial term off, pix2pix is a regression: L1 on its pairs must fall."""
    data = _pairs()
    model = pix2pix.build_pix2pix((8, 8, 1), 3, width=8, adversarial_weight=0.0,
                                  learning_rate=2e-3)
    before = np.abs(model.translate(data.sources) - data.targets).mean()
    training.train_gan(model, pairs.make_pair_dataset(data, 8), 60, steps_per_epoch=60,
                       verbose=0)
    after = np.abs(model.translate(data.sources) - data.targets).mean()
    assert model.steps_done == 60
    assert after < 0.8 * before


def _changed(before, network):
    return any(not np.array_equal(a, b)
               for a, b in zip(before, network.get_weights(), strict=True))


def test_pix2pix_step_reports_its_terms_and_changes_both_networks():
    data = _pairs()
    model = pix2pix.build_pix2pix((8, 8, 1), 3, width=4)
    g_before = [w.copy() for w in model.generator.get_weights()]
    d_before = [w.copy() for w in model.discriminator.get_weights()]
    history = model.fit(pairs.make_pair_dataset(data, 8), steps_per_epoch=2, epochs=1,
                        verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "l1", "real_score", "fake_score"}
    assert _changed(g_before, model.generator) and _changed(d_before, model.discriminator)


def test_translate_names_grey_given_where_colour_is_expected():
    model = pix2pix.build_pix2pix((8, 8, 3), 3, width=4)
    with pytest.raises(ValueError, match="grey \\(1 channel\\) but unet_generator expects "
                                         "colour"):
        model.translate(np.zeros((1, 8, 8, 1), np.float32))


def test_history_pool_fills_then_swaps_about_half():
    pool = cyclegan.HistoryPool(4, (1, 1, 1))
    seeds = keras.random.SeedGenerator(0)
    first = np.arange(4, dtype=np.float32).reshape(4, 1, 1, 1)
    np.testing.assert_array_equal(pool.query(first, seeds).numpy(), first)  # filling
    assert int(pool.count.numpy()) == 4
    returned = np.concatenate([pool.query(np.full((4, 1, 1, 1), 100.0 + i, np.float32),
                                          seeds).numpy() for i in range(50)]).ravel()
    old_share = np.mean(returned < 100.0 + np.repeat(np.arange(50), 4))
    assert 0.35 < old_share < 0.65  # each image is swapped with probability 1/2
    assert set(np.unique(pool.images.numpy())) <= set(returned) | set(first.ravel())


def test_history_pool_of_size_zero_passes_images_through():
    pool = cyclegan.HistoryPool(0, (2, 2, 1))
    batch = np.ones((3, 2, 2, 1), np.float32)
    assert pool.query(batch, keras.random.SeedGenerator(0)) is batch
    with pytest.raises(ValueError, match="size must be a whole number >= 0"):
        cyclegan.HistoryPool(-1, (2, 2, 1))


def test_cyclegan_refuses_identity_loss_between_different_channels():
    with pytest.raises(ValueError, match="identity_weight=5.0 needs both domains"):
        cyclegan.build_cyclegan((8, 8, 1), (8, 8, 3), width=4)
    model = cyclegan.build_cyclegan((8, 8, 1), (8, 8, 3), width=4, identity_weight=0)
    assert model.translate_ab(np.zeros((2, 8, 8, 1), np.float32)).shape == (2, 8, 8, 3)


def test_cyclegan_trains_all_four_networks_and_restores_from_a_checkpoint(tmp_path):
    rng = np.random.default_rng(0)
    domains = pairs.UnpairedDomains(rng.uniform(-1, 1, (16, 8, 8, 3)).astype(np.float32),
                                    rng.uniform(-1, 0, (16, 8, 8, 3)).astype(np.float32),
                                    "t", "t")
    model = cyclegan.build_cyclegan((8, 8, 3), width=4, pool_size=4)
    before = {k: [w.copy() for w in net.get_weights()]
              for k, net in {**model.generators, **model.discriminators}.items()}
    history = training.train_gan(model, pairs.make_unpaired_dataset(domains, 4), 6,
                                 steps_per_epoch=3, checkpoint_dir=tmp_path, verbose=0)
    assert {"cycle", "identity", "d_loss", "g_loss"} <= set(history.history)
    for name, net in {**model.generators, **model.discriminators}.items():
        assert _changed(before[name], net), name
    assert int(model.pool_a.count.numpy()) == 4
    images = domains.domain_a[:3]
    restored = cyclegan.build_cyclegan((8, 8, 3), width=4, pool_size=4, seed=1)
    assert training.restore_latest_checkpoint(restored, tmp_path) == 6
    np.testing.assert_allclose(restored.translate_ab(images), model.translate_ab(images),
                               atol=1e-6)
    np.testing.assert_allclose(restored.pool_b.images.numpy(), model.pool_b.images.numpy())


def test_translation_samples_show_input_translation_and_target_rows():
    data = _pairs(n=4)
    model = pix2pix.build_pix2pix((8, 8, 1), 3, width=4)
    live = translation.TranslationSamples(data.sources, data.targets, show=False)
    live.set_model(model)
    grid = live.sample_grid()
    assert grid.shape == (3 * 9 - 1, 4 * 9 - 1, 3)  # three rows of four 8x8 images, padding 1
    with pytest.raises(ValueError, match="targets has 3 images for 4 sources"):
        translation.TranslationSamples(data.sources, data.targets[:3])
