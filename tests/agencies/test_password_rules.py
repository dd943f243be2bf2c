import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize("password", ["abcdefgh", "abcd1234", "ABCDEFGH12", "xq7mzp4kwv", "Ab1!"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Xq7mzp4kwv", "xq7mzp4kw!", "XQ7MZP!KWV", "Zhong#Hua2026"])
def test_passwords_with_three_kinds_of_characters_are_accepted(password):
    validate_password(password)


def test_refusal_explains_how_to_fix_it():
    with pytest.raises(ValidationError) as error:
        validate_password("xq7mzp4kwv")
    assert "请至少混合 3 种" in " ".join(error.value.messages)


def test_password_change_applies_the_rules_in_chinese(client_for, insider):
    response = client_for(insider).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "xq7mzp4kwv", "new_password2": "xq7mzp4kwv"},
    )
    assert response.status_code == 200
    assert "至少混合 3 种" in response.text


def test_password_change_succeeds_with_a_strong_password(client_for, insider):
    response = client_for(insider).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Zhong#Hua2026", "new_password2": "Zhong#Hua2026"},
    )
    assert response.status_code == 302
    insider.refresh_from_db()
    assert insider.check_password("Zhong#Hua2026")
