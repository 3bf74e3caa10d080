"""Ask a worker to re-run the golden evaluation, by task name: the caller (a publish in
authoring) needs no import of the worker's code, and a broker that is down costs the publish
nothing (the beat schedule runs the same check every quarter hour)."""

import logging

logger = logging.getLogger(__name__)


def request_lab_evaluation() -> None:
    from config.celery import app

    try:
        # By name from the app's registry: `delay` honours eager mode in tests, like any task.
        app.tasks["labs.evaluate"].delay()
    except Exception:  # a missed request is caught up by the schedule
        logger.warning(
            "could not queue the lab evaluation; the schedule will run it", exc_info=True
        )
