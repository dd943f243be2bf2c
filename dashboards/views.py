from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse


@login_required
def home(request):
    """The signed-in home page (我的待办) for the agency the user is acting for.

    Work items (referrals to sign, letters to answer, agenda items to sign) join this page as the apps that
    own them arrive; until then it says honestly that there is nothing to do.
    """
    return TemplateResponse(request, "dashboards/home.html", {"todo": []})
