"""Long work leaves the UI thread (issue 13 #4): exporting the training CSV of a long network
experiment runs it on a worker with progress, and the file equals the one written at once."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.jobs import Job
from ui.main_window import MainWindow


@pytest.fixture
def win(qtbot, isolated_app_state, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: messages.append(a[1:3]))
    w = MainWindow()
    w.messages = messages
    qtbot.addWidget(w)
    return w


def test_job_reports_errors_and_ignores_stale_results(qtbot):
    job = Job()
    out = []

    def fail(_report):
        raise OSError(28, "No space left on device")

    assert job.start(fail, lambda r, e: out.append((r, e)))
    assert not job.start(lambda _r: 1, lambda r, e: out.append((r, e)))  # one at a time
    qtbot.waitUntil(lambda: not job.busy, timeout=60_000)
    assert out == [(None, "No space left on device")]
    assert job.start(lambda report: (report(0.5), 7)[1], lambda r, e: out.append((r, e)))
    qtbot.waitUntil(lambda: not job.busy, timeout=60_000)
    assert out[-1] == (7, "")


def test_long_network_csv_export_runs_off_the_ui_thread(win, qtbot, tmp_path, monkeypatch):
    if not win.has_network():
        pytest.skip("no Network tab in this build")
    mode = win.network
    c = mode.controller
    assert c.update(samples=60, hidden=(4,), epochs=400)
    c._sec_per_step = 1e-3  # as measured while training: 400 epochs are well over a frame
    out, ref = tmp_path / "net.csv", tmp_path / "ref.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    mode.export_csv_dialog()
    assert mode.csv_job.busy and not out.exists()
    qtbot.waitUntil(lambda: not mode.csv_job.busy, timeout=120_000)
    assert mode.export_csv(ref)
    assert out.read_bytes() == ref.read_bytes() and c.sim.t == 0
