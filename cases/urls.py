from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
