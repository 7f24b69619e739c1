"""Posting channel check-ins and retrospectives when their local time comes.

`run_checkin` / `run_retro` are what each schedule's cron job calls (picklable ids only);
`post_due_checkins` / `post_due_retros` are the sweeps (start-up, every minute, the offline
console). Both do the same thing for a schedule: read it from the database now, find its latest
slot at or before now, and queue it in the ledger (app.domain.post_queue) unless it is there.
Slots older than GRACE are not posted, so a bot that was down for days posts once, for the
latest slot, not once per miss.

Who posts what is queued: in a serving process, the post workers of every process
(app.jobs.post_workers), so the elected scheduler only enqueues and the posting spreads over
all workers; elsewhere (the console, tests, a process without workers) the caller itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from app import jobs
from app.blocks.schedules import build_checkin, build_retro, checkin_text
from app.domain import (
    alignment,
    channel_schedules,
    checkins,
    ledger,
    metrics,
    outcomes,
    post_queue,
    retros,
    rotation_service,
)
from app.domain.channel_schedules import CHECKIN, RETRO, UNINSTALLED
from app.domain.post_queue import Queued, Taken
from app.domain.schedules import Recurrence, latest_occurrence
from app.installs import NotInstalled
from app.jobs.front_door import unschedule_channel_job
from app.posting.charts import post_charts
from app.posting.scheduled import ChannelGone, Message, deliver_taken

log = logging.getLogger(__name__)

GRACE = timedelta(hours=2)
SWEEP_THREADS = 8
RETRO_CHARTS = "retro_charts"
QUEUE_KINDS = (CHECKIN, RETRO)


def run_checkin(team_id: str, channel_id: str) -> int:
    return _post_latest(jobs.installed(), CHECKIN, team_id, channel_id)


def run_retro(team_id: str, channel_id: str) -> int:
    return _post_latest(jobs.installed(), RETRO, team_id, channel_id)


def post_due_checkins() -> int:
    return _sweep(CHECKIN)


def post_due_retros() -> int:
    return _sweep(RETRO)


def _sweep(kind: str) -> int:
    context = jobs.installed()
    now = context.clock.now()
    with context.sessions() as session:
        due = []
        for schedule in channel_schedules.active(session, kind):
            slot = _due_slot(channel_schedules.recurrence(schedule), now, schedule.updated_at)
            if slot is not None:
                due.append(_queued(kind, schedule.team_id, schedule.channel_id, slot))
    return _enqueue_and_post(context, kind, due)


def _due_slot(rec: Recurrence, now: datetime, since: datetime) -> datetime | None:
    """The slot to post now: the latest one, if it is recent and came after the schedule was
    set (a check-in set at 10:00 for 09:30 starts tomorrow, not with a late post today)."""
    slot = latest_occurrence(rec, now)
    return slot if slot is not None and now - slot <= GRACE and slot >= since else None


def _post_latest(context: jobs.JobContext, kind: str, team_id: str, channel_id: str) -> int:
    now = context.clock.now()
    with context.sessions() as session:
        schedule = channel_schedules.find(session, team_id, channel_id, kind)
        if schedule is None or schedule.disabled_reason:
            return 0  # removed or disabled since the job was made: nothing to do
        slot = _due_slot(channel_schedules.recurrence(schedule), now, schedule.updated_at)
    if slot is None:
        return 0
    return _enqueue_and_post(context, kind, [_queued(kind, team_id, channel_id, slot)])


def _queued(kind: str, team_id: str, channel_id: str, slot: datetime) -> Queued:
    return Queued(team_id, kind, channel_id, slot.isoformat(), channel_id)


def _enqueue_and_post(context: jobs.JobContext, kind: str, due: list[Queued]) -> int:
    """Queue the due posts; with post workers running (app.jobs.post_workers, every serving
    process) they take them from there, otherwise this process posts them now. Returns how
    many this call posted."""
    if due:
        with context.sessions.begin() as session:
            post_queue.enqueue(session, due, context.clock.now())
    if context.post_workers:
        return 0
    return drain(context, (kind,))


def drain(context: jobs.JobContext, kinds: tuple[str, ...] = QUEUE_KINDS) -> int:
    """Post everything queued that is due, here, on SWEEP_THREADS threads (a thousand channels
    due at 09:30 are a thousand posts at once; each is taken from the queue by one thread
    only). Returns how many were posted."""
    with context.sessions() as session:
        waiting = post_queue.waiting(session, kinds)
    if waiting <= 1:  # the usual sweep: nothing or one post, no threads to start
        return work(context, kinds) if waiting else 0
    threads = min(waiting, SWEEP_THREADS)
    with ThreadPoolExecutor(threads, thread_name_prefix="drain") as pool:
        return sum(pool.map(lambda _: work(context, kinds), range(threads)))


def work(
    context: jobs.JobContext,
    kinds: tuple[str, ...] = QUEUE_KINDS,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Take and post queued posts until none is due (or `stop()`); how many were posted."""
    posted = 0
    while not stop():
        with context.sessions.begin() as session:
            taken = post_queue.take(session, kinds, context.clock.now())
        if taken is None:
            return posted
        posted += post_taken(context, taken)
    return posted


def post_taken(context: jobs.JobContext, taken: Taken) -> int:
    """Post one taken check-in or retrospective (1 if this call posted it). One that is gone
    stale (its schedule removed or disabled, or more than GRACE late) is skipped."""
    now = context.clock.now()
    kind, team_id, channel_id = taken.kind, taken.team_id, taken.subject
    slot = datetime.fromisoformat(taken.occurrence)
    with context.sessions() as session:
        schedule = channel_schedules.find(session, team_id, channel_id, kind)
        stale = schedule is None or bool(schedule.disabled_reason) or now - slot > GRACE
        rec = None if stale else channel_schedules.recurrence(schedule)
        # Rendered in the same session that found the schedule: one read per post.
        if rec is not None:
            render = (
                _checkin(team_id, channel_id, now)
                if kind == CHECKIN
                else _retro(team_id, channel_id, rec, slot, context.outcome_review_days)
            )
            message = render(session, taken.post_id)
    if rec is None:
        with context.sessions.begin() as session:
            ledger.finish(session, taken.post_id, now=now, status=ledger.SKIPPED)
        log.info("skipped the %s of %s at %s: no longer due", kind, channel_id, taken.occurrence)
        return 0
    try:
        posted = deliver_taken(
            context.client_for(team_id),
            context.sessions,
            context.clock,
            taken,
            message,
            context.pace(team_id),
        )
    except (ChannelGone, NotInstalled) as stop:
        # The channel is gone, or the team uninstalled the app without our hearing of it.
        reason = stop.error if isinstance(stop, ChannelGone) else UNINSTALLED
        with context.sessions.begin() as session:
            ledger.finish(session, taken.post_id, now=now, status=ledger.SKIPPED)
            channel_schedules.disable(session, team_id, channel_id, kind, reason, now)
        unschedule_channel_job(context.scheduler, kind, team_id, channel_id)
        log.warning("disabled the %s of %s in team %s: %s", kind, channel_id, team_id, reason)
        return 0
    if posted and kind == RETRO:
        attach_retro_charts(context, team_id, channel_id, taken.occurrence, slot - rec_span(rec))
    return int(posted)


def rec_span(rec: Recurrence) -> timedelta:
    return timedelta(weeks=rec.every_weeks)


def attach_retro_charts(
    context: jobs.JobContext, team_id: str, channel_id: str, occurrence: str, since: datetime
) -> bool:
    """Charts of the period in the retrospective's thread, uploaded once (the ledger keeps the
    key). A failed upload is logged; the retrospective itself stands without its charts."""
    now = context.clock.now()
    with context.sessions.begin() as session:
        retro = ledger.find(session, team_id, RETRO, channel_id, occurrence)
        if retro is None or retro.message_ts is None:
            return False
        charts_id = ledger.claim(
            session,
            team_id=team_id,
            kind=RETRO_CHARTS,
            subject=str(retro.id),
            occurrence=ledger.ONCE,
            now=now,
            channel_id=channel_id,
        )
        thread_ts = retro.message_ts
    if charts_id is None:
        return False
    scope = metrics.Scope(team_id, channel_id, since)
    try:
        post_charts(
            context.client_for(team_id),
            context.sessions,
            scope,
            channel_id=channel_id,
            where="this channel",
            comment="How this period's decisions went, in charts.",
            thread_ts=thread_ts,
        )
    except SlackApiError as exc:
        with context.sessions.begin() as session:
            ledger.finish(session, charts_id, now=now, status=ledger.SKIPPED)
        log.warning("retro charts not posted in %s: %s", channel_id, exc.response.get("error"))
        return False
    with context.sessions.begin() as session:
        ledger.finish(session, charts_id, now=now, ts=thread_ts, channel_id=channel_id)
    return True


def _checkin(team_id: str, channel_id: str, now: datetime):
    def render(session: Session, _post_id: int) -> Message:
        found = checkins.open_decisions(session, team_id, channel_id)
        lead = rotation_service.channel_lead(session, team_id, channel_id, now)
        return Message(channel_id, checkin_text(len(found)), build_checkin(found, now, lead))

    return render


def _retro(team_id: str, channel_id: str, rec, slot: datetime, review_days: int):
    def render(session: Session, post_id: int) -> Message:
        previous = ledger.last_sent(session, team_id, RETRO, channel_id, slot.isoformat())
        if previous is not None:
            since = datetime.fromisoformat(previous.occurrence)
        else:
            since = slot - timedelta(weeks=rec.every_weeks)
        decided = retros.decided_between(session, team_id, channel_id, since, slot)
        found = alignment.alignment(session, metrics.Scope(team_id, channel_id, since))
        text = f"Retrospective: {len(decided)} decisions since the last one"
        reviews = outcomes.review_schedule(session, decided, review_days)
        blocks = build_retro(decided, since, post_id, found, reviews=reviews)
        return Message(channel_id, text, blocks)

    return render
