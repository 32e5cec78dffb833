"""Today's two consent fields become answers to the research and re-contact statements.

Each participant gets a yes or no to both, dated and versioned as their consent was; the other
statements were not on the forms they signed, so they were not asked (no row: "not asked" is
how a missing answer reads). The statements of the form versions in use are recorded with
their code, for staff to complete their wording. One statement each, in SQL.
"""

from django.db import migrations

WORDING = {
    "research": "My samples and data may be used for medical research.",
    "recontact": "The biobank may contact me about new studies.",
}


def forward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for code, field in (("research", "consent_research"), ("recontact", "consent_recontact")):
            cursor.execute("""
                INSERT INTO biobank_consentstatement (code, version, text, introduced_on)
                SELECT DISTINCT %s, coalesce(nullif(consent_version, ''), 'v1'), %s, NULL::date
                FROM biobank_participant ON CONFLICT DO NOTHING""", [code, WORDING[code]])
            cursor.execute(f"""
                INSERT INTO biobank_consentresponse (participant_id, code, answer, answered_on, form_version,
                                                     withdrawn_on, updated_at)
                SELECT id, %s, CASE WHEN {field} THEN 'yes' ELSE 'no' END, consent_date, consent_version,
                       NULL, now()
                FROM biobank_participant ON CONFLICT DO NOTHING""", [code])  # nosec B608: constant field names


def backward(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM biobank_consentresponse")
        cursor.execute("DELETE FROM biobank_consentstatement")


class Migration(migrations.Migration):
    dependencies = [("biobank", "0009_consent_tiers")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
