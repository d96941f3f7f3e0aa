"""Sweeps over a tiny notebook written by the tests (no TensorFlow): grid expansion, the
collected table, failed and interrupted runs, reruns that skip finished runs, refused grids
and the plot."""

import csv
import io
import json
import subprocess
import sys

import nbformat
import pytest

from coursekit import sweep
from coursekit.sweep import running

PARAMETERS = ('A = 1  # a number\n'
              'B = "x"  # a string; the comment holds an = on purpose\n'
              'OUTPUT_DIR = "."  # where metrics.json goes\n'
              'QUICK = False\n')

# Counts its executions in OUTPUT_DIR, fails while a file fail_on_<B> sits next to the
# notebook, and writes metrics computed from the parameters.
BODY = '''import json
import pathlib
out = pathlib.Path(OUTPUT_DIR)
out.mkdir(parents=True, exist_ok=True)
counter = out / "executions.txt"
counter.write_text((counter.read_text() if counter.exists() else "") + "x")
if pathlib.Path("fail_on_" + B).exists():
    raise ValueError(f"B = {B!r} is refused")
metrics = {"score": A * 10 + len(B), "half": A / 2, "name": B, "quick": QUICK}
(out / "metrics.json").write_text(json.dumps(metrics))
'''


def write_notebook(folder, parameters=PARAMETERS, tag="parameters", name="tiny.ipynb"):
    """A two-cell notebook: the parameters cell (tagged ``tag``) and BODY."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = [tag]
    notebook.cells = [cell, nbformat.v4.new_code_cell(BODY)]
    path = folder / name
    nbformat.write(notebook, path)
    return path


def cli(notebook, out_dir, *options):
    """Run ``main`` with the test kernel; returns the exit status."""
    return sweep.main([str(notebook), "--out", str(out_dir), "--kernel", "python3", *options])


def fake_executor(fail_ids=(), interrupt_ids=(), metrics_of=None, log=None):
    """Stand-in for papermill: writes metrics at once, or fails / is interrupted."""

    def execute(notebook, run_dir, parameters, kernel_name, timeout):
        if log is not None:
            log.append(run_dir.name)
        if run_dir.name in interrupt_ids:
            raise KeyboardInterrupt
        if run_dir.name in fail_ids:
            raise RuntimeError("first line\nthe real reason")
        metrics = (metrics_of or (lambda p: {"score": p["A"]}))(parameters)
        if metrics is not None:
            (run_dir / "metrics.json").write_text(json.dumps(metrics))

    return execute


@pytest.fixture(scope="module")
def first_sweep(tmp_path_factory):
    """A real sweep of 4 runs: A in (1, 2) x B in ('x', 'yy'); B = 'yy' fails."""
    folder = tmp_path_factory.mktemp("first_sweep")
    notebook = write_notebook(folder)
    (folder / "fail_on_yy").touch()
    stream = io.StringIO()
    result = sweep.run_sweep(notebook, {"A": [1, 2], "B": ["x", "yy"]}, fixed={"QUICK": True},
                             out_dir=folder / "out", kernel_name="python3", stream=stream)
    return result, stream.getvalue()


# --- parsing and planning ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "name", "values"), [
    ("LOSS=non_saturating,hinge", "LOSS", ["non_saturating", "hinge"]),
    ("G_LEARNING_RATE=1e-4,2e-4", "G_LEARNING_RATE", [0.0001, 0.0002]),
    ("SEED=0,1,2", "SEED", [0, 1, 2]),
    ("X=True,None,10_000", "X", [True, None, 10_000]),
    ("X=[1,2],'a,b',(3, 4)", "X", [[1, 2], "a,b", (3, 4)]),
    (" NAME = a b , c", "NAME", ["a b", "c"]),
])
def test_grid_option_values_are_literals_or_strings(text, name, values):
    assert sweep.parse_grid_option(text) == (name, values)


def test_set_option_keeps_commas():
    assert sweep.parse_set_option("QUICK=True") == ("QUICK", True)
    assert sweep.parse_set_option("SIZES=[1, 2]") == ("SIZES", [1, 2])
    assert sweep.parse_set_option("NAME=a,b") == ("NAME", "a,b")


def test_notebook_parameters_are_read_from_the_tagged_cell(tmp_path):
    known = sweep.notebook_parameters(write_notebook(tmp_path))
    assert known == {"A": "1", "B": '"x"', "OUTPUT_DIR": '"."', "QUICK": "False"}


def test_grid_expands_to_every_combination_with_stable_ids(tmp_path):
    notebook = write_notebook(tmp_path)
    plan = sweep.plan_sweep(notebook, {"B": ["x", "a/b"], "A": [1, 2, 0.5]},
                            out_dir=tmp_path / "out")
    assert [run.values for run in plan.runs] == [
        {"B": "x", "A": 1}, {"B": "x", "A": 2}, {"B": "x", "A": 0.5},
        {"B": "a/b", "A": 1}, {"B": "a/b", "A": 2}, {"B": "a/b", "A": 0.5}]
    # names sorted in the id, so the order of --grid options does not rename the runs
    assert [run.run_id for run in plan.runs] == [
        "A=1,B=x", "A=2,B=x", "A=0.5,B=x", "A=1,B=a_b", "A=2,B=a_b", "A=0.5,B=a_b"]
    assert [run.index for run in plan.runs] == [1, 2, 3, 4, 5, 6]
    assert plan.runs[3].directory == tmp_path / "out" / "A=1,B=a_b"
    again = sweep.plan_sweep(notebook, {"A": [1, 2, 0.5], "B": ["x", "a/b"]},
                             out_dir=tmp_path / "out")
    assert {run.run_id for run in again.runs} == {run.run_id for run in plan.runs}


def test_default_folder_is_under_outputs_sweeps(tmp_path):
    plan = sweep.plan_sweep(write_notebook(tmp_path), {"A": [1]})
    assert plan.out_dir.parts[-3:] == ("outputs", "sweeps", "tiny")


def test_dry_run_lists_the_runs_and_writes_nothing(tmp_path, capsys):
    notebook = write_notebook(tmp_path)
    status = cli(notebook, tmp_path / "out", "--grid", "A=1,2", "--grid", "B=x",
                 "--set", "QUICK=True", "--dry-run")
    text = capsys.readouterr().out
    assert status == 0
    assert "2 runs (2 A x 1 B)" in text and "Set for every run: QUICK=True" in text
    assert "[1/2] A=1,B=x  will run" in text and "[2/2] A=2,B=x  will run" in text
    assert not (tmp_path / "out").exists()


def test_python_m_coursekit_sweep_runs_the_command_line(tmp_path):
    notebook = write_notebook(tmp_path)
    result = subprocess.run([sys.executable, "-m", "coursekit.sweep", str(notebook), "--out",
                             str(tmp_path / "out"), "--grid", "A=1,2", "--dry-run"],
                            capture_output=True, text=True, check=True)
    assert "[2/2] A=2  will run" in result.stdout


@pytest.mark.parametrize(("grid", "fixed", "max_runs", "expected"), [
    ({"C": [1]}, None, 500, "C is not a parameter of tiny.ipynb; its parameters cell sets "
                            "A, B, OUTPUT_DIR, QUICK"),
    ({"A": [1], "D": [2]}, {"E": 3}, 500, "D is not a parameter"),
    ({"A": [1]}, {"E": 3}, 500, "E is not a parameter"),
    ({"A": []}, None, 500, "the grid's A has no values"),
    ({}, None, 500, "the grid is empty"),
    ({"A": [1, 2], "B": ["x"]}, {"A": 3}, 500, "A is both in the grid and fixed"),
    ({"A": list(range(30)), "B": list("abcdefghijklmnopqrstu")}, None, 500,
     "the grid makes 630 runs (30 x 21), more than the cap of 500; shrink the grid or raise "
     "the cap with --max-runs 630"),
    ({"A": [1, 2, 3]}, None, 2, "more than the cap of 2"),
    ({"OUTPUT_DIR": ["a"]}, None, 500, "the sweep sets it to each run's folder"),
    ({"B": "xy"}, None, 500, "the grid's B must be a list of values, got 'xy'"),
    ({"A": [1, 2, 1]}, None, 500, "lists 1 more than once"),
    ({"B": ["a/b", "a_b"]}, None, 500, "would share the folder 'B=a_b'"),
    ({"A": [{1, 2}]}, None, 500, "A = {1, 2} (set) cannot be passed to a notebook"),
    ({"A": [float("nan")]}, None, 500, "A = nan (float) cannot be passed"),
])
def test_bad_grid_is_refused_before_anything_runs(tmp_path, grid, fixed, max_runs, expected):
    notebook = write_notebook(tmp_path)
    with pytest.raises(sweep.SweepError) as error:
        sweep.run_sweep(notebook, grid, fixed, out_dir=tmp_path / "out", max_runs=max_runs,
                        kernel_name="python3")
    assert expected in str(error.value)
    assert not (tmp_path / "out").exists()


def test_max_runs_raises_the_cap(tmp_path):
    plan = sweep.plan_sweep(write_notebook(tmp_path), {"A": [1, 2, 3]}, max_runs=3)
    assert len(plan.runs) == 3


@pytest.mark.parametrize(("setup", "expected"), [
    ("missing", "does not exist; give the path of an .ipynb file"),
    ("untagged", "has no cell tagged 'parameters'"),
    ("no_output_dir", "parameters cell has no OUTPUT_DIR"),
    ("syntax", "the parameters cell of tiny.ipynb is not plain Python"),
])
def test_unusable_notebook_is_refused(tmp_path, setup, expected):
    notebook = tmp_path / "tiny.ipynb"
    if setup == "untagged":
        write_notebook(tmp_path, tag="other")
    elif setup == "no_output_dir":
        write_notebook(tmp_path, parameters="A = 1\n")
    elif setup == "syntax":
        write_notebook(tmp_path, parameters="A = = 1\nOUTPUT_DIR = '.'\n")
    with pytest.raises(sweep.SweepError) as error:
        sweep.plan_sweep(notebook, {"A": [1]}, out_dir=tmp_path / "out")
    assert expected in str(error.value)


@pytest.mark.parametrize(("options", "expected"), [
    (["--grid", "A"], "--grid 'A' is not NAME=...; write it like --grid SEED=0,1,2"),
    (["--grid", "A="], "lists no values for A"),
    (["--grid", "A=1,,2"], "has an empty value between commas"),
    (["--grid", "A=1", "--grid", "A=2"], "--grid A is given twice"),
    (["--grid", "A=1", "--set", "QUICK"], "--set 'QUICK' is not NAME=..."),
    (["--grid", "A=1", "--x", "B", "--dry-run"], "--x 'B' is not a grid parameter; choose "
                                                 "one of A"),
    (["--grid", "Z=1"], "Z is not a parameter of tiny.ipynb"),
])
def test_command_line_refuses_bad_options_with_status_2(tmp_path, capsys, options, expected):
    notebook = write_notebook(tmp_path)
    assert cli(notebook, tmp_path / "out", *options) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- a real sweep -----------------------------------------------------------------------


def test_metrics_are_collected_into_the_table(first_sweep):
    result, _ = first_sweep
    rows = {row["run"]: row for row in result.table.rows}
    assert list(rows) == ["A=1,B=x", "A=1,B=yy", "A=2,B=x", "A=2,B=yy"]
    for run_id, a in (("A=1,B=x", 1), ("A=2,B=x", 2)):
        row = rows[run_id]
        assert (row["A"], row["B"], row["status"], row["error"]) == (a, "x", "ok", None)
        assert (row["score"], row["half"], row["name"]) == (a * 10 + 1, a / 2, "x")
        assert row["quick"] is True  # the fixed parameter reached the notebook
        assert row["run_seconds"] > 0
    assert result.table.metric_names == ["score", "half", "name", "quick"]
    assert result.table.columns == ["run", "A", "B", "score", "half", "name", "quick",
                                    "status", "run_seconds", "error"]


def test_each_run_has_its_own_folder_with_params_notebook_and_metrics(first_sweep):
    result, _ = first_sweep
    run_dir = result.out_dir / "A=2,B=x"
    params = json.loads((run_dir / "params.json").read_text())
    assert params["parameters"] == {"QUICK": True, "A": 2, "B": "x"}
    assert params["grid"] == {"A": 2, "B": "x"}
    assert json.loads((run_dir / "metrics.json").read_text())["score"] == 21
    executed = nbformat.read(run_dir / "tiny.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert f'OUTPUT_DIR = "{run_dir.resolve()}"' in injected[0].source
    assert json.loads((run_dir / "status.json").read_text())["status"] == "ok"
    assert not list(result.out_dir.rglob("*.tmp"))


def test_failed_runs_are_reported_and_the_others_complete(first_sweep):
    result, progress = first_sweep
    assert not result.ok
    assert [row["run"] for row in result.failed] == ["A=1,B=yy", "A=2,B=yy"]
    for row in result.failed:
        assert row["status"] == "failed"
        assert row["error"] == "ValueError: B = 'yy' is refused"
        assert row.get("score") is None
    assert (result.ran, result.skipped) == (4, 0)
    assert "4 runs: 2 ok, 2 failed" in result.table.summary()
    # one progress line per run: index/total, id, status, time and what is left
    assert "[1/4] A=1,B=x ... ok in " in progress
    assert "[2/4] A=1,B=yy ... failed (ValueError: B = 'yy' is refused; see " in progress
    assert "left (2 runs)" in progress and "no runs left" in progress


def test_csv_and_markdown_tables_are_written(first_sweep):
    result, progress = first_sweep
    with open(result.out_dir / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["run"], r["score"], r["status"]) for r in rows] == [
        ("A=1,B=x", "11", "ok"), ("A=1,B=yy", "", "failed"),
        ("A=2,B=x", "21", "ok"), ("A=2,B=yy", "", "failed")]
    assert rows[1]["error"] == "ValueError: B = 'yy' is refused"
    markdown = (result.out_dir / "results.md").read_text()
    assert "Set for every run: QUICK=True" in markdown
    assert result.table.to_markdown() in markdown and result.table.to_markdown() in progress
    # the same name and quick in both ok runs: said once, not as columns
    assert "Same result in every ok run: name=x, quick=True" in markdown
    lines = [[c.strip() for c in li.strip("|").split("|")] for li in markdown.splitlines()
             if li.startswith("| ")]
    assert lines[0] == ["A", "B", "score", "half", "status", "run_seconds", "error"]
    assert lines[4][:5] == ["2", "x", "21", "1", "ok"]
    assert lines[5][4:] == ["failed", lines[5][5], "ValueError: B = 'yy' is refused"]


def test_plot_shows_each_numeric_metric_by_the_first_grid_parameter(first_sweep):
    result, _ = first_sweep
    png = (result.out_dir / "results.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    figure = sweep.plot_sweep(result.table)
    axes = figure.get_axes()
    assert [axis.get_title() for axis in axes] == ["score", "half", "run time (s)"]
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["1", "2"]
    assert axes[0].get_xlabel() == "A"
    assert "2 not ok and not shown" in figure.get_suptitle()
    by_b = sweep.plot_sweep(result.table, x="B")
    assert [t.get_text() for t in by_b.get_axes()[0].get_xticklabels()] == ["x", "yy"]
    with pytest.raises(sweep.SweepError, match="choose one of A, B"):
        sweep.plot_sweep(result.table, x="C")


def test_rerun_skips_finished_runs_and_redoes_failed_ones(tmp_path, capsys):
    notebook = write_notebook(tmp_path)
    out = tmp_path / "out"
    (tmp_path / "fail_on_yy").touch()
    options = ["--grid", "A=1", "--grid", "B=x,yy"]
    assert cli(notebook, out, *options) == 1  # a failed run: non-zero, after finishing all
    done, failed = out / "A=1,B=x", out / "A=1,B=yy"
    assert (done / "executions.txt").read_text() == "x"
    assert (failed / "executions.txt").read_text() == "x"
    finished_at = (done / "metrics.json").stat().st_mtime_ns
    capsys.readouterr()

    (tmp_path / "fail_on_yy").unlink()
    assert cli(notebook, out, *options) == 0
    text = capsys.readouterr().out
    assert "[1/2] A=1,B=x  done earlier, skipped" in text
    assert "[2/2] A=1,B=yy ... ok" in text
    assert (done / "executions.txt").read_text() == "x"  # not run again
    assert (done / "metrics.json").stat().st_mtime_ns == finished_at
    assert (failed / "executions.txt").read_text() == "xx"  # redone
    assert json.loads((failed / "status.json").read_text())["error"] is None

    assert cli(notebook, out, *options) == 0
    assert (done / "executions.txt").read_text() == "x"
    assert cli(notebook, out, *options, "--set", "QUICK=True") == 2
    assert "was run with other parameters (QUICK was (unset), now True)" in (
        capsys.readouterr().err)


def test_a_grown_grid_reuses_the_finished_runs(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    executed = []
    monkeypatch.setattr(running, "_execute", fake_executor(log=executed))
    sweep.run_sweep(notebook, {"A": [1, 2]}, out_dir=tmp_path / "out", stream=io.StringIO())
    result = sweep.run_sweep(notebook, {"A": [1, 2, 3]}, out_dir=tmp_path / "out",
                             stream=io.StringIO())
    assert executed == ["A=1", "A=2", "A=3"]
    assert (result.ran, result.skipped) == (1, 2)
    sweep.run_sweep(notebook, {"A": [1]}, out_dir=tmp_path / "out", stream=io.StringIO())
    table = sweep.collect(tmp_path / "out")
    assert [row["run"] for row in table.rows] == ["A=1"]
    assert "2 run folders of an earlier grid are left out" in table.summary()


def test_interrupted_run_is_recorded_and_redone(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setattr(running, "_execute", fake_executor(interrupt_ids={"A=2"}))
    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(notebook, {"A": [1, 2, 3]}, out_dir=out, stream=io.StringIO())
    statuses = {row["run"]: row["status"] for row in sweep.collect(out, write=False).rows}
    assert statuses == {"A=1": "ok", "A=2": "interrupted", "A=3": "pending"}
    assert (out / "results.md").is_file()  # the table of what finished is written anyway
    assert not list(out.rglob("*.tmp"))

    executed = []
    monkeypatch.setattr(running, "_execute", fake_executor(log=executed))
    result = sweep.run_sweep(notebook, {"A": [1, 2, 3]}, out_dir=out, stream=io.StringIO())
    assert executed == ["A=2", "A=3"] and result.ok


def test_run_left_running_by_a_crash_is_redone(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setattr(running, "_execute", fake_executor())
    sweep.run_sweep(notebook, {"A": [1, 2]}, out_dir=out, stream=io.StringIO())
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    status_path = out / "A=2" / "status.json"
    status = json.loads(status_path.read_text())
    status.update(status="running", pid=int(gone.stdout))  # as if killed mid-run
    status_path.write_text(json.dumps(status))
    assert sweep.collect(out, write=False).rows[1]["status"] == "interrupted"
    executed = []
    monkeypatch.setattr(running, "_execute", fake_executor(log=executed))
    sweep.run_sweep(notebook, {"A": [1, 2]}, out_dir=out, stream=io.StringIO())
    assert executed == ["A=2"]


def test_a_sweep_running_in_another_process_is_not_disturbed(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setattr(running, "_execute", fake_executor())
    sweep.run_sweep(notebook, {"A": [1]}, out_dir=out, stream=io.StringIO())
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                          stdin=subprocess.PIPE) as other:
        status_path = out / "A=1" / "status.json"
        status_path.write_text(json.dumps({"status": "running", "pid": other.pid}))
        with pytest.raises(sweep.SweepError, match=f"another sweep \\(process {other.pid}\\)"):
            sweep.run_sweep(notebook, {"A": [1]}, out_dir=out, stream=io.StringIO())
        other.stdin.close()


def test_errors_and_missing_or_nested_metrics_are_reported(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)

    def metrics_of(parameters):
        return {1: None, 2: {"fid": 1.5, "classes": [3, 4]}}.get(parameters["A"], {"fid": 2})

    monkeypatch.setattr(running, "_execute",
                        fake_executor(fail_ids={"A=3"}, metrics_of=metrics_of))
    result = sweep.run_sweep(notebook, {"A": [1, 2, 3]}, out_dir=tmp_path / "out",
                             stream=io.StringIO())
    rows = {row["run"]: row for row in result.table.rows}
    assert rows["A=1"]["status"] == "failed"
    assert "wrote no metrics.json in its OUTPUT_DIR" in rows["A=1"]["error"]
    assert rows["A=3"]["error"] == "RuntimeError: the real reason"
    assert rows["A=2"]["status"] == "ok" and rows["A=2"]["classes"] == "[3, 4]"
    assert "NOTICE: metrics classes are not numbers or strings" in result.table.summary()
    assert result.table.numeric_columns() == ["fid", "run_seconds"]


def test_metric_named_like_a_column_is_renamed(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    monkeypatch.setattr(running, "_execute", fake_executor(
        metrics_of=lambda p: {"status": "fine", "A": 7, "fid": 3.0}))
    result = sweep.run_sweep(notebook, {"A": [1]}, out_dir=tmp_path / "out",
                             stream=io.StringIO())
    row = result.table.rows[0]
    assert (row["status"], row["A"], row["metric_status"], row["metric_A"]) == ("ok", 1,
                                                                                "fine", 7)


def test_collect_command_rebuilds_the_table(tmp_path, monkeypatch, capsys):
    notebook = write_notebook(tmp_path)
    monkeypatch.setattr(running, "_execute", fake_executor())
    sweep.run_sweep(notebook, {"A": [1, 2]}, out_dir=tmp_path / "out", stream=io.StringIO())
    (tmp_path / "out" / "results.png").unlink()
    assert cli(notebook, tmp_path / "out", "--collect") == 0
    assert "| 2 | 2     | ok     |" in capsys.readouterr().out
    assert (tmp_path / "out" / "results.png").is_file()
    with pytest.raises(sweep.SweepError, match="not a sweep folder"):
        sweep.collect(tmp_path)


def test_metrics_equal_in_every_run_are_stated_once_and_not_plotted(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path)
    monkeypatch.setattr(running, "_execute", fake_executor(
        metrics_of=lambda p: {"fid": 10.0 * p["A"], "steps": 100}))
    result = sweep.run_sweep(notebook, {"A": [1, 2]}, out_dir=tmp_path / "out",
                             stream=io.StringIO())
    assert result.table.constant_metrics() == {"steps": 100}
    markdown = result.table.to_markdown()
    assert markdown.splitlines()[0] == "Same result in every ok run: steps=100"
    assert markdown.splitlines()[2].split("|")[1:-1] == [" A ", " fid ", " status ",
                                                         " run_seconds "]
    figure = sweep.plot_sweep(result.table)
    assert [axis.get_title() for axis in figure.get_axes()] == ["fid (lower is better)",
                                                                "run time (s)"]
    means = [line for axis in figure.get_axes()[:1] for line in axis.get_lines()]
    assert sorted(float(y) for line in means for y in line.get_ydata()) == [10.0, 20.0]
    assert "steps" in result.table.to_csv().splitlines()[0]  # the CSV keeps every column
