"""The SQLite (or any SQLAlchemy) database: records, engine and migrations, and writes."""
