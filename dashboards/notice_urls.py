"""The supervision notices' (督办通知) pages, in the dashboards namespace."""

from django.urls import path

from . import notice_views

urlpatterns = [
    path("", notice_views.notice_list, name="notice_list"),
    path("new/<int:deadline_id>/", notice_views.notice_new, name="notice_new"),
    path("<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("<int:pk>/resolve/", notice_views.notice_resolve_view, name="notice_resolve"),
]
