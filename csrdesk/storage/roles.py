"""Members' roles on a shared PostgreSQL database, enforced by the server: an editor reads and changes everything; a
read-only member (a sourcing colleague) reads everything except complainants' identities and changes nothing.

The grants are PostgreSQL's own (table and column privileges), so a read-only member is held back by the server
whatever program they use, not only by csrdesk's buttons. Run `csrdesk team grant` again after an upgrade that adds
tables.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from csrdesk.errors import UserError
from csrdesk.storage.models import Base

# Columns and tables a read-only member never reads: the sealed identity of a complainant and its key's name.
IDENTITY_COLUMNS = {"complaints": ("identity_token", "identity_key_id")}
HIDDEN_TABLES = ("complaint_unsealed_identities",)
_IDENTITIES = "csrdesk_identities_readable"


def _quote(engine_or_conn, name: str) -> str:
    return engine_or_conn.dialect.identifier_preparer.quote(name)


def grant(engine: Engine, role: str, *, read_only: bool) -> dict:
    """Gives an existing database role an editor's or a read-only member's rights on csrdesk's tables."""
    if engine.dialect.name != "postgresql":
        raise UserError("Roles belong to a shared PostgreSQL database; a SQLite file has one user.")
    role = (role or "").strip()
    if not role:
        raise UserError("Give the database role (user name) to grant.")
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first() is None:
            raise UserError(f"There is no database role {role!r} on this server: create it first (as an "
                            f"administrator: createuser --pwprompt {role}), then grant it.")
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        who, where = _quote(conn, role), _quote(conn, schema)
        tables = [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]
        conn.execute(text(f"GRANT USAGE ON SCHEMA {where} TO {who}"))
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}"))
        conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}"))
        if not read_only:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}"))
            conn.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {where} TO {who}"))
            return {"role": role, "read_only": False, "schema": schema, "tables": len(tables)}
        readable = 0
        for name in tables:
            if name in HIDDEN_TABLES:
                continue
            hidden = IDENTITY_COLUMNS.get(name)
            if hidden:
                columns = [c.name for c in Base.metadata.tables[name].columns if c.name not in hidden]
                listed = ", ".join(_quote(conn, c) for c in columns)
                conn.execute(text(f"GRANT SELECT ({listed}) ON {where}.{_quote(conn, name)} TO {who}"))
            else:
                conn.execute(text(f"GRANT SELECT ON {where}.{_quote(conn, name)} TO {who}"))
            readable += 1
        return {"role": role, "read_only": True, "schema": schema, "tables": readable}


def may_change(engine: Engine) -> bool:
    """Whether the signed-in role may change csrdesk's data (always on a SQLite file csrdesk can write)."""
    if engine.dialect.name != "postgresql":
        return True
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT has_table_privilege(current_user, 'suppliers', 'UPDATE')")).scalar())


def identities_readable(s: Session) -> bool:
    """Whether this session's role may read complainants' sealed identities (not a read-only member's)."""
    known = s.info.get(_IDENTITIES)
    if known is None:
        if s.get_bind().dialect.name != "postgresql":
            known = True
        else:
            known = bool(s.execute(text(
                "SELECT has_column_privilege(current_user, 'complaints', 'identity_token', 'SELECT')")).scalar())
        s.info[_IDENTITIES] = known
    return known


def role_name(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_user")).scalar())
