"""Every `docs/<page>.md#<anchor>` the repository cites exists, and nothing cites a document it lacks.

Comments, docstrings, tests and the README link to design notes in docs/. A
link to a missing page or anchor, or a citation of the Freezer contract
("contract 6.7", "(D31)") that lives outside the repository, leaves a reader
with nothing to follow.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".conf", ".sample", ".yaml", ".yml", ".json", ".txt", ""}

REFERENCE = re.compile(r"(?<![\w/.-])(docs/[\w./-]+\.md)(?:#([\w-]+))?")
# "contract 6.7", "Contract 0.5", "contract §9", "contract section 5", "(contract 9)"
CONTRACT_CITATION = re.compile(r"\bcontract\s+(?:§\s*|section\s+)?\d+(?:\.\d+)*", re.IGNORECASE)
# "(D31)", "(D1, D5, D15)", "D22:" - the contract's defect numbers; a Markdown link "[D6](...)" is fine
DEFECT_CITATION = re.compile(r"(?<![\w#\[-])D\d{1,2}\b")
# The page that defines the numbers.
DEFECTS_PAGE = ROOT / "docs" / "original-defects.md"
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([\w-]+)["']""")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def tracked_files() -> list[Path]:
    """The repository's files as git knows them (tracked, or new and not ignored), text only."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    files = []
    for name in listed:
        path = ROOT / name
        if not name or path.suffix not in SCANNED_SUFFIXES:
            continue
        if path.is_file():
            files.append(path)
    return files


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text())
    found = set(EXPLICIT_ANCHOR.findall(text))
    found.update(slug(heading) for heading in HEADING.findall(text))
    return found


def lines_of(path: Path):
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        return
    yield from enumerate(text.splitlines(), start=1)


def where(path: Path, number: int) -> str:
    return f"{path.relative_to(ROOT)}:{number}"


def test_every_docs_reference_names_an_existing_page_and_anchor():
    cache: dict[Path, set[str]] = {}
    broken = []
    seen = 0
    for path in tracked_files():
        for number, line in lines_of(path):
            for page_name, anchor in REFERENCE.findall(line):
                seen += 1
                page = ROOT / page_name
                if not page.is_file():
                    broken.append(f"{where(path, number)}: no file {page_name}")
                    continue
                if anchor:
                    known = cache.setdefault(page, anchors(page))
                    if anchor not in known:
                        broken.append(f"{where(path, number)}: no anchor #{anchor} in {page_name}")
    assert seen > 50, "the scan found almost no references: is it looking in the right place?"
    assert not broken, "\n".join(broken)


def test_relative_links_between_docs_pages_resolve():
    broken = []
    for page in sorted((ROOT / "docs").glob("*.md")):
        for number, line in lines_of(page):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", target):
                    continue  # http:, https:, mailto:
                file_part, _, anchor = target.partition("#")
                linked = (page.parent / file_part).resolve() if file_part else page
                if not linked.exists():
                    broken.append(f"{where(page, number)}: no file {target}")
                elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                    broken.append(f"{where(page, number)}: no anchor #{anchor} in {linked.relative_to(ROOT)}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    ("pattern", "what"),
    [(CONTRACT_CITATION, "a numbered contract citation"), (DEFECT_CITATION, "a bare defect number")],
)
def test_no_citation_points_outside_the_repository(pattern, what):
    """Link to docs/ instead, e.g. docs/original-defects.md#d07 or docs/jobs.md#events."""
    found = [
        f"{where(path, number)}: {line.strip()[:140]}"
        for path in tracked_files()
        if path not in (Path(__file__).resolve(), DEFECTS_PAGE)
        for number, line in lines_of(path)
        if pattern.search(line)
    ]
    assert not found, f"{what} no reader of this repository can follow:\n" + "\n".join(found)


def test_every_defect_has_its_anchor():
    """docs/original-defects.md keeps D1 ... D38 under the anchors d01 ... d38 the code links to."""
    known = anchors(DEFECTS_PAGE)
    assert {f"d{number:02d}" for number in range(1, 39)} <= known
