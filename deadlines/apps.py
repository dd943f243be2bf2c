from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
        from .daily import on_clocks_changed
        from .signals import clocks_changed

        clocks_changed.connect(on_clocks_changed, dispatch_uid="deadlines.daily")
