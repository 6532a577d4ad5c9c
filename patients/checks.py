"""System checks: PANDA refuses to start with a patient identifier module it cannot use."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_patient_identifier(app_configs=None, **kwargs) -> list[Error]:
    from .identifiers import identifier_module

    name = settings.PANDA_PATIENT_IDENTIFIER
    try:
        module = identifier_module()
    except ImportError:
        return [
            Error(
                f"PANDA_PATIENT_IDENTIFIER names {name!r}, which cannot be imported.",
                id="panda.E001",
            )
        ]
    if not callable(getattr(module, "validate", None)):
        return [
            Error(f"PANDA_PATIENT_IDENTIFIER's module {name!r} has no validate().", id="panda.E002")
        ]
    return []
