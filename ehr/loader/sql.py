"""The loader's SQL. Table and column names are constants; values travel as COPY data or parameters."""

STAGE_PATIENT = "ehr_stage_patient"
STAGE_FACT = "ehr_stage_fact"
STAGE_CONCEPT = "ehr_stage_concept"
PATIENT_COLUMNS = "file_no, line, patient_id, mrn_hash"
CONCEPT_COLUMNS = "no, domain, system, code, display"
FACT_COLUMNS = "file_no, line, first, resource_type, resource_id, patient_id, concept_no, start_date, end_date, value, unit"

# "first" marks the first fact of a resource, so that resources (not facts) are counted. A fact's
# concept is a number of the extract's own (concept_no), its text staged once in STAGE_CONCEPT.
# Dropped first: inside an outer transaction (tests, a caller's atomic block) ON COMMIT has not come yet.
CREATE_STAGING = f"""
    DROP TABLE IF EXISTS {STAGE_PATIENT}, {STAGE_FACT}, {STAGE_CONCEPT}, ehr_stage_match, ehr_stage_people,
        ehr_stage_concept_id, ehr_touched;
    CREATE TEMP TABLE {STAGE_PATIENT} (file_no int, line int, patient_id text, mrn_hash text) ON COMMIT DROP;
    CREATE TEMP TABLE {STAGE_CONCEPT} (no int, domain text, system text, code text, display text) ON COMMIT DROP;
    CREATE TEMP TABLE {STAGE_FACT} (file_no int, line int, first boolean, resource_type text, resource_id text,
        patient_id text, concept_no int, start_date date, end_date date, value float8, unit text) ON COMMIT DROP;
    -- the sorts and hashes of a load are of the extract's size: in memory, not on disk
    SET LOCAL work_mem = '64MB';
"""
INDEX_STAGING = f"""
    CREATE INDEX ON {STAGE_PATIENT} (patient_id);
    ANALYZE {STAGE_PATIENT};
"""
_NO_PATIENT = f"NOT EXISTS (SELECT 1 FROM {STAGE_PATIENT} p WHERE p.patient_id = f.patient_id)"  # nosec B608: module constants

# Resources naming a patient the extract does not hold: the first ones, how many, and their files.
MISSING_PATIENTS = f"""
    WITH missing AS MATERIALIZED (
        SELECT f.file_no, f.line, f.resource_type, f.resource_id, f.patient_id FROM {STAGE_FACT} f
        WHERE f.first AND {_NO_PATIENT})
    SELECT *, (SELECT count(*) FROM missing), (SELECT array_agg(DISTINCT file_no) FROM missing)
    FROM missing ORDER BY file_no, line LIMIT %s"""  # nosec B608
# Resources whose patient is not (or no longer) staged: dropped, counted per type.
DROP_ORPHANS = f"""
    WITH gone AS (DELETE FROM {STAGE_FACT} f WHERE {_NO_PATIENT} RETURNING resource_type, first)
    SELECT resource_type, count(*) FILTER (WHERE first) FROM gone GROUP BY 1"""  # nosec B608
REJECT_FILES = f"""
    WITH patients AS (DELETE FROM {STAGE_PATIENT} WHERE file_no = ANY(%s) RETURNING 'Patient'::text, true),
         facts AS (DELETE FROM {STAGE_FACT} WHERE file_no = ANY(%s) RETURNING resource_type, first)
    SELECT kind, count(*) FILTER (WHERE first) FROM (
        SELECT * FROM patients UNION ALL SELECT * FROM facts) AS gone (kind, first) GROUP BY 1"""  # nosec B608

# Each staged patient's outcome: loaded, or why not. Withdrawn participants' records are not kept.
MATCH_PATIENTS = f"""
    CREATE TEMP TABLE ehr_stage_match ON COMMIT DROP AS
    SELECT DISTINCT ON (s.patient_id) s.patient_id, b.id AS participant_id,
        CASE WHEN b.id IS NULL THEN 'outside'
             WHEN b.withdrawn_on IS NOT NULL OR NOT b.consent_research THEN 'withdrawn'
             WHEN r.extracted_at > %s THEN 'older'
             ELSE 'loaded' END AS outcome
    FROM {STAGE_PATIENT} s
    LEFT JOIN biobank_participant b ON b.mrn_hash = s.mrn_hash
    LEFT JOIN ehr_loadedrecord r ON r.participant_id = b.id
    ORDER BY s.patient_id, b.id NULLS LAST;
    CREATE INDEX ON ehr_stage_match (patient_id);
    ANALYZE ehr_stage_match;"""  # nosec B608
OUTCOME_REASONS = {"outside": "not biobank participants", "withdrawn": "withdrawn from the biobank",
                   "older": "a newer extract is already loaded"}
PATIENT_OUTCOMES = "SELECT outcome, count(*) FROM ehr_stage_match GROUP BY 1"
FACT_OUTCOMES = f"""
    SELECT f.resource_type, m.outcome, count(*) FILTER (WHERE f.first)
    FROM {STAGE_FACT} f JOIN ehr_stage_match m USING (patient_id) GROUP BY 1, 2"""  # nosec B608

_LOADED = f"{STAGE_FACT} f JOIN ehr_stage_match m USING (patient_id) WHERE m.outcome = 'loaded'"  # nosec B608
WRITE = (
    f"""INSERT INTO ehr_concept (domain, system, code, display, participant_count, fact_count)
        SELECT min(s.domain), s.system, s.code, max(s.display), 0, 0 FROM {STAGE_CONCEPT} s
        WHERE s.no IN (SELECT DISTINCT f.concept_no FROM {_LOADED})
        GROUP BY s.system, s.code
        ON CONFLICT (system, code) DO NOTHING""",  # nosec B608
    f"""CREATE TEMP TABLE ehr_stage_concept_id ON COMMIT DROP AS
        SELECT s.no, c.id FROM {STAGE_CONCEPT} s JOIN ehr_concept c ON c.system = s.system AND c.code = s.code""",  # nosec B608
    """CREATE TEMP TABLE ehr_stage_people ON COMMIT DROP AS
        SELECT DISTINCT participant_id FROM ehr_stage_match WHERE outcome = 'loaded'""",
    # A newer extract replaces what it holds for each of its participants (and reloading adds nothing).
    # The concept counts move by what left and what came, so a load costs the size of its extract only.
    """CREATE TEMP TABLE ehr_touched ON COMMIT DROP AS
        WITH gone AS (DELETE FROM ehr_fact f USING ehr_stage_people p WHERE f.participant_id = p.participant_id
                      RETURNING f.concept_id, f.participant_id)
        SELECT concept_id, -count(*) AS people, -sum(facts) AS facts
        FROM (SELECT concept_id, participant_id, count(*) AS facts FROM gone GROUP BY 1, 2) g GROUP BY concept_id""",
    # The facts come, the concept counts and each participant's record note follow from what came.
    f"""WITH came AS (
            INSERT INTO ehr_fact (participant_id, concept_id, start_date, end_date, value, unit, source_id)
            SELECT m.participant_id, c.id, f.start_date, f.end_date, f.value, coalesce(f.unit, ''),
                f.resource_type || '/' || f.resource_id
            FROM {_LOADED.replace(" WHERE", " JOIN ehr_stage_concept_id c ON c.no = f.concept_no WHERE")}
            RETURNING concept_id, participant_id),
        pairs AS (SELECT concept_id, participant_id, count(*) AS facts FROM came GROUP BY 1, 2),
        touched AS (INSERT INTO ehr_touched SELECT concept_id, count(*), sum(facts) FROM pairs GROUP BY concept_id)
        INSERT INTO ehr_loadedrecord (participant_id, extracted_at, loaded_at, fact_count)
        SELECT p.participant_id, %(extracted_at)s, now(), coalesce(n.facts, 0) FROM ehr_stage_people p
        LEFT JOIN (SELECT participant_id, sum(facts) AS facts FROM pairs GROUP BY 1) n USING (participant_id)
        ON CONFLICT (participant_id) DO UPDATE SET extracted_at = EXCLUDED.extracted_at,
            loaded_at = EXCLUDED.loaded_at, fact_count = EXCLUDED.fact_count""",  # nosec B608
    """UPDATE ehr_concept c SET participant_count = c.participant_count + n.people,
            fact_count = c.fact_count + n.facts
        FROM (SELECT concept_id, sum(people) AS people, sum(facts) AS facts FROM ehr_touched GROUP BY 1) n
        WHERE c.id = n.concept_id""",
)
LOADED_TOTALS = """SELECT count(*), coalesce(sum(r.fact_count), 0) FROM ehr_loadedrecord r
    JOIN ehr_stage_people p USING (participant_id)"""
