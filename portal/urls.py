from django.urls import path

from . import complaint_views, views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("agencies/<int:pk>/duties/", views.duty_list, name="duty_list"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
    path("complaints/new/", complaint_views.complaint_online, name="complaint_new"),
    path("complaints/status/", complaint_views.complaint_status, name="complaint_status"),
    path("complaints/<str:code>/", complaint_views.complaint_ack, name="complaint_ack"),
]
