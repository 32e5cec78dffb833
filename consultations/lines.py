"""Writes of service lines: each line is triaged, assigned and worked on its own; the request follows.

``change_line_status`` is the one place a line changes status (table ``LINE_MOVES``): it locks
the request, checks the move and who makes it, writes the history row, then brings the request's
own status to the one its lines give (``derived_status``) through the request's status function,
step by allowed step, so the request keeps its own history and emails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from django.db import transaction

from common.workflow import InvalidTransition

from . import selectors, services
from .models import LINE_MOVES, MOVES, ConsultationRequest, LineItem, Status, StatusChange

_PROGRESS = (Status.ASSIGNED, Status.TRIAGED, Status.SUBMITTED)


def derived_status(statuses: Iterable[str]) -> str:
    """The request's status given its lines' statuses.

    All lines closed: completed if one was completed, withdrawn if all were, declined otherwise.
    Some open: in progress once a line is being worked on or done; else the furthest open stage
    (assigned, triaged, submitted); on hold when every open line is on hold.
    """
    statuses = list(statuses)
    open_ = [s for s in statuses if s not in LINE_MOVES.closed]
    if not open_:
        if Status.COMPLETED in statuses:
            return Status.COMPLETED
        return Status.WITHDRAWN if all(s == Status.WITHDRAWN for s in statuses) else Status.DECLINED
    if Status.IN_PROGRESS in open_ or Status.COMPLETED in statuses:
        return Status.IN_PROGRESS
    for stage in _PROGRESS:
        if stage in open_:
            return stage
    return Status.ON_HOLD


def _path(start: str, goal: str) -> list[str]:
    """The shortest way from ``start`` to ``goal`` through the request's allowed moves ([] if none)."""
    queue, came_from = deque([start]), {start: None}
    while queue:
        here = queue.popleft()
        if here == goal:
            steps = []
            while here != start:
                steps.append(here)
                here = came_from[here]
            return steps[::-1]
        for there in MOVES[here]:
            if there not in came_from:
                came_from[there] = here
                queue.append(there)
    return []


def _follow(consultation: ConsultationRequest, lines: list[LineItem], *, by, note: str) -> None:
    """Move the request to the status its lines give, if its own table leads there (it never moves back)."""
    goal = derived_status(line.status for line in lines)
    steps = _path(consultation.status, goal) if goal != consultation.status else []
    worker = next((line.assignee for line in lines if line.assignee_id and line.status in
                   (Status.IN_PROGRESS, Status.ASSIGNED, Status.COMPLETED)), None)
    for number, step in enumerate(steps, start=1):
        services.change_status(consultation, step, by=by, note=note, assignee=worker,
                               notify=number == len(steps), follow_lines=False)


def _check_mover(line: LineItem, consultation: ConsultationRequest, to_status: str, by) -> None:
    if to_status == Status.WITHDRAWN:
        if by.pk != consultation.requester_id:
            raise InvalidTransition(f"{line}: only the researcher who made the request can withdraw a service; "
                                    "decline it instead.")
    elif not selectors.may_work_on(by, line.center_id):
        raise InvalidTransition(f"{line}: only staff of {line.center} can move this service.")


@transaction.atomic
def change_line_status(line: LineItem, to_status: str, *, by, note: str = "", assignee=None) -> LineItem:
    """Move one line; write its history; the request follows its lines. Raises ``InvalidTransition``."""
    consultation = ConsultationRequest.objects.select_for_update().get(pk=line.request_id)
    lines = list(consultation.lines.select_related("service", "center", "assignee").order_by("position"))
    current = next(item for item in lines if item.pk == line.pk)
    note = (note or "").strip()
    LINE_MOVES.check(current.status, to_status, refusal=lambda: (
        f"{current} is {LINE_MOVES.label(current.status)} and cannot become {LINE_MOVES.label(to_status)}. "
        f"It can become: {', '.join(LINE_MOVES.label(s) for s in LINE_MOVES.allowed(current.status)) or 'nothing'}."))
    _check_mover(current, consultation, to_status, by)
    if to_status == Status.ASSIGNED:
        if assignee is None:
            raise InvalidTransition(f"{current}: choose the consultant.")
        if not selectors.is_center_staff(assignee, current.center_id):
            raise InvalidTransition(f"{current}: {assignee} is not on the staff of {current.center}.")
        current.assignee = assignee
    if to_status == Status.IN_PROGRESS and current.assignee_id is None:
        raise InvalidTransition(f"{current}: assign a consultant before starting work.")
    if to_status == Status.DECLINED and not note:
        raise InvalidTransition(f"{current}: give the researcher a reason for declining.")
    from_status, current.status = current.status, to_status
    current.save(update_fields=["status", "assignee", "updated_at"])
    StatusChange.objects.create(request=consultation, line=current, from_status=from_status, to_status=to_status,
                                changed_by=by, note=" ".join(filter(None, [f"{current.service.name}:", note])))
    _follow(consultation, lines, by=by, note=f"Follows its services ({current.service.name} "
                                             f"{LINE_MOVES.label(to_status)}).")
    line.status, line.assignee_id = current.status, current.assignee_id
    return current
