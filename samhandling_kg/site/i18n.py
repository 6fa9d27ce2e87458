"""The site's own words (headings, buttons, notes) in nb, nn and en: one registry.

Labels of the knowledge graph's terms never appear here; they are read from the graph.
"""

from __future__ import annotations

from collections.abc import Mapping

from samhandling_kg.core.terms import LANGUAGES

#: The language a reader gets when neither a stored choice nor the browser says otherwise.
DEFAULT_LANGUAGE = "nb"

#: Each language's name, written in that language (the switch shows them so).
LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "en": "English"}

CHROME: Mapping[str, Mapping[str, str]] = {
    "site_title": {"nb": "Samhandlingsformer – begrepsmodell", "nn": "Samhandlingsformer – omgrepsmodell",
                   "en": "Interaction forms – concept model"},
    "skip": {"nb": "Hopp til innholdet", "nn": "Hopp til innhaldet", "en": "Skip to content"},
    "nav": {"nb": "Hovedmeny", "nn": "Hovudmeny", "en": "Main menu"},
    "language": {"nb": "Språk", "nn": "Språk", "en": "Language"},
    "home": {"nb": "Oversikt", "nn": "Oversikt", "en": "Overview"},
    "matrix": {"nb": "Støttematrise", "nn": "Støttematrise", "en": "Support matrix"},
    "needs": {"nb": "Behovstre", "nn": "Behovstre", "en": "Needs tree"},
    "concepts": {"nb": "Alle begreper", "nn": "Alle omgrep", "en": "All concepts"},
    "profile": {"nb": "Beskrivelsesprofil", "nn": "Skildringsprofil", "en": "Description profile"},
    "questions": {"nb": "Spørsmål og svar", "nn": "Spørsmål og svar", "en": "Questions and answers"},
    "catalogue": {"nb": "Løsningskatalog", "nn": "Løysingskatalog", "en": "Solution catalogue"},
    "query": {"nb": "Still et spørsmål", "nn": "Still eit spørsmål", "en": "Ask a question"},
    "guide": {"nb": "Veileder", "nn": "Rettleiar", "en": "Guide"},
    "intro": {
        "nb": "Modellen viser hvordan samhandlingsbehov dekkes av organisatoriske samhandlingsformer "
              "(arbeidsprosesser), og hvordan disse støttes av tekniske samhandlingsformer. "
              "Figuren er laget fra kunnskapsgrafen: hver boks er et begrep, og hver strek er en "
              "«{supported}»-relasjon.",
        "nn": "Modellen viser korleis samhandlingsbehov vert dekte av organisatoriske "
              "samhandlingsformer (arbeidsprosessar), og korleis desse vert støtta av tekniske "
              "samhandlingsformer. Figuren er laga frå kunnskapsgrafen: kvar boks er eit omgrep, og "
              "kvar strek er ein «{supported}»-relasjon.",
        "en": "The model shows how interaction needs are met by organisational interaction forms "
              "(work processes), and how these are supported by technical interaction forms. The "
              "figure is drawn from the knowledge graph: every box is a concept and every line a "
              "'{supported}' link.",
    },
    "diagram": {"nb": "Figur: behov, samhandlingsformer og rettslige rammer på EIF-lagene",
                "nn": "Figur: behov, samhandlingsformer og rettslege rammer på EIF-laga",
                "en": "Figure: needs, interaction forms and legal frameworks on the EIF layers"},
    "needs_band": {"nb": "Behov", "nn": "Behov", "en": "Needs"},
    "declared_need": {"nb": "behov oppgitt i en løsningsbeskrivelse", "nn": "behov oppgitt i ei løysingsskildring",
                      "en": "need declared by a solution description"},
    "legend": {"nb": "Tegnforklaring", "nn": "Teiknforklaring", "en": "Key"},
    "legend_need_line": {"nb": "behov → organisatorisk form", "nn": "behov → organisatorisk form",
                         "en": "need → organisational form"},
    "legend_legal_line": {"nb": "form → rettslig ramme som avgrenser den",
                          "nn": "form → rettsleg ramme som avgrensar ho",
                          "en": "form → legal framework that constrains it"},
    "diagram_follow": {
        "nb": "Pek på eller gå med tabulatortasten til en boks for å fremheve stiene fra og til den "
              "(for et behov også de rettslige rammene som gjelder det).",
        "nn": "Peik på eller gå med tabulatortasten til ein boks for å framheve stiane frå og til "
              "han (for eit behov òg dei rettslege rammene som gjeld det).",
        "en": "Point at a box, or reach it with the Tab key, to light the paths from and to it (for "
              "a need also the legal frameworks that bear on it).",
    },
    "diagram_scroll": {"nb": "Figuren er bred: rull sidelengs i den.", "nn": "Figuren er brei: rull sidelengs i han.",
                       "en": "The figure is wide: scroll sideways within it."},
    "diagram_desc": {
        "nb": "Behov øverst er koblet til de organisatoriske formene som dekker dem; disse er koblet "
              "til de tekniske formene nederst. Rettslige rammer står til høyre, koblet til formene "
              "de avgrenser.",
        "nn": "Behov øvst er kopla til dei organisatoriske formene som dekkjer dei; desse er kopla "
              "til dei tekniske formene nedst. Rettslege rammer står til høgre, kopla til formene "
              "dei avgrensar.",
        "en": "Needs at the top are linked to the organisational forms that meet them; these are "
              "linked to the technical forms at the bottom. Legal frameworks stand on the right, "
              "linked to the forms they constrain.",
    },
    "matrix_intro": {
        "nb": "Radene er organisatoriske former, kolonnene tekniske. Hver fylt rute viser "
              "grunnlagsstatusen og lenker til grunnlaget og kildene.",
        "nn": "Radene er organisatoriske former, kolonnane tekniske. Kvar fylt rute viser "
              "grunnlagsstatusen og lenkjer til grunnlaget og kjeldene.",
        "en": "Rows are organisational forms, columns technical ones. Each filled cell shows the "
              "evidence status and links to the evidence and its sources.",
    },
    "downloads": {"nb": "Last ned ontologien", "nn": "Last ned ontologien", "en": "Download the ontology"},
    "downloads_intro": {
        "nb": "Hele ontologien med begrepssystemene, i fire RDF-formater med samme innhold:",
        "nn": "Heile ontologien med omgrepssystema, i fire RDF-format med same innhald:",
        "en": "The whole ontology with its concept schemes, in four RDF formats with the same content:",
    },
    "no_link": {"nb": "ingen støtte", "nn": "inga støtte", "en": "no support"},
    "iri": {"nb": "IRI", "nn": "IRI", "en": "IRI"},
    "types": {"nb": "Type", "nn": "Type", "en": "Type"},
    "labels": {"nb": "Navn på alle språk", "nn": "Namn på alle språk", "en": "Names in every language"},
    "definition": {"nb": "Definisjon", "nn": "Definisjon", "en": "Definition"},
    "examples": {"nb": "Eksempler", "nn": "Døme", "en": "Examples"},
    "notes": {"nb": "Merknader", "nn": "Merknader", "en": "Notes"},
    "relations": {"nb": "Relasjoner", "nn": "Relasjonar", "en": "Relations"},
    "incoming": {"nb": "Andre som viser hit", "nn": "Andre som viser hit", "en": "Others that refer here"},
    "inverse_of": {"nb": "Viser hit som «{label}»", "nn": "Viser hit som «{label}»",
                   "en": "Points here as '{label}'"},
    # An OWL 2 RL inference of the site's reasoner. Not the graph's evidence status «{derived}»
    # (a link the project derived from the sources): one word for each meaning.
    "inferred": {"nb": "følger av reglene", "nn": "følgjer av reglane", "en": "follows from the rules"},
    "inferred_note": {
        "nb": "«følger av reglene»: sluttet av modellens OWL 2 RL-regler, ikke skrevet i grafen. "
              "Det er noe annet enn grunnlagsstatusen «{derived}».",
        "nn": "«følgjer av reglane»: slutta av OWL 2 RL-reglane i modellen, ikkje skrive i grafen. "
              "Det er noko anna enn grunnlagsstatusen «{derived}».",
        "en": "'follows from the rules': inferred by the model's OWL 2 RL rules, not written in the "
              "graph. That is not the evidence status '{derived}'.",
    },
    "description": {"nb": "Beskrivelse", "nn": "Skildring", "en": "Description"},
    "for_machines": {"nb": "For maskiner", "nn": "For maskiner", "en": "For machines"},
    "machines_intro": {
        "nb": "Begrepet slik det står i kunnskapsgrafen, med RDF-navnene på egenskapene.",
        "nn": "Omgrepet slik det står i kunnskapsgrafen, med RDF-namna på eigenskapane.",
        "en": "The term as the knowledge graph states it, with the RDF names of the properties.",
    },
    "statements": {"nb": "Utsagn i grafen", "nn": "Utsegner i grafen", "en": "Statements in the graph"},
    "value": {"nb": "Verdi", "nn": "Verdi", "en": "Value"},
    "orgnr": {"nb": "organisasjonsnummer {number}", "nn": "organisasjonsnummer {number}",
              "en": "organisation number {number}"},
    "other_languages": {"nb": "Term på andre språk", "nn": "Term på andre språk", "en": "Term in other languages"},
    "alt_labels": {"nb": "Tillatte termer", "nn": "Tillatne termar", "en": "Alternative terms"},
    "editorial": {"nb": "Redaksjonelle merknader", "nn": "Redaksjonelle merknader", "en": "Editorial notes"},
    "definition_source": {"nb": "Kilde til definisjonen", "nn": "Kjelde til definisjonen",
                          "en": "Source of the definition"},
    "about": {"nb": "Opplysninger", "nn": "Opplysningar", "en": "Details"},
    "findings_count": {"nb": "{violations} brudd, {warnings} advarsler, {infos} merknader",
                       "nn": "{violations} brot, {warnings} åtvaringar, {infos} merknader",
                       "en": "{violations} violations, {warnings} warnings, {infos} infos"},
    "sources": {"nb": "Kilder", "nn": "Kjelder", "en": "Sources"},
    "rdf": {"nb": "Maskinlesbar beskrivelse", "nn": "Maskinlesbar skildring", "en": "Machine-readable description"},
    "evidence": {"nb": "Grunnlag", "nn": "Grunnlag", "en": "Evidence"},
    "other_text": {"nb": "Andre tekster", "nn": "Andre tekstar", "en": "Other texts"},
    "lang_col": {"nb": "Språk", "nn": "Språk", "en": "Language"},
    "text_col": {"nb": "Tekst", "nn": "Tekst", "en": "Text"},
    "needs_intro": {
        "nb": "Informasjonstjenestene er toppbegreper; konkrete behov står under dem. Hvert behov "
              "viser de organisatoriske formene som dekker det.",
        "nn": "Informasjonstenestene er toppomgrep; konkrete behov står under dei. Kvart behov "
              "viser dei organisatoriske formene som dekkjer det.",
        "en": "The information services are top concepts; concrete needs sit below them. Each need "
              "shows the organisational forms that meet it.",
    },
    "profile_intro": {
        "nb": "Kravene en løsningsbeskrivelse kontrolleres mot, hentet fra SHACL-formene.",
        "nn": "Krava ei løysingsskildring vert kontrollert mot, henta frå SHACL-formene.",
        "en": "The requirements a solution description is checked against, read from the SHACL shapes.",
    },
    "property": {"nb": "Egenskap", "nn": "Eigenskap", "en": "Property"},
    "level": {"nb": "Nivå", "nn": "Nivå", "en": "Level"},
    "message": {"nb": "Melding", "nn": "Melding", "en": "Message"},
    "shape": {"nb": "Form (shape)", "nn": "Form (shape)", "en": "Shape"},
    "questions_intro": {
        "nb": "Spørsmålene modellen skal kunne svare på, med svarene fra grafen.",
        "nn": "Spørsmåla modellen skal kunne svare på, med svara frå grafen.",
        "en": "The questions the model must answer, with their answers from the graph.",
    },
    "parameters": {"nb": "Parametere", "nn": "Parametrar", "en": "Parameters"},
    "answer": {"nb": "Svar", "nn": "Svar", "en": "Answer"},
    "rows": {"nb": "rader", "nn": "rader", "en": "rows"},
    "no_rows": {"nb": "Ingen rader.", "nn": "Ingen rader.", "en": "No rows."},
    "needs_data": {
        "nb": "Spørsmålet leser løsningsbeskrivelser; bygg nettstedet med --data for å få svar.",
        "nn": "Spørsmålet les løysingsskildringar; bygg nettstaden med --data for å få svar.",
        "en": "This question reads solution descriptions; build the site with --data to answer it.",
    },
    "query_text": {"nb": "Spørringen (SPARQL)", "nn": "Spørjinga (SPARQL)", "en": "The query (SPARQL)"},
    "catalogue_intro": {
        "nb": "Løsningene i dataene, med funnene fra kontrollen mot beskrivelsesprofilen. Velg en "
              "samhandlingsform, et behov eller en utgiver for å se bare de løsningene.",
        "nn": "Løysingane i dataa, med funna frå kontrollen mot skildringsprofilen. Vel ei "
              "samhandlingsform, eit behov eller ein utgjevar for å sjå berre dei løysingane.",
        "en": "The solutions in the data, with the findings of the check against the profile. Choose "
              "an interaction form, a need or a publisher to see only those solutions.",
    },
    "search": {"nb": "Søk", "nn": "Søk", "en": "Search"},
    "search_label": {"nb": "Søk etter begrep", "nn": "Søk etter omgrep", "en": "Search for a term"},
    "search_intro": {
        "nb": "Søket går gjennom navnene og definisjonene av alle begrepene på nettstedet, i nettleseren, uten nett.",
        "nn": "Søket går gjennom namna og definisjonane til alle omgrepa på nettstaden, i nettlesaren, utan nett.",
        "en": "The search looks through the names and definitions of every term of the site, in the "
              "browser, offline.",
    },
    "search_hits": {"nb": "{count} treff for «{query}».", "nn": "{count} treff for «{query}».",
                    "en": "{count} results for '{query}'."},
    "search_none": {"nb": "Ingen treff for «{query}».", "nn": "Ingen treff for «{query}».",
                    "en": "No results for '{query}'."},
    "search_no_script": {"nb": "Søket trenger JavaScript.", "nn": "Søket treng JavaScript.",
                         "en": "The search needs JavaScript."},
    "solution": {"nb": "Løsning", "nn": "Løysing", "en": "Solution"},
    "publisher": {"nb": "Utgiver", "nn": "Utgjevar", "en": "Publisher"},
    "filter_form": {"nb": "Samhandlingsform", "nn": "Samhandlingsform", "en": "Interaction form"},
    "filter_need": {"nb": "Behov", "nn": "Behov", "en": "Need"},
    "filter_publisher": {"nb": "Utgiver", "nn": "Utgjevar", "en": "Publisher"},
    "filter_all": {"nb": "alle", "nn": "alle", "en": "all"},
    "filter_count": {"nb": "Viser {shown} av {total} løsninger.", "nn": "Viser {shown} av {total} løysingar.",
                     "en": "Showing {shown} of {total} solutions."},
    "findings": {"nb": "Funn ved kontroll", "nn": "Funn ved kontroll", "en": "Validation findings"},
    "no_findings": {"nb": "Ingen funn.", "nn": "Ingen funn.", "en": "No findings."},
    "severity": {"nb": "Alvorlighet", "nn": "Alvorsgrad", "en": "Severity"},
    "solutions_for_form": {"nb": "Løsninger per samhandlingsform", "nn": "Løysingar per samhandlingsform",
                           "en": "Solutions per interaction form"},
    "question": {"nb": "Spørsmål", "nn": "Spørsmål", "en": "Question"},
    "run": {"nb": "Kjør", "nn": "Køyr", "en": "Run"},
    "edit_query": {"nb": "Rediger spørringen", "nn": "Rediger spørjinga", "en": "Edit the query"},
    "download_csv": {"nb": "Last ned CSV", "nn": "Last ned CSV", "en": "Download CSV"},
    "download_csv_safe": {
        "nb": "Celler som begynner med = + - @, tabulator eller linjeskift får en ' foran, så et "
              "regneark ikke kjører dem som formler.",
        "nn": "Celler som byrjar med = + - @, tabulator eller linjeskift får ein ' framfor, så eit "
              "rekneark ikkje køyrer dei som formlar.",
        "en": "Cells that start with = + - @, a tab or a line break get a leading ' so that a "
              "spreadsheet does not run them as formulas."},
    "download_json": {"nb": "Last ned JSON", "nn": "Last ned JSON", "en": "Download JSON"},
    "running": {"nb": "Kjører …", "nn": "Køyrer …", "en": "Running …"},
    "own_query": {"nb": "Egen spørring", "nn": "Eiga spørjing", "en": "Your own query"},
    "query_intro": {
        "nb": "Velg et spørsmål og fyll ut feltene. Svaret kommer fra det lokale SPARQL-endepunktet "
              "/sparql, som bare leser.",
        "nn": "Vel eit spørsmål og fyll ut felta. Svaret kjem frå det lokale SPARQL-endepunktet "
              "/sparql, som berre les.",
        "en": "Choose a question and fill in the fields. The answer comes from the local, read-only "
              "SPARQL endpoint /sparql.",
    },
    "result": {"nb": "Resultat", "nn": "Resultat", "en": "Result"},
    "own_query_help": {
        "nb": "Skriv din egen SPARQL-spørring i feltet under «Spørringen (SPARQL)». Den kan bare lese.",
        "nn": "Skriv di eiga SPARQL-spørjing i feltet under «Spørjinga (SPARQL)». Ho kan berre lese.",
        "en": "Write your own SPARQL query in the field under 'The query (SPARQL)'. It can only read.",
    },
    "error_value": {"nb": "Verdien passer ikke til spørsmålet. Velg en annen verdi.",
                    "nn": "Verdien passar ikkje til spørsmålet. Vel ein annan verdi.",
                    "en": "The value does not fit the question. Choose another value."},
    "error_syntax": {"nb": "Spørringen kan ikke leses: den er ikke gyldig SPARQL.",
                     "nn": "Spørjinga kan ikkje lesast: ho er ikkje gyldig SPARQL.",
                     "en": "The query cannot be read: it is not valid SPARQL."},
    "error_update": {"nb": "Spørringen vil endre dataene, og her kan man bare lese.",
                     "nn": "Spørjinga vil endre dataa, og her kan ein berre lese.",
                     "en": "The query would change the data, and this endpoint only reads."},
    "error_server": {"nb": "Tjeneren kunne ikke svare (for lang tid, for mye minne eller for mange på en gang). "
                           "Prøv igjen, eller gjør spørringen mindre.",
                     "nn": "Tenaren kunne ikkje svare (for lang tid, for mykje minne eller for mange på ein gong). "
                           "Prøv igjen, eller gjer spørjinga mindre.",
                     "en": "The server could not answer (too long, too much memory or too many at once). "
                           "Try again, or make the query smaller."},
    "error_connection": {"nb": "Fikk ikke kontakt med tjeneren. Kjører «samhandling serve» fortsatt?",
                         "nn": "Fekk ikkje kontakt med tenaren. Køyrer «samhandling serve» framleis?",
                         "en": "Could not reach the server. Is 'samhandling serve' still running?"},
    "error_detail": {"nb": "Teknisk melding (engelsk)", "nn": "Teknisk melding (engelsk)",
                     "en": "Technical message"},
    "yes": {"nb": "ja", "nn": "ja", "en": "yes"},
    "no": {"nb": "nei", "nn": "nei", "en": "no"},
    "footer": {
        "nb": "Generert fra kunnskapsgrafen samhandling-kg {version}. Innholdet: CC BY 4.0.",
        "nn": "Generert frå kunnskapsgrafen samhandling-kg {version}. Innhaldet: CC BY 4.0.",
        "en": "Generated from the samhandling-kg knowledge graph {version}. Content: CC BY 4.0.",
    },
    "any_language": {"nb": "alle språk", "nn": "alle språk", "en": "every language"},
    # The decision guide (site/guide.py); the words of the answer itself are recommend.MESSAGES.
    "guide_intro": {
        "nb": "Svar på spørsmålene om samhandlingsbehovet, eller start fra et behov i modellen. "
              "Veilederen rangerer samhandlingsformene etter regelen nederst og viser hvilke "
              "kjennetegn som taler for, utelukker eller kreves, med grunnlag og kilder. Alt skjer "
              "i nettleseren, uten nett.",
        "nn": "Svar på spørsmåla om samhandlingsbehovet, eller start frå eit behov i modellen. "
              "Rettleiaren rangerer samhandlingsformene etter regelen nedst og viser kva "
              "kjenneteikn som talar for, utelukkar eller vert kravde, med grunnlag og kjelder. Alt "
              "skjer i nettlesaren, utan nett.",
        "en": "Answer the questions about the interaction need, or start from a need of the model. "
              "The guide ranks the interaction forms by the rule at the bottom and shows which "
              "characteristics favour, rule out or are required, with evidence and sources. "
              "Everything happens in the browser, offline.",
    },
    "guide_need": {"nb": "Start fra et behov (valgfritt)", "nn": "Start frå eit behov (valfritt)",
                   "en": "Start from a need (optional)"},
    "guide_no_need": {"nb": "– ikke noe behov valgt –", "nn": "– ikkje noko behov valt –",
                      "en": "– no need chosen –"},
    "dont_know": {"nb": "vet ikke", "nn": "veit ikkje", "en": "don't know"},
    "guide_more": {"nb": "Mer om kjennetegnet", "nn": "Meir om kjenneteiknet", "en": "More about it"},
    "guide_reset": {"nb": "Nullstill svarene", "nn": "Nullstill svara", "en": "Clear the answers"},
    "guide_result": {"nb": "Anbefaling", "nn": "Tilråding", "en": "Recommendation"},
    "guide_no_script": {"nb": "Anbefalingen vises her når JavaScript er slått på.",
                        "nn": "Tilrådinga vert vist her når JavaScript er slått på.",
                        "en": "The recommendation shows here when JavaScript is on."},
    "guide_required_open": {"nb": "kreves; svar ja eller nei på spørsmålet",
                            "nn": "vert kravd; svar ja eller nei på spørsmålet",
                            "en": "required; answer yes or no to the question"},
    "guide_open": {"nb": "Spørsmål som kan skille de gjenværende formene:",
                   "nn": "Spørsmål som kan skilje dei attverande formene:",
                   "en": "Questions that would tell the remaining forms apart:"},
}


def chrome(key: str, lang: str, **values: str) -> str:
    """The site's word ``key`` in ``lang``; a ``{name}`` in it is filled from ``values`` (the
    labels of the graph's terms are never written here, only their place)."""
    text = CHROME[key][lang]
    return text.format(**values) if "{" in text else text


def check_registry() -> list[str]:
    """Keys missing a language (the tests hold the registry complete)."""
    return [f"{key}:{lang}" for key, texts in CHROME.items() for lang in LANGUAGES
            if not texts.get(lang)]


def _names(nb: str, nn: str, en: str) -> Mapping[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


_DCT = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"

#: Reader's names of the properties of other vocabularies the pages show (the graph's own
#: properties are named by their labels in the graph). On a page, the RDF names of properties
#: appear only in its "for machines" section.
PROPERTY_NAMES: Mapping[str, Mapping[str, str]] = {
    "http://data.europa.eu/r5r/applicableLegislation": _names("Gjeldende regelverk", "Gjeldande regelverk",
                                                              "Applicable legislation"),
    _DCT + "accessRights": _names("Tilgangsrettigheter", "Tilgangsrettar", "Access rights"),
    _DCT + "conformsTo": _names("Følger standarden", "Følgjer standarden", "Conforms to"),
    _DCT + "created": _names("Opprettet", "Oppretta", "Created"),
    _DCT + "creator": _names("Laget av", "Laga av", "Creator"),
    _DCT + "identifier": _names("Identifikator", "Identifikator", "Identifier"),
    _DCT + "issued": _names("Utgitt", "Utgjeve", "Issued"),
    _DCT + "license": _names("Lisens", "Lisens", "Licence"),
    _DCT + "modified": _names("Endret", "Endra", "Modified"),
    _DCT + "publisher": _names("Utgiver", "Utgjevar", "Publisher"),
    _DCT + "source": _names("Kilde", "Kjelde", "Source"),
    _DCT + "title": _names("Tittel", "Tittel", "Title"),
    _DCT + "description": _names("Beskrivelse", "Skildring", "Description"),
    _RDFS + "seeAlso": _names("Se også", "Sjå òg", "See also"),
    _RDFS + "subClassOf": _names("Underklasse av", "Underklasse av", "Subclass of"),
    _RDFS + "subPropertyOf": _names("Underegenskap av", "Undereigenskap av", "Subproperty of"),
    _RDFS + "domain": _names("Gjelder for", "Gjeld for", "Applies to"),
    _RDFS + "range": _names("Verdiene er", "Verdiane er", "Values are"),
    _RDFS + "label": _names("Betegnelse", "Nemning", "Label"),
    _RDFS + "comment": _names("Kommentar", "Kommentar", "Comment"),
    _OWL + "inverseOf": _names("Omvendt av", "Omvendt av", "Inverse of"),
    _OWL + "disjointWith": _names("Utelukker", "Utelukkar", "Disjoint with"),
    _OWL + "versionInfo": _names("Versjon", "Versjon", "Version"),
    _OWL + "versionIRI": _names("Versjonens IRI", "Versjonen sin IRI", "Version IRI"),
    _SKOS + "broader": _names("Overordnet begrep", "Overordna omgrep", "Broader concept"),
    _SKOS + "narrower": _names("Underordnede begreper", "Underordna omgrep", "Narrower concepts"),
    _SKOS + "related": _names("Beslektede begreper", "Relaterte omgrep", "Related concepts"),
    _SKOS + "hasTopConcept": _names("Toppbegreper", "Toppomgrep", "Top concepts"),
    _SKOS + "inScheme": _names("Begrepssystem", "Omgrepssystem", "Concept scheme"),
    _SKOS + "topConceptOf": _names("Toppbegrep i", "Toppomgrep i", "Top concept of"),
    _SKOS + "notation": _names("Notasjon", "Notasjon", "Notation"),
    _SKOS + "historyNote": _names("Historikk", "Historikk", "History"),
    _SKOS + "prefLabel": _names("Anbefalt term", "Tilrådd term", "Preferred term"),
    _SKOS + "altLabel": _names("Tillatt term", "Tillaten term", "Alternative term"),
    _SKOS + "editorialNote": _names("Redaksjonell merknad", "Redaksjonell merknad", "Editorial note"),
    "http://www.w3.org/ns/dcat#contactPoint": _names("Kontaktpunkt", "Kontaktpunkt", "Contact point"),
    "http://www.w3.org/ns/dcat#landingPage": _names("Nettside", "Nettside", "Landing page"),
    "http://xmlns.com/foaf/0.1/page": _names("Nettside", "Nettside", "Web page"),
    "http://xmlns.com/foaf/0.1/name": _names("Navn", "Namn", "Name"),
    "http://purl.org/vocab/vann/preferredNamespacePrefix": _names("Foretrukket prefiks", "Føretrekt prefiks",
                                                                  "Preferred prefix"),
    "http://purl.org/vocab/vann/preferredNamespaceUri": _names("Navnerom", "Namnerom", "Namespace"),
    # classes of other vocabularies a term can be an instance of
    _SKOS + "Concept": _names("Begrep", "Omgrep", "Concept"),
    _SKOS + "ConceptScheme": _names("Begrepssystem", "Omgrepssystem", "Concept scheme"),
    _SKOS + "Collection": _names("Samling", "Samling", "Collection"),
    _OWL + "Ontology": _names("Ontologi", "Ontologi", "Ontology"),
    "http://xmlns.com/foaf/0.1/Organization": _names("Organisasjon", "Organisasjon", "Organisation"),
    "http://xmlns.com/foaf/0.1/Agent": _names("Aktør", "Aktør", "Agent"),
    "http://data.europa.eu/eli/ontology#LegalResource": _names("Rettskilde", "Rettskjelde", "Legal resource"),
    "http://www.w3.org/ns/dcat#Catalog": _names("Katalog", "Katalog", "Catalogue"),
}

#: Names of a link seen from its target, for properties without a declared inverse.
INVERSE_NAMES: Mapping[str, Mapping[str, str]] = {
    _SKOS + "inScheme": _names("Begreper i systemet", "Omgrep i systemet", "Concepts in the scheme"),
    _SKOS + "topConceptOf": _names("Toppbegreper", "Toppomgrep", "Top concepts"),
    _SKOS + "broader": _names("Underordnede begreper", "Underordna omgrep", "Narrower concepts"),
    _DCT + "source": _names("Kilde for", "Kjelde for", "Source of"),
    _DCT + "publisher": _names("Utgiver av", "Utgjevar av", "Publisher of"),
    _DCT + "conformsTo": _names("Følges av", "Vert følgd av", "Followed by"),
    "http://data.europa.eu/r5r/applicableLegislation": _names("Gjelder for løsningene", "Gjeld for løysingane",
                                                              "Applies to the solutions"),
    _RDFS + "subClassOf": _names("Underklasser", "Underklassar", "Subclasses"),
    _RDFS + "subPropertyOf": _names("Underegenskaper", "Undereigenskapar", "Subproperties"),
    _RDFS + "domain": _names("Egenskaper som gjelder for dette", "Eigenskapar som gjeld for dette",
                             "Properties that apply to this"),
    _RDFS + "range": _names("Egenskaper med dette som verdi", "Eigenskapar med dette som verdi",
                            "Properties with this as value"),
    _RDFS + "isDefinedBy": _names("Definerer", "Definerer", "Defines"),
}
