"""The site's own words (headings, buttons, notes) in nb, nn and en: one registry.

Labels of the knowledge graph's terms never appear here; they are read from the graph.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..terms import LANGUAGES

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
    "no_link": {"nb": "ingen støtte", "nn": "inga støtte", "en": "no support"},
    "iri": {"nb": "IRI", "nn": "IRI", "en": "IRI"},
    "types": {"nb": "Type", "nn": "Type", "en": "Type"},
    "labels": {"nb": "Navn på alle språk", "nn": "Namn på alle språk", "en": "Names in every language"},
    "definition": {"nb": "Definisjon", "nn": "Definisjon", "en": "Definition"},
    "examples": {"nb": "Eksempler", "nn": "Døme", "en": "Examples"},
    "notes": {"nb": "Merknader", "nn": "Merknader", "en": "Notes"},
    "relations": {"nb": "Relasjoner", "nn": "Relasjonar", "en": "Relations"},
    "incoming": {"nb": "Vist til fra andre", "nn": "Vist til frå andre", "en": "Referred to by others"},
    "inverse_of": {"nb": "har dette som «{label}»", "nn": "har dette som «{label}»",
                   "en": "has this as '{label}'"},
    "inferred": {"nb": "utledet", "nn": "utleidd", "en": "inferred"},
    "inferred_note": {
        "nb": "«utledet»: følger av modellens regler (OWL 2 RL), ikke skrevet direkte i grafen.",
        "nn": "«utleidd»: følgjer av reglane i modellen (OWL 2 RL), ikkje skrive direkte i grafen.",
        "en": "'inferred': follows from the model's rules (OWL 2 RL), not written in the graph.",
    },
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
        "nb": "Løsningene i dataene, med funnene fra kontrollen mot beskrivelsesprofilen.",
        "nn": "Løysingane i dataa, med funna frå kontrollen mot skildringsprofilen.",
        "en": "The solutions in the data, with the findings of the check against the profile.",
    },
    "findings": {"nb": "Funn ved kontroll", "nn": "Funn ved kontroll", "en": "Validation findings"},
    "no_findings": {"nb": "Ingen funn.", "nn": "Ingen funn.", "en": "No findings."},
    "severity": {"nb": "Alvorlighet", "nn": "Alvorsgrad", "en": "Severity"},
    "solutions_for_form": {"nb": "Løsninger per samhandlingsform", "nn": "Løysingar per samhandlingsform",
                           "en": "Solutions per interaction form"},
    "question": {"nb": "Spørsmål", "nn": "Spørsmål", "en": "Question"},
    "run": {"nb": "Kjør", "nn": "Køyr", "en": "Run"},
    "edit_query": {"nb": "Rediger spørringen", "nn": "Rediger spørjinga", "en": "Edit the query"},
    "download_csv": {"nb": "Last ned CSV", "nn": "Last ned CSV", "en": "Download CSV"},
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
    "guide_no_need": {"nb": "– ikke noe behov valgt –", "nn": "– inkje behov valt –",
                      "en": "– no need chosen –"},
    "dont_know": {"nb": "vet ikke", "nn": "veit ikkje", "en": "don't know"},
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
