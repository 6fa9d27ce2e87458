"""Reading and writing RDF: files, Oxigraph's parsers, streams, canonical labels."""
