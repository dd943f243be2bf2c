from django.urls import include, path

from . import board_views, views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/", board_views.board_page, name="board"),
    path("board/clocks/", board_views.clock_list, name="clocks"),
    path("board/referrals/<slug:state>/", board_views.decision_list, name="decisions"),
    path("board/statistics/", board_views.statistics_page, name="statistics"),
    path("board/reports/", board_views.monthly_report, name="monthly_report"),
    path("board/designations/", board_views.designation_list, name="designations"),
    path("notices/", include("dashboards.notice_urls")),
]
