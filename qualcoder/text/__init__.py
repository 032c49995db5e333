"""Text: ``parse.py`` (the stored parse of each document, cheap to import), ``nlp.py`` (the spaCy pipelines),
``segment.py`` (sentences and segments cut from the stored parse)."""
