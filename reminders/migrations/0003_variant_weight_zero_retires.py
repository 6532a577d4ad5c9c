"""A weight of 0 retires a reminder variant: appointments allocated to it keep it, and no new
appointment is allocated to it."""

from django.db import migrations, models


def unretire(apps, schema_editor):
    """Backwards, the weight is at least 1 again: retired variants get 1."""
    ReminderVariant = apps.get_model("reminders", "ReminderVariant")
    ReminderVariant.objects.filter(weight=0).update(weight=1)


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0002_standard_variant"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="remindervariant",
            name="reminder_variant_weight_positive",
        ),
        # Backwards, this runs before the constraint above is restored.
        migrations.RunPython(migrations.RunPython.noop, unretire),
        migrations.AlterField(
            model_name="remindervariant",
            name="weight",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Its share of new appointments, relative to the other variants' "
                "weights; 0 gives it no more.",
                verbose_name="weight",
            ),
        ),
        migrations.AddConstraint(
            model_name="remindervariant",
            constraint=models.CheckConstraint(
                condition=models.Q(("weight__gte", 0)),
                name="reminder_variant_weight_not_negative",
            ),
        ),
    ]
