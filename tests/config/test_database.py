"""Database session settings the pages rely on."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_sessions_run_without_jit():
    # A misjudged plan made the JIT compiler cost a second per case-list request (bench/cases.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
