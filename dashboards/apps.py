"""The signed-in home page (我的待办), supervisors' boards and statistics, and supervision notices (督办通知)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from deadlines.signals import clocks_changed

        from .receivers import on_clocks_changed

        clocks_changed.connect(on_clocks_changed, dispatch_uid="dashboards.supervision_notices")
