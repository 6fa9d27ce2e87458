"""The words of the input errors of :mod:`samhandling_kg.io.rdf` in nb, nn and en (filled by
:func:`~samhandling_kg.core.errors.input_error`; a parser's or the system's own detail is
quoted «as it wrote it» in nb and nn)."""

from __future__ import annotations

from samhandling_kg.io.checks import LARGER, LONG_IRI, LONG_TOKEN, MALFORMED, TOO_DEEP

__all__ = ["LARGER", "LONG_IRI", "LONG_TOKEN", "MALFORMED", "TOO_DEEP"]

CANNOT_READ_FOLDER = {
    "nb": "mappen kan ikke leses: «{detail}»",
    "nn": "mappa kan ikkje lesast: «{detail}»",
    "en": "cannot read the folder: {detail}"}

FOLDER_PERMISSION_DENIED = {
    "nb": "mappen kan ikke leses: mangler lesetilgang",
    "nn": "mappa kan ikkje lesast: manglar lesetilgang",
    "en": "cannot read the folder: permission denied"}

NO_FILES = {
    "nb": "ingen RDF-filer er oppgitt",
    "nn": "ingen RDF-filer er oppgjevne",
    "en": "no RDF files given"}

FOLDER_WITHOUT_RDF = {
    "nb": "mappen inneholder ingen RDF-filer (kjente endelser: {known})",
    "nn": "mappa inneheld ingen RDF-filer (kjende endingar: {known})",
    "en": "folder holds no RDF files (known endings: {known})"}

NO_SUCH_FILE_OR_FOLDER = {
    "nb": "filen eller mappen finnes ikke",
    "nn": "fila eller mappa finst ikkje",
    "en": "no such file or folder"}

SURROGATE_IN_ESCAPE = {
    "nb": "en escape-sekvens{escape} står for et enslig surrogat, som ikke er et Unicode-tegn",
    "nn": "ein escape-sekvens{escape} står for eit einsleg surrogat, som ikkje er eit Unicode-teikn",
    "en": "an escape{escape} stands for a lone surrogate, which is not a Unicode character"}

NOT_RDF_TERMS = {
    "nb": "{kind}-termer (Notation3-formler, variabler) er ikke RDF; bare vanlige tripler leses",
    "nn": "{kind}-termar (Notation3-formlar, variablar) er ikkje RDF; berre vanlege triplar vert lesne",
    "en": "{kind} terms (Notation3 formulas, variables) are not RDF; only plain triples are read"}

BNODE_PREDICATE = {
    "nb": "en blank node kan ikke være predikat",
    "nn": "ein blank node kan ikkje vere predikat",
    "en": "a blank node cannot be a predicate"}

LITERAL_POSITION = {
    "nb": "en literal kan ikke være {nb} i et trippel",
    "nn": "ein literal kan ikkje vere {nn} i eit trippel",
    "en": "a literal cannot be the {en} of a triple"}

INVALID_IRI = {
    "nb": "ugyldig IRI «{iri}»",
    "nn": "ugyldig IRI «{iri}»",
    "en": "invalid IRI {iri_repr}"}

OUTSIDE = {
    "nb": "viser til noe utenfor filen, og det hentes ikke («{exc}»)",
    "nn": "viser til noko utanfor fila, og det vert ikkje henta («{exc}»)",
    "en": "refers to something outside the file, which is not fetched ({exc})"}

BINARY = {
    "nb": "inneholder binære data (NUL-byte)",
    "nn": "inneheld binære data (NUL-byte)",
    "en": "contains binary data (NUL byte)"}

NOT_UTF8 = {
    "nb": "er ikke gyldig UTF-8 (byte 0x{bad})",
    "nn": "er ikkje gyldig UTF-8 (byte 0x{bad})",
    "en": "is not valid UTF-8 (byte 0x{bad})"}

UTF16 = {
    "nb": "er kodet i UTF-16; RDF-filer må være UTF-8",
    "nn": "er koda i UTF-16; RDF-filer må vere UTF-8",
    "en": "is UTF-16 encoded; RDF files must be UTF-8"}

UTF32 = {
    "nb": "er kodet i UTF-32; RDF-filer må være UTF-8",
    "nn": "er koda i UTF-32; RDF-filer må vere UTF-8",
    "en": "is UTF-32 encoded; RDF files must be UTF-8"}

CANNOT_READ = {
    "nb": "kan ikke leses: «{detail}»",
    "nn": "kan ikkje lesast: «{detail}»",
    "en": "cannot read: {detail}"}

PERMISSION_DENIED = {
    "nb": "mangler lesetilgang",
    "nn": "manglar lesetilgang",
    "en": "permission denied"}

NOT_REGULAR = {
    "nb": "er ikke en vanlig fil (enhet, rør eller sokkel)",
    "nn": "er ikkje ei vanleg fil (eining, røyr eller sokkel)",
    "en": "is not a regular file (device, pipe or socket)"}

A_FOLDER = {
    "nb": "er en mappe, ikke en fil",
    "nn": "er ei mappe, ikkje ei fil",
    "en": "is a folder, not a file"}

NO_SUCH_FILE = {
    "nb": "filen finnes ikke",
    "nn": "fila finst ikkje",
    "en": "no such file"}

BROKEN_LINK = {
    "nb": "symbolsk lenke som peker til ingenting",
    "nn": "symbolsk lenkje som peikar til ingenting",
    "en": "broken symbolic link"}

UNKNOWN_ENDING = {
    "nb": "ukjent filendelse for RDF «{nb}»; kjente endelser: {known}",
    "nn": "ukjend filending for RDF «{nn}»; kjende endingar: {known}",
    "en": "unknown RDF file ending '{en}'; known: {known}"}

UNKNOWN_INPUT_FORMAT = {
    "nb": "ukjent inndataformat «{name}»; kjente formater: {known}",
    "nn": "ukjend inndataformat «{name}»; kjende format: {known}",
    "en": "unknown input format {name_repr}; known: {known}"}
