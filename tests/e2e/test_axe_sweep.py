"""Zero axe-core violations (WCAG 2.1 A/AA) and no sideways scrolling at 390 px and 1280 px on every
page of the access matrix, for every role that may open it (the staff desk included).

The URLs are dealt into shards that xdist spreads over the cores; each shard walks its URLs for
every role that gets a 200 (tests/e2e/sweep.py). A failure names the role, the address, the axe
rule and the element.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.sweep import sweep

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.a11y]

SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_of_the_access_matrix_passes_axe_and_does_not_scroll_sideways(browser, live_server, shard):
    started = time.monotonic()
    findings = sweep(browser, live_server.url, shard, SHARDS)
    print(f"shard {shard}: {findings.pages} pages, axe on {findings.checked} distinct, "
          f"{time.monotonic() - started:.0f}s {({k: round(v) for k, v in findings.seconds.items()})}; "
          f"not pages: {sorted(set(findings.skipped))}")
    assert findings.pages > 160 / SHARDS  # every page of the matrix (about 190) is dealt to a shard
    assert not findings.problems, f"{len(findings.problems)} problems:\n" + "\n".join(findings.problems)


def test_the_sweep_sees_what_axe_and_a_phone_would_complain_about(browser):
    """The checks themselves can fail: an unlabelled input, faint text and a too-wide table are found,
    and two lists that differ only in their data count as one page."""
    from tests.e2e.sweep import PHONE, SKELETON_JS, axe_violations, sideways

    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]})
    page = context.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>Broken</h1>'
                         '<input type="text" name="q"><p style="color:#aaa;background:#fff">Faint text</p>'
                         '<table><tr><td style="min-width:900px">wide</td></tr></table></main></body></html>')
        found = axe_violations(page)
        assert any(problem.startswith("label (critical): input") for problem in found), found
        assert any(problem.startswith("color-contrast (serious)") for problem in found), found
        assert sideways(page)[0] > 400 and "table" in sideways(page)[1]

        page.set_content('<html lang="en"><head><title>A</title></head><body><ul><li>Ada</li><li>Bo</li></ul>'
                         '<a href="/x/1/">one</a></body></html>')
        two_rows = page.evaluate(SKELETON_JS)
        page.set_content('<html lang="en"><head><title>B</title></head><body><ul><li>Cy</li></ul>'
                         '<a href="/x/22/">two</a></body></html>')
        assert page.evaluate(SKELETON_JS) == two_rows
        page.set_content('<html lang="en"><head><title>B</title></head><body><ul><li></li></ul>'
                         '<a href="/x/22/">two</a></body></html>')
        assert page.evaluate(SKELETON_JS) != two_rows  # an empty item is another page

        # Another role's menu around the same content: the content is one already seen, the frame is new.
        page.set_content('<html lang="en"><head><title>C</title></head><body><nav><a href="/a/">A</a></nav>'
                         '<main><h1>Same</h1></main></body></html>')
        main, frame = page.evaluate(SKELETON_JS, "main"), page.evaluate(SKELETON_JS, "chrome")
        page.set_content('<html lang="en"><head><title>C</title></head><body><nav><a href="/a/">A</a>'
                         '<button type="button">More</button></nav><main><h1>Same</h1></main></body></html>')
        assert page.evaluate(SKELETON_JS, "main") == main and page.evaluate(SKELETON_JS, "chrome") != frame
    finally:
        context.close()
