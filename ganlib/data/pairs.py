"""Data for image-to-image translation: aligned pairs (pix2pix) and unpaired domains (CycleGAN).

Everything here can be built offline from data the course ships or generates:

* ``edge_pairs``: an edge map (Sobel filter) next to its image, the way edges2shoes was made;
* ``grey_colour_pairs`` and ``resolution_pairs``: grey to colour, low to high resolution,
  from any colour images (CIFAR-10 when it is on disk, else ``textured_digits``);
* ``restoration_pairs``: a damaged image next to the image (noise, a missing square, lost
  resolution; the damage is in ``ganlib.data.damage``);
* ``textured_digits``: grey images drawn in colour on procedural textures, a colour data set
  the course generates itself;
* ``unpaired_domains``: two domains with the pairing thrown away.

Users bring their own images with ``load_pair_folder`` (the pix2pix format: each file holds
A and B side by side) and ``load_unpaired_folders`` (``trainA/`` and ``trainB/``).

All images are float32 NHWC in [-1, 1], as everywhere in ``ganlib``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ganlib import _checks, data
from ganlib.data import damage
from ganlib.data.files import IMAGE_SUFFIXES, _read_image, _resize_uint8, _warn_skipped

__all__ = ["RESTORATION_TASKS", "ImagePairs", "UnpairedDomains", "check_pair_arrays",
           "colour_images", "edge_pairs", "grey_colour_pairs", "load_pair_folder",
           "load_unpaired_folders", "make_pair_dataset", "make_unpaired_dataset",
           "resolution_pairs", "restoration_pairs", "sobel_edges", "textured_digits", "to_grey",
           "unpaired_domains"]

_LUMA = np.array([0.299, 0.587, 0.114], np.float32)
#: The tasks of ``restoration_pairs``: the damage each one undoes.
RESTORATION_TASKS = ("denoising", "inpainting", "super_resolution")


@dataclass(frozen=True)
class ImagePairs:
    """Aligned pairs: ``sources[i]`` (domain A) goes with ``targets[i]`` (domain B)."""

    sources: np.ndarray
    targets: np.ndarray
    name: str
    source: str

    def __len__(self):
        return len(self.sources)

    def split(self, n_test: int):
        """(train, test): the last ``n_test`` pairs are held out for evaluation."""
        n_test = _checks.whole_number(n_test, "n_test")
        if n_test >= len(self):
            raise ValueError(f"n_test={n_test} leaves no training pairs out of {len(self)}; "
                             "hold out fewer.")
        cut = len(self) - n_test
        return (ImagePairs(self.sources[:cut], self.targets[:cut], self.name, self.source),
                ImagePairs(self.sources[cut:], self.targets[cut:], self.name, self.source))

    def describe(self) -> str:
        """One line: the task, how many pairs, their shapes, where they came from."""
        return (f"Pairs: {self.name} ({len(self):,} pairs, {_shape_text(self.sources)} -> "
                f"{_shape_text(self.targets)}) from {self.source}")


@dataclass(frozen=True)
class UnpairedDomains:
    """Two sets of images, A and B, with no pairing between them."""

    domain_a: np.ndarray
    domain_b: np.ndarray
    name: str
    source: str

    def describe(self) -> str:
        """One line: how many images in each domain, their shapes, where they came from."""
        return (f"Domains: {self.name} (A: {len(self.domain_a):,} images of "
                f"{_shape_text(self.domain_a)}, B: {len(self.domain_b):,} images of "
                f"{_shape_text(self.domain_b)}) from {self.source}")


def _shape_text(images):
    return "x".join(str(v) for v in images.shape[1:])



def _channels(images, channels, name, fix):
    array = data.check_model_images(images, name)
    if array.shape[-1] != channels:
        kind = {1: "grey (1 channel)", 3: "colour (3 channels)"}
        raise ValueError(f"{name} are {kind[array.shape[-1]]} but {kind[channels]} images "
                         f"are needed here; {fix}")
    return array


def check_pair_arrays(sources, targets):
    """Return (sources, targets) as float32 after checking they are aligned pairs.

    Both must be model images (``ganlib.data.check_model_images``) with the same number of
    images and the same height and width; the channels may differ (grey to colour).
    """
    sources = data.check_model_images(sources, "sources")
    targets = data.check_model_images(targets, "targets")
    if len(sources) != len(targets):
        raise ValueError(f"sources has {len(sources)} images but targets has {len(targets)}; "
                         "a pair needs one of each.")
    if sources.shape[1:3] != targets.shape[1:3]:
        raise ValueError(f"The images of a pair must have the same size: sources are "
                         f"{sources.shape[1]}x{sources.shape[2]}, targets "
                         f"{targets.shape[1]}x{targets.shape[2]}. Resize one side with "
                         "ganlib.data.resize_images.")
    return sources, targets


# --------------------------------------------------------------------------- filters


def to_grey(images) -> np.ndarray:
    """Colour images (N, H, W, 3) in [-1, 1] as grey (N, H, W, 1) by luminance."""
    array = _channels(images, 3, "images", "grey images are already grey.")
    return (array @ _LUMA)[..., None]


def sobel_edges(images, threshold=0.25) -> np.ndarray:
    """Edge maps of images in [-1, 1]: dark lines on white, the look of edges2shoes.

    The Sobel gradient magnitude of the grey image is divided by its maximum in each image
    and cut at ``threshold`` (0 keeps the soft magnitude). Returns (N, H, W, 1) in [-1, 1].
    """
    import tensorflow as tf

    array = data.check_model_images(images)
    if not 0.0 <= float(threshold) < 1.0:
        raise ValueError(f"threshold must be in [0, 1) (a share of each image's strongest "
                         f"edge; 0 keeps soft edges), got {threshold!r}.")
    grey = (array @ _LUMA)[..., None] if array.shape[-1] == 3 else array
    gradients = tf.image.sobel_edges(tf.constant(grey)).numpy()  # (N, H, W, 1, 2)
    magnitude = np.sqrt((gradients ** 2).sum(-1))
    peak = magnitude.reshape(len(array), -1).max(axis=1).reshape(-1, 1, 1, 1)
    strength = magnitude / np.maximum(peak, 1e-6)
    if threshold > 0:
        strength = (strength > threshold).astype(np.float32)
    return (1.0 - 2.0 * strength).astype(np.float32)


# --------------------------------------------------------------------------- pair builders


def edge_pairs(images, threshold=0.25, name="edges") -> ImagePairs:
    """Pairs (edge map -> image): the sketch-to-picture task of edges2shoes."""
    array = data.check_model_images(images)
    return ImagePairs(sobel_edges(array, threshold), array, name,
                      f"Sobel edges (threshold {threshold}) of the images")


def grey_colour_pairs(images, name="grey to colour") -> ImagePairs:
    """Pairs (grey image -> colour image): colourisation. ``images`` must be colour."""
    array = _channels(images, 3, "images",
                      "colourisation needs colour images such as CIFAR-10 or "
                      "ganlib.data.pairs.textured_digits(...).")
    return ImagePairs(to_grey(array), array, name, "luminance of the colour images")


def resolution_pairs(images, factor=4, name="low to high resolution") -> ImagePairs:
    """Pairs (blurred low-resolution image -> the image): super-resolution.

    The source is the image shrunk ``factor`` times (area average) and enlarged back
    (bilinear), so both sides have the same size.
    """
    array = data.check_model_images(images)
    return ImagePairs(damage.low_resolution(array, factor), array, name,
                      f"images shrunk {factor}x and enlarged back")


def restoration_pairs(images, task, *, sigma=0.2, mask_size=10, factor=2, seed=0,
                      name=None) -> ImagePairs:
    """Pairs (damaged image -> the image) for one of ``RESTORATION_TASKS``.

    "denoising" adds Gaussian noise of ``sigma`` (on pixels in [0, 1]), "inpainting" blanks
    a ``mask_size`` square at a random place, "super_resolution" shrinks the image
    ``factor`` times and enlarges it back (``ganlib.data.damage``); ``seed`` draws the noise
    and the squares. The name is the task unless ``name`` is given.
    """
    array = data.check_model_images(images)
    task = _checks.choice(task, "task", RESTORATION_TASKS)
    if task == "denoising":
        damaged = damage.add_noise(array, sigma, seed)
        how = f"images with Gaussian noise of sigma {sigma:g} on [0, 1] (seed {seed})"
    elif task == "inpainting":
        damaged = damage.mask_square(array, mask_size, seed)[0]
        how = f"images with a {mask_size}x{mask_size} square blanked (seed {seed})"
    else:
        damaged = damage.low_resolution(array, factor)
        how = f"images shrunk {factor}x and enlarged back"
    return ImagePairs(damaged, array, name or task, how)


# --------------------------------------------------------------------------- colour data


def _hue_to_rgb(hue, saturation, value):
    """HSV (each in [0, 1], arrays of the same shape) to RGB in [0, 1], shape (..., 3)."""
    k = (np.array([5.0, 3.0, 1.0]) + hue[..., None] * 6.0) % 6.0
    return value[..., None] - value[..., None] * saturation[..., None] * np.clip(
        np.minimum(k, 4.0 - k), 0.0, 1.0)


def textured_digits(images, labels=None, seed=0, colour_by_class=True) -> np.ndarray:
    """Draw grey images (bright strokes on dark) in colour on procedural textures.

    Each image gets a background pattern (stripes, checks or a gradient, at a random angle
    and scale) in muted colours and its strokes in a bright colour. With labels and
    ``colour_by_class`` the stroke hue is set by the class (plus a little jitter) and the
    background hue is its complement, so the colour can be predicted from the shape; with
    ``colour_by_class=False`` every hue is random. Returns (N, H, W, 3) in [-1, 1].
    """
    grey = _channels(images, 1, "images", "pass grey images, e.g. "
                     "ganlib.data.load_dataset('digits').images.")
    n, height, width, _ = grey.shape
    rng = np.random.default_rng(seed)
    if labels is not None and colour_by_class:
        labels = data.check_labels(labels, n=n)
        hue = (labels * 0.1 + rng.uniform(-0.03, 0.03, n)) % 1.0
    else:
        hue = rng.uniform(0.0, 1.0, n)
    background_hue = (hue + 0.5) % 1.0
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / max(height, width)
    angle = rng.uniform(0.0, np.pi, n)[:, None, None]
    scale = rng.uniform(6.0, 14.0, n)[:, None, None]
    along = np.cos(angle) * x + np.sin(angle) * y
    across = -np.sin(angle) * x + np.cos(angle) * y
    kind = rng.integers(0, 3, n)[:, None, None]
    stripes = 0.5 + 0.5 * np.sin(scale * np.pi * along)
    checks = 0.5 + 0.5 * np.sign(np.sin(scale * np.pi * along) * np.sin(scale * np.pi * across))
    gradient = np.broadcast_to(along / max(along.max(), 1e-6), stripes.shape)
    pattern = np.where(kind == 0, stripes, np.where(kind == 1, checks, gradient))
    value = 0.2 + 0.3 * pattern
    back = _hue_to_rgb(np.broadcast_to(background_hue[:, None, None], value.shape),
                       np.full_like(value, 0.6), value)
    ink = _hue_to_rgb(hue, np.full(n, 0.9), np.full(n, 1.0))[:, None, None, :]
    alpha = np.clip((grey + 1.0) / 2.0, 0.0, 1.0)
    colour = (1.0 - alpha) * back + alpha * ink
    return np.clip(colour * 2.0 - 1.0, -1.0, 1.0).astype(np.float32)


def colour_images(dataset="cifar10", *, split="train", limit=None, image_shape=(32, 32, 3),
                  allow_download=True, seed=0):
    """Colour images for grey-to-colour and resolution pairs, saying which ones it used.

    ``dataset="cifar10"`` uses CIFAR-10 when it is on disk, cached or downloadable;
    otherwise (and for ``dataset="textured_digits"``) it draws the bundled digits in colour
    on textures (``textured_digits``), which needs nothing but the course.
    Returns ``(images, name, description)``; the images are (N, H, W, 3) in [-1, 1].
    """
    if dataset not in ("cifar10", "textured_digits"):
        raise ValueError(f"dataset must be 'cifar10' or 'textured_digits', got {dataset!r}.")
    image_shape = _checks.image_shape(image_shape, channels=(3,))
    if dataset == "cifar10":
        try:
            found = data.load_dataset("cifar10", split=split, image_shape=image_shape,
                                      allow_download=allow_download, fallback=False,
                                      limit=limit)
        except data.DatasetUnavailableError as error:
            print(f"NOTICE: cifar10 is not available ({str(error).split(':')[0]}); "
                  "drawing the bundled digits in colour on textures instead.")
        else:
            return found.images, found.name, found.describe()
    digits = data.load_dataset("digits", split=split, image_shape=image_shape[:2] + (1,),
                               limit=limit)
    images = textured_digits(digits.images, digits.labels, seed=seed)
    return images, "textured_digits", (f"{digits.describe()}, drawn in colour on textures "
                                       f"(seed {seed})")


# --------------------------------------------------------------------------- unpaired


def unpaired_domains(images_a, images_b, seed=0, name="A/B") -> UnpairedDomains:
    """Two domains with any pairing thrown away.

    When ``images_a`` and ``images_b`` are aligned (image i of A shows what image i of B
    shows), A keeps a random half of the indices and B the other half, so no image of A
    has its partner in B. Grey images are repeated over three channels when the other
    domain is colour, so one network shape serves both directions.
    """
    a = data.check_model_images(images_a, "images_a")
    b = data.check_model_images(images_b, "images_b")
    if a.shape[1:3] != b.shape[1:3]:
        raise ValueError(f"Both domains need images of one size: A is {a.shape[1]}x"
                         f"{a.shape[2]}, B is {b.shape[1]}x{b.shape[2]}. Resize with "
                         "ganlib.data.resize_images.")
    channels = max(a.shape[-1], b.shape[-1])
    a, b = (np.repeat(x, 3, axis=-1) if x.shape[-1] < channels else x for x in (a, b))
    order = np.random.default_rng(seed).permutation(min(len(a), len(b)))
    half = len(order) // 2
    if half == 0:
        raise ValueError("Need at least two images to make two unpaired domains.")
    return UnpairedDomains(a[order[:half]], b[order[half:2 * half]], name,
                           "disjoint random halves of aligned images (pairing discarded)")


# --------------------------------------------------------------------------- folders


def _listed_images(folder: Path, role: str):
    if not folder.is_dir():
        raise FileNotFoundError(f"{role} folder {folder} does not exist; check the path.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    images = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    if not images:
        raise ValueError(f"{role} folder {folder} is empty: it holds no image files "
                         f"({', '.join(sorted(IMAGE_SUFFIXES))}). Put images there.")
    return images


def _channel_problem(found, wanted, side=""):
    if found == wanted:
        return None
    where = f"{side} " if side else ""
    if wanted == 3:
        return f"{where}is grey where colour is expected (for grey files ask for 1 channel)"
    return f"{where}is colour where grey is expected (for colour files ask for 3 channels)"


def load_pair_folder(folder, image_shape=(32, 32, 3), target_channels=None,
                     direction="AtoB", name=None) -> ImagePairs:
    """Load pairs in the pix2pix folder format: each file holds A (left) and B (right).

    Both halves are resized to ``image_shape``; ``target_channels`` (default: the same as
    the source's) sets the channels of the other side. ``direction="BtoA"`` swaps the
    sides. Files are read as ``load_image_folder`` reads them (16-bit scaled from 0..65535).
    Files whose halves differ in size (an odd width), whose channels are not the ones
    asked for (grey where colour is expected, or the reverse), that cannot be read or are
    too large (``ganlib.data.files.MAX_IMAGE_PIXELS``) are skipped with a warning that
    names them; if none is usable a ValueError says why.
    """
    folder = Path(folder)
    height, width, channels = _checks.image_shape(image_shape)
    target_channels = channels if target_channels is None else target_channels
    if target_channels not in (1, 3):
        raise ValueError(f"target_channels must be 1 or 3, got {target_channels!r}.")
    if direction not in ("AtoB", "BtoA"):
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}.")
    wanted_a, wanted_b = ((channels, target_channels) if direction == "AtoB"
                          else (target_channels, channels))
    sources, targets, skipped = [], [], []
    files = _listed_images(folder, "Pair")
    for path in files:
        array, problem = _read_image(path)
        if array is not None and array.shape[1] % 2:
            problem = (f"its halves differ in size (width {array.shape[1]} is odd; a pair "
                       "file is A and B of equal size side by side)")
        if problem is None:
            half = array.shape[1] // 2
            a, b = array[:, :half], array[:, half:]
            problem = _channel_problem(a.shape[-1], wanted_a, "A") or \
                _channel_problem(b.shape[-1], wanted_b, "B")
            if problem is None:
                a, b = _resize_uint8(a, height, width), _resize_uint8(b, height, width)
                if direction == "BtoA":
                    a, b = b, a
                sources.append(a)
                targets.append(b)
        if problem is not None:
            skipped.append((path, problem))
    _warn_skipped(skipped, folder, sources)
    return ImagePairs(data.to_model_range(np.stack(sources)),
                      data.to_model_range(np.stack(targets)), name or folder.name,
                      f"pair files in {folder} ({direction})")


def _load_domain(folder: Path, role, image_shape):
    height, width, channels = image_shape
    images, skipped = [], []
    for path in _listed_images(folder, role):
        array, problem = _read_image(path)
        if problem is None:
            problem = _channel_problem(array.shape[-1], channels)
        if problem is None:
            images.append(_resize_uint8(array, height, width))
        else:
            skipped.append((path, problem))
    _warn_skipped(skipped, folder, images)
    return data.to_model_range(np.stack(images))


def load_unpaired_folders(root, image_shape=(32, 32, 3), name=None) -> UnpairedDomains:
    """Load two domains from ``root/trainA/`` and ``root/trainB/`` (the CycleGAN layout).

    Images are read as ``load_image_folder`` reads them and resized to ``image_shape``. An
    empty or missing folder is a ValueError or FileNotFoundError naming it; files with the
    wrong channels (grey where colour is expected, or the reverse), that cannot be read or
    are too large are skipped with a warning naming them, and a ValueError is raised if a
    domain keeps no image.
    """
    root = Path(root)
    shape = _checks.image_shape(image_shape)
    domain_a = _load_domain(root / "trainA", "trainA", shape)
    domain_b = _load_domain(root / "trainB", "trainB", shape)
    return UnpairedDomains(domain_a, domain_b, name or root.name, f"folders in {root}")


# --------------------------------------------------------------------------- tf.data


def make_pair_dataset(pairs: ImagePairs, batch_size: int, *, seed: int = 0):
    """A repeating ``tf.data`` pipeline of (source batch, target batch), shuffled together."""
    import tensorflow as tf

    sources, targets = check_pair_arrays(pairs.sources, pairs.targets)
    batch_size = _checks.whole_number(batch_size, "batch_size")
    dataset = tf.data.Dataset.from_tensor_slices((sources, targets))
    dataset = dataset.shuffle(min(len(sources), 60_000), seed=seed,
                              reshuffle_each_iteration=True).repeat()
    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def make_unpaired_dataset(domains: UnpairedDomains, batch_size: int, *, seed: int = 0):
    """A repeating ``tf.data`` pipeline of (batch of A, batch of B), each shuffled on its own."""
    import tensorflow as tf

    batch_size = _checks.whole_number(batch_size, "batch_size")
    streams = []
    for offset, images in enumerate((domains.domain_a, domains.domain_b)):
        array = data.check_model_images(images, ("domain_a", "domain_b")[offset])
        streams.append(tf.data.Dataset.from_tensor_slices(array).shuffle(
            min(len(array), 60_000), seed=seed + offset,
            reshuffle_each_iteration=True).repeat().batch(batch_size, drop_remainder=True))
    return tf.data.Dataset.zip(tuple(streams)).prefetch(tf.data.AUTOTUNE)
