"""The reader's names of each competency question's parameters and result columns (the
``# label NAME@LANG:`` lines of queries/*.rq): complete in nb, nn and en, and read in one place
(kg/questions.py) for the query page, the CLI's table and the ``questions`` listing."""

from __future__ import annotations

from pathlib import Path

import pytest

from samhandling_kg.core.errors import InputError
from samhandling_kg.core.terms import LANGUAGES
from samhandling_kg.kg.questions import list_questions, parse_question
from samhandling_kg.query.run import run_question


@pytest.mark.parametrize("question", list_questions(), ids=lambda q: q.id)
def test_every_parameter_and_column_is_named_in_every_language(question) -> None:  # type: ignore[no-untyped-def]
    result = run_question(question.id, question.defaults("nb"))
    names = {p.name for p in question.parameters} | set(result.variables)
    assert names, question.id
    for name in sorted(names):
        for lang in LANGUAGES:
            assert question.labels.get(name, {}).get(lang), f"{question.id}: no label {name}@{lang}"
    # No label for a name the question does not have (a typo would go unseen).
    assert set(question.labels) <= names, sorted(set(question.labels) - names)


def test_a_label_falls_back_to_the_other_norwegian_then_english_then_the_name(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("# label x@nn: Nynorsk namn\n# label y@en: English name\nSELECT ?x ?y ?z WHERE {}\n",
                    encoding="utf-8")
    question = parse_question(path, require_header=False)
    assert question.label("x", "nb") == "Nynorsk namn"
    assert question.label("y", "nn") == "English name"
    assert question.label("z", "nb") == "z"


@pytest.mark.parametrize(("line", "message"), [("# label x@de: Name", "the language is one of"),
                                                ("# label x@nb: A\n# label x@nb: B", "given twice")])
def test_a_bad_label_line_is_a_one_line_error_with_its_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.rq"
    path.write_text(f"{line}\nSELECT ?x WHERE {{}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        parse_question(path, require_header=False)
    assert str(path) in str(caught.value)
