"""The threat list of `make check-security` names tests that exist, and its tally counts them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nosec B405: a document written here
from pathlib import Path

import pytest

from tests.security.cases import CASES, tally

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("threat, path, prefix", CASES, ids=[f"{p}::{n}" for _, p, n in CASES])
def test_every_case_names_a_test_that_exists(threat, path, prefix):
    source = (ROOT / path).read_text()
    assert re.search(rf"^def {re.escape(prefix)}", source, re.M), f"{path} has no test starting {prefix!r}"


def test_the_tally_counts_passed_and_failed_tests_per_threat():
    report = ET.fromstring(
        '<testsuite>'
        '<testcase classname="tests.test_flooding" name="test_a_researcher_filing"/>'
        '<testcase classname="tests.test_flooding" name="test_a_form_with_mistakes"><failure/></testcase>'
        '<testcase classname="tests.accounts.test_login" name="test_spraying_one_password"/>'
        '<testcase classname="tests.accounts.test_login" name="test_four_failures_still_show_the_form"/>'
        '</testsuite>')
    counts = {threat: (passed, failed) for threat, passed, failed in tally(list(report.iter("testcase")))}
    assert counts["Flooding by signed-in people"] == (1, 1)
    assert counts["Password spraying from one address"] == (1, 0)
    assert counts["Zip bomb in an Office upload"] == (0, 0)
