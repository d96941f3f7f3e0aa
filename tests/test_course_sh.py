"""course.sh: what it installs, that a GPU choice survives a reinstall with one TensorFlow
package at a time, and that a machine it cannot serve is told so before any download.

The script runs for real on a copy of its files, with a stand-in for the environment's
``python`` that records pip's commands and keeps the names "installed" in a JSON file
(``coursekit.install`` itself runs for real), and a stand-in ``df``. The interpreter checks
run the real Python, told a different version or platform by a ``sitecustomize``.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]

FAKE_PYTHON = f"""#!{sys.executable}
import json, runpy, sys
from pathlib import Path

venv = Path(__file__).resolve().parent.parent
state = venv / "state.json"
installed = set(json.loads(state.read_text())) if state.exists() else set()
args = sys.argv[1:]
with open(venv / "calls.log", "a") as log:
    log.write(" ".join(args) + "\\n")
if args[:2] == ["-m", "coursekit.install"]:
    sys.argv = ["coursekit.install", *args[2:]]
    runpy.run_module("coursekit.install", run_name="__main__")
elif args[:2] == ["-m", "pip"]:
    words = [word for word in args[2:] if word != "--quiet"]
    if words[0] == "show":
        sys.exit(0 if words[-1] in installed else 1)
    if words[0] == "uninstall":
        installed -= set(words[2:])
    if words[0] == "install":
        if "-r" in words:
            words += Path(words[words.index("-r") + 1]).read_text().split()
        for word in words:
            if word.startswith("tensorflow"):
                installed.add(word.split("[")[0].split("<")[0].split(">")[0].split("=")[0])
    state.write_text(json.dumps(sorted(installed)))
"""

SITECUSTOMIZE = """
import os, platform, sys
if os.environ.get("FAKE_VERSION"):
    sys.version_info = tuple(int(part) for part in os.environ["FAKE_VERSION"].split("."))
if os.environ.get("FAKE_PLATFORM"):
    sys.platform, machine = os.environ["FAKE_PLATFORM"].split()
    platform.machine = lambda: machine
"""


@pytest.fixture
def project(tmp_path):
    """A copy of course.sh and the files it reads, a stand-in venv, python and df."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in ("course.sh", "pyproject.toml", "constraints.txt"):
        shutil.copy(PROJECT_DIR / name, folder / name)
    python = folder / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "sitecustomize.py").write_text(SITECUSTOMIZE)
    df = tools / "df"
    df.write_text("#!/bin/sh\necho 'Filesystem 1M-blocks Used Available Capacity Mounted'\n"
                  "echo \"disk 100000 0 ${FAKE_FREE_MB:-50000} 0% /\"\n")
    df.chmod(0o755)
    return folder


def course_sh(project, *args, **env):
    """Run ``bash course.sh ARGS`` in ``project``; return (exit code, stderr, pip's commands)."""
    tools = project.parent / "tools"
    environment = {key: value for key, value in os.environ.items() if key != "GANLIB_GPU"}
    environment.update(PATH=f"{tools}{os.pathsep}{os.environ['PATH']}", PYTHON=sys.executable,
                       PYTHONPATH=str(tools), **env)
    log = project / ".venv" / "calls.log"
    log.unlink(missing_ok=True)
    result = subprocess.run(["bash", str(project / "course.sh"), *args], env=environment,
                            capture_output=True, text=True, timeout=120)
    calls = log.read_text().splitlines() if log.exists() else []
    return result.returncode, result.stderr, calls


def installed(project):
    return json.loads((project / ".venv" / "state.json").read_text())


def requirements(project):
    return (project / ".venv" / "requirements-here.txt").read_text().split()


@pytest.mark.skipif(sys.platform != "linux" or os.uname().machine != "x86_64",
                    reason="the CUDA build exists for Linux x86_64 only")
def test_a_gpu_choice_survives_a_reinstall_with_one_tensorflow_at_a_time(project):
    code, error, calls = course_sh(project, "run", "--quick")
    assert code == 0, error
    assert "-m pip --quiet install --no-deps -e ." in calls
    assert "-m pip --quiet install -c constraints.txt -r .venv/requirements-here.txt" in calls
    assert calls[-1] == "-m coursekit run --quick"
    assert "tensorflow-cpu<3,>=2.16" in requirements(project)
    assert not any(line.startswith(("pytest", "playwright")) for line in requirements(project))
    assert installed(project) == ["tensorflow-cpu"]

    assert course_sh(project, "run")[2] == ["-m coursekit run"]  # installed: nothing to do

    code, error, calls = course_sh(project, "run", GANLIB_GPU="1")
    assert code == 0, error
    assert "-m pip --quiet uninstall -y tensorflow-cpu" in calls
    assert "tensorflow[and-cuda]<3,>=2.16" in requirements(project)
    assert installed(project) == ["tensorflow"]

    with open(project / "constraints.txt", "a") as constraints:
        constraints.write("# a new pin\n")  # a change that makes course.sh install again
    code, error, calls = course_sh(project, "test", "-x")
    assert code == 0, error
    assert "tensorflow[and-cuda]<3,>=2.16" in requirements(project)  # still the GPU build
    assert "pytest>=8" in requirements(project)
    assert installed(project) == ["tensorflow"]
    assert calls[-1] == "-m pytest -x"

    code, error, calls = course_sh(project, "run", GANLIB_GPU="0")
    assert "-m pip --quiet uninstall -y tensorflow" in calls
    assert installed(project) == ["tensorflow-cpu"]


@pytest.mark.parametrize("env, message", [
    ({"FAKE_VERSION": "3.14.0"}, "error: Python 3.14 is not supported by TensorFlow here; use "
                                 "Python 3.10 to 3.13"),
    ({"FAKE_VERSION": "3.9.18"}, "error: Python 3.9 is not supported by TensorFlow here"),
    ({"FAKE_PLATFORM": "darwin x86_64"}, "error: TensorFlow publishes no wheel for Intel Macs"),
    ({"FAKE_PLATFORM": "linux ppc64le"}, "error: TensorFlow publishes no wheel for linux "
                                         "ppc64le; the course installs on Linux"),
    ({"FAKE_PLATFORM": "win32 AMD64"}, "error: on Windows, run this script in WSL"),
    ({"FAKE_PLATFORM": "darwin arm64", "GANLIB_GPU": "1"},
     "error: GANLIB_GPU=1 asks for TensorFlow's CUDA build, which exists for Linux x86_64 "
     "only, not for darwin arm64."),
    ({"FAKE_PLATFORM": "linux aarch64", "GANLIB_GPU": "1"}, "only, not for linux aarch64."),
    ({"GANLIB_GPU": "yes"}, "error: GANLIB_GPU must be 1 (TensorFlow's CUDA build) or 0"),
    ({"FAKE_FREE_MB": "900"}, "error: the packages need about 3000 MB in ., but only 900 MB "
                              "are free. Free some space, or set VENV="),
], ids=["python3.14", "python3.9", "intel-mac", "ppc64le", "windows", "gpu-on-mac",
        "gpu-on-aarch64", "bad-gpu-value", "full-disk"])
def test_a_machine_course_sh_cannot_serve_is_told_before_any_download(project, env, message):
    code, error, calls = course_sh(project, "run", **env)
    assert code == 2
    assert [call for call in calls if "install" in call] == []  # stopped before any download
    assert message in " ".join(error.split())
    assert error.count("error:") == 1
