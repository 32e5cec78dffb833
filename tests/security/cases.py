"""The security cases `make check-security` runs beyond tests/security and tests/reliability,
each against the threat it answers: (threat, test file, test name prefix).

The summary prints one line per case with its passed / failed tests, so the evidence reads as
"threat: tested by ..., N passed". README "Security" lists the same cases.
"""

from __future__ import annotations

CASES: list[tuple[str, str, str]] = [
    ("Back after sign-out shows pages with personal data", "tests/security/test_access_matrix.py",
     "test_no_answer_to_a_signed_in_person_may_be_kept_by_the_browser"),
    ("Back after sign-out shows pages with personal data", "tests/test_security_headers.py",
     "test_public_pages_may_be_cached_but_pages_for_a_signed_in_person_may_not"),
    ("Formula injection through CSV exports", "tests/test_csv_export.py", "test_"),
    ("Formula injection through CSV exports", "tests/dashboards/test_dashboard.py",
     "test_a_title_that_looks_like_a_formula_is_escaped_in_the_csv"),
    ("Formula injection through CSV exports", "tests/consultations/test_admin_changelist.py",
     "test_export_cannot_run_formulas_in_a_spreadsheet"),
    ("Sign-up tells who has an account", "tests/accounts/test_signup.py",
     "test_a_known_address_gets_the_same_answer_and_its_owner_an_email"),
    ("Sign-up emails flood an inbox", "tests/accounts/test_signup.py",
     "test_an_address_gets_a_few_sign_up_emails_an_hour_at_the_most"),
    ("Password spraying from one address", "tests/accounts/test_login.py", "test_spraying_"),
    ("Password spraying from one address", "tests/accounts/test_login.py",
     "test_the_count_is_per_client_address_behind_the_trusted_proxies"),
    ("Flooding by signed-in people", "tests/test_flooding.py", "test_"),
    ("Language cookie sent from other sites / over HTTP", "tests/security/test_deploy.py",
     "test_production_settings_are_strict"),
    ("Language cookie sent from other sites / over HTTP", "tests/test_security_headers.py",
     "test_the_language_cookie_is_not_sent_along_from_other_sites"),
    ("Camera, microphone, location asked by injected script", "tests/test_security_headers.py",
     "test_every_answer_refuses_cameras_microphones_and_location"),
    ("/readyz tells outsiders what runs inside", "tests/test_health.py", "test_readyz_tells_an_outsider"),
    ("/readyz tells outsiders what runs inside", "tests/test_health.py", "test_readyz_details_for_"),
    ("Zip bomb in an Office upload", "tests/consultations/test_attachments.py", "test_a_docx_that_would_inflate"),
    ("Zip bomb in an Office upload", "tests/consultations/test_attachments.py", "test_a_docx_with_thousands"),
    ("Second step locked out by wrong codes", "tests/accounts/test_two_step.py",
     "test_wrong_codes_slow_the_next_try_down"),
    ("Protected data behind a password alone", "tests/accounts/test_two_step.py",
     "test_people_who_see_protected_data_must_set_it_up"),
    ("Lost phone locks a person out", "tests/accounts/test_two_step.py", "test_a_recovery_code_signs_in_once"),
    ("Single sign-on: forged or replayed answers", "tests/accounts/test_sso.py", "test_a_forged_answer"),
    ("Single sign-on: roles from the provider's groups", "tests/accounts/test_sso.py", "test_"),
    ("Single sign-on: production configuration", "tests/security/test_deploy.py", "test_check_deploy_stays_clean_with"),
    ("Single sign-on: production configuration", "tests/security/test_deploy.py", "test_half_configured"),
]


def files() -> list[str]:
    """The test files the cases live in (run by `make check-security` besides its folders)."""
    return sorted({path for _, path, _ in CASES})


def classname(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def tally(testcases) -> list[tuple[str, int, int]]:
    """(threat, passed, failed) per threat, from JUnit ``testcase`` elements."""
    by_threat: dict[str, list[int]] = {}
    for threat, path, prefix in CASES:
        counts = by_threat.setdefault(threat, [0, 0])
        for case in testcases:
            if case.get("classname") == classname(path) and case.get("name", "").startswith(prefix):
                failed = case.find("failure") is not None or case.find("error") is not None
                skipped = case.find("skipped") is not None
                if failed:
                    counts[1] += 1
                elif not skipped:
                    counts[0] += 1
    return [(threat, passed, failed) for threat, (passed, failed) in by_threat.items()]
