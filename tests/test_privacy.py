"""Personal numbers are masked; other long numbers (accounts, amounts) are not."""

from lvyue.engine.privacy import mask, mask_text


def test_id_card_and_mobile_are_masked() -> None:
    assert mask_text("41061119900101123X") == "410611********123X"
    assert mask_text("电话13812345678。") == "电话138****5678。"


def test_accounts_amounts_and_dates_are_left_alone() -> None:
    text = "账户 246830861818，金额 6182058.17 元，日期 20261231，发票 04400012345678901234"
    assert mask_text(text) == text


def test_mask_walks_nested_data() -> None:
    data = {"staff": [{"id_number": "410611199001011234", "phone": "15900001111", "name": "张一"}]}
    assert mask(data) == {"staff": [{"id_number": "410611********1234", "phone": "159****1111", "name": "张一"}]}
