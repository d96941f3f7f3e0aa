"""The course map: every notebook in order, marked ready when its file exists."""

from coursekit import course_map


def test_course_map_marks_available_notebooks(tmp_path):
    (tmp_path / "04_dcgan.ipynb").write_text("{}")  # the map looks at file names only
    table = course_map.course_map_table(tmp_path)
    assert "[ready ] 04  Train a DCGAN" in table
    assert "[coming] 05  Stability" in table
    assert len(table.splitlines()) == len(course_map.COURSE_MAP)
