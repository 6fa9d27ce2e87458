"""Generated catalogues of realistic solution descriptions, valid or with chosen defects.

Shared by the engine parity test (tests/validation/test_engine_parity.py) and the benchmark
(benchmarks/engine.py). A valid record has every property of the profile (mandatory,
recommended and optional) and no finding at all; each defect in :data:`DEFECTS` changes it in
one way the profile checks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from pathlib import Path

PREFIXES = """@prefix dcat:   <http://www.w3.org/ns/dcat#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix ex:     <https://example.org/catalogue/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sam:    <https://w3id.org/samhandling#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix vcard:  <http://www.w3.org/2006/vcard/ns#> .

"""

#: Valid publishers (organisation numbers with a right check digit).
PUBLISHERS = ("994598759", "983544622", "974633574", "883974832", "987601787")

#: Every kind of defect, by name; each is one change to a valid record.
DEFECTS: tuple[str, ...] = (
    "untyped", "no-identifier", "two-identifiers", "identifier-iri", "no-nb-title",
    "two-nb-titles", "title-no-lang", "no-nb-description", "description-no-lang",
    "no-publisher", "two-publishers", "publisher-literal", "publisher-not-brreg",
    "publisher-check-digit", "no-realises", "realises-technical", "no-uses",
    "uses-organisational", "no-addresses", "addresses-not-need", "no-conforms-to",
    "conforms-to-literal", "no-legal-basis", "legal-basis-literal", "no-contact",
    "contact-unreachable", "no-landing-page", "landing-page-literal", "landing-page-ftp",
    "no-access-rights", "form-unsupported", "standard-unfitting", "need-unmet",
    "misspelt-property", "misspelt-class", "own-need-incomplete", "own-form-no-label",
    "no-nn-title", "no-en-title", "no-nn-description", "no-en-description", "title-no",
)


#: How a record is written (``--record-shape`` of benchmarks/engine.py): ``full``, every
#: property of the profile once, in Turtle blocks; ``minimal``, only what the profile requires
#: (each record then has the warnings and infos of what it leaves out); ``rich``, several
#: values where the profile allows them (forms, needs, standards, laws, contacts, keywords);
#: ``flat``, the full record as N-Triples-like Turtle: one statement a line, every IRI whole,
#: as a triple store's export writes it.
RECORD_SHAPES = ("full", "minimal", "rich", "flat")

#: What a minimal record leaves out (recommended and optional properties).
_OPTIONAL = ("nn-title", "en-title", "nn-description", "en-description", "conforms-to",
             "legal-basis", "access-rights", "contact", "landing-page")


def record(i: int, defects: Iterable[str] = (), publisher: str = PUBLISHERS[0],
           shape: str = "full") -> str:
    """One solution description in Turtle (and the blank nodes and concepts it owns), in the
    record shape ``shape`` (:data:`RECORD_SHAPES`)."""
    if shape not in RECORD_SHAPES:
        raise ValueError(f"unknown record shape {shape!r}; known: {', '.join(RECORD_SHAPES)}")
    if shape == "flat":
        return _flat(record(i, defects, publisher))
    rich, left_out = shape == "rich", set(_OPTIONAL) if shape == "minimal" else set()
    d = set(defects)
    unknown = d - set(DEFECTS)
    if unknown:
        raise ValueError(f"unknown defects: {sorted(unknown)}")
    s = f"ex:solution-{i}"
    lines: list[str] = []
    if "untyped" not in d:
        lines.append("a sam:Solution")
    elif "misspelt-class" in d:
        pass
    if "misspelt-class" in d:
        lines.append("a sam:Soluton")
    if "no-identifier" not in d:
        lines.append(f'dct:identifier "S-{i:06d}"' if "identifier-iri" not in d
                     else f"dct:identifier <https://example.org/id/{i}>")
    if "two-identifiers" in d:
        lines.append(f'dct:identifier "ALT-{i}"')
    titles = []
    if "no-nb-title" not in d:
        titles.append(f'"Løsning {i}"@nb')
    if "two-nb-titles" in d:
        titles.append(f'"Løysing nummer {i}"@nb')
    if "no-nn-title" not in d and "nn-title" not in left_out:
        titles.append(f'"Løysing {i}"@nn')
    if "no-en-title" not in d and "en-title" not in left_out:
        titles.append(f'"Solution {i}"@en')
    if "title-no-lang" in d:
        titles.append(f'"Solution {i} (plain)"')
    if "title-no" in d:
        titles.append(f'"Løsning {i} (no)"@no')
    if titles:
        lines.append("dct:title " + " , ".join(titles))
    descriptions = []
    if "no-nb-description" not in d:
        descriptions.append(f'"Generert løsning nummer {i}."@nb')
    if "no-nn-description" not in d and "nn-description" not in left_out:
        descriptions.append(f'"Generert løysing nummer {i}."@nn')
    if "no-en-description" not in d and "en-description" not in left_out:
        descriptions.append(f'"Generated solution number {i}."@en')
    if "description-no-lang" in d:
        descriptions.append(f'"Plain description {i}."')
    if descriptions:
        lines.append("dct:description " + " , ".join(descriptions))
    brreg = "https://data.brreg.no/enhetsregisteret/api/enheter/"
    if "no-publisher" not in d:
        if "publisher-literal" in d:
            lines.append(f'dct:publisher "Organisasjon {i}"')
        elif "publisher-not-brreg" in d:
            lines.append(f"dct:publisher <https://example.org/org/{i}>")
        elif "publisher-check-digit" in d:
            lines.append(f"dct:publisher <{brreg}{publisher[:8]}{(int(publisher[8]) + 1) % 10}>")
        else:
            lines.append(f"dct:publisher <{brreg}{publisher}>")
    if "two-publishers" in d:
        lines.append(f"dct:publisher <{brreg}{PUBLISHERS[1]}>")
    realises = "sam:LookUpAndMakeAvailable"
    uses = "sam:DataSharing"
    if "form-unsupported" in d:
        realises = "sam:SendAndReceive"
    if "realises-technical" in d:
        realises = "sam:PortalAccess"
    if "uses-organisational" in d:
        uses = "sam:ChangeAndShare"
    if "no-realises" not in d:
        lines.append(f"sam:realises {realises}")
    if "no-uses" not in d:
        lines.append(f"sam:uses {uses}" + (" , sam:DocumentSharing" if rich else ""))
    if "no-addresses" not in d:
        if "addresses-not-need" in d:
            lines.append("sam:addresses sam:DataSharing")
        elif "need-unmet" in d or "own-need-incomplete" in d:
            lines.append(f"sam:addresses ex:need-{i}")
        else:
            lines.append("sam:addresses sam:ExaminationsMeasurementsFindings" + (
                " , sam:RecordDocuments , sam:ClinicalBackgroundInformation" if rich else ""))
    if "no-conforms-to" not in d and "conforms-to" not in left_out:
        if "conforms-to-literal" in d:
            lines.append('dct:conformsTo "HL7 FHIR R4"')
        elif "standard-unfitting" in d:
            lines.append("dct:conformsTo <https://example.org/standard/other>")
        else:
            lines.append("dct:conformsTo sam:HL7_FHIR_R4" + (
                " , sam:IHE_XDSb , sam:IHE_MHD" if rich else ""))
    if "no-legal-basis" not in d and "legal-basis" not in left_out:
        lines.append("dcatap:applicableLegislation " + (
            '"Pasientjournalloven"' if "legal-basis-literal" in d else "sam:Pasientjournalloven")
            + (" , sam:Helsepersonelloven , sam:Personopplysningsloven" if rich else ""))
    if "no-access-rights" not in d and "access-rights" not in left_out:
        lines.append('dct:accessRights [ a dct:RightsStatement ; rdfs:label "Tilgang med HelseID."@nb ]')
    if "no-contact" not in d and "contact" not in left_out:
        reach = "" if "contact-unreachable" in d else f" ; vcard:hasEmail <mailto:post{i}@example.org>"
        lines.append(f'dcat:contactPoint [ a vcard:Organization ; vcard:fn "Verksemd {i}"{reach} ]')
        if rich:
            lines.append(f'dcat:contactPoint [ a vcard:Organization ; vcard:fn "Brukarstøtte {i}" ; '
                         f'vcard:hasURL <https://example.org/support/{i}> ]')
    if rich:
        lines.append(f'dcat:keyword "journal"@nb , "journal"@nn , "record"@en , "nummer {i}"@nb')
        lines.append(f'dct:alternative "L{i}"@nb , "S{i}"@en')
    if "no-landing-page" not in d and "landing-page" not in left_out:
        if "landing-page-literal" in d:
            lines.append(f'dcat:landingPage "https://example.org/solution/{i}"')
        elif "landing-page-ftp" in d:
            lines.append(f"dcat:landingPage <ftp://example.org/solution/{i}>")
        else:
            lines.append(f"dcat:landingPage <https://example.org/solution/{i}>")
    if "misspelt-property" in d:
        lines.append("sam:adresses sam:ExaminationsMeasurementsFindings")
    text = s + " " + " ;\n    ".join(lines) + " .\n" if lines else ""
    if "need-unmet" in d or "own-need-incomplete" in d:
        need = [f"ex:need-{i} a sam:Need"]
        if "own-need-incomplete" not in d:
            need[0] += " , skos:Concept"
            need.append(f'skos:prefLabel "Behov {i}"@nb')
            need.append(f'skos:definition "Et behov nummer {i}."@nb')
        # An unmet need is supported by a form the solution does not realise.
        if "need-unmet" in d:
            need.append("sam:supportedBy sam:SendAndReceive")
        text += " ;\n    ".join(need) + " .\n"
    if "own-form-no-label" in d:
        text += (f"ex:form-{i} a sam:TechnicalForm , skos:Concept ;\n"
                 f'    skos:definition "Ei form nummer {i}."@nn .\n')
    return text


def _flat(text: str) -> str:
    """``text`` (records in :data:`PREFIXES`' Turtle) as one statement a line, IRIs whole:
    parsed and written back by Oxigraph, blank nodes kept as they are labelled."""
    import pyoxigraph as ox

    triples = ox.parse(PREFIXES + text, ox.RdfFormat.TURTLE)
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)


def catalogue_text(specs: Sequence[Iterable[str]], *, start: int = 0, shape: str = "full") -> str:
    """Turtle holding one record per item of ``specs`` (the defects of that record)."""
    return PREFIXES + "\n".join(record(start + n, spec, PUBLISHERS[n % len(PUBLISHERS)], shape)
                                for n, spec in enumerate(specs))


def realistic_specs(records: int, *, seed: int = 1, defective: float = 0.1) -> list[list[str]]:
    """``records`` records, one in ten (``defective``) with one to three defects."""
    rng = random.Random(seed)
    return [rng.sample(DEFECTS, rng.randint(1, 3)) if rng.random() < defective else []
            for _ in range(records)]


def write_catalogue(path: Path, records: int, *, seed: int = 1, defective: float = 0.1,
                    shape: str = "full") -> Path:
    """A catalogue file of ``records`` realistic records (see :func:`realistic_specs`) in
    the record shape ``shape`` (:data:`RECORD_SHAPES`)."""
    specs = realistic_specs(records, seed=seed, defective=defective)
    with path.open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        for n, spec in enumerate(specs):
            out.write(record(n, spec, PUBLISHERS[n % len(PUBLISHERS)], shape))
            out.write("\n")
    return path
