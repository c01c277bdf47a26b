"""Persistence: SQLAlchemy models, the engine and its pragmas, Alembic migrations and backups."""
