"""Database engine, sessions, column types and Alembic migrations."""
