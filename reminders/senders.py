"""Who sends reminders, chosen by ``PANDA_REMINDER_SENDER``: the log (``console``), Django's
email backend (``email``) or GOV.UK Notify (``notify``).

A sender answers a message with the provider's id, or raises ``SendRefused`` (the provider
will never take it: fail the reminder) or ``SendLater`` (rate limited or down: try again).

``find(reference)`` asks the provider whether it took a message with that reference: its id, or
None if it did not. Only Notify can be asked; the others answer ``UNKNOWN``. A worker killed
while sending leaves its reminder ``sending``, and that is how it is recovered
(``reminders.services.reminder_recover``).
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage

from panda_project.request_log import MASK, mask_identifiers

from .models import Channel

logger = logging.getLogger("panda.reminders")


class SendRefused(Exception):
    """The provider refused the message for good (a bad number, say); the reason is the text."""


class SendLater(Exception):
    """The provider cannot take the message now (429, 5xx, unreachable); try again later."""


@dataclass(frozen=True)
class Message:
    reference: str  # the reminder's id
    channel: str
    to: str
    body: str
    subject: str = ""
    variant: str = ""
    language: str = "en"
    template_id: str = ""
    personalisation: dict = field(default_factory=dict)


# What a sender that cannot be asked answers ``find``.
UNKNOWN = "unknown"


def mask_contact(value: str) -> str:
    """A phone number or email address as the log may show it: its last characters only."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}{MASK}@{domain}"
    return f"{MASK}{value[-3:]}"


class ConsoleSender:
    """Logs each reminder (the NHS number and the contact masked): a trial without sending."""

    channels = frozenset(Channel.values)

    def send(self, message: Message) -> str:
        logger.info(
            "Reminder %s by %s to %s (%s, variant %s): %s%s",
            message.reference,
            message.channel,
            mask_contact(message.to),
            message.language,
            message.variant,
            f"{message.subject} | " if message.subject else "",
            mask_identifiers(message.body),
        )
        return f"console-{message.reference}"

    def find(self, reference: str) -> str:
        return UNKNOWN  # the log is not asked


class EmailSender:
    """Email through Django's email backend (``EMAIL_*`` settings: SMTP in production)."""

    channels = frozenset({Channel.EMAIL})

    def send(self, message: Message) -> str:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            headers={"X-PANDA-Reference": message.reference},
        )
        try:
            email.send()
        except (OSError, TimeoutError) as error:  # smtplib's errors are OSErrors
            raise SendLater(f"{type(error).__name__}: {error}") from error
        return ""

    def find(self, reference: str) -> str:
        return UNKNOWN  # an SMTP server keeps no record to ask


class NotifySender:
    """GOV.UK Notify, through its official client. The template's personalisation carries the
    rendered text (``body``, and ``subject`` for email) and the appointment's details."""

    channels = frozenset(Channel.values)

    def __init__(self):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.PANDA_NOTIFY_API_KEY, base_url=settings.PANDA_NOTIFY_BASE_URL, timeout=20
        )

    def send(self, message: Message) -> str:
        from notifications_python_client.errors import APIError

        personalisation = message.personalisation | {"body": message.body}
        try:
            if message.channel == Channel.SMS:
                response = self.client.send_sms_notification(
                    phone_number=message.to,
                    template_id=message.template_id or settings.PANDA_NOTIFY_SMS_TEMPLATE_ID,
                    personalisation=personalisation,
                    reference=message.reference,
                )
            else:
                response = self.client.send_email_notification(
                    email_address=message.to,
                    template_id=message.template_id or settings.PANDA_NOTIFY_EMAIL_TEMPLATE_ID,
                    personalisation=personalisation | {"subject": message.subject},
                    reference=message.reference,
                )
        except APIError as error:
            # The client reports a connection that failed or timed out as a 503.
            reason = f"{error.status_code}: {_notify_message(error.message)}"
            if error.status_code == 429 or error.status_code >= 500:
                raise SendLater(reason) from error
            raise SendRefused(reason) from error
        return str(response.get("id", ""))

    def find(self, reference: str) -> str | None:
        """The id of the notification Notify took with this reference, or None."""
        from notifications_python_client.errors import APIError

        try:
            found = self.client.get_all_notifications(reference=reference)
        except APIError as error:
            raise SendLater(f"{error.status_code}: {_notify_message(error.message)}") from error
        notifications = found.get("notifications") or []
        return str(notifications[0].get("id", "")) if notifications else None


def _notify_message(message) -> str:
    """Notify's ``errors`` list as one line: ``[{"error", "message"}, …]``."""
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) for item in message)
    return str(message)


SENDERS = {"console": ConsoleSender, "email": EmailSender, "notify": NotifySender}


def get_sender_class():
    return SENDERS[settings.PANDA_REMINDER_SENDER]


def get_sender():
    return SENDERS[settings.PANDA_REMINDER_SENDER]()
