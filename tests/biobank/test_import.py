"""CSV import: every row checked, errors reported row by row, all or nothing."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from biobank import importer
from biobank.models import ImportJob, Participant, Sample
from tests.biobank.factories import ParticipantFactory, SampleFactory, box_named

SAMPLE_HEADER = "barcode,biobank_id,sample_type,collected_at,quantity,unit,freezer,rack,box,position"
PARTICIPANT_HEADER = ("biobank_id,mrn,sex,birth_year,consent_research,consent_recontact,consent_date,consent_version,"
                      "genotyped,genotyping_platform,genotyping_batch")


def csv_file(header, *rows):
    return io.StringIO("\n".join([header, *rows]) + "\n")


def run(header, *rows, kind=None):
    return importer.import_csv(csv_file(header, *rows), kind)


def messages(result):
    return [(e.row, e.column, e.message) for e in result.errors]


@pytest.fixture
def owner(db):
    for n in range(8):
        box_named("F1", "R1", f"B{n}")
    return ParticipantFactory(biobank_id="BB0000001", mrn="SYN0000001")


# --- Samples ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_good_samples_are_imported_with_history(owner, biobank_staff):
    result = importer.import_csv(csv_file(
        SAMPLE_HEADER,
        "s-001,BB0000001,DNA,2024-03-01,1.5,ug,F1,R1,B1,A1",
        "S-002,bb0000001,Whole blood,2024-03-01 09:30,4,mL,F1,R1,B1,A2",
        "S-003,BB0000001,buffy_coat,2024-03-02T10:00:00,0.250,µL,F1,R1,B1,A3",
    ), "samples", user=biobank_staff, file_name="batch.csv")
    assert result.ok and result.rows == 3 and result.imported == 3
    first = Sample.objects.get(barcode="S-001")
    assert (first.participant, first.sample_type, first.status, first.unit) == (owner, "dna", "available", "ug")
    assert Sample.objects.get(barcode="S-003").unit == "uL"
    record = first.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+", biobank_staff, "Imported from batch.csv")


@pytest.mark.django_db
@pytest.mark.parametrize("row, column, message", [
    ("S-9,BB0000001,saliva,2024-03-01,1,mL,F1,R1,B1,A1", "sample_type", 'Unknown sample type "saliva"'),
    ("S-9,BB0000001,dna,2999-01-01,1,mL,F1,R1,B1,A1", "collected_at", "is in the future"),
    ("S-9,BB0000001,dna,01/03/2024,1,mL,F1,R1,B1,A1", "collected_at", "is not a date"),
    ("S-9,BB0000001,dna,2024-03-01,lots,mL,F1,R1,B1,A1", "quantity", "is not a number"),
    ("S-9,BB0000001,dna,2024-03-01,-2,mL,F1,R1,B1,A1", "quantity", "must be more than 0"),
    ("S-9,BB0000001,dna,2024-03-01,1,gallons,F1,R1,B1,A1", "unit", 'Unknown unit "gallons"'),
    ("S-9,BB0000001,dna,2024-03-01,1,mL,,R1,B1,A1", "freezer", "Give freezer, rack and box together"),
    ("S-9,BB0000009,dna,2024-03-01,1,mL,F1,R1,B1,A1", "biobank_id", "No participant has biobank id BB0000009"),
    ("S-9,12345,dna,2024-03-01,1,mL,F1,R1,B1,A1", "biobank_id", "is not BB followed by 7 digits"),
    ("S 9!,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1", "barcode", "is not 3 to 32"),
])
def test_each_bad_sample_row_is_reported(owner, row, column, message):
    result = run(SAMPLE_HEADER, "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A9", row)
    assert not result.ok and result.imported == 0
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (3, column) and message in error.message
    assert not Sample.objects.exists()  # the good first row is not imported either


@pytest.mark.django_db
def test_duplicates_and_taken_positions_are_reported(owner):
    SampleFactory(barcode="OLD-1", participant=owner, box=box_named("F1", "R1", "B1"), pos_row=1, pos_col=5)
    SampleFactory(barcode="OLD-2", participant=owner, box=box_named("F1", "R1", "B1"), pos_row=1, pos_col=6,
                  status="distributed")
    result = run(SAMPLE_HEADER,
                 "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1",
                 "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A2",
                 "OLD-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A3",
                 "S-4,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1",
                 "S-5,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A5",
                 "S-6,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A6")  # A6 is free: its sample left the freezer
    assert messages(result) == [
        (3, "barcode", "Barcode S-1 appears more than once in the file (first on row 2)."),
        (4, "barcode", "A sample with barcode OLD-1 already exists."),
        (5, "position", "Position F1 / R1 / B1 / A1 is given to another sample of the file (row 2)."),
        (6, "position", "Position F1 / R1 / B1 / A5 is taken by sample OLD-1."),
    ]
    assert Sample.objects.count() == 2


@pytest.mark.django_db
def test_a_rejected_file_lists_row_problems_and_clashes_together(owner):
    SampleFactory(barcode="OLD-1", participant=owner, box=box_named("F1", "R1", "B1"), pos_row=1, pos_col=5)
    result = run(SAMPLE_HEADER,
                 "S-1,BB0000001,dna,2999-03-01,1,mL,F1,R1,B1,A1",
                 "OLD-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A3")
    assert [(row, column) for row, column, _ in messages(result)] == [(2, "collected_at"), (3, "barcode")]
    assert Sample.objects.count() == 1


@pytest.mark.django_db
def test_every_check_skipped_on_clean_files_has_its_constraint_in_the_database():
    """A check runs only after a refusal when a unique constraint refuses such rows anyway; were the
    constraint gone, duplicates would be written, so each one named must exist and be unique."""
    from django.db import connection

    named = {check.constraint for spec in importer.SPECS.values() for check in spec.checks if check.constraint}
    assert named == {"biobank_participant_biobank_id_key", "participant_mrn_hash_unique", "sample_barcode_unique",
                     "sample_one_per_position"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE i.indisunique AND c.relname = ANY(%s)", [sorted(named)])
        assert {row[0] for row in cursor.fetchall()} == named


@pytest.mark.django_db
def test_samples_of_a_withdrawn_participant_cannot_arrive_available(owner):
    ParticipantFactory(biobank_id="BB0000002", withdrawn_on="2025-01-01")
    result = run(SAMPLE_HEADER + ",status", "S-1,BB0000002,dna,2024-03-01,1,mL,F1,R1,B1,A1,available",
                 "S-2,BB0000002,dna,2024-03-01,1,mL,F1,R1,B1,A2,destroyed")
    assert messages(result) == [(2, "biobank_id", "Participant BB0000002 has withdrawn: their samples cannot be "
                                                  "added as available.")]


@pytest.mark.django_db
def test_reserved_is_not_an_importable_status(owner):
    result = run(SAMPLE_HEADER + ",status", "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1,reserved")
    assert result.errors[0].column == "status"


@pytest.mark.django_db
def test_header_problems_stop_before_any_row(owner):
    result = run("barcode,biobank_id,colour", "S-1,BB0000001,red")
    assert result.errors[0].row == 1
    assert "Missing column(s): sample_type" in result.errors[0].message
    assert "Unknown column(s): colour" in result.errors[1].message
    assert "name the columns" in run("hello,world", "a,b").errors[0].message


@pytest.mark.django_db
def test_rows_with_too_many_values_and_empty_files(owner):
    assert "has 11 values" in run(SAMPLE_HEADER, "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1,extra"
                                  ).errors[0].message
    assert "no rows" in run(SAMPLE_HEADER, kind="samples").errors[0].message


@pytest.mark.django_db
def test_error_report_is_capped_but_counts_everything(owner, monkeypatch):
    monkeypatch.setattr(importer.report, "MAX_REPORTED_ERRORS", 5)
    rows = [f"S-{n},BB0000001,saliva,2024-03-01,1,mL,F1,R1,B1,A{n}" for n in range(12)]
    result = run(SAMPLE_HEADER, *rows)
    assert result.error_count == 12 and len(result.errors) == 5
    assert [e.row for e in result.errors] == [2, 3, 4, 5, 6]


@pytest.mark.django_db
def test_large_files_are_written_in_batches(owner, monkeypatch):
    monkeypatch.setattr(importer.engine, "BATCH_ROWS", 7)
    seen = []
    rows = [f"S-{n:03d},BB0000001,plasma,2024-03-01,1,mL,F1,R1,B{n // 81},{n % 81 + 1}" for n in range(50)]
    result = importer.import_csv(csv_file(SAMPLE_HEADER, *rows), "samples", total_rows=50,
                                 progress=lambda phase, done, total: seen.append((phase, done)))
    assert result.imported == 50 == Sample.objects.count()
    assert ("reading", 7) in seen and ("reading", 49) in seen and seen[-1] == ("done", 50)


# --- Participants -----------------------------------------------------------------------

@pytest.mark.django_db
def test_good_participants_are_imported_with_encrypted_mrns():
    result = run(PARTICIPANT_HEADER,
                 "BB0000010,SYN0000010,F,1961,yes,no,2021-05-01,v3,yes,Illumina GSA,B7",
                 "bb0000011,syn 0000011,male,1975,Y,1,2021-05-02,,no,,")
    assert result.ok and result.imported == 2
    person = Participant.objects.get(biobank_id="BB0000011")
    assert person.reveal_mrn() == "SYN0000011" and person.sex == "M" and person.consent_recontact
    assert Participant.objects.get(biobank_id="BB0000010").genotyping_platform == "Illumina GSA"
    assert person.history.get().history_type == "+"


@pytest.mark.django_db
@pytest.mark.parametrize("row, column, message", [
    ("BB0000010,SYN0000010,Q,1961,yes,no,2021-05-01,v3,no,,", "sex", 'Unknown sex "Q"'),
    ("BB0000010,SYN0000010,F,2999,yes,no,2021-05-01,v3,no,,", "birth_year", "2999 is in the future"),
    ("BB0000010,SYN0000010,F,sixty,yes,no,2021-05-01,v3,no,,", "birth_year", "is not a year"),
    ("BB0000010,SYN0000010,F,1961,maybe,no,2021-05-01,v3,no,,", "consent_research", "must be yes or no"),
    ("BB0000010,SYN0000010,F,1961,yes,no,2999-05-01,v3,no,,", "consent_date", "is in the future"),
    ("BB0000010,SYN0000010,F,1961,yes,no,,v3,no,,", "consent_date", "consent_date is empty"),
    ("BB0000010,SYN0000010,F,1961,yes,no,2021-05-01,v3,yes,,", "genotyping_platform", "needed when genotyped"),
    ("BB0000010,#!,F,1961,yes,no,2021-05-01,v3,no,,", "mrn", "The MRN is not valid"),
])
def test_each_bad_participant_row_is_reported(row, column, message):
    result = run(PARTICIPANT_HEADER, row)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert message in result.errors[0].message
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_duplicate_ids_and_mrns_are_reported_without_the_mrn(owner):
    result = run(PARTICIPANT_HEADER,
                 "BB0000010,SYN0000010,F,1961,yes,no,2021-05-01,v3,no,,",
                 "BB0000010,SYN0000099,F,1961,yes,no,2021-05-01,v3,no,,",
                 "BB0000012,SYN0000010,F,1961,yes,no,2021-05-01,v3,no,,",
                 "BB0000001,SYN0000013,F,1961,yes,no,2021-05-01,v3,no,,",
                 "BB0000014,SYN0000001,F,1961,yes,no,2021-05-01,v3,no,,")
    assert messages(result) == [
        (3, "biobank_id", "Biobank id BB0000010 appears more than once in the file (first on row 2)."),
        (4, "mrn", "The same MRN appears more than once in the file (first on row 2)."),
        (5, "biobank_id", "Participant BB0000001 already exists."),
        (6, "mrn", "This MRN is already recorded, for participant BB0000001."),
    ]
    assert "SYN" not in str(messages(result))
    assert Participant.objects.count() == 1


# --- The command line ---------------------------------------------------------------------

@pytest.mark.django_db
def test_command_imports_with_a_progress_bar(tmp_path, owner, biobank_staff, capsys):
    path = tmp_path / "samples.csv"
    path.write_text(SAMPLE_HEADER + "\nS-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1\n")
    out = io.StringIO()
    call_command("import_biobank", str(path), "--by", biobank_staff.email, stdout=out)
    assert "Imported 1 samples" in out.getvalue()
    assert "rows" in capsys.readouterr().err  # the tqdm bar
    job = ImportJob.objects.get()
    assert (job.source, job.status, job.rows_imported, job.created_by) == ("command", "imported", 1, biobank_staff)


@pytest.mark.django_db
def test_command_lists_errors_row_by_row_and_imports_nothing(tmp_path, owner):
    path = tmp_path / "participants.csv"
    path.write_text(PARTICIPANT_HEADER + "\nBB0000010,SYN0000010,F,1961,yes,no,2021-05-01,v3,no,,\n"
                    "BB0000011,SYN0000011,F,2999,yes,no,2021-05-01,v3,no,,\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_biobank", str(path), "--no-progress", stderr=err)
    assert "row 3, birth_year: birth_year 2999 is in the future." in err.getvalue()
    assert Participant.objects.count() == 1
    assert ImportJob.objects.get().status == "rejected"


@pytest.mark.django_db
def test_command_refuses_unknown_files_and_people(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_biobank", str(tmp_path / "missing.csv"))
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="give --kind"):
        call_command("import_biobank", str(path))
    with pytest.raises(CommandError, match="No account"):
        call_command("import_biobank", str(path), "--by", "nobody@example.org")


# --- The staff desk ---------------------------------------------------------------------

def upload(client, content: str, kind="samples", name="samples.csv"):
    return client.post(reverse("admin:biobank_importjob_add"),
                       {"kind": kind, "file": SimpleUploadedFile(name, content.encode(), "text/csv")}, follow=True)


@pytest.mark.django_db
def test_staff_upload_with_errors_shows_the_row_report(client, owner, biobank_staff):
    client.force_login(biobank_staff)
    response = upload(client, SAMPLE_HEADER + "\nS-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1\n"
                      "S-2,BB0000001,saliva,2024-03-01,1,mL,F1,R1,B1,A2\n")
    html = response.content.decode()
    assert "The file has 1 error: nothing was imported" in html
    assert "<td>3</td><td>sample_type</td>" in html
    job = ImportJob.objects.get()
    assert job.status == "rejected" and not job.upload  # the file is gone once read
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_staff_upload_imports_a_good_file(client, owner, biobank_staff):
    client.force_login(biobank_staff)
    html = upload(client, SAMPLE_HEADER + "\nS-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,A1\n").content.decode()
    assert "Imported 1 samples" in html
    assert Sample.objects.get().history.get().history_user == biobank_staff


@pytest.mark.django_db(transaction=True)
def test_large_uploads_run_in_the_background_with_progress(client, biobank_staff, monkeypatch):
    from accounts.permissions import sync_role_permissions
    from biobank import admin_pages

    sync_role_permissions()
    ParticipantFactory(biobank_id="BB0000001")
    for n in range(4):
        box_named("F1", "R1", f"B{n}")
    monkeypatch.setattr(admin_pages, "BACKGROUND_BYTES", 10)
    queued = []
    monkeypatch.setattr(admin_pages.run_import_job, "delay", lambda pk: queued.append(pk))
    client.force_login(biobank_staff)
    rows = "\n".join(f"S-{n},BB0000001,dna,2024-03-01,1,mL,F1,R1,B{n // 81},{n % 81 + 1}" for n in range(300))
    html = upload(client, SAMPLE_HEADER + "\n" + rows + "\n").content.decode()
    job = ImportJob.objects.get()
    assert queued == [job.pk] and job.status == "queued"
    # The page updates itself (a script the person can pause; a Refresh link without it), no meta refresh.
    assert 'data-live-every="2"' in html and "live-refresh.js" in html and 'id="live-pause"' in html
    assert 'http-equiv="refresh"' not in html and 'id="import-progress"' in html
    from django.core.cache import cache

    cache.set(importer.progress_key(job.pk), {"phase": "reading", "done": 150, "total": 300})
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_total=300)
    page = client.get(reverse("admin:biobank_importjob_change", args=[job.pk])).content.decode()
    assert 'value="50"' in page and "150 of 300 rows (50%)" in page
    from biobank.tasks import run_import_job

    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert run_import_job(job.pk) == "running"  # a job already started is not run twice
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert run_import_job(job.pk) == "imported"  # ... unless its worker was lost
    assert Sample.objects.count() == 300
    done = client.get(reverse("admin:biobank_importjob_change", args=[job.pk])).content.decode()
    assert "live-refresh" not in done and "data-live-every" not in done and "Imported 300 samples" in done


@pytest.mark.django_db
def test_upload_form_explains_bad_files(client, biobank_staff):
    client.force_login(biobank_staff)
    html = client.post(reverse("admin:biobank_importjob_add"),
                       {"kind": "samples", "file": SimpleUploadedFile("x.xlsx", b"PK..")}).content.decode()
    assert "Choose a .csv file" in html and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_participant_import_keeps_mrns_out_of_logs_and_the_report(client, biobank_staff, caplog):
    client.force_login(biobank_staff)
    with caplog.at_level(logging.DEBUG):
        upload(client, PARTICIPANT_HEADER + "\nBB0000010,SYN4242421,F,1961,yes,no,2021-05-01,v3,no,,\n"
               "BB0000011,SYN4242421,F,1961,yes,no,2021-05-01,v3,no,,\n", kind="participants", name="p.csv")
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert "4242421" not in str(job.errors) and "4242421" not in caplog.text


@pytest.mark.django_db
def test_unreadable_text_is_reported(owner):
    text = io.TextIOWrapper(io.BytesIO((SAMPLE_HEADER + "\nS-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,\xff\n")
                                       .encode("latin-1")), encoding="utf-8", newline="")
    result = importer.import_csv(text, "samples")
    assert any("not UTF-8" in error.message for error in result.errors) and not Sample.objects.exists()


def test_counting_rows_for_the_progress_bar():
    assert importer.count_data_rows(io.BytesIO(b"h\n1\n2\n")) == 2
    assert importer.count_data_rows(io.BytesIO(b"h\n1\n2")) == 2
    assert timezone.now() - timedelta(seconds=1) < timezone.now()


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_rows_at_once_import_them_once():
    import threading

    from django.db import connections

    ParticipantFactory(biobank_id="BB0000001")
    for n in range(7):
        box_named("F1", "R1", f"B{n}")
    rows = [f"S-{n},BB0000001,dna,2024-03-01,1,mL,F1,R1,B{n // 81},{n % 81 + 1}" for n in range(500)]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run_import():
        try:
            barrier.wait()
            results.append(importer.import_csv(csv_file(SAMPLE_HEADER, *rows), "samples"))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_import) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.imported for r in results) == [0, 500]
    rejected = next(r for r in results if not r.ok)
    assert "already exists" in rejected.errors[0].message
    assert Sample.objects.count() == 500
