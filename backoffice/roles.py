"""The staff roles: groups of permissions, kept in step with the code after every migrate."""

from django.contrib.auth.models import Group, Permission

RECEPTIONIST = "Receptionist"
CLINIC_MANAGER = "Clinic manager"

# (app label, model): the actions each role may take on it.
ROLES: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    # Receptionists register patients and book, cancel and check in appointments; they never
    # delete, and they see (but do not change) clinicians and departments to book with them.
    RECEPTIONIST: {
        ("patients", "patient"): ("view", "add", "change"),
        ("appointments", "appointment"): ("view", "add", "change"),
        ("addresses", "address"): ("view", "add", "change"),
        ("clinicians", "clinician"): ("view",),
        ("clinicians", "department"): ("view",),
        ("organisations", "site"): ("view",),
        ("reminders", "reminder"): ("view",),
    },
    # Clinic managers may do everything to PANDA's records, and read the audit trail.
    CLINIC_MANAGER: {
        ("patients", "patient"): ("view", "add", "change", "delete"),
        ("appointments", "appointment"): ("view", "add", "change", "delete"),
        ("addresses", "address"): ("view", "add", "change", "delete"),
        ("clinicians", "clinician"): ("view", "add", "change", "delete"),
        ("clinicians", "department"): ("view", "add", "change", "delete"),
        ("patients", "historicalpatient"): ("view",),
        ("appointments", "historicalappointment"): ("view",),
        ("addresses", "historicaladdress"): ("view",),
        ("clinicians", "membership"): ("view", "add", "change", "delete"),
        ("organisations", "organisation"): ("view", "add", "change", "delete"),
        ("organisations", "site"): ("view", "add", "change", "delete"),
        # The "Missed appointments" page (issue 4).
        ("analytics", "missedappointmentsreport"): ("view",),
        ("reminders", "reminder"): ("view",),
        # Trials of reminder wordings: the variants, and the page that compares them.
        ("reminders", "remindervariant"): ("view", "add", "change", "delete"),
        ("analytics", "remindertrialreport"): ("view",),
        # Patients' data rights (docs/data-rights.md): exporting everything about a patient, and
        # reading the records of exports and erasures.
        ("data_rights", "patientexport"): ("view", "export"),
        ("data_rights", "erasurerecord"): ("view",),
    },
}


def role_permissions(role: str) -> list[Permission]:
    wanted = ROLES[role]
    permissions = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted}
    ).select_related("content_type")
    return [
        permission
        for permission in permissions
        if permission.codename.split("_", 1)[0]
        in wanted.get((permission.content_type.app_label, permission.content_type.model), ())
    ]


def roles_ensure() -> list[Group]:
    """Create the role groups if missing and set their permissions to exactly ``ROLES``."""
    groups = []
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))
        groups.append(group)
    return groups


def roles_ensure_after_migrate(using="default", **kwargs):
    if using == "default":
        roles_ensure()
