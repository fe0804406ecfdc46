"""Money is rounded one way everywhere: 四舍五入 to the fen (half up), never banker's rounding."""

from decimal import Decimal

from lvyue.engine.findings import Finding
from lvyue.engine.money import fen, money


def test_half_a_fen_rounds_up_not_to_even() -> None:
    assert fen(Decimal("0.125")) == Decimal("0.13")  # banker's rounding would give 0.12
    assert fen(Decimal("37092.345")) == Decimal("37092.35")
    assert money(Decimal("6182058.165")) == "6182058.17"


def test_findings_show_amounts_with_the_same_rounding() -> None:
    f = Finding(
        id="X:1", rule="X", clause="三.2", title="t", kind="achieve_by", obligor="party_b", severity="major",
        status="breach", subject="s", period=None, message={}, consequence=None,
    )
    f.amounts = {"penalty": Decimal("0.125")}
    assert f.to_dict()["amounts"] == {"penalty": "0.13"}
