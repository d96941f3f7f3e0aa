"""The course map: the notebooks in the order a learner takes them, which exist yet, and
the one repository address the course is published from (its Colab and Binder links)."""

from __future__ import annotations

import re
from pathlib import Path

from coursekit import course_folder

__all__ = ["BRANCH", "COLAB_BADGE", "COURSE_MAP", "REPOSITORY", "available_notebooks",
           "binder_badge", "binder_url", "colab_badge", "colab_url", "course_map_table"]

#: Where the course is published. The "Open in Colab" and Binder links, and the Colab
#: set-up cell (tools/colab_cells.py), are built from it and nothing else.
REPOSITORY = "https://github.com/gan-course/gan-course"
#: The branch those links open.
BRANCH = "main"

#: (file stem, title, what it teaches), in the order a learner takes them.
COURSE_MAP = (
    ("00_start_here", "Start here", "course map, environment check, widgets and papermill"),
    ("01_background", "Why GANs", "from vision tasks to generative models; a 1-D GAN"),
    ("02_loss_mathematics", "The loss mathematics",
     "minimax game, optimal discriminator, JSD, vanishing gradients"),
    ("03_gan_playground_2d", "A 2-D GAN playground", "mode collapse and its remedies, live"),
    ("04_dcgan", "Train a DCGAN", "real images, live sample grids, checkpoints, widgets"),
    ("05_stability", "Stability", "failure modes and their fixes on the same budget"),
    ("06_evaluation", "Evaluation", "FID, KID, precision/recall without downloads"),
    ("07_conditional", "Conditional generation", "labelled data on demand"),
    ("08_augmentation", "Augmentation with generated images", "does it help? measured"),
    ("09_pix2pix", "Paired translation (pix2pix)", "edges to images, grey to colour"),
    ("10_cyclegan", "Unpaired translation (CycleGAN)", "cycle consistency"),
    ("11_robustness", "Adversarial robustness", "FGSM, PGD, a GAN-based defence and its limits"),
    ("12_related_models", "Related models", "VAE, self-attention, what came next"),
    ("13_transformers_diffusion", "Transformers and diffusion",
     "a ViT discriminator, DDPM, DDIM and DPM-Solver++, on the same budget"),
    ("14_latent_space", "The latent space", "interpolation, arithmetic, truncation, inversion"),
    ("15_restoration", "Restoring damaged images",
     "denoising, inpainting, super-resolution: L1 against L1 + adversarial"),
)


def _github_path() -> str:
    """``owner/name`` of ``REPOSITORY``."""
    return REPOSITORY.removeprefix("https://github.com/").strip("/")


def colab_url(notebook: str) -> str:
    """The address that opens ``notebooks/<notebook>`` of the repository in Colab."""
    return (f"https://colab.research.google.com/github/{_github_path()}/blob/{BRANCH}/"
            f"notebooks/{notebook}")


def binder_url() -> str:
    """The address that opens the course's first notebook on mybinder.org."""
    return (f"https://mybinder.org/v2/gh/{_github_path()}/{BRANCH}"
            "?urlpath=lab/tree/notebooks/00_start_here.ipynb")


def colab_badge(notebook: str) -> str:
    """The markdown of the "Open in Colab" badge of ``notebooks/<notebook>``."""
    return ("[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({colab_url(notebook)})")


def binder_badge() -> str:
    """The markdown of the "Launch Binder" badge of the course."""
    return f"[![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder_url()})"


#: An "Open in Colab" badge in markdown, of any address; group 1 is the link.
COLAB_BADGE = re.compile(r"\[!\[Open in Colab\]\([^)\s]*\)\]\(([^)\s]*)\)")


def available_notebooks(notebook_dir=None):
    """The notebooks that exist, in course order (default: those of the course folder)."""
    folder = Path(notebook_dir or course_folder.notebook_dir())
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def course_map_table(notebook_dir=None) -> str:
    """The course map as a text table, marking which notebooks are available yet."""
    present = {path.stem[:2] for path in available_notebooks(notebook_dir)}
    lines = []
    for stem, title, teaches in COURSE_MAP:
        mark = "ready " if stem[:2] in present else "coming"
        lines.append(f"[{mark}] {stem[:2]}  {title:<36} {teaches}")
    return "\n".join(lines)
