"""pages.encoding may now be gb18030: the column's comment says so

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

SQLite keeps no column comments, so there this revision changes nothing but the revision
number; on databases that keep comments it rewrites the comment. No data changes.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = "how the bytes were decoded: utf-8, utf-8-sig or utf-16"
NEW = "how the bytes were decoded: utf-8, utf-8-sig, utf-16 or gb18030"


def _comment(comment: str, existing: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # no comments to change; a batch table copy here would gain nothing
    op.alter_column("pages", "encoding", existing_type=sa.String(length=20), existing_nullable=False,
                    comment=comment, existing_comment=existing)


def upgrade() -> None:
    _comment(NEW, OLD)


def downgrade() -> None:
    _comment(OLD, NEW)
