"""Text: the stored parse of each document (the spaCy pipelines themselves live in ``qualcoder.nlp``)."""
