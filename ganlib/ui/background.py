"""What every panel shares: one background training thread with a stop event, and a status line."""

from __future__ import annotations

import html
import threading

__all__ = ["BackgroundTask", "Panel", "status_html"]


def status_html(message, error=False) -> str:
    """A panel's status line as HTML: the message escaped, red for errors, green otherwise."""
    colour = "#b00020" if error else "#1b5e20"
    return f'<span style="color:{colour}">{html.escape(message)}</span>'


class BackgroundTask:
    """One background thread at a time, with an event that asks it to stop.

    Panels run training here so that the notebook stays responsive and a Stop or Pause
    button is heard between steps.
    """

    def __init__(self, name="gan-training"):
        self.name = name
        self.stop_event = threading.Event()
        self._thread = None

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, work):
        """Clear the stop event and run ``work()`` in a new daemon thread."""
        if self.running:
            raise RuntimeError("a background task is already running")
        self.stop_event.clear()
        self._thread = threading.Thread(target=work, name=self.name, daemon=True)
        self._thread.start()

    def stop(self):
        """Ask the thread to stop (it checks ``stop_event`` between steps)."""
        self.stop_event.set()

    def wait(self, timeout=None):
        """Block until the thread has finished (for scripts and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)


class Panel:
    """What every panel shares: the widget a notebook shows, its status line, and the
    background task that trains. A panel sets ``widget``, ``status`` (an HTML widget) and
    ``_task`` (a ``BackgroundTask``) in its ``__init__``."""

    widget = None
    status = None
    _task = None

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def _say(self, message, error=False):
        self.status.value = status_html(message, error)

    @property
    def running(self) -> bool:
        """True while the panel's training thread is alive."""
        return self._task.running

    def wait(self, timeout=None):
        """Block until the training thread has finished (for scripts and tests)."""
        self._task.wait(timeout)
