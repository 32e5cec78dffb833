"""Real files that are not what the import expects: a clear message, nothing imported."""

import io

import pytest
from django.core.management import CommandError, call_command

from biobank import importer
from biobank.models import ImportJob, Sample
from tests.biobank.factories import ParticipantFactory
from tests.biobank.test_import import SAMPLE_HEADER

ROW = "S-1,BB0000001,dna,2024-03-01,1,mL,F1,R1,B1,P01"


@pytest.fixture
def owner(db):
    return ParticipantFactory(biobank_id="BB0000001")


def windows_1252(header: str, row: str) -> bytes:
    # "Prélèvement" in a comment column would be é = 0xE9 in Windows-1252: not UTF-8.
    return (header + "\n" + row + "\n").encode("cp1252")


@pytest.mark.django_db
def test_windows_1252_file_without_kind_says_not_utf8_and_imports_nothing(tmp_path, owner):
    path = tmp_path / "samples.csv"
    path.write_bytes(windows_1252(SAMPLE_HEADER.replace("barcode", "barcode_é"), ROW))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_biobank", str(path), "--no-progress")
    assert not Sample.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_windows_1252_rows_under_a_plain_header_give_the_same_message(tmp_path, owner):
    path = tmp_path / "samples.csv"
    path.write_bytes(windows_1252(SAMPLE_HEADER, ROW.replace("F1", "Fé")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_biobank", str(path), "--no-progress", stderr=err)
    assert "not UTF-8" in err.getvalue() and not Sample.objects.exists()


@pytest.mark.django_db
def test_semicolon_file_without_kind_is_named_as_such(tmp_path, owner):
    path = tmp_path / "samples.csv"
    path.write_text(SAMPLE_HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n")
    with pytest.raises(CommandError, match=r"separated by semicolons") as raised:
        call_command("import_biobank", str(path), "--no-progress")
    assert "Cannot tell" not in str(raised.value)
    assert not Sample.objects.exists()


@pytest.mark.django_db
def test_semicolon_file_with_kind_is_named_as_such(owner):
    text = io.StringIO(SAMPLE_HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n")
    result = importer.import_csv(text, "samples")
    assert [e.message for e in result.errors] == [importer.specs.SEMICOLONS]
    assert not Sample.objects.exists()


def test_a_header_of_unknown_words_is_still_not_called_semicolons():
    binary = io.BytesIO(b"a;b\n1;2\n")
    with pytest.raises(importer.UnknownKind, match="give --kind"):
        importer.sniff_kind(binary)
    assert binary.tell() == 0
