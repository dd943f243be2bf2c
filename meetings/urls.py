from django.urls import path

from . import meeting_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("bodies/<int:body_pk>/items/new/", views.item_new, name="item_new"),
    path("bodies/<int:body_pk>/meetings/new/", meeting_views.meeting_new, name="meeting_new"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/<slug:step>/", views.item_step, name="item_step"),
    path("<int:pk>/", meeting_views.meeting_detail, name="detail"),
    path("<int:pk>/documents/<slug:which>/", meeting_views.meeting_document, name="document"),
    path("<int:pk>/<slug:step>/", meeting_views.meeting_step, name="step"),
    path("assignments/<int:pk>/<slug:step>/", meeting_views.assignment_step, name="assignment_step"),
]
