"""Making staff users: a login to the back office with one role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from .roles import ROLES, roles_ensure


@transaction.atomic
def staff_create(*, username: str, password: str, role: str, email: str = ""):
    """A staff user in the ``role`` group; the password must pass the configured validators."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: one of {', '.join(ROLES)}.")
    User = get_user_model()
    user = User(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    roles_ensure()
    user.groups.add(Group.objects.get(name=role))
    return user
