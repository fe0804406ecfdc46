"""Chinese dates, periods and amounts (engine/zhtext.py), ordered tables and the one remediation wording."""

from __future__ import annotations

import datetime as dt

from lvyue.engine.zhtext import cn_date, cn_period, money, zh_dates, zh_value
from lvyue.reports.audit import cite_text_zh, cites_zh, types_zh
from lvyue.reports.remedy import period_words, remediation
from lvyue.reports.templating import daily_rate, show


def test_dates_in_text() -> None:
    assert cn_date(dt.date(2026, 10, 8)) == "2026年10月8日" and cn_date("2027-01-05") == "2027年1月5日"
    # a one-day range is one date; a range written with .. becomes 至
    assert zh_dates("2026-09-20至2026-09-20共1个工作日") == "2026年9月20日共1个工作日"
    assert zh_dates("服务年度2026-07-01..2027-06-30未开展") == "服务年度2026年7月1日至2027年6月30日未开展"
    assert zh_dates("于2026-11-24 10:30发现") == "于2026年11月24日10:30发现"
    # ids that contain date-like digits are left alone
    assert zh_dates("INV-2026-002、RR-2026-07、KH-2026-12-01") == "INV-2026-002、RR-2026-07、KH-2026-12-01"
    assert cn_period("2026-09-01", "2026-09-14") == "2026年9月1日至2026年9月14日"
    assert cn_period("2026-10-10", "2026-10-10") == "2026年10月10日"


def test_values_put_into_a_chinese_message() -> None:
    assert zh_value("6182058.17") == "6,182,058.17"  # one amount format
    assert zh_value("2026-07、2026-08") == "2026年7月、2026年8月"
    assert zh_value("2026-10") == "2026年10月"
    assert zh_value(7) == 7 and zh_value("99.8843") == "99.8843"  # not money: four decimals
    # a derived value's "name = value（how）": the rule language's field name is left out
    assert zh_value("availability = 99.8843（可用率 = 1 − 50 ÷ 43,200）") == "可用率 = 1 − 50 ÷ 43,200"
    assert money("1234567.005") == "1,234,567.01"  # half up to the fen


def test_sources_and_fact_types_in_chinese() -> None:
    assert cite_text_zh("发票.xlsx, sheet 发票登记, row 3") == "发票.xlsx 工作表「发票登记」第3行"
    assert cite_text_zh("网络监控.csv, row 359406, 50 lines") == "网络监控.csv第359406行（由50行汇总）"
    assert cites_zh("（核查人 王审计，人工核查清单.xlsx, sheet 清单, row 3）") == "（核查人 王审计，人工核查清单.xlsx 工作表「清单」第3行）"
    names = {"force_majeure": "不可抗力", "certificate": "资质证书"}
    assert types_zh("未提供不可抗力(force_majeure)，无法判断", names) == "未提供不可抗力，无法判断"
    assert types_zh("JZ04 的certificate ZS-02 已过期", names) == "JZ04 的资质证书 ZS-02 已过期"


def test_grade_tables_ordered_by_value_and_rates_in_words() -> None:
    grades = {"不合格": "0.90", "优秀": "1.00", "合格": "0.95", "良好": "0.98"}  # as a sorted JSON gives them
    assert show(grades) == "优秀=1.00；良好=0.98；合格=0.95；不合格=0.90"
    assert show("month") == "每月" and show("month", zh=False) == "month"
    assert show(True) == "是" and show(False, zh=False) == "no"
    assert daily_rate("0.0005") == "万分之五"


def _breach(date: str = "2027-01-08") -> dict:
    return {
        "status": "breach",
        "deadline": {
            "date": date,
            "basis": "整改期限（自整改通知下达之日起算，默认以核查基准日为下达日）",
            "provisional": True,
            "explanation": {"counted": ["2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"],
                            "rule": "2026-12-31之后第5个工作日（当日不计入，调休上班日计为工作日）", "provisional_years": [2027]},
        },
    }  # fmt: skip


def test_one_remediation_wording() -> None:
    # no notice yet: how it is counted, and the date if the notice were issued on the as-of date
    r = remediation(_breach(), None, "2026-12-31", {2027})
    assert r["text"] == "自整改通知书下达之日起5个工作日；如于核查基准日2026年12月31日下达，为2027年1月8日前"
    assert (r["date"], r["from_notice"], r["provisional"]) == ("2027-01-08", False, True)
    # a notice on record: its issue date counts, and its deadline is the one stated
    notice = {"kind": "rectification", "number": "鹤审管〔2027〕1号", "issue_date": "2027-01-05", "deadline": "2027-01-12"}
    r = remediation(_breach(), notice, "2026-12-31", {2027})
    assert r["text"] == "2027年1月12日前（自整改通知书鹤审管〔2027〕1号下达之日2027年1月5日起5个工作日）"
    assert (r["date"], r["from_notice"]) == ("2027-01-12", True)
    # an at-risk finding's deadline is the obligation's own date
    risk = {"status": "at_risk", "deadline": {"date": "2027-07-01", "basis": "履行期限", "provisional": True, "explanation": {}}}
    assert remediation(risk, None, "2026-12-31")["text"] == "2027年7月1日前"
    assert period_words({"natural_days": 15}) == "15日"
    assert period_words(None, {"steps": ["按日计算：2026-12-31 + 15 日 = 2027-01-15"]}) == "15日"
