"""The store: SQLAlchemy tables, Alembic migrations, and the repository (the only place with Sessions)."""
