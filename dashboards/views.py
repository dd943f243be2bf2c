from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from cases.todo import tasks_for as case_tasks_for
from credit.todo import tasks_for as credit_tasks_for
from deadlines.board import board_for
from meetings.todo import tasks_for as meeting_tasks_for


@login_required
def home(request):
    """The signed-in home page (我的待办): the steps awaiting the user in the acting agency, and that agency's
    running clocks, the least time left first."""
    agency = request.agency or None
    tasks = sorted(
        case_tasks_for(request.user, agency)
        + meeting_tasks_for(request.user, agency)
        + credit_tasks_for(request.user, agency),
        key=lambda task: (task.clock is None, task.clock and task.clock.deadline.due_at),
    )
    # The agency's clocks that no task of the user's shows already (the same clock twice said nothing more).
    shown = {task.clock.deadline.pk for task in tasks if task.clock}
    clocks = [clock for clock in board_for(agency) if clock.deadline.pk not in shown] if agency else []
    return TemplateResponse(request, "dashboards/home.html", {"tasks": tasks, "clocks": clocks})
