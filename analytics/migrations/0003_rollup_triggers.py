"""Triggers on the appointments table that mark each changed day for the rollup
(``analytics.rollup``). ``AnalyticsConfig`` also checks for them after every ``migrate``, since
Django drops a SQLite table's triggers when it rebuilds the table to alter it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from analytics.rollup import install_triggers

    install_triggers()


def backwards(apps, schema_editor):
    from analytics.rollup import drop_triggers

    drop_triggers()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_rollup"),
        ("appointments", "0007_drop_redundant_fk_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
