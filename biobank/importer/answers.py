"""The consent answers a participant file carries beyond research and re-contact.

Columns ``consent_genetic``, ``consent_commercial``, ``consent_sharing_outside`` and
``consent_future_research``: yes, no, or empty (or "not asked") when that form version did not
ask. Written with the participants, in the same transaction, with their history."""

from __future__ import annotations

from ..models import ConsentUse
from .cells import FALSE_WORDS, TRUE_WORDS, RowProblem

ANSWER_CODES = (ConsentUse.GENETIC, ConsentUse.COMMERCIAL, ConsentUse.SHARING, ConsentUse.FUTURE)
ANSWER_COLUMNS = tuple(f"consent_{code}" for code in ANSWER_CODES)
STAGING_COLUMNS = ", ".join(f"{column} text" for column in ANSWER_COLUMNS)
NOT_ASKED_WORDS = {"", "not asked", "not_asked", "n/a", "na"}


def read_answers(row: dict) -> tuple:
    answers = []
    for column in ANSWER_COLUMNS:
        value = (row.get(column) or "").strip().lower()
        if value in TRUE_WORDS:
            answers.append("yes")
        elif value in FALSE_WORDS:
            answers.append("no")
        elif value in NOT_ASKED_WORDS:
            answers.append(None)
        else:
            raise RowProblem(column, f"{column} must be yes, no, or empty when the form did not ask.")
    return tuple(answers)


def answers_sql(staging: str) -> str:
    """Every staged participant's answers (research and re-contact from their columns) and history rows."""
    given = ", ".join(f"('{code}', s.consent_{code})" for code in ANSWER_CODES)
    return f"""WITH written AS (
            INSERT INTO biobank_consentresponse (participant_id, code, answer, answered_on, form_version,
                                                 withdrawn_on, updated_at)
            SELECT p.id, a.code, a.answer, s.consent_date, coalesce(s.consent_version, ''), NULL, now()
            FROM {staging} s JOIN biobank_participant p ON p.biobank_id = s.biobank_id
            CROSS JOIN LATERAL (VALUES
                ('research', CASE WHEN s.consent_research THEN 'yes' ELSE 'no' END),
                ('recontact', CASE WHEN s.consent_recontact THEN 'yes' ELSE 'no' END), {given}) a(code, answer)
            WHERE a.answer IS NOT NULL
            RETURNING id, participant_id, code, answer, answered_on, form_version, withdrawn_on, updated_at)
        INSERT INTO biobank_historicalconsentresponse (id, participant_id, code, answer, answered_on, form_version,
            withdrawn_on, updated_at, history_date, history_type, history_user_id, history_change_reason)
        SELECT *, now(), '+', %s, %s FROM written"""  # nosec B608: table and column names are constants
