"""The course as a learner meets it: JupyterLab in a real browser, widgets operated by hand.

A JupyterLab server starts on 127.0.0.1 (a random free port, a token, fresh temporary
config, settings, runtime and workspace folders) on copies of the notebooks with
``QUICK = True`` and ``ALLOW_DOWNLOAD = False`` injected by papermill (nothing executed
beforehand). Headless Chromium, driven by Playwright, opens each notebook that has
widgets, runs all cells from the Run menu, then drags the slider, types into the fields
(an invalid value first, to see it refused), presses the buttons, and checks the effects
in the page and in the kernel. A screenshot of each panel goes to ``outputs/browser/``.
The last two tests open the readable site that the main job renders (run once, in the
quick setting) and follow the links of its English and its Chinese course map.

Requests to any host but 127.0.0.1 are blocked. Errors in the browser console fail the
test, except the noise listed in ``UNRELATED_CONSOLE_ERRORS`` (with the reason for each).

Needs Chromium and the ``playwright`` package (in requirements.txt); without them the
tests are skipped with a message saying how to install them.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import papermill
import pytest

from coursekit import runner
from coursekit.course_map import available_notebooks
from coursekit.site import render_site

PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
SCREENSHOT_DIR = PROJECT_DIR / "outputs" / "browser"
#: The flags measured to work for Debian's chromium in a container, as root, without a GPU.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
#: The notebooks whose widgets have a test of their own below.
OPERATED_NOTEBOOKS = ["00_start_here", "03_gan_playground_2d", "04_dcgan"]
#: Code that puts widgets on screen (an import of ipywidgets, not a mention in a comment such
#: as the Colab set-up cell's): how the notebooks with widgets are found.
WIDGET_CODE = re.compile(r"^\s*(?:import|from) ipywidgets\b|widgets\.interact|Panel\(", re.M)


def _widget_notebooks():
    """Stems of the notebooks with widgets, in course order."""
    import nbformat

    return [path.stem for path in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
            if any(cell.cell_type == "code" and WIDGET_CODE.search(cell.source)
                   for cell in nbformat.read(path, as_version=4).cells)]


#: Notebooks with widgets but no test of their own yet: the generic test operates them.
OTHER_WIDGET_NOTEBOOKS = [stem for stem in _widget_notebooks()
                          if stem not in OPERATED_NOTEBOOKS]
#: Console errors that do not come from the course, each with the reason it is ignored.
UNRELATED_CONSOLE_ERRORS = [
    # A request this test blocked on purpose (any host but 127.0.0.1, e.g. the MathJax CDN
    # of the site pages): the browser reports the refused load as a console error.
    (re.compile(r"^Failed to load resource: net::ERR_FAILED$"), "blocked external request"),
]
#: How long one notebook may take to run all its cells in the quick setting before the
#: test gives up waiting (a wait limit for a hung kernel, not a speed requirement).
RUN_ALL_WAIT_MS = 600_000
ACTION_WAIT_MS = 180_000


def _chromium_path():
    for candidate in (os.environ.get("GANLIB_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _skip_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Browser tests need the playwright package: pip install -r requirements.txt "
                "(or bash course.sh test, which installs it).")
    if _chromium_path() is None:
        return ("Browser tests need Chromium: on Debian or Ubuntu run `apt-get install -y "
                "chromium` (as root, `bash course.sh test` does it), or set GANLIB_CHROMIUM "
                "to a Chromium or Chrome executable.")
    return None


@pytest.fixture(scope="module")
def chromium_path():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    return _chromium_path()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on prepared notebook copies, with its address and token."""

    def __init__(self, root: Path):
        self.root = root
        self.notebooks = root / "notebooks"
        self.notebooks.mkdir()
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = root / "jupyterlab.log"
        self.process = None

    def prepare(self, stem):
        """Copy a notebook with the quick setting injected (papermill, not executed)."""
        papermill.execute_notebook(
            str(NOTEBOOK_DIR / f"{stem}.ipynb"), str(self.notebooks / f"{stem}.ipynb"),
            prepare_only=True, parameters={"QUICK": True, "ALLOW_DOWNLOAD": False,
                                           "OUTPUT_DIR": str(self.root / "outputs" / stem)})

    def start(self):
        env = dict(os.environ)
        for variable, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                                 ("JUPYTER_RUNTIME_DIR", "runtime"),
                                 ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                                 ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
            (self.root / folder).mkdir()
            env[variable] = str(self.root / folder)
        # No "get notified about Jupyter news?" toast over the notebook.
        notification = self.root / "settings" / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True)
        (notification / "notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false"}')
        env["GANLIB_DATA_DIR"] = str(self.root / "ganlib_data")  # empty: offline digits
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.notebooks}", "--LabApp.news_url=None",
                   "--LabApp.extension_manager=readonly",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(command, env=env, cwd=self.notebooks, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.api("status"), timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        pytest.fail("JupyterLab did not start; its log ends with:\n"
                    + self.log_path.read_text()[-3000:])

    def api(self, path):
        return f"{self.base}/api/{path}?token={self.token}"

    def url(self, stem):
        """The notebook in a workspace of its own, so no tab of an earlier test comes back."""
        return (f"{self.base}/lab/workspaces/{stem}/tree/{stem}.ipynb?reset"
                f"&token={self.token}")

    def shut_down_kernels(self):
        """Shut down every running kernel (frees the CPU between notebooks)."""
        import json

        with urllib.request.urlopen(self.api("kernels"), timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(self.api(f"kernels/{kernel['id']}"),
                                             method="DELETE")
            urllib.request.urlopen(request, timeout=30).close()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture(scope="module")
def lab(chromium_path, tmp_path_factory):
    server = JupyterLab(tmp_path_factory.mktemp("jupyterlab"))
    for stem in OPERATED_NOTEBOOKS + OTHER_WIDGET_NOTEBOOKS:
        server.prepare(stem)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium_path, tmp_path_factory):
    """A Chromium context with a new, empty user-data folder; only 127.0.0.1 is reachable."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium_profile")), executable_path=chromium_path,
            headless=True, args=CHROMIUM_FLAGS, viewport={"width": 1500, "height": 1300})
        context.blocked = []

        def block(route):
            context.blocked.append(route.request.url)
            route.abort()

        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), block)
        yield context
        context.close()


class Console:
    """Collects a page's console errors and uncaught exceptions."""

    def __init__(self, page):
        self.errors = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _message(self, message):
        if message.type == "error":
            self.errors.append(message.text)

    def course_errors(self):
        """The errors left after removing ``UNRELATED_CONSOLE_ERRORS``."""
        return [text for text in self.errors
                if not any(pattern.search(text) for pattern, _ in UNRELATED_CONSOLE_ERRORS)]


@pytest.fixture
def notebook_page(lab, browser, request):
    """Open a prepared notebook in a new tab and run all its cells from the Run menu.

    Yields ``open(stem) -> (page, console)``; afterwards checks that no cell shows an
    error and that the console has no course errors, closes the tab and stops the kernel.
    When the test failed, a screenshot of the whole tab goes to outputs/browser/.
    """
    opened = []
    failed_before = request.session.testsfailed

    def open_notebook(stem):
        page = browser.new_page()
        console = Console(page)
        opened.append((page, console))
        page.goto(lab.url(stem))
        page.locator(".jp-NotebookPanel").wait_for(timeout=ACTION_WAIT_MS)
        assert page.locator(".jp-NotebookPanel").count() == 1, "other notebooks are open"
        page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).wait_for(
            timeout=ACTION_WAIT_MS)  # the kernel has started
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return prompts.length > 0
                    && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""", timeout=RUN_ALL_WAIT_MS)
        return page, console

    yield open_notebook
    for page, console in opened:
        if request.session.testsfailed > failed_before:
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / f"failed_{request.node.name}.png"))
            print("console errors:", console.errors, "\nJupyterLab log:",
                  lab.log_path.read_text()[-3000:])
        errors = page.locator('.jp-OutputArea-output[data-mime-type='
                              '"application/vnd.jupyter.error"]').all_inner_texts()
        page.close()
        assert not errors, f"a cell raised in the browser run: {errors[0][-2000:]}"
        assert not console.course_errors(), console.course_errors()
    lab.shut_down_kernels()


# --------------------------------------------------------------------------- helpers


def _kernel_says(page, code):
    """Add a cell at the end of the notebook, run it, and return its text output."""
    from playwright.sync_api import expect

    cells = page.locator(".jp-Notebook .jp-Cell")
    count = cells.count()
    cells.nth(count - 1).locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # command mode: insert a cell below
    page.keyboard.press("Enter")  # edit it
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    cell = cells.nth(count)
    expect(cell.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]"),
                                                         timeout=ACTION_WAIT_MS)
    return cell.locator(".jp-OutputArea-output").all_inner_texts()


def _type_into(panel, label, text):
    """Click a panel field by its label, replace its value by typing, press Enter."""
    field = panel.locator(".widget-inline-hbox", has=panel.page.locator(
        "label.widget-label", has_text=re.compile(f"^{re.escape(label)}$"))).locator("input")
    field.click()
    field.press("Control+a")
    field.press_sequentially(text)
    field.press("Enter")


def _button(scope, text):
    """A widget button by its text (its icon is a CSS glyph, so roles would not match)."""
    return scope.locator("button.widget-button",
                         has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def _panel(page, button):
    """The output-area widget that contains a button with this text."""
    return page.locator(".jp-OutputArea-output > .widget-vbox", has=_button(page, button)).first


def _image_source(image):
    return image.get_attribute("src") or ""


def _wait_for_new_image(image, old_source):
    """Wait until the image shows something other than ``old_source``; return its source."""
    from playwright.sync_api import expect

    expect(image).to_have_attribute("src", re.compile(r"^(?!" + re.escape(old_source) + r"$).+"),
                                    timeout=ACTION_WAIT_MS)
    return _image_source(image)


def _status(panel):
    return panel.locator(".widget-html").last


def _open_panel(notebook_page, stem, button, greeting):
    """Run a notebook; return (page, panel, panel image) once its panel greets the learner."""
    page, _ = notebook_page(stem)
    panel = _panel(page, button)
    assert greeting in _status(panel).inner_text()
    return page, panel, panel.locator("img.widget-image")


def _refused(panel, label, value, button, name):
    """Type an invalid value, press the button, and see the refusal naming the value."""
    _type_into(panel, label, value)
    _button(panel, button).click()
    panel.get_by_text("Refused").wait_for(timeout=ACTION_WAIT_MS)
    assert name in _status(panel).inner_text().lower()


def _press_for_step(panel, button, phrase):
    """Press a button, wait for "<phrase> N" in the status line, and return N."""
    _button(panel, button).click()
    panel.get_by_text(phrase).wait_for(timeout=ACTION_WAIT_MS)
    return int(re.search(rf"{phrase} ([\d,]+)", _status(panel).inner_text())[1]
               .replace(",", ""))


def _screenshot(locator, name, min_bytes=10_000):
    """Save a screenshot of one element in outputs/browser/; a tiny file means a blank one."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path), animations="disabled")
    assert path.stat().st_size > min_bytes, f"{path} looks empty"
    return path


# --------------------------------------------------------------------------- tests


def test_the_operated_notebooks_have_widgets():
    """The list of operated notebooks is not stale (runs without Chromium)."""
    assert set(OPERATED_NOTEBOOKS) <= set(_widget_notebooks())


@pytest.mark.browser
def test_start_here_slider_redraws_the_digits(notebook_page):
    from playwright.sync_api import expect

    page, _ = notebook_page("00_start_here")
    interact = page.locator(".widget-interact").first
    readout = interact.locator(".widget-readout")
    assert readout.inner_text() == "3"
    image = interact.locator(".widget-output img")
    before = _image_source(image)
    assert before.startswith("data:image/png")

    # Drag the handle as a person would: press it, move along the track, release.
    handle, track = interact.locator(".noUi-handle"), interact.locator(".noUi-base")
    interact.scroll_into_view_if_needed()
    box, rail = handle.bounding_box(), track.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(rail["x"] + rail["width"] * 7 / 9, box["y"] + box["height"] / 2, steps=12)
    page.mouse.up()

    expect(readout).to_have_text("7", timeout=ACTION_WAIT_MS)
    _wait_for_new_image(image, before)
    assert _kernel_says(page, "print('slider value:', slider.value)") == ["slider value: 7\n"]
    _screenshot(interact, "00_start_here_slider.png")


@pytest.mark.browser
def test_playground_panel_refuses_steps_plays_and_pauses(notebook_page):
    page, panel, image = _open_panel(notebook_page, "03_gan_playground_2d", "Play",
                                     "press Play or Step")
    first = _image_source(image)
    assert first

    _refused(panel, "D learning rate", "0", "Step", "d_learning_rate")
    assert _image_source(image) == first  # nothing trained, nothing redrawn

    _type_into(panel, "D learning rate", "0.001")
    _button(panel, "Step").click()
    panel.get_by_text("Step 1.").wait_for(timeout=ACTION_WAIT_MS)
    stepped = _wait_for_new_image(image, first)

    _button(panel, "Play").click()
    panel.get_by_text("Playing").wait_for(timeout=ACTION_WAIT_MS)
    time.sleep(3)  # let it play a few chunks, as a person watching would
    paused_at = _press_for_step(panel, "Pause", "Paused at step")
    assert paused_at > 1
    _wait_for_new_image(image, stepped)
    assert _button(panel, "Play").is_enabled()

    said = _kernel_says(page, "print(panel.step_count, panel.running, panel.last_error)")
    assert said == [f"{paused_at} False None\n"]
    _screenshot(panel, "03_gan_playground_2d_panel.png")


@pytest.mark.browser
def test_dcgan_panel_refuses_starts_stops_and_resumes(notebook_page):
    page, panel, image = _open_panel(notebook_page, "04_dcgan", "Start", "press Start")
    progress = panel.locator(".widget-label", has_text=re.compile(r"^step "))

    _refused(panel, "D learning rate", "-1", "Start", "d_learning_rate")
    assert _kernel_says(page, "print(panel.gan)") == ["None\n"]

    _type_into(panel, "D learning rate", "0.0002")
    _type_into(panel, "steps", "3000")
    empty = _image_source(image)
    _button(panel, "Start").click()
    training = panel.get_by_text(re.compile(r"Training \w+ to step 3,000"))
    training.wait_for(timeout=ACTION_WAIT_MS)
    first = _wait_for_new_image(image, empty)  # the grid before the first step
    _wait_for_new_image(image, first)  # ... and after some steps: it changed
    stopped_at = _press_for_step(panel, "Stop", "Stopped at step")
    assert 0 < stopped_at < 3000
    assert _kernel_says(page, "print(panel.gan.steps_done, panel.running)") == \
        [f"{stopped_at} False\n"]

    stopped_image = _image_source(image)
    _button(panel, "Resume").click()
    training.wait_for(timeout=ACTION_WAIT_MS)
    _wait_for_new_image(image, stopped_image)
    page.wait_for_function(
        "([label, done]) => { const m = label.textContent.match(/^step ([\\d,]+)/);"
        " return m && Number(m[1].replace(/,/g, '')) > done + 50; }",
        arg=[progress.element_handle(), stopped_at], timeout=ACTION_WAIT_MS)
    resumed_to = _press_for_step(panel, "Stop", "Stopped at step")
    assert resumed_to > stopped_at
    said = _kernel_says(page, "print(panel.gan.steps_done, panel.last_error)")
    assert said == [f"{resumed_to} None\n"]
    _screenshot(panel, "04_dcgan_panel.png")


@pytest.mark.browser
@pytest.mark.parametrize("stem", OTHER_WIDGET_NOTEBOOKS)
def test_other_widget_notebook_renders_and_answers_its_controls(notebook_page, stem):
    """For a notebook without a test of its own: every widget renders, and every slider and
    drop-down can be moved without an error (in a cell, the kernel or the console)."""
    from playwright.sync_api import expect

    page, _ = notebook_page(stem)
    widgets = page.locator(".jp-OutputArea-output > .jupyter-widgets")
    assert widgets.count() > 0, f"{stem} shows no widget after running all cells"
    for text in ("Error displaying widget", "Loading widget"):
        assert page.get_by_text(text).count() == 0, f"{stem}: {text}"
    idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$"))
    for index in range(page.locator(".widget-dropdown select").count()):
        select = page.locator(".widget-dropdown select").nth(index)
        options = select.locator("option").all_inner_texts()
        if len(options) > 1 and select.is_enabled():
            select.scroll_into_view_if_needed()
            chosen = options[-1] if select.input_value() != options[-1] else options[0]
            select.select_option(label=chosen)
            idle.wait_for(timeout=ACTION_WAIT_MS)
    for index in range(page.locator(".widget-slider .noUi-handle").count()):
        slider = page.locator(".widget-slider").nth(index)
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(readout).not_to_have_text(before, timeout=ACTION_WAIT_MS)
        idle.wait_for(timeout=ACTION_WAIT_MS)
    page.wait_for_timeout(1000)  # let the last redraw arrive before the checks and the shots
    idle.wait_for(timeout=ACTION_WAIT_MS)
    for index in range(widgets.count()):
        _screenshot(widgets.nth(index), f"{stem}_widget_{index + 1}.png", min_bytes=1_000)


#: The notebooks whose site pages must show their drawn control panel: the site draws a
#: panel from the widget state that papermill keeps (nbval does not), so the site test runs
#: these two with the main job's runner.
PANEL_PAGES = ("03_gan_playground_2d", "04_dcgan")


@pytest.fixture(scope="module")
def quick_site(chromium_path, tmp_path_factory, quick_executions):
    """The course's site in the quick setting: (its output folder, the notebook stems).

    Each notebook is taken as the notebook tests executed it (they run before this test);
    those they did not run in this session, and ``PANEL_PAGES``, are run here by the main
    job's runner, so the course is not executed a second time to build its site.
    """
    out = tmp_path_factory.mktemp("site") / "outputs"
    (out / "notebooks").mkdir(parents=True)
    stems = []
    for path in available_notebooks(NOTEBOOK_DIR):
        recorded = quick_executions / path.name
        if path.stem in PANEL_PAGES or not recorded.exists():
            run = runner.run_notebook(path, out, {"QUICK": True, "ALLOW_DOWNLOAD": False})
            assert run.status == "ok", (run.notebook, run.error)
        else:
            shutil.copy(recorded, out / "notebooks" / path.name)
        stems.append(path.stem)
    render_site(out / "notebooks", out / "site")
    return out, stems


@pytest.mark.browser
def test_site_opens_and_links_every_notebook(quick_site, browser):
    """The main job's site, in the quick setting: every notebook has a page, figures load."""
    out, stems = quick_site
    page = browser.new_page()
    console = Console(page)
    page.goto((out / "site" / "index.html").as_uri())
    links = page.locator("#course-map a")
    titles = links.all_inner_texts()
    assert len(titles) == len(stems)
    for stem, title in zip(stems, titles, strict=True):
        assert title.startswith(stem[:2] + " · ")
    for index in range(len(titles)):
        page.goto((out / "site" / "index.html").as_uri())
        page.locator("#course-map a").nth(index).click()
        page.wait_for_load_state("load")
        assert page.locator("h1").first.inner_text().startswith(titles[index][:2])
        images = page.locator(".jp-OutputArea-output img")
        assert images.count() > 0, f"no figures on {page.url}"
        broken = page.evaluate("() => [...document.querySelectorAll('img')]"
                               ".filter(img => !img.complete || img.naturalWidth === 0)"
                               ".map(img => img.alt || img.src.slice(0, 40))")
        assert not broken, f"images that do not load on {page.url}: {broken}"
        if stems[index] in PANEL_PAGES:
            widget = page.locator(".site-widget").last
            assert widget.get_by_role("button").count() >= 3  # the panel's buttons
            _screenshot(widget, f"site_{stems[index]}_panel.png")
    page.close()
    assert not console.course_errors(), console.course_errors()


@pytest.mark.browser
def test_chinese_site_index_links_every_notebook(quick_site, browser):
    """The Chinese course map: in Chinese, one summary per notebook, links that open the
    notebook's page, and a link to the English map and back."""
    out, stems = quick_site
    index = (out / "site" / "index.zh-CN.html").as_uri()
    page = browser.new_page()
    console = Console(page)
    page.goto(index)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    links = page.locator("#course-map a.site-notebook")
    titles = links.all_inner_texts()
    assert [title[:2] for title in titles] == [stem[:2] for stem in stems]
    summaries = page.locator("#course-map td.site-summary").all_inner_texts()
    assert len(summaries) == len(stems) and all("关键结果" in text for text in summaries)
    for index_of_link, title in enumerate(titles):
        page.goto(index)
        page.locator("#course-map a.site-notebook").nth(index_of_link).click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/{stems[index_of_link]}.html")
        assert page.locator("h1").first.inner_text().startswith(title[:2])
        page.locator(".site-nav a", has_text="中文课程地图").first.click()
        page.wait_for_load_state("load")
        assert page.url == index
    page.locator("a[hreflang=en]").click()
    page.wait_for_load_state("load")
    assert page.url == (out / "site" / "index.html").as_uri()
    page.locator("a[hreflang=zh-CN]").click()
    page.wait_for_load_state("load")
    assert page.url == index
    page.close()
    assert not console.course_errors(), console.course_errors()
