"""``samhandling query``'s table (the default format) is for people: terms by their labels in
the chosen language, columns by the question's names, no language tags; CSV and JSON stay the
exact W3C answer."""

from __future__ import annotations

from pathlib import Path

from helpers import run

from samhandling_kg.kg.questions import get_question

Q = "cq05-forms-for-need"


def _table(*argv: str) -> tuple[list[str], str]:
    code, out, err = run("query", *argv)
    assert code == 0, err
    return out.splitlines()[0].split("  "), out


def test_the_table_names_terms_and_columns_in_bokmaal_by_default() -> None:
    header, out = _table(Q)
    question = get_question(Q)
    for variable in ("kind", "form", "label", "via", "link", "status"):
        assert question.label(variable, "nb") in out.splitlines()[0]
    assert "Datadeling" in out and "Slå opp og tilgjengeliggjøre" in out
    assert "@nb" not in out and "sam:" not in out and "https://" not in out
    assert out.rstrip().endswith("(6 rader)")


def test_the_table_follows_lang() -> None:
    _, out = _table(Q, "--lang", "en")
    assert get_question(Q).label("via", "en") in out.splitlines()[0]
    assert "Data sharing" in out and "Datadeling" not in out and "@en" not in out
    assert out.rstrip().endswith("(6 rows)")
    _, out = _table("cq16-missing-translations", "--lang", "nn")  # no lang parameter: names only
    assert out.splitlines()[0].split()[0] == get_question("cq16-missing-translations").label("term", "nn")


def test_a_literal_in_another_language_says_which_and_csv_json_stay_exact() -> None:
    _, out = _table(Q, "--bind", "lang=*")
    assert "Data sharing (en)" in out and "Datadeling\n" not in out
    code, csv, _ = run("query", Q, "--format", "csv")
    assert code == 0
    assert csv.splitlines()[0] == "kind,form,label,via,link,status"
    assert "https://w3id.org/samhandling#DataSharing,Datadeling," in csv
    code, json_text, _ = run("query", Q, "--format", "json")
    assert code == 0 and '"xml:lang": "nb"' in json_text


def test_a_term_without_a_label_keeps_its_compact_name(tmp_path: Path) -> None:
    query = tmp_path / "mine.rq"
    query.write_text("PREFIX sam: <https://w3id.org/samhandling#>\n"
                     "SELECT ?x WHERE { VALUES ?x { sam:NoSuchTerm sam:DataSharing } }\n", encoding="utf-8")
    header, out = _table(str(query))
    assert header == ["x"]  # a file of one's own has no names for its columns
    assert "sam:NoSuchTerm" in out and "Datadeling" in out
