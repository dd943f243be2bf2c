from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from deadlines.signals import clocks_changed

        from .overdue import on_clocks_changed

        # A lead's overdue mark follows its clocks, in the transaction of each change (cases/overdue.py).
        clocks_changed.connect(on_clocks_changed, dispatch_uid="cases.overdue")
