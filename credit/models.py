from django.db import models
from django.utils.translation import gettext_lazy as _

from .uscc import validate_uscc


class MarketEntity(models.Model):
    """A market entity (市场主体) known by its unified social credit code: tenderer, bidder, agent, expert's firm …

    Cases name entities as parties; the credit records of a later issue hang on the same rows.
    """

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.uscc}）"
