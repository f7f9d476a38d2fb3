"""The window's worker: results come back on the GUI thread, and none after shutdown."""

from __future__ import annotations

from partsdesk.ui import tasks


def test_a_result_that_arrives_after_shutdown_is_not_handed_to_the_window(qtbot, qapp):
    runner = tasks.TaskRunner()
    delivered: list[object] = []
    with qtbot.waitSignal(runner.task_finished, timeout=5000):
        runner.submit(lambda: 41 + 1, name="answer", on_done=delivered.append)
    assert delivered == [42]
    finished: list[str] = []
    runner.task_finished.connect(finished.append)
    runner.submit(lambda: "late", name="late", on_done=delivered.append)
    runner.shutdown()  # the work ran; its result is still on its way to the GUI thread
    qtbot.waitUntil(lambda: finished == ["late"], timeout=5000)
    assert delivered == [42]  # not handed over: its handler could only ask the stopped worker for more
