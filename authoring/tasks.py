"""Background work of the authoring app."""

from celery import shared_task


@shared_task(name="authoring.rerender_statuses", ignore_result=True)
def rerender_statuses() -> None:
    """Store again the lesson, quiz and lab texts whose status wording today's date moved
    (a retirement date passing). Beat calls it every hour; each date is done once, so a
    worker that was down at midnight catches up at its next run."""
    from authoring.statuses import rerender_statuses as run

    run()
