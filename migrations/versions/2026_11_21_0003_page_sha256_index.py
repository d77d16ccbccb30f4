"""index pages.sha256: ingest looks up every new page's text by its hash

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Without it each ingested page scanned the whole pages table (texts included) to find the same
text under another name, so ingest slowed down with the size of the archive. No data changes.
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_pages_sha256", "pages", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_pages_sha256", table_name="pages")
