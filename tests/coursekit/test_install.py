"""The course's requirements for this machine, and the Colab set-up that never changes what
Colab has installed."""

import sys

import pytest

from coursekit import course_folder, install

REQUIRES = [
    "tensorflow-cpu<3,>=2.16; sys_platform == 'linux' and platform_machine == 'x86_64'",
    "tensorflow<3,>=2.16; sys_platform != 'linux' or platform_machine != 'x86_64'",
    "keras<4,>=3.3",
    "ipywidgets<9,>=7.6",
    "papermill>=2.6",
    "no-such-package-here>=1.0",
    "pytest>=8; extra == 'test'",
]


@pytest.fixture
def requires(monkeypatch):
    monkeypatch.setattr(install.metadata, "requires", lambda name: REQUIRES)


@pytest.mark.skipif(sys.platform != "linux" or install.os.uname().machine != "x86_64",
                    reason="the markers above pick tensorflow-cpu on Linux x86_64")
def test_requirements_evaluate_the_markers_and_swap_tensorflow_for_a_gpu(requires):
    assert install.requirements() == ["tensorflow-cpu<3,>=2.16", "keras<4,>=3.3",
                                      "ipywidgets<9,>=7.6", "papermill>=2.6",
                                      "no-such-package-here>=1.0"]
    assert install.requirements(["test"])[-1] == "pytest>=8"
    assert install.requirements(gpu=True)[0] == "tensorflow[and-cuda]<3,>=2.16"


def test_the_package_declares_one_tensorflow_for_this_machine():
    lines = install.requirements(["test"])
    assert len([line for line in lines if line.startswith("tensorflow")]) == 1
    assert "pytest>=8" in lines and "ipywidgets<9,>=7.6" in lines


def test_colab_gets_only_what_it_lacks_with_everything_it_has_pinned(requires, monkeypatch,
                                                                     tmp_path, capsys):
    """Colab's TensorFlow, Keras and ipywidgets are never named to pip, and every installed
    package is pinned to its version, so pip may add packages but change none."""
    calls = []

    def pip(command, check):
        pins = open(command[command.index("-c") + 1]).read().splitlines()
        calls.append((command[command.index("-c") + 2:], pins))

    monkeypatch.setattr(install.subprocess, "run", pip)
    monkeypatch.setattr(course_folder, "CLONE_DIR", None)
    monkeypatch.chdir(tmp_path)
    assert install.missing_requirements() == ["no-such-package-here>=1.0"]
    course = install.setup_colab()
    [(named, pins)] = calls
    assert named == ["no-such-package-here>=1.0"]
    assert f"ipywidgets=={install.metadata.version('ipywidgets')}" in pins
    assert f"keras=={install.metadata.version('keras')}" in pins
    assert course == tmp_path / "gan-course"
    assert install.os.getcwd() == str(tmp_path / "gan-course" / "notebooks")
    assert (course / "notebooks" / "00_start_here.ipynb").exists()
    out = capsys.readouterr().out
    assert "Adding what Colab lacks: no-such-package-here>=1.0" in out
    assert f"Kept Colab's own keras {install.metadata.version('keras')}" in out
    install.setup_colab()  # again, from inside the course: no second copy
    assert install.os.getcwd() == str(tmp_path / "gan-course" / "notebooks")
    assert not (course / "notebooks" / "gan-course").exists()
