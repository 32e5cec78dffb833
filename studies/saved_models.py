"""A signed-in person's list of studies they saved to come back to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class SavedStudy(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_studies")
    study = models.ForeignKey("studies.Study", on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-saved_at", "-id"]
        verbose_name = "saved study"
        verbose_name_plural = "saved studies"
        constraints = [models.UniqueConstraint(fields=["user", "study"], name="saved_study_once")]

    def __str__(self) -> str:
        return f"Study #{self.study_id} saved by user #{self.user_id}"
