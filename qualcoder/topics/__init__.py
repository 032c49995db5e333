"""Topic models: ``model.py`` (BERTopic assembled from recorded blocks, runs stored), ``embeddings.py`` (the offline
sentence-embedding backends and their cache, also used by suggestions), ``quality.py`` (diversity, NPMI, the NMF
baseline in a worker), ``tables.py`` (comparing and aligning runs). Import the module you need: each pulls its own
heavy libraries."""
