"""The command line's own words in nb, nn and en: the errors and notes of its options
(:data:`TEXTS`, filled by :func:`~samhandling_kg.core.errors.localised`) and argparse's usage
errors (:func:`usage_line`), so that ``validate`` and ``query`` speak their ``--lang`` from
the first line on. English stays word for word what argparse and the tool wrote before."""

from __future__ import annotations

import re

#: The command line's messages, by what they say; ``{…}`` are filled by the caller.
TEXTS: dict[str, dict[str, str]] = {
    "input-format-files": {
        "nb": "--input-format gjelder standard inn («{stdin}»); filer leses etter filendelsen",
        "nn": "--input-format gjeld standard inn («{stdin}»); filer vert lesne etter filendinga",
        "en": "--input-format is for standard input ('{stdin}'); files are read by their ending"},
    "stdin-twice": {
        "nb": "standard inn («{stdin}») kan leses én gang; oppgi den én gang",
        "nn": "standard inn («{stdin}») kan lesast éin gong; gje han éin gong",
        "en": "standard input ('{stdin}') can be read once; give it once"},
    "stdin-format": {
        "nb": "standard inn («{stdin}») har ingen filendelse som forteller formatet: legg til "
              "--input-format FORMAT ({known}), f.eks. «{option} - --input-format ttl»",
        "nn": "standard inn («{stdin}») har inga filending som fortel formatet: legg til "
              "--input-format FORMAT ({known}), t.d. «{option} - --input-format ttl»",
        "en": "standard input ('{stdin}') has no file ending to tell its format: add "
              "--input-format FORMAT ({known}), e.g. '{option} - --input-format ttl'"},
    "validate-endpoint-files": {
        "nb": "--endpoint validerer katalogen i endepunktet med den kompilerte motoren; "
              "oppgi ingen FILE og ikke --engine pyshacl",
        "nn": "--endpoint validerer katalogen i endepunktet med den kompilerte motoren; "
              "gje ingen FILE og ikkje --engine pyshacl",
        "en": "--endpoint validates the catalogue at the endpoint with the compiled engine; "
              "give no FILE and no --engine pyshacl"},
    "validate-graph-endpoint": {
        "nb": "--graph og --background-graph krever --endpoint",
        "nn": "--graph og --background-graph krev --endpoint",
        "en": "--graph and --background-graph need --endpoint"},
    "query-missing": {
        "nb": "query: QUERY mangler; oppgi den først, som i «samhandling query QUERY --data FILE...»",
        "nn": "query: QUERY manglar; gje han først, som i «samhandling query QUERY --data FILE...»",
        "en": "query: QUERY is missing; give it first, as in 'samhandling query QUERY --data "
              "FILE...'"},
    "bind-form": {
        "nb": "--bind skal ha NAVN=VERDI, ikke «{item}»",
        "nn": "--bind skal ha NAMN=VERDI, ikkje «{item}»",
        "en": "--bind wants NAME=VALUE, not {item_repr}"},
    "bind-twice": {
        "nb": "--bind {name} er oppgitt to ganger («{first}» og «{second}»); en parameter tar én verdi",
        "nn": "--bind {name} er gjeven to gonger («{first}» og «{second}»); ein parameter tek éin verdi",
        "en": "--bind {name} is given twice ({first_repr} and {second_repr}); a parameter takes "
              "one value"},
    "lang-disagree": {
        "nb": "--lang {lang} og --bind {param}={value} er uenige; oppgi språket én gang",
        "nn": "--lang {lang} og --bind {param}={value} er usamde; gje språket éin gong",
        "en": "--lang {lang} and --bind {param}={value} disagree; give the language once"},
    "query-graph-endpoint": {
        "nb": "--graph krever --endpoint (den angir en graf i endepunktet)",
        "nn": "--graph krev --endpoint (han nemner ein graf i endepunktet)",
        "en": "--graph needs --endpoint (it names a graph of the endpoint)"},
    "query-local-options": {
        "nb": "--data, --infer og --store virker på lokale filer; med --endpoint må filene "
              "lastes inn i lageret først («samhandling load»)",
        "nn": "--data, --infer og --store verkar på lokale filer; med --endpoint må filene "
              "lastast inn i lageret først («samhandling load»)",
        "en": "--data, --infer and --store work on local files; with --endpoint load the "
              "files into the store first ('samhandling load')"},
    "note-data": {
        "nb": "merk: {id} leser løsningsbeskrivelser; oppgi dem med --data FILE...",
        "nn": "merk: {id} les løysingsskildringar; gje dei med --data FILE...",
        "en": "note: {id} reads solution descriptions; give them with --data FILE..."},
    "capped": {
        "nb": "advarsel: {endpoint} avkortet svaret ved {rows} rader; det er ufullstendig",
        "nn": "åtvaring: {endpoint} korta av svaret ved {rows} rader; det er ufullstendig",
        "en": "warning: {endpoint} capped the answer at {rows} rows; it is incomplete"},
    "validate-required": {
        "nb": "dette argumentet mangler: FILE (eller --endpoint URL)",
        "nn": "dette argumentet manglar: FILE (eller --endpoint URL)",
        "en": "the following arguments are required: FILE (or --endpoint URL)"},
}

#: argparse's messages (Python 3.10 to 3.13) and their nb and nn words; a message none of
#: them matches is shown as argparse wrote it.
_ARGPARSE: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), nb, nn) for pattern, nb, nn in (
        (r"argument (?P<arg>.+?): (?P<rest>.*)", "argumentet {arg}: {rest}", "argumentet {arg}: {rest}"),
        (r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)",
         "ugyldig valg: {value} (velg blant {choices})", "ugyldig val: {value} (vel mellom {choices})"),
        (r"expected one argument", "venter én verdi", "ventar éin verdi"),
        (r"expected at most one argument", "venter høyst én verdi", "ventar høgst éin verdi"),
        (r"expected at least one argument", "venter minst én verdi", "ventar minst éin verdi"),
        (r"expected (?P<n>\d+) arguments?", "venter {n} verdier", "ventar {n} verdiar"),
        (r"invalid (?P<type>\S+) value: (?P<value>.*)", "ugyldig verdi: {value}", "ugyldig verdi: {value}"),
        (r"ignored explicit argument (?P<value>.*)", "tar ingen verdi, men fikk {value}",
         "tek ingen verdi, men fekk {value}"),
        (r"not allowed with argument (?P<arg>.*)", "kan ikke brukes sammen med {arg}",
         "kan ikkje brukast saman med {arg}"),
        (r"the following arguments are required: (?P<args>.*)", "disse argumentene mangler: {args}",
         "desse argumenta manglar: {args}"),
        (r"one of the arguments (?P<args>.*) is required", "ett av argumentene {args} må oppgis",
         "eitt av argumenta {args} må vere med"),
        (r"unrecognized arguments: (?P<args>.*)", "ukjente argumenter: {args}",
         "ukjende argument: {args}"),
        (r"ambiguous option: (?P<option>.*?) could match (?P<matches>.*)",
         "tvetydig valg: {option} kan bety {matches}", "tvitydig val: {option} kan tyde {matches}"),
    ))


def argparse_message(message: str, lang: str | None) -> str:
    """argparse's ``message`` in ``lang`` (nb or nn; else as it is)."""
    if lang not in ("nb", "nn"):
        return message
    for pattern, nb, nn in _ARGPARSE:
        match = pattern.fullmatch(message)
        if match:
            values = {name: argparse_message(value, lang) if name == "rest" else _quoted(value)
                      for name, value in match.groupdict().items()}
            return (nb if lang == "nb" else nn).format(**values)
    return message


def _quoted(text: str) -> str:
    """Python's quotes around values ('nb') as the Norwegian texts quote («nb»)."""
    return re.sub(r"'([^']*)'", r"«\1»", text)


def usage_line(prog: str, message: str, lang: str | None) -> str:
    """The one line of a usage error: ``PROG: MESSAGE (see 'PROG --help')`` in ``lang``."""
    sees = {"nb": "se «{prog} --help»", "nn": "sjå «{prog} --help»", "en": "see '{prog} --help'"}
    see = sees.get(lang or "en", sees["en"])
    return f"{prog}: {argparse_message(message, lang)} ({see.format(prog=prog)})\n"


def language_in(argv: list[str], commands: tuple[str, ...], default: str, known: tuple[str, ...]
                ) -> str | None:
    """The language a command line's usage errors are in, read before argparse parses it:
    the ``--lang`` given to one of ``commands`` (``default`` without one, or with one that is
    not ``known``); None (English) for any other command."""
    command = next((item for item in argv if not item.startswith("-")), None)
    if command not in commands:
        return None
    lang = default
    for index, item in enumerate(argv):
        if item == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif item.startswith("--lang="):
            lang = item.split("=", 1)[1]
    return lang if lang in known else default
