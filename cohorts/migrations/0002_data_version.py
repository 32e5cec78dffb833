"""A counter PostgreSQL moves on every write to what a cohort count reads.

Statement-level triggers (one call per statement, whatever the number of rows: a COPY of a million
facts moves it once) on the participants, their consent answers, their samples and the health
record facts and concepts. ``cohorts.answers`` keeps each exact answer under the counter's value.
"""

from django.db import migrations

TABLES = ["biobank_participant", "biobank_consentresponse", "biobank_sample", "ehr_fact", "ehr_concept"]

FORWARD = ["CREATE SEQUENCE cohorts_data_version",
           """CREATE FUNCTION cohorts_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN PERFORM nextval('cohorts_data_version'); RETURN NULL; END $$"""] + [
    f"CREATE TRIGGER cohorts_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION cohorts_data_changed()" for table in TABLES]
BACKWARD = [f"DROP TRIGGER cohorts_data_changed ON {table}" for table in TABLES] + [
    "DROP FUNCTION cohorts_data_changed()", "DROP SEQUENCE cohorts_data_version"]


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0001_initial"),
        ("biobank", "0012_covering_cohort_indexes"),
        ("ehr", "0002_concept_search_no_pending_list"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
