"""The documentation site against the hostile read of issue 23: ``docs --output`` never
writes through a symbolic link planted inside the output folder; every static page carries a
Content-Security-Policy ``<meta>`` equal to serve's header (less ``frame-ancestors``, which a
``<meta>`` cannot carry); the query page's CSV download neutralises formula cells (OWASP) and
says so, while ``query --format csv`` keeps values exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import assert_one_line_error, run
from markupsafe import escape

from samhandling_kg.site import routes
from samhandling_kg.site.build import PAGE_CSP

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "out"
    code, _, err = run("docs", "--output", str(folder))
    assert code == 0, err
    return folder


@pytest.mark.parametrize("planted", ["static", "en"])
def test_docs_never_writes_through_a_planted_link(tmp_path: Path, planted: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    output = tmp_path / "site"
    output.mkdir()
    (output / planted).symlink_to(outside, target_is_directory=True)
    code, _, err = run("docs", "--output", str(output))
    assert_one_line_error(code, err, str(output), planted, "symbolic link")
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]


def test_a_planted_link_to_a_file_is_replaced_not_followed(tmp_path: Path, site: Path) -> None:
    victim = tmp_path / "victim.css"
    victim.write_text("mine", encoding="utf-8")
    output = tmp_path / "again"
    output.mkdir()
    (output / "static").mkdir()
    (output / "static" / "site.css").symlink_to(victim)
    code, _, err = run("docs", "--output", str(output))
    assert code == 0, err
    assert victim.read_text(encoding="utf-8") == "mine"
    assert not (output / "static" / "site.css").is_symlink()


def test_every_static_page_carries_the_csp_of_serve(site: Path) -> None:
    assert routes._CSP == PAGE_CSP + "; frame-ancestors 'none'"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 300
    meta = f'<meta http-equiv="Content-Security-Policy" content="{escape(PAGE_CSP)}">'
    missing = [str(p.relative_to(site)) for p in pages if meta not in p.read_text(encoding="utf-8")]
    assert not missing, missing[:5]
    assert "unsafe-inline" not in PAGE_CSP and "default-src 'none'" in PAGE_CSP


def test_the_page_says_the_csv_download_is_neutralised() -> None:
    served = routes.SiteRoutes()
    for lang in ("nb", "nn", "en"):
        body = served.file(f"{lang}/query.html")
        assert body is not None
        page = body.decode("utf-8")
        assert 'id="csv-safe"' in page and "=" in page.split('id="csv-safe"')[1][:200]


def test_the_csv_download_neutralises_formula_cells() -> None:
    """csvField of the query page, run in Chromium (the browser tests' one)."""
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium is not installed")
    script = (ROOT / "samhandling_kg" / "site" / "static" / "query.js").read_text(encoding="utf-8")
    source = re.search(r"function csvField\(value\) \{.*?\n  \}", script, re.DOTALL)
    assert source is not None
    cells = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx",
             "plain", "a=b", "", "1,5", 'say "hi"']
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            got = page.evaluate(f"(cells) => {{ {source.group()} return cells.map(csvField); }}", cells)
        finally:
            browser.close()
    assert got == ['"\'=HYPERLINK(""http://evil.example"",""x"")"', "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "\"'\rx\"", "plain", "a=b", "", "\"1,5\"",
                   "\"say \"\"hi\"\"\""], got


def test_the_command_lines_csv_keeps_values_exactly(tmp_path: Path) -> None:
    data = tmp_path / "f.ttl"
    data.write_text('<https://e.x/s> <https://e.x/p> "=HYPERLINK(1)" .\n', encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?o WHERE { ?s <https://e.x/p> ?o }", encoding="utf-8")
    code, out, err = run("query", str(query), "--data", str(data), "--format", "csv")
    assert code == 0, err
    assert out == "o\r\n=HYPERLINK(1)\r\n"
