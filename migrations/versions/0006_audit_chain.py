"""audit chain: hash every audit event and chain it to the one before; seal the chain head in final results

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awards.db
from awards.models.audit import AUDIT_GUARD_DROPS, AUDIT_GUARD_TRIGGERS, GENESIS, HASHED_COLUMNS, event_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 1000


def _events_table() -> sa.Table:
    return sa.table(
        "audit_events",
        sa.column("id", sa.Integer()), sa.column("at", awards.db.UTCDateTime()), sa.column("actor_id", sa.Integer()),
        sa.column("ip_address", sa.String()), sa.column("action", sa.String()), sa.column("object_type", sa.String()),
        sa.column("object_id", sa.Integer()), sa.column("cycle_id", sa.Integer()),
        sa.column("nomination_id", sa.Integer()), sa.column("province_id", sa.Integer()),
        sa.column("changes", sa.JSON()), sa.column("reason", sa.Text()), sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )


def _hash_existing_events(bind) -> tuple[int | None, str]:
    """Chain the events already in the log, in id order, a batch at a time; return the head."""
    events = _events_table()
    last_id, last_hash = None, GENESIS
    columns = [events.c[name] for name in HASHED_COLUMNS if name != "prev_hash"]
    while True:
        query = sa.select(*columns).order_by(events.c.id).limit(_BATCH)
        if last_id is not None:
            query = query.where(events.c.id > last_id)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return last_id, last_hash
        updates = []
        for row in rows:
            digest = event_hash(**row, prev_hash=last_hash)
            updates.append({"key": row["id"], "prev": last_hash, "digest": digest})
            last_id, last_hash = row["id"], digest
        bind.execute(events.update().where(events.c.id == sa.bindparam("key"))
                     .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")), updates)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("verified_at", awards.db.UTCDateTime(), nullable=True),
        sa.Column("verified_event_id", sa.Integer(), nullable=True),
        sa.Column("verified_ok", sa.Boolean(), nullable=True),
        sa.Column("verified_bad_event_id", sa.Integer(), nullable=True),
        sa.Column("verified_problem", sa.Text(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    for statement in AUDIT_GUARD_DROPS.get(dialect, []):
        op.execute(statement)
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    last_id, last_hash = _hash_existing_events(bind)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_prev_hash"), ["prev_hash"])
    for statement in AUDIT_GUARD_TRIGGERS.get(dialect, []):
        op.execute(statement)
    op.execute(sa.text("INSERT INTO audit_chain_head (id, last_event_id, last_hash) VALUES (1, :last_id, :last_hash)")
               .bindparams(last_id=last_id, last_hash=last_hash))

    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_head_event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audit_head_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.drop_column("audit_head_hash")
        batch_op.drop_column("audit_head_event_id")
    for statement in AUDIT_GUARD_DROPS.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_prev_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    for statement in AUDIT_GUARD_TRIGGERS.get(dialect, []):
        op.execute(statement)
    op.drop_table("audit_chain_head")
