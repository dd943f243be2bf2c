from django.urls import path

from . import criminal_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/refer/", views.lead_refer, name="refer"),
    path("leads/<int:pk>/receivers/", views.lead_receivers, name="receivers"),
    path("leads/<int:pk>/<slug:step>/", views.lead_step, name="lead_step"),
    path("referrals/<int:pk>/<slug:step>/", views.referral_step, name="referral_step"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("criminal/lead/<int:pk>/", criminal_views.criminal_lead_card, name="criminal_lead_card"),
    path("criminal/lead/<int:pk>/new/", criminal_views.criminal_new, name="criminal_new"),
    path("criminal/<int:pk>/", criminal_views.criminal_detail, name="criminal"),
    path("criminal/<int:pk>/<slug:step>/", criminal_views.criminal_step, name="criminal_step"),
]
