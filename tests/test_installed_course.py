"""The course as a learner installs it: a built wheel, installed (not editable) into a fresh
environment, outside any clone.

The wheel is built from a copy of the sources, then installed by the Colab set-up cell
itself (told it runs on Colab, with the wheel in place of the repository address): a fresh
Python installs it and imports it in the same process. The fresh environment borrows the
other packages from the test environment through a ``.pth`` file that names its
site-packages folder: a plain path line, so that folder's own ``.pth`` files (the editable
install of this clone) stay inactive. Then ``python -m coursekit get`` copies the course
into a folder, and notebooks 00 and 04 run there in their quick setting, offline, with
HOME in a temporary folder: the data goes to the user data folder, nothing into
site-packages.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _not_sources(folder, names):
    """What a wheel is not built from: the clone's environments, outputs, data and caches."""
    top = {".git", ".venv", "outputs", "data", "build", "dist"} \
        if Path(folder) == PROJECT_DIR else set()
    return [name for name in names
            if name in top or name == "__pycache__" or name.endswith((".egg-info", "_cache"))]


def _run(command, cwd, home, timeout=600, **env):
    """Run ``command`` as a learner would: HOME elsewhere, no data folder set."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("GANLIB_DATA_DIR", "XDG_DATA_HOME", "PYTHONPATH")}
    environment.update(HOME=str(home), **env)
    result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _files(folder: Path) -> dict:
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def installed(tmp_path_factory, tool_module):
    """(fresh python, its site-packages, HOME, what the Colab cell printed, the wheel) after
    the Colab set-up cell installed the wheel into the fresh environment."""
    root = tmp_path_factory.mktemp("installed")
    sources = root / "sources"
    shutil.copytree(PROJECT_DIR, sources, ignore=_not_sources)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                    str(root / "wheels"), str(sources)], check=True, timeout=600,
                   capture_output=True)
    [wheel] = (root / "wheels").glob("ganlib-*.whl")

    venv = root / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_packages = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site_packages / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    cell = tool_module("colab_cells").SETUP_SOURCE
    spec = next(part for part in cell.split('"') if part.startswith("ganlib @ git+"))
    script = ("import importlib.util, sys\n"
              "assert importlib.util.find_spec('ganlib') is None, 'ganlib visible before'\n"
              + cell.replace(spec, str(wheel)) + "\n"
              "import ganlib, coursekit.runner\n"
              "print('ganlib from', ganlib.__file__)\n"
              "print('modules', 'ganlib' in sys.modules)\n")
    home, colab = root / "home", root / "content"
    colab.mkdir()
    out = _run([python, "-c", script], colab, home, COLAB_RELEASE_TAG="tested-here")
    return python, site_packages, home, out, wheel


def test_the_colab_cell_installs_the_course_and_imports_it_in_the_same_process(installed):
    python, site_packages, home, out, _ = installed
    assert f"ganlib from {site_packages / 'ganlib' / '__init__.py'}" in out
    assert "Adding what Colab lacks" not in out  # everything is there already
    assert f"Working folder: {home.parent / 'content' / 'gan-course' / 'notebooks'}" in out


def test_the_installed_course_runs_outside_a_clone_and_writes_nothing_into_site_packages(
        installed, tmp_path):
    python, site_packages, home, *_ = installed
    before = _files(site_packages)
    course = tmp_path / "gan-course"
    out = _run([python, "-m", "coursekit", "get", str(course)], tmp_path, home)
    shipped = len(list((PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb")))
    assert f"Copied {shipped} notebook(s) into {course / 'notebooks'}." in out
    assert sorted(path.name for path in (course / "notebooks").glob("*.ipynb")) == sorted(
        path.name for path in (PROJECT_DIR / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    _run([python, "-c", "import sys\nfrom coursekit.runner import run_course\n"
                        "runs = run_course(quick=True, only=['00', '04'], site=False, "
                        "parameters={'ALLOW_DOWNLOAD': False})\n"
                        "sys.exit(any(run.status != 'ok' for run in runs))"],
         course / "notebooks", home, timeout=900)
    summary = json.loads((course / "outputs" / "summary.json").read_text())
    assert [(run["notebook"], run["status"]) for run in summary] == [
        ("00_start_here", "ok"), ("04_dcgan", "ok")]
    assert (course / "outputs" / "04_dcgan" / "final_samples.png").exists()
    data_dir = Path(_run([python, "-c", "from ganlib import data; print(data.default_data_dir())"],
                         tmp_path, home).strip())
    assert data_dir.is_relative_to(home)  # the user data folder, e.g. ~/.local/share/ganlib
    assert (data_dir / "classifiers" / "digits.keras").exists()
    assert _files(site_packages) == before


@pytest.mark.parametrize("version", ["3.14", "3.9"])
def test_pip_refuses_a_python_tensorflow_has_no_wheel_for(installed, version, tmp_path):
    """Said by the package's metadata, before pip downloads anything."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--ignore-installed",
         "--only-binary=:all:", "--python-version", version, "--target", str(tmp_path),
         str(installed[-1])], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert (f"ERROR: Package 'ganlib' requires a different Python: {version}.0 not in "
            "'<3.14,>=3.10'") in result.stderr
