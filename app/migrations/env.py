"""Alembic environment. The program passes its own connection (Clinic.open); developers can
run `alembic -x db=file.db ...` from the repository root."""

from alembic import context
from sqlalchemy import create_engine

from app.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    db = context.get_x_argument(as_dictionary=True).get("db", "dev.db")
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        run(conn)
