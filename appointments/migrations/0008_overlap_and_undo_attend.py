"""Custom permissions to undo an arrival and to book over a clash, and each appointment's
``overlap``: how the no-double-booking rule applies to it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0007_drop_redundant_fk_indexes"),
        ("clinicians", "0004_department_allows_overbooking"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="appointment",
            options={
                "ordering": ["starts_at", "id"],
                "permissions": [
                    ("undo_attend", "Can undo an arrival"),
                    ("book_overlap", "Can book over a clash"),
                ],
                "verbose_name": "appointment",
                "verbose_name_plural": "appointments",
            },
        ),
        migrations.AddField(
            model_name="appointment",
            name="overlap",
            field=models.CharField(
                choices=[
                    ("checked", "Checked: it may not overlap its clinician's or patient's others"),
                    ("overbooked", "Overbooked on purpose, over a clash that was allowed"),
                    ("imported", "Imported as it came: its overlaps are reported, not refused"),
                ],
                default="checked",
                editable=False,
                max_length=10,
                verbose_name="overlap",
            ),
        ),
        migrations.AddField(
            model_name="historicalappointment",
            name="overlap",
            field=models.CharField(
                choices=[
                    ("checked", "Checked: it may not overlap its clinician's or patient's others"),
                    ("overbooked", "Overbooked on purpose, over a clash that was allowed"),
                    ("imported", "Imported as it came: its overlaps are reported, not refused"),
                ],
                default="checked",
                editable=False,
                max_length=10,
                verbose_name="overlap",
            ),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.CheckConstraint(
                condition=models.Q(("overlap__in", ["checked", "overbooked", "imported"])),
                name="appointment_overlap_valid",
            ),
        ),
    ]
