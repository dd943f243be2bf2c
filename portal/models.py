from django.db import models


class SubmissionWindow(models.Model):
    """How many online complaints one address has filed in one clock hour (鄂尔多斯 第九条's online channel is open
    to all, so it is rate-limited). One row per address and hour, counted up with a conditional UPDATE: two
    submissions at once cannot both take the last place."""

    address = models.GenericIPAddressField()
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["address", "hour"], name="submission_window_unique")]

    def __str__(self):
        return f"{self.address} {self.hour:%Y-%m-%d %H}:00 × {self.count}"
