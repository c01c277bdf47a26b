"""Alembic environment: runs csrdesk's migrations on the engine the app hands over, each in its own transaction."""
from alembic import context

from csrdesk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            # SQLite rolls DDL back like PostgreSQL (csrdesk's engine begins its transactions itself, so the
            # driver does not commit around DDL): a migration that fails half-way leaves the revision before it.
            transactional_ddl=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():
            connection.commit()


run_migrations_online()
