from django.urls import include, path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", include("dashboards.notice_urls")),
]
