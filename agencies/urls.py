from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("<int:pk>/", views.agency_detail, name="detail"),
    path("switch/", views.agency_switch, name="switch"),
]
