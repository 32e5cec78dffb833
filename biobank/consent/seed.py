"""Synthetic consent answers for demo and scale data: research and re-contact as recorded on the
participant, the other statements yes for a share of participants (fixed by id, so reruns agree)."""

from __future__ import annotations

from django.db import connection

# Of 100 participants, how many said yes to each further statement (the rest no).
SHARE_YES = {"genetic": 80, "commercial": 40, "sharing_outside": 60, "future_research": 85}


def seed_answers(first_biobank_id: str, last_biobank_id: str) -> int:
    """Answers for the participants in the biobank id range that have none yet: one statement."""
    shares = " ".join(f"('{code}', {pct})," for code, pct in SHARE_YES.items()).rstrip(",")
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO biobank_consentresponse (participant_id, code, answer, answered_on, form_version,
                                                 withdrawn_on, updated_at)
            SELECT p.id, a.code, a.answer, p.consent_date, p.consent_version, NULL, now()
            FROM biobank_participant p
            CROSS JOIN LATERAL (
                SELECT 'research', CASE WHEN p.consent_research THEN 'yes' ELSE 'no' END
                UNION ALL SELECT 'recontact', CASE WHEN p.consent_recontact THEN 'yes' ELSE 'no' END
                UNION ALL SELECT s.code, CASE WHEN (p.id * 37 + length(s.code)) %% 100 < s.pct THEN 'yes' ELSE 'no' END
                FROM (VALUES {shares}) s(code, pct)
            ) a(code, answer)
            WHERE p.biobank_id BETWEEN %s AND %s
            ON CONFLICT (participant_id, code) DO NOTHING""", [first_biobank_id, last_biobank_id])  # nosec B608
        return cursor.rowcount
