import pytest
from django.core.exceptions import ValidationError

from credit.models import MarketEntity
from credit.uscc import check_character, normalize, validate_uscc


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # python-stdnum's sample
        "９１１１００００６０００３７３４１Ｌ",  # full-width, as pasted from a document
        "9111 0000-6000 3734 1l",
        "Y1422825MA4K00015P",  # letter-initial codes exist (其他登记管理部门)
        "A1150600MA0N12345K",
    ],
)
def test_valid_codes_pass_including_letter_initial_ones(code):
    validate_uscc(code)


def test_normalize():
    assert normalize("９１１１００００６０００３７３４１ｌ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000600037341", "有 17 个字符"),
        ("91110000600037341O", "O"),
        ("91AB0000600037341L", "行政区划码"),
        ("91110000600037341K", "校验码应为 L"),
    ],
)
def test_invalid_codes_say_what_is_wrong_in_chinese(code, message):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert message in error.value.messages[0]


@pytest.mark.django_db
def test_entities_are_unique_by_code():
    entity = MarketEntity(uscc=normalize("9111 0000 6000 3734 1l"), name="某建设集团有限公司")
    entity.full_clean()
    entity.save()
    assert entity.uscc == "91110000600037341L"
    duplicate = MarketEntity(uscc="91110000600037341L", name="同一家")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_check_character_of_the_sample():
    assert check_character("91110000600037341") == "L"


# Ethiopic one (፩), which str.isdigit() takes and int() refuses (it was a 500), and Arabic-Indic three (٣), which
# int() reads (such a number was stored): NFKC keeps both.
OTHER_DIGITS = ["፩10101199001011234", "4228٣5198001011230"]


@pytest.mark.parametrize("number", OTHER_DIGITS)
def test_an_identity_number_of_other_scripts_digits_is_refused_as_a_wrong_format(number):
    from credit.identity import validate_id_number

    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == "id_format"


@pytest.mark.django_db
@pytest.mark.parametrize("number", OTHER_DIGITS)
def test_the_public_check_answers_other_scripts_digits_with_what_is_wrong(client, number):
    from django.urls import reverse

    answer = client.get(reverse("credit:check_json"), {"code": number})
    assert answer.status_code == 400
    assert "统一社会信用代码" in answer.json()["error"]
    page = client.get(reverse("credit:check"), {"code": number})
    assert page.status_code == 200
    assert "这不是有效的统一社会信用代码" in page.content.decode()
