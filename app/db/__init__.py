"""Storage: typed ORM models, the engine and session factory, and Alembic migrations."""
