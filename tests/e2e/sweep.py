"""The accessibility sweep: every page of the access matrix that answers a role with 200, opened in
Chromium as that role, checked by axe-core (WCAG 2.0/2.1, levels A and AA) and for sideways
scrolling at a phone's (390 px) and a desktop's (1280 px) width.

Every (URL, role) page is opened and measured at both widths. axe runs on every *distinct* page:
a page whose skeleton (elements, their classes, roles, ARIA and label wiring, inline styles,
where text is, repeated siblings counted once) matches pages already checked in the same walk, its
main content one page's and its frame (menus, header, footer: what differs between roles) another's,
gets their answer (two staff members of different centres see one change form; a list of 3 rows
is a list of 1; a public page seen by nine roles differs only in its menu, checked once per role). ``DCR_AXE_EVERY_PAGE=1`` runs axe on each page all the same.

Used by tests/e2e/test_axe_sweep.py and by ``make screenshots`` (the same walk, saving every page
at both widths into DCR_SWEEP_SCREENSHOTS, a git-ignored folder).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.base import AXE_SCRIPT

from tests.security.expected import EXPECTED
from tests.security.matrix import ROLES, build_world, concrete_url, url_patterns

# WCAG 2.0 and 2.1, levels A and AA (best-practice rules are advice, not failures).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
DESKTOP, PHONE = (1280, 900), (390, 844)
SCREENSHOTS = os.environ.get("DCR_SWEEP_SCREENSHOTS", "")
EVERY_PAGE = os.environ.get("DCR_AXE_EVERY_PAGE", "") == "1"

# What of a page axe's rules can depend on, with the data taken out (see the module's docstring).
SKELETON_JS = """(part) => {
  const shown = /^(class|role|type|scope|headers|colspan|rowspan|lang|dir|tabindex|disabled|hidden|multiple|required|open|for|id|name|style|list|autocomplete|src)$|^aria-/;
  const present = /^(alt|title|href|placeholder|value|aria-label|label|summary)$/;
  const norm = v => v.replace(/\\d+/g, "0");
  // part "main": the page's own content; "chrome": the rest (menus, header, footer); none: the whole page.
  const main = part ? document.querySelector("main, [role=main], #content-main, #content") : null;
  const cut = part === "chrome" ? main : null;
  const walk = node => {
    if (node.nodeType === 3) return node.textContent.trim() ? "T" : "";
    if (node.nodeType !== 1 || node.tagName === "SCRIPT") return "";
    if (node === cut) return "<MAIN/>";
    const attrs = [...node.attributes].map(a => shown.test(a.name) ? `${a.name}=${norm(a.value)}`
      : present.test(a.name) ? `${a.name}${a.value.trim() ? "+" : "-"}` : "").filter(Boolean).sort();
    const kids = [...new Set([...node.childNodes].map(walk).filter(Boolean))];
    return `<${node.tagName}${attrs.length ? " " + attrs.join(" ") : ""}>${kids.join("")}</>`;
  };
  if (part === "main" && main) return walk(main);
  return (document.title.trim() ? "T" : "") + walk(document.documentElement);
}"""


@dataclass
class Findings:
    pages: int = 0  # HTML pages opened and measured at both widths
    checked: int = 0  # of those, the distinct ones axe ran on
    skipped: list[str] = field(default_factory=list)  # answers that are not pages (CSV, JSON, feeds)
    problems: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=lambda: {"open": 0.0, "axe": 0.0, "widths": 0.0})
    seen: dict = field(default_factory=dict)  # skeleton digest -> where axe ran on it first


EVERY_ROLE = os.environ.get("DCR_SWEEP_EVERY_ROLE", "") == "1"
HOME = "home"  # every role's frame (menu, header, footer) is checked on the home page


def work(shard: int, shards: int, world) -> list[tuple[str, str, list[str]]]:
    """(pattern key, address, roles answered 200) of one shard of the URLs of the access matrix.

    With DCR_SWEEP_EVERY_ROLE=1 (``make a11y``) every page is opened for every role that gets a 200.
    Without it (``make test``, which must stay under ten minutes) every page is opened once, for the
    first role of the matrix that gets a 200, and the home page for every role, so each role's frame
    is checked too."""
    rows = []
    for index, pattern in enumerate(url_patterns()):
        roles = [role for role in ROLES if EXPECTED.get(pattern.key, {}).get(role) == "200"]
        if not EVERY_ROLE and pattern.key != HOME:
            roles = roles[:1]
        if roles and index % shards == shard:
            rows.append((pattern.key, concrete_url(pattern, world), roles))
    return rows


def signed_in_context(browser, base_url: str, user):
    """A browser context with a session of ``user``, signed in as the access matrix signs in (both steps)."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, base_url=base_url)
    if user is not None:
        client = Client()
        client.force_login(user, backend="accounts.backends.CachedPermissionsBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def axe_violations(page) -> list[str]:
    """'rule (impact): target -- what to fix' for every node of every WCAG A/AA violation."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    problems = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").strip().splitlines()
            target = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            problems.append(f"{violation['id']} ({violation['impact']}): {target} -- {summary[-1].strip() if summary else ''}")
    return problems


WIDEST_JS = """() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over <= 0) return [over, ""];
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.classList.length ? "." + [...e.classList].join(".") : "");
  const wide = [...document.body.querySelectorAll("*")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1);
  const outer = wide.filter(e => !wide.includes(e.parentElement)).slice(0, 3);
  return [over, outer.map(e => [...function* () { for (let a = e; a && a !== document.body; a = a.parentElement) yield name(a); }()].slice(0, 3).reverse().join(" > ")).join(", ")];
}"""


def sideways(page) -> tuple[int, str]:
    """How many pixels the page is wider than the window (0 or less: no horizontal scroll), and the
    outermost elements that stick out."""
    over, culprits = page.evaluate(WIDEST_JS)
    return over, culprits


def _shot(page, role: str, key: str, width: int) -> None:
    name = key.replace(":", "__").replace("/", "_").replace("<", "").replace(">", "").replace("?", "")[:100]
    path = Path(SCREENSHOTS) / f"{name}.{role}.{width}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def check_page(page, key: str, url: str, role: str, findings: Findings) -> None:
    from playwright.sync_api import Error

    where = f"{role} {url} ({key})"
    started = time.monotonic()
    try:
        response = page.goto(url, wait_until="load")
    except Error as error:  # a download (CSV, spreadsheet): not a page to look at
        if "Download is starting" in str(error):
            findings.skipped.append(f"{key} (download)")
            return
        raise
    if response is None or response.status != 200:
        findings.problems.append(f"{where}: answered {response and response.status}, not 200")
        return
    if not response.headers.get("content-type", "").startswith("text/html"):
        findings.skipped.append(f"{key} ({response.headers.get('content-type', '').split(';')[0]})")
        return
    findings.pages += 1
    # A page that updates itself (an import's progress) holds still while it is looked at, as when a
    # person presses Stop.
    page.evaluate("() => window.stop()")
    opened = time.monotonic()
    findings.seconds["open"] += opened - started
    digests = [hashlib.sha256(page.evaluate(SKELETON_JS, part).encode()).hexdigest() for part in ("main", "chrome")]
    if EVERY_PAGE or any(digest not in findings.seen for digest in digests):
        for digest in digests:
            findings.seen.setdefault(digest, where)
        findings.checked += 1
        findings.problems.extend(f"{where}: {problem}" for problem in axe_violations(page))
    checked = time.monotonic()
    findings.seconds["axe"] += checked - opened
    for width, height in (DESKTOP, PHONE):
        if width != DESKTOP[0]:
            page.set_viewport_size({"width": width, "height": height})
        wider, culprits = sideways(page)
        if wider > 0:
            findings.problems.append(f"{where}: scrolls sideways by {wider}px at {width}px ({culprits})")
        if SCREENSHOTS:
            _shot(page, role, key, width)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    findings.seconds["widths"] += time.monotonic() - checked


def sweep(browser, base_url: str, shard: int, shards: int) -> Findings:
    """Walk one shard of the matrix: one browser context per role, reused for all its pages."""
    world = build_world()
    findings = Findings()
    pages: dict = {}
    try:
        for key, url, roles in work(shard, shards, world):
            for role in roles:
                if role not in pages:
                    pages[role] = signed_in_context(browser, base_url, world.users.get(role))
                check_page(pages[role], key, url, role, findings)
    finally:
        for page in pages.values():
            page.context.close()
    return findings
