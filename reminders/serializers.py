"""How reminders look in the API; the rules are in ``reminders.services``."""

from rest_framework import serializers

from .models import Reminder


class ReminderSerializer(serializers.ModelSerializer):
    """One reminder of an appointment: its channel, when it was due, what became of it."""

    variant = serializers.SlugRelatedField(slug_field="name", read_only=True)
    offset = serializers.SerializerMethodField(
        help_text='Before the start, as "1d", "2h" or "90m".'
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "channel",
            "offset",
            "appointment_starts_at",
            "due_at",
            "state",
            "attempts",
            "provider_id",
            "sent_at",
            "failure_reason",
            "variant",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_offset(self, reminder: Reminder) -> str:
        minutes = int(reminder.offset.total_seconds() // 60)
        if minutes % 1440 == 0:
            return f"{minutes // 1440}d"
        if minutes % 60 == 0:
            return f"{minutes // 60}h"
        return f"{minutes}m"


class NotifyCallbackSerializer(serializers.Serializer):
    """What GOV.UK Notify posts about a message it was given: the fields PANDA reads (Notify
    sends more, such as ``to`` and its timestamps, which are ignored)."""

    id = serializers.CharField(max_length=64, help_text="Notify's id of the message.")
    reference = serializers.CharField(max_length=64, help_text="The reminder's id.")
    status = serializers.ChoiceField(
        choices=["delivered", "permanent-failure", "temporary-failure", "technical-failure"]
    )
