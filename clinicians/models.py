"""The clinicians who see patients and the departments appointments belong to."""

from django.db import models

from panda_project.validators import reject_control_characters


class Clinician(models.Model):
    """A clinician whom patients are booked to see."""

    name = models.CharField(max_length=255, validators=[reject_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="clinician_name_idx")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A clinical department, such as oncology; its name is unique."""

    name = models.CharField(max_length=255, unique=True, validators=[reject_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
