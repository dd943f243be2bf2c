from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.backends.signals import connection_created

        from . import receivers
        from .protection import truncate_allow_in_test_database

        # Log-ins, failed log-ins and lock-outs happen inside Django and django-axes (audit/receivers.py).
        user_logged_in.connect(receivers.login_record, dispatch_uid="audit.login_record")
        user_login_failed.connect(receivers.login_failure_record, dispatch_uid="audit.login_failure_record")
        user_locked_out.connect(receivers.lockout_record, dispatch_uid="audit.lockout_record")
        connection_created.connect(
            truncate_allow_in_test_database, dispatch_uid="audit.truncate_allow_in_test_database"
        )
