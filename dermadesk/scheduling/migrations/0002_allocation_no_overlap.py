"""No two active allocations of one resource may overlap: enforced by PostgreSQL itself.

An exclusion constraint over (resource, [starts_at, ends_at)) with btree_gist. It is
PostgreSQL-only, so it is added here rather than in the model's Meta (which would try to
create it on SQLite too); on SQLite the booking services re-check inside an IMMEDIATE
transaction instead.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CONSTRAINT = "allocation_no_overlap"


def add_constraint(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE scheduling_allocation ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (active)"
    )


def drop_constraint(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE scheduling_allocation DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, drop_constraint, elidable=False),
    ]
