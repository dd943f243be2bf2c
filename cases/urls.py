from django.urls import path

from . import complaint_views, criminal_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/refer/", views.lead_refer, name="refer"),
    path("leads/<int:pk>/receivers/", views.lead_receivers, name="receivers"),
    path("leads/<int:pk>/designate/", views.lead_designate, name="designate"),
    path("leads/<int:pk>/<slug:step>/", views.lead_step, name="lead_step"),
    path("referrals/<int:pk>/<slug:step>/", views.referral_step, name="referral_step"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("complaints/", complaint_views.complaint_list, name="complaints"),
    path("complaints/new/", complaint_views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", complaint_views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/<slug:step>/", complaint_views.complaint_step, name="complaint_step"),
    path("assistance/", complaint_views.assistance_list, name="assistance_list"),
    path("assistance/new/", complaint_views.assistance_new, name="assistance_new"),
    path("assistance/<int:pk>/", complaint_views.assistance_detail, name="assistance"),
    path("assistance/<int:pk>/<slug:step>/", complaint_views.assistance_step, name="assistance_step"),
    path("criminal/lead/<int:pk>/", criminal_views.criminal_lead_card, name="criminal_lead_card"),
    path("criminal/lead/<int:pk>/new/", criminal_views.criminal_new, name="criminal_new"),
    path("criminal/", complaint_views.criminal_list, name="criminal_list"),
    path("criminal/<int:pk>/", criminal_views.criminal_detail, name="criminal"),
    path("criminal/<int:pk>/<slug:step>/", criminal_views.criminal_step, name="criminal_step"),
]
