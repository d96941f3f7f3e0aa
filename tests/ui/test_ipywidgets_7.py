"""Every panel under ipywidgets 7.7.1, the version Colab ships: the panel tests of this folder
run again in a subprocess that imports ipywidgets 7.7.1 (the rest of the suite uses 8).

ipywidgets 7.7.1 (with the widgetsnbextension, jupyterlab_widgets and ipython_genutils it
needs) is installed once, without dependencies, into ``<environment>/ipywidgets7`` and put
first on that subprocess's path.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Colab's ipywidgets and the packages of the same generation it needs.
IPYWIDGETS_7 = ("ipywidgets==7.7.1", "widgetsnbextension==3.6.*", "jupyterlab_widgets==1.1.*",
                "ipython_genutils==0.2.*")
CACHE = Path(sys.prefix) / "ipywidgets7"

RUN_PANEL_TESTS = f"""
import sys
import ipywidgets
import pytest
assert ipywidgets.__version__ == "7.7.1", ipywidgets.__file__
sys.exit(pytest.main([{str(HERE)!r}, "--ignore", {__file__!r}, "-q", "-p", "no:cacheprovider"]))
"""


def _ipywidgets_7() -> Path:
    if not (CACHE / "ipywidgets-7.7.1.dist-info").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--upgrade", "--target", str(CACHE), *IPYWIDGETS_7], check=True,
                       timeout=300)
    return CACHE


def test_every_panel_passes_its_tests_under_ipywidgets_7_7_1():
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(_ipywidgets_7()), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = subprocess.run([sys.executable, "-c", RUN_PANEL_TESTS], env=environment,
                            cwd=HERE.parents[1], capture_output=True, text=True, timeout=1200)
    summary = result.stdout.strip().splitlines()[-1:] or [result.stderr[-2000:]]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary[0] and "failed" not in summary[0], summary
