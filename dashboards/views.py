from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from deadlines.board import board_for


@login_required
def home(request):
    """The signed-in home page (我的待办): the acting agency's running clocks, the least time left first."""
    clocks = board_for(request.agency) if request.agency else []
    return TemplateResponse(request, "dashboards/home.html", {"clocks": clocks})
