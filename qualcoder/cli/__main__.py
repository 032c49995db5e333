"""``python -m qualcoder.cli``: the same command as ``qualcoder``."""

from qualcoder.cli.main import app

app()
