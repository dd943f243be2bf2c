from django.db import models


class Revisioned(models.Model):
    """A case object whose every saved change counts up `revision`, so that a page can say exactly which version
    it showed (`page_token`). The state alone is not enough: a lead may go filed → awaiting approval → filed →
    awaiting approval, and a head's click on the first version must not approve the second (docs/adr/0009).
    Saves happen under the workflows' row locks, so the count cannot race."""

    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.revision += 1
        super().save(*args, **kwargs)

    @property
    def page_token(self) -> str:
        return f"{self.state}.{self.revision}"
