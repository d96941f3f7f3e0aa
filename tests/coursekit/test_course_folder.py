"""Where the course lives: a clone, or a folder copied out of the installed package."""

import pytest

from coursekit import course_folder, runner


@pytest.fixture
def shipped(tmp_path):
    """A folder of shipped notebooks, as inside an installed package."""
    folder = tmp_path / "site-packages" / "coursekit" / "notebooks"
    folder.mkdir(parents=True)
    for name in ("00_start_here.ipynb", "04_dcgan.ipynb"):
        (folder / name).write_text("{}")
    return folder


@pytest.fixture
def installed(shipped, monkeypatch):
    """coursekit as an installed package: no clone, the notebooks inside the package."""
    monkeypatch.setattr(course_folder, "CLONE_DIR", None)
    monkeypatch.setattr(course_folder, "SHIPPED_NOTEBOOKS", shipped)
    return shipped


def test_get_copies_the_course_and_keeps_a_learners_notebook(installed, tmp_path, capsys):
    course = tmp_path / "gan-course"
    copied = course_folder.get_course(course)
    assert sorted(path.name for path in copied) == ["00_start_here.ipynb", "04_dcgan.ipynb"]
    (course / "notebooks" / "04_dcgan.ipynb").write_text('{"mine": 1}')
    (course / "notebooks" / "00_start_here.ipynb").unlink()
    assert [path.name for path in course_folder.get_course(course)] == ["00_start_here.ipynb"]
    assert (course / "notebooks" / "04_dcgan.ipynb").read_text() == '{"mine": 1}'
    out = capsys.readouterr().out
    assert "Kept 1 notebook(s) already there (delete one to get a fresh copy): 04_dcgan" in out
    assert f"Next: cd {course} && jupyter lab notebooks/" in out


def test_the_course_folder_is_found_from_it_or_its_notebooks(installed, tmp_path):
    course_folder.get_course(tmp_path / "course")
    assert course_folder.course_dir(tmp_path / "course") == tmp_path / "course"
    assert course_folder.course_dir(tmp_path / "course" / "notebooks") == tmp_path / "course"
    assert course_folder.notebook_dir(tmp_path / "course") == tmp_path / "course" / "notebooks"
    assert course_folder.notebook_dir(tmp_path) == installed  # nothing here: the shipped ones


def test_without_a_course_folder_the_runner_says_how_to_get_one(installed, tmp_path,
                                                                monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(course_folder.CourseNotFoundError, match="python -m coursekit get"):
        course_folder.course_dir()
    assert runner.main(["run", "--quick"]) == 2
    error = capsys.readouterr().err
    assert f"error: No course here: {tmp_path} has no notebooks/ folder" in error
    assert "    python -m coursekit get ~/gan-course\n" in error


def test_a_clone_is_its_own_course_folder(tmp_path):
    assert course_folder.CLONE_DIR is not None  # the tests run in a clone
    assert course_folder.find_course_dir(tmp_path) == course_folder.CLONE_DIR
    assert course_folder.SHIPPED_NOTEBOOKS == course_folder.CLONE_DIR / "notebooks"


def test_get_refuses_a_folder_it_cannot_create(installed, tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert runner.main(["get", str(tmp_path / "file" / "course")]) == 2
    assert "Cannot create " in capsys.readouterr().err
    with pytest.raises(SystemExit):
        runner.main(["get"])  # get needs a folder
