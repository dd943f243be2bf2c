from datetime import date

import pytest
from django.db import transaction

from documents.services import document_issue

LETTER_BODY = [
    "你中心于2026年5月6日移送的某工程项目围标串标线索已收悉。经初步审查，该线索涉及投标人串通投标，属本局职责范围，本局决定受理。",
    "特此函告。",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issue(agency, other_agency, insider):
    def make(kind="letter", **overrides):
        values = {
            "actor": insider,
            "agency": agency,
            "addressee": other_agency,
            "kind": kind,
            "title": "关于移送某工程项目围标串标线索的函",
            "context": {
                "recipient": other_agency.name,
                "body": LETTER_BODY,
                "contact": {"name": "王经办", "phone": "0718-3700005"},
            },
            "issued_on": date(2026, 5, 9),
        } | overrides
        with transaction.atomic():
            return document_issue(**values)

    return make
