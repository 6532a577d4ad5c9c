"""The "Standard" wording, so that one variant always exists."""

from django.db import migrations

STANDARD = {
    "name": "Standard",
    "sms_text_en": (
        "Reminder: you have an appointment with ((clinician)), ((department)), on ((date)) at "
        "((time)), at ((place)). If you cannot attend, please contact us so that someone else "
        "can have it."
    ),
    "sms_text_cy": (
        "Nodyn atgoffa: mae gennych apwyntiad gyda ((clinician)), ((department)), ar ((date)) "
        "am ((time)), yn ((place)). Os na allwch ddod, cysylltwch â ni er mwyn i rywun arall "
        "ei gael."
    ),
    "email_subject_en": "Your appointment on ((date))",
    "email_subject_cy": "Eich apwyntiad ar ((date))",
    "email_body_en": (
        "You have an appointment with ((clinician)), ((department)), on ((date)) at ((time)), "
        "at ((place)).\n\nIf you cannot attend, please contact us so that someone else can "
        "have it."
    ),
    "email_body_cy": (
        "Mae gennych apwyntiad gyda ((clinician)), ((department)), ar ((date)) am ((time)), yn "
        "((place)).\n\nOs na allwch ddod, cysylltwch â ni er mwyn i rywun arall ei gael."
    ),
    "weight": 1,
}


def create_standard(apps, schema_editor):
    ReminderVariant = apps.get_model("reminders", "ReminderVariant")
    ReminderVariant.objects.get_or_create(name=STANDARD["name"], defaults=STANDARD)


def delete_standard(apps, schema_editor):
    ReminderVariant = apps.get_model("reminders", "ReminderVariant")
    ReminderVariant.objects.filter(
        name=STANDARD["name"], reminders__isnull=True, allocations__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]

    operations = [migrations.RunPython(create_standard, delete_standard)]
