"""meetings of a province's working group: the body ``provincial_group``, its column, and the provincial ranking
decision

Revision ID: 0026
Revises: 0025

The enums are stored as strings with a CHECK of their values (awards/models/_types.py), not as PostgreSQL enum
types, so a new value is a new CHECK (no ``ALTER TYPE ... ADD VALUE``). Four checks change: ``meeting_body`` and
``body_is_named`` on meetings (one arm per body), ``decision_kind`` and ``category_kinds`` on meeting_decisions.

On SQLite the checks are rewritten in the tables' stored SQL (as 0021 does for the nominations' states), not
through ``batch_alter_table``: a batch rebuild drops the old ``meetings`` table, and with foreign keys on that
drop deletes every attendee and decision through their ON DELETE CASCADE. The column is a plain ``ADD COLUMN``
with its reference; the downgrade deletes the working groups' minutes, then drops it (SQLite 3.35+, after its
reference is taken out of the stored SQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

FK = "fk_meetings_provincial_group_id_provincial_groups"
INDEX = "ix_meetings_provincial_group_id"

OLD_NAMED = "body = 'committee' AND committee_id IS NOT NULL"
NEW_NAMED = ("(body = 'committee' AND committee_id IS NOT NULL AND provincial_group_id IS NULL)"
             " OR (body = 'provincial_group' AND provincial_group_id IS NOT NULL AND committee_id IS NULL)")
OLD_BODIES = "body IN ('committee')"
NEW_BODIES = "body IN ('committee', 'provincial_group')"
_KINDS = "'category_ranking', 'tie_order', 'screening_outcomes', 'compliance_outcomes', 'budget', 'general'"
OLD_KINDS = f"kind IN ({_KINDS})"
NEW_KINDS = f"kind IN ({_KINDS}, 'provincial_ranking')"
OLD_CATEGORY = ("(kind IN ('category_ranking', 'tie_order', 'screening_outcomes', 'compliance_outcomes'))"
                " = (category_id IS NOT NULL)")
NEW_CATEGORY = ("(kind IN ('category_ranking', 'tie_order', 'screening_outcomes', 'compliance_outcomes',"
                " 'provincial_ranking')) = (category_id IS NOT NULL)")

#: table -> [(check name, old text, new text)]
CHECKS = {
    "meetings": [("ck_meetings_body_is_named", OLD_NAMED, NEW_NAMED),
                 ("ck_meetings_meeting_body", OLD_BODIES, NEW_BODIES)],
    "meeting_decisions": [("ck_meeting_decisions_decision_kind", OLD_KINDS, NEW_KINDS),
                          ("ck_meeting_decisions_category_kinds", OLD_CATEGORY, NEW_CATEGORY)],
}


def _sqlite_rewrite(bind, table: str, replacements: list[tuple[str, str]]) -> None:
    """Replace text in ``table``'s stored CREATE TABLE (each ``before`` must be found exactly once)."""
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    for before, after in replacements:
        if sql.count(before) != 1:
            raise RuntimeError(f"{before!r} not found once in the {table} table's SQL")
        sql = sql.replace(before, after)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_checks(*, upgrade: bool) -> None:
    bind = op.get_bind()
    for table, checks in CHECKS.items():
        if bind.dialect.name == "postgresql":
            for name, old, new in checks:
                op.drop_constraint(op.f(name), table, type_="check")
                op.create_check_constraint(op.f(name), table, new if upgrade else old)
        else:
            _sqlite_rewrite(bind, table, [(f"CONSTRAINT {name} CHECK ({old})", f"CONSTRAINT {name} CHECK ({new})")
                                          if upgrade else
                                          (f"CONSTRAINT {name} CHECK ({new})", f"CONSTRAINT {name} CHECK ({old})")
                                          for name, old, new in checks])


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.add_column("meetings", sa.Column("provincial_group_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(FK), "meetings", "provincial_groups", ["provincial_group_id"], ["id"])
    else:
        op.execute(f"ALTER TABLE meetings ADD COLUMN provincial_group_id INTEGER CONSTRAINT {FK} "
                   "REFERENCES provincial_groups (id)")
    op.create_index(op.f(INDEX), "meetings", ["provincial_group_id"])
    _replace_checks(upgrade=True)


def downgrade() -> None:
    bind = op.get_bind()
    # The working groups' minutes go, their attendees and decisions first (whether or not foreign keys cascade on
    # this connection); the committees' minutes stay as they are.
    groups = "SELECT id FROM meetings WHERE body = 'provincial_group'"
    op.execute(f"DELETE FROM meeting_attendees WHERE meeting_id IN ({groups})")
    op.execute(f"DELETE FROM meeting_decisions WHERE meeting_id IN ({groups})")
    op.execute("DELETE FROM meetings WHERE body = 'provincial_group'")
    _replace_checks(upgrade=False)
    op.drop_index(op.f(INDEX), table_name="meetings")
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f(FK), "meetings", type_="foreignkey")
    else:
        _sqlite_rewrite(bind, "meetings", [(f" CONSTRAINT {FK} REFERENCES provincial_groups (id)", "")])
    op.drop_column("meetings", "provincial_group_id")
