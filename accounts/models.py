from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Email sign-in is case-insensitive.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. Roles are Groups (see accounts.roles)."""

    email = models.EmailField("email address", max_length=254, unique=True,
                              error_messages={"unique": "An account with this email address already exists."})
    full_name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=200, blank=True, help_text="Department, institution or company.")
    phone = models.CharField(max_length=32, blank=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the staff admin.")
    is_active = models.BooleanField(default=True)
    email_confirmed = models.BooleanField(
        default=True, help_text="False while a self-service sign-up waits for its emailed link to be opened.")
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # Stored lower-case so that sign-in and uniqueness ignore case.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ProtectedAccess(models.Model):
    """One staff view (or export) of a protected record: who looked at what, and when.

    Written by ``accounts.audit.record_access``; read-only in admin. Changes to protected
    records are kept separately by django-simple-history on each model.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        REVEAL = "reveal", "Revealed a hidden field"

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="protected_accesses")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    record_type = models.CharField(max_length=100, help_text="app_label.Model")
    record_id = models.CharField(max_length=64)
    fields = models.CharField(max_length=300, help_text="Protected fields shown.")
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="protected_access_record_idx")]
        verbose_name = "protected record access"
        verbose_name_plural = "protected record accesses"

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.record_type} {self.record_id}"
