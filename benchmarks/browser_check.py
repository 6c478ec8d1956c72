"""`make browser-check`: print the examples' summary.html in headless Chromium and check the pages.

For every data/*.yaml: `ipplan plan` into reports/<name>/, then Chromium renders summary.html to
a screenshot (PNG) and to PDF, on Letter (the page's own CSS: landscape) and on A4 (the same page
with ``@page { size: A4 landscape }``). The PDFs are read with poppler (pdfinfo, pdfimages,
pdftotext) and each page is also rasterised (pdftoppm) for a person to look at. It fails when:

* a page is not landscape, or a chart image is wider than the page's content box;
* a chart is split across pages (pdfimages lists it on more than one page) or missing;
* a chart prints below 100 ppi: the charts are drawn at 100 dpi with 8 pt as their smallest
  text, so under 100 ppi means a chart was scaled down and its text prints below 8 pt (the
  check names the chart and the size its 8 pt text prints at);
* a caption is not on the page of its chart;
* an image's alt text is its file name, a numeric table column is not right-aligned, or the
  provenance line (input name, SHA-256, ipplan version) is missing.

Screenshots and PDFs go to reports/browser-check/. Not part of `make test` (it needs Chromium).
"""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "reports" / "browser-check"
IPPLAN = ROOT / ".venv" / "bin" / "ipplan"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: the dpi the charts are drawn at (ipplan/report/charts/style.py _DPI)
CHART_DPI = 100
#: 12 mm margins on each side (summary.py's @page)
MARGIN_IN = 2 * 12 / 25.4
A4_CSS = "<style>@page { size: A4 landscape; }</style></head>"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("browser-check: no chromium on PATH (make browser-check installs Debian's)")


def run_chromium(*args: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=180,
        )


class _Page(html.parser.HTMLParser):
    """The summary's images (alt text), figure captions, numeric cells and provenance."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, str]] = []  # (figure id, alt): one per chart
        self.slices: list[int] = []  # per chart, its <img> elements (a sliced chart has several)
        self.captions: list[str] = []
        self.numeric_cells = 0
        self.numeric_left = 0
        self.provenance = ""
        self._figure = ""
        self._in: str | None = None
        self._td_class = ""
        self._buffer: list[str] = []
        self._columns: dict[int, list[tuple[str, str]]] = {}  # the table's cells by column
        self._column = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._columns = {}
        elif tag == "tr":
            self._column = 0
        if tag == "figure":
            self._figure = a.get("id") or ""
            self.images.append((self._figure, ""))
            self.slices.append(0)
        elif tag == "div" and a.get("role") == "img":
            self.images[-1] = (self._figure, a.get("aria-label") or "")
        elif tag == "img" and self._figure:
            self.slices[-1] += 1
            if a.get("alt"):
                self.images[-1] = (self._figure, a.get("alt") or "")
        elif tag in ("figcaption", "td") or (tag == "p" and a.get("class") == "provenance"):
            self._in = "provenance" if tag == "p" else tag
            self._td_class = a.get("class") or ""
            self._buffer = []

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._buffer).strip()
        if tag == "figcaption" and self._in == "figcaption":
            self.captions.append(text)
        elif tag == "td" and self._in == "td":
            self._columns.setdefault(self._column, []).append((text, self._td_class))
            self._column += 1
        elif tag == "table":
            # a numeric column (numbers only, "-" for none) is right-aligned; a column that also
            # holds words (max pods per pool: "system 110, user 30") reads as text
            for cells in self._columns.values():
                numbers = [c for t, c in cells if re.fullmatch(r"[\d,.]+", t)]
                if numbers and all(re.fullmatch(r"[\d,.]+|-", t) for t, _ in cells):
                    self.numeric_cells += len(numbers)
                    self.numeric_left += sum(c != "n" for c in numbers)
        elif tag == "p" and self._in == "provenance":
            self.provenance = text
        if tag == "figure":
            self._figure = ""
        if tag in ("figcaption", "td", "p"):
            self._in = None


def _pages(pdf: Path) -> tuple[int, float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert size is not None
    return pages, float(size.group(1)) / 72, float(size.group(2)) / 72


def _images(pdf: Path) -> list[tuple[int, int, int, float]]:
    """(page, width px, height px, x-ppi) of every image placement, in page order."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    out = []
    for line in listing:
        cols = line.split()
        if cols[2] != "image":  # smasks (alpha channels) are listed too
            continue
        out.append((int(cols[0]), int(cols[3]), int(cols[4]), float(cols[12])))
    return out


def _text(pdf: Path, page: int) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(text.split())


def check_pdf(pdf: Path, page: _Page, label: str) -> list[str]:
    problems = []
    pages, width_in, height_in = _pages(pdf)
    if width_in <= height_in:
        problems.append(f"{label}: pages are portrait ({width_in:.2f} x {height_in:.2f} in)")
    content_in = width_in - MARGIN_IN
    images = _images(pdf)
    if len(images) != sum(page.slices):
        problems.append(
            f"{label}: {sum(page.slices)} chart images (slices included) but {len(images)} "
            "placements in the PDF (one split across pages, or missing)"
        )
    start = 0
    for (name, _), caption, count in zip(page.images, page.captions, page.slices, strict=True):
        placed = images[start : start + count]
        start += count
        for number, px, _, ppi in placed:
            shown_in = px / ppi
            if shown_in > content_in + 0.05:
                problems.append(
                    f"{label}: {name} is {shown_in:.2f} in wide, the page {content_in:.2f}"
                )
            smallest_pt = 8 * CHART_DPI / ppi
            if smallest_pt < 7.95:
                problems.append(
                    f"{label}: {name} prints at {ppi:.0f} ppi on page {number}: its 8 pt text "
                    f"prints at {smallest_pt:.1f} pt (drawn {px / CHART_DPI:.2f} in wide, shown "
                    f"{shown_in:.2f})"
                )
        # the caption follows the chart's last slice, on its page
        words = " ".join(caption.split())[:60]
        if placed and words not in _text(pdf, placed[-1][0]):
            problems.append(f"{label}: the caption of {name} is not on its page ({placed[-1][0]})")
    print(
        f"  {label}: {pages} pages, {width_in:.2f} x {height_in:.2f} in; charts on pages "
        f"{[i[0] for i in images]} at {[round(i[3]) for i in images]} ppi"
    )
    return problems


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for scenario in sorted((ROOT / "data").glob("*.yaml")):
        folder = OUT / scenario.stem
        subprocess.run(
            [str(IPPLAN), "plan", str(scenario), "--out", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        summary = folder / "summary.html"
        source = summary.read_text(encoding="utf-8")
        page = _Page()
        page.feed(source)
        for name, alt in page.images:
            if not alt or alt == name or alt.endswith(".png"):
                problems.append(f"{scenario.stem}: {name}'s alt text says nothing: {alt!r}")
        if page.numeric_left:
            problems.append(
                f"{scenario.stem}: {page.numeric_left} of {page.numeric_cells} numeric cells are "
                "not right-aligned"
            )
        if not re.search(r"Input: \S+, SHA-256 [0-9a-f]{64}; made by ipplan \S+", page.provenance):
            problems.append(f"{scenario.stem}: no provenance line ({page.provenance!r})")
        a4 = OUT / f"{scenario.stem}-a4.html"  # beside the pack: the report folder is ipplan's
        a4.write_text(source.replace("</head>", A4_CSS, 1), encoding="utf-8")
        shot = OUT / f"{scenario.stem}-screen.png"
        run_chromium("--window-size=1280,6000", f"--screenshot={shot}", summary.as_uri())
        for paper, html_file in (("letter", summary), ("a4", a4)):
            pdf = OUT / f"{scenario.stem}-{paper}.pdf"
            run_chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", html_file.as_uri())
            problems += check_pdf(pdf, page, f"{scenario.stem} ({paper})")
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / f"{scenario.stem}-{paper}")],
                check=True,
            )
    for p in problems:
        print(f"FAIL {p}")
    print(
        f"browser-check: {'ok' if not problems else f'{len(problems)} problems'}; "
        f"screenshots and PDFs in {OUT.relative_to(ROOT)}/"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
