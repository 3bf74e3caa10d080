"""Recorded runs of the golden evaluation: what the staff page shows, and when to run again.

A run is stale when what it measured has changed: the lab's system prompt, the published price
table, the golden cases, the concept base, or (for Claude) the lab model. `evaluate_stale_labs`
re-runs exactly the stale ones; the worker calls it after a publish and on a schedule.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings

from labs.evals import LabScore, engine_ask, load_cases, run_case, score
from labs.models import EvalRun, Lab


def _shared_digest() -> str:
    """What every lab's run depends on alike: the published prices, the cases, the concepts."""
    from authoring.pricing import current_price_table

    digest = hashlib.sha256()
    digest.update(json.dumps(current_price_table().to_data(), sort_keys=True, default=str).encode())
    content = settings.CONTENT_DIR
    for path in sorted(content.glob("modules/*/labs/evals/*.yaml")) + sorted(
        content.glob("modules/*/concepts/*.yaml")
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(lab: Lab, engine: str, shared: str | None = None) -> str:
    digest = hashlib.sha256()
    for part in (
        engine,
        settings.LAB_MODEL if engine == EvalRun.Engine.CLAUDE else "",
        lab.system_prompt,
        shared or _shared_digest(),
    ):
        digest.update(part.encode())
    return digest.hexdigest()


def record_run(engine: str, labs: dict[str, LabScore]) -> list[EvalRun]:
    rows = []
    by_slug = {lab.slug: lab for lab in Lab.objects.filter(slug__in=labs)}
    for slug, lab_score in labs.items():
        lab = by_slug.get(slug)
        counts = lab_score.as_dict()
        rows.append(
            EvalRun.objects.create(
                lab=slug,
                engine=engine,
                model=settings.LAB_MODEL if engine == EvalRun.Engine.CLAUDE else "",
                fingerprint=fingerprint(lab, engine) if lab else "",
                total=counts["total"],
                right=counts["right"],
                asked=counts["asked"],
                wrong=counts["wrong"],
                confidently_wrong=counts["confidently_wrong"],
                results=[
                    {k: v for k, v in r.as_dict().items() if k != "reply"}
                    | {"reply": r.reply[:2000]}
                    for r in lab_score.results
                ],
            )
        )
    return rows


def latest_runs() -> list[dict[str, Any]]:
    """The newest run per lab and engine, with whether it is stale (one query per engine)."""
    labs = list(Lab.objects.order_by("lesson__order"))
    shared = _shared_digest()
    rows = []
    for engine in EvalRun.Engine.values:
        latest: dict[str, EvalRun] = {}
        for run in EvalRun.objects.filter(engine=engine).order_by("lab", "-created_at"):
            latest.setdefault(run.lab, run)
        for lab in labs:
            run = latest.get(lab.slug)
            if run is None and engine == EvalRun.Engine.CLAUDE:
                continue
            rows.append(
                {
                    "lab": lab,
                    "engine": engine,
                    "run": run,
                    "stale": run is None or run.fingerprint != fingerprint(lab, engine, shared),
                    "failures": [
                        r for r in (run.results if run else []) if r["verdict"] != "right"
                    ],
                }
            )
    return rows


def claude_evaluations_enabled() -> bool:
    return bool(settings.ANTHROPIC_API_KEY) and settings.LAB_EVAL_CLAUDE


def evaluate_stale_labs(*, force: bool = False) -> list[EvalRun]:
    """Run the golden cases of every lab whose latest run is stale, offline and (when enabled)
    with Claude. Returns the new runs."""
    engines = [EvalRun.Engine.OFFLINE]
    if claude_evaluations_enabled():
        engines.append(EvalRun.Engine.CLAUDE)
    new_runs: list[EvalRun] = []
    shared = _shared_digest()
    for engine in engines:
        ask = engine_ask(offline=engine == EvalRun.Engine.OFFLINE)
        for lab in Lab.objects.all():
            last = EvalRun.objects.filter(lab=lab.slug, engine=engine).first()
            if (
                not force
                and last is not None
                and last.fingerprint == fingerprint(lab, engine, shared)
            ):
                continue
            cases = load_cases(settings.CONTENT_DIR, lab.slug)
            if not cases:
                continue
            results = [run_case(case, ask) for case in cases]
            new_runs += record_run(engine, score(results))
    return new_runs
