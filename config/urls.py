from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config.login import AdminLoginForm, LoginForm


def healthz(request):
    """Liveness and database check for container health probes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = _("Public Resource Trading Supervision Portal")
admin.site.site_title = _("Supervision Portal administration")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("dashboards.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # No password reset by e-mail: an agency's administrator resets a forgotten password (the log-in page says so).
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("agencies/", include("agencies.urls")),
    path("cases/", include("cases.urls")),
    path("credit/", include("credit.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("documents/", include("documents.urls")),
    path("meetings/", include("meetings.urls")),
    path("notifications/", include("notifications.urls")),
    path("public/", include("portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
