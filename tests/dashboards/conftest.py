"""The case fixtures (an approved lead, the receiving agency's people, evidence stored under a temporary media
root) for the board's and the notices' tests."""

from tests.cases.conftest import _media, approved, file_lead, receiver_handler, receiver_head  # noqa: F401
