"""What a person sees of a page's layout, measured in the browser: sideways scroll, words cut in two, text
that runs off the screen."""

from __future__ import annotations

# The page is no wider than the window. On a phone (a context with is_mobile) the browser zooms out to show a
# page wider than the screen and window.innerWidth grows with it, so `scrollWidth <= innerWidth` holds even
# when the page scrolls sideways; the layout viewport (the root's clientWidth) stays the screen's width.
FITS_THE_WINDOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"

# Every word (a hyphen ends a word: "once-" "weekly" may go on two lines) of the text under `selector`
# that the browser laid out on more than one line.
WORDS_CUT_IN_TWO = """selector => {
  const cut = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) cut.push(word[0]);
      }
    }
  }
  return cut;
}"""


def fits_the_window(page) -> bool:
    return page.evaluate(FITS_THE_WINDOW)


def words_cut_in_two(page, selector: str) -> list[str]:
    return page.evaluate(WORDS_CUT_IN_TWO, selector)


def on_screen(page, locator) -> bool:
    """The element is within the window's width where it stands (not cut off at the right)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.evaluate(
        "document.documentElement.clientWidth") + 0.5
