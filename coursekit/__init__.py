"""coursekit: the course's tooling, beside the teaching library ``ganlib``.

It runs, times, publishes and sweeps the notebooks; the notebooks themselves use ``ganlib``.
coursekit may import ganlib, never the other way round.

- ``coursekit.course_map``: the notebooks in course order, which exist yet, and the
  repository address the Colab and Binder links are built from.
- ``coursekit.course_folder``: where the course lives (a clone, or a folder made by
  ``python -m coursekit get FOLDER`` from the notebooks shipped in the package).
- ``coursekit.stated_time``: each notebook's stated "Time on a laptop CPU", and its check.
- ``coursekit.chinese``: each notebook's Chinese summary (its ``zh`` cell) and its stated
  time in Chinese.
- ``coursekit.runner``: the headless run of the whole course and its summary
  (``python -m coursekit run [--quick]``, ``python -m coursekit map``, ``get FOLDER``).
- ``coursekit.safe_html``: HTML from a notebook made safe to publish (an allow-list).
- ``coursekit.static_html``: widgets in their last state and other outputs as static HTML.
- ``coursekit.site``: the readable site, one page per executed notebook and an index (in
  English, and in Chinese with each notebook's summary).
- ``coursekit.sweep``: a notebook run over a grid of parameters, one table and one plot
  (``python -m coursekit.sweep NOTEBOOK --grid NAME=V1,V2``).
"""

__all__: list[str] = []
