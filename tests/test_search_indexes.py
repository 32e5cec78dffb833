"""The trigram indexes people search as they type take new entries at once (no pending list): a
pending list is read in full by every search until VACUUM merges it, which after a bulk load made
the concept search scan thousands of entries."""

import pytest
from django.db import connection

SEARCHED_AS_TYPED = ["ehr_concept_display_trgm", "consult_title_trgm_idx", "consult_reference_trgm_idx"]


@pytest.mark.django_db
def test_search_indexes_keep_no_pending_list():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [SEARCHED_AS_TYPED])
        options = dict(cursor.fetchall())
    assert set(options) == set(SEARCHED_AS_TYPED)
    assert all(opts and "fastupdate=off" in opts for opts in options.values()), options

