"""On PostgreSQL, the rollup's trigger marks a changed day once per transaction
(``analytics.rollup``): the function its three triggers call is replaced."""

from django.db import migrations


def forwards(apps, schema_editor):
    from analytics.rollup import replace_trigger_function

    replace_trigger_function()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0005_rollup_periods"),
    ]

    # Backwards, the new function stays: the versions it writes are as good to the old code.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
