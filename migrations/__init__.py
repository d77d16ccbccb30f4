"""Alembic migrations of the wujin database (installed as extractor.migrations)."""
