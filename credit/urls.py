from django.urls import path

from . import memo_views, public_views, views

app_name = "credit"
urlpatterns = [
    path("", views.index, name="index"),
    path("entities/new/", views.entity_new, name="entity_new"),
    path("entities/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("entities/<int:pk>/records/new/", views.record_new, name="record_new"),
    path("entities/import/", views.entity_import, name="import"),
    path("entities/import/template.csv", views.import_template, name="import_template"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/repair/", views.repair_apply, name="repair_apply"),
    path("records/<int:pk>/<slug:step>/", views.record_step, name="record_step"),
    path("repairs/<int:pk>/decide/", views.repair_decide, name="repair_decide"),
    path("memos/", memo_views.memo_list, name="memo_list"),
    path("memos/new/", memo_views.memo_new, name="memo_new"),
    path("memos/<int:pk>/", memo_views.memo_detail, name="memo_detail"),
    path("memo-parts/<int:pk>/<slug:step>/", memo_views.memo_part_step, name="memo_part_step"),
    # Public, without login.
    path("public/records/", public_views.public_records, name="public_records"),
    path("public/honours/", public_views.honour_list, name="honour_list"),
    path("public/check/", public_views.check, name="check"),
    path("public/check.json", public_views.check_json, name="check_json"),
]
