"""Fact types declared as YAML: built-ins, pack types and fields, errors, manifest checks, docs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from factkit import ROSTER_HEADERS, ROSTER_MANIFEST, ROSTER_ROWS, csv_bytes

from lvyue.engine.cli.main import main
from lvyue.engine.errors import InputError
from lvyue.facts import model, typedecl
from lvyue.facts.evidence import load_evidence
from lvyue.facts.model import FACT_TYPES, Assessment, Fact, StaffMember
from lvyue.facts.typedecl import FIELD_TYPES, FieldDecl, field_decl, registry

REPO = Path(__file__).parents[2]
ROSTER = csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, "utf-8")

# A pack type with one field of every declarable type.
PACK_FACTS = """\
types:
  line_fault:
    title_zh: 故障记录
    description: An unplanned line_fault of a contracted system.
    fields:
      system: {type: text, label: 系统}
      count: {type: int, label: 次数}
      ratio: {type: decimal, label: 比例}
      penalty: {type: money, optional: true, label: 扣款}
      recovered: {type: bool, default: false, label: 是否恢复}
      day: {type: date, label: 日期}
      started: {type: datetime, label: 开始时间}
      duration: {type: duration, label: 持续时长}
      level: {type: enum, values: [P1, P2, P3], label: 等级}
      teams: {type: list, item: text, default: [], label: 处置团队}
      followups: {type: list, item: date, default: [], label: 回访日期}
extend:
  staff:
    fields:
      badge_no: {type: text, optional: true, label: 工牌号}
"""
OUTAGE_HEADERS = ["编号", "系统", "次数", "比例", "扣款", "是否恢复", "日期", "开始时间", "时长", "等级", "团队", "回访"]  # fmt: skip
OUTAGE_ROWS = [
    ["O1", "门户网站", "3", "0.5", "¥1,234.50", "是", "2026年9月1日", "2026/9/1 8:30", "1小时30分钟", "一级", "网络、安全", "2026-09-02；2026年9月3日"],  # fmt: skip
    ["O2", "政务云", "1", "1", "", "", "2026-09-05", "2026-09-05 23:10:05", "45", "P3", "", ""],
    ["O3", "政务云", "1", "1", "", "", "2026-09-06", "2026-09-06 10:00", "很久", "P2", "", ""],
]
OUTAGE_MANIFEST = """\
files:
  - path: outages.csv
    type: line_fault
    columns: {编号: id, 系统: system, 次数: count, 比例: ratio, 扣款: penalty, 是否恢复: recovered,
              日期: day, 开始时间: started, 时长: duration, 等级: level, 团队: teams, 回访: followups}
    values:
      level: {一级: P1, 二级: P2, 三级: P3}
"""


def _pack(tmp_path: Path, text: str, name: str = "pack") -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "facts.yaml").write_text(text, encoding="utf-8")
    return root


def _error(call: Callable[[], Any]) -> InputError:
    with pytest.raises(InputError) as info:
        call()
    return info.value


# --- built-in declarations -------------------------------------------------------------


def test_builtin_types_are_declared_once_and_the_old_names_still_import() -> None:
    assert len(FACT_TYPES) == 27 and registry(None) is FACT_TYPES  # 26 + manual_conclusion (facts/types/manual.yaml)
    assert model.StaffMember is FACT_TYPES["staff"] and model.UsageLine is FACT_TYPES["usage"]
    assert model.CatalogueItem.fact_type == "catalogue" and model.OnsiteDay.title_zh == "驻场到岗记录"
    for name, cls in FACT_TYPES.items():
        assert issubclass(cls, Fact) and cls.fact_type == name and cls.decl.name == name
        assert [n for n in cls.model_fields if n not in ("id", "provenance")] == list(cls.decl.fields)
        assert cls.model_config["frozen"] and cls.model_config["extra"] == "forbid"
        assert cls.decl.source.startswith("facts/types/") and cls.decl.title_zh
        assert all(f.label for f in cls.decl.fields.values()), name


def test_declared_python_types_and_defaults_are_those_the_loaders_expect() -> None:
    fields = StaffMember.model_fields
    assert fields["start"].annotation is dt.date and fields["start"].is_required()
    assert fields["end"].annotation == (dt.date | None) and fields["end"].default is None
    assert fields["categories"].annotation == list[str]
    assert fields["local"].annotation is bool and fields["local"].default is False
    assert Assessment.model_fields["score"].annotation == (Decimal | None)
    assert FACT_TYPES["maintenance"].model_fields["affects_service"].default is True
    assert FACT_TYPES["onsite_day"].model_fields["entries"].default == 1
    a = StaffMember(id="P1", name="张伟", start=dt.date(2026, 7, 1))
    b = StaffMember(id="P2", name="李娜", start=dt.date(2026, 7, 1))
    assert a.categories == [] and a.categories is not b.categories  # no shared default list


def test_field_declarations_answer_type_label_unit_and_personal() -> None:
    assert field_decl("invoice", "amount").type == "money"
    assert field_decl("invoice", "amount").unit == "CNY"
    assert field_decl("maintenance", "notified_on").label == "通知日期"
    assert {n for n, f in StaffMember.decl.fields.items() if f.personal} == {"id_number", "phone"}
    err = _error(lambda: field_decl("maintenance", "notifed_on"))
    assert "did you mean `notified_on`?" in err.message
    err = _error(lambda: field_decl("maintenence", "kind"))
    assert "did you mean `maintenance`?" in err.message


SAMPLE: dict[str, Any] = {
    "text": "x",
    "int": 2,
    "decimal": "1.5",
    "money": "100.00",
    "bool": True,
    "date": "2026-09-01",
    "datetime": "2026-09-01T08:30:00",
    "duration": 90,
    "list": ["a"],
}


@pytest.mark.parametrize("name", sorted(FACT_TYPES))
def test_each_builtin_type_validates_a_sample_and_rejects_a_stray_field(name: str) -> None:
    cls = FACT_TYPES[name]
    sample = {"id": "s1", **{n: SAMPLE[f.type] for n, f in cls.decl.fields.items() if f.required}}
    fact = cls.model_validate(sample)
    assert fact.id == "s1" and cls.model_validate(fact.model_dump(mode="json")) == fact
    with pytest.raises(ValueError):
        cls.model_validate({**sample, "no_such_field": 1})
    required = [n for n, f in cls.decl.fields.items() if f.required]
    if required:
        with pytest.raises(ValueError):
            cls.model_validate({k: v for k, v in sample.items() if k != required[0]})


# --- pack-declared types ---------------------------------------------------------------


def test_a_pack_type_with_every_field_type_loads_from_csv_with_provenance(
    tmp_path: Path, folder: Callable[..., Path]
) -> None:
    types = registry(_pack(tmp_path, PACK_FACTS))
    declared = {f.type for f in types["line_fault"].decl.fields.values()}
    assert declared == set(FIELD_TYPES)
    data = csv_bytes(OUTAGE_HEADERS, OUTAGE_ROWS, "utf-8")
    ev = load_evidence(folder("ev", OUTAGE_MANIFEST, {"outages.csv": data}), types=types)
    (report,) = ev.files
    assert (report.rows, report.facts, report.title_zh) == (3, 2, "故障记录")
    (rejected,) = report.rejected
    assert (rejected.row, rejected.field) == (4, "时长") and "not a duration" in rejected.reason
    o1, o2 = ev.facts["line_fault"]
    assert isinstance(o1, types["line_fault"]) and o1.fact_type == "line_fault"
    assert o1.fields() == {
        "id": "O1",
        "system": "门户网站",
        "count": 3,
        "ratio": "0.5",
        "penalty": "1234.50",
        "recovered": True,
        "day": "2026-09-01",
        "started": "2026-09-01T08:30:00",
        "duration": 90,
        "level": "P1",
        "teams": ["网络", "安全"],
        "followups": ["2026-09-02", "2026-09-03"],
    }
    assert o1.penalty == Decimal("1234.50") and o1.started == dt.datetime(2026, 9, 1, 8, 30)
    assert (o2.penalty, o2.recovered, o2.teams, o2.duration) == (None, False, [], 45)
    assert o2.started == dt.datetime(2026, 9, 5, 23, 10, 5)
    assert o1.provenance is not None and o1.provenance.cite() == "outages.csv, row 2"
    assert o1.provenance.sha256 == hashlib.sha256(data).hexdigest()
    # without the pack's types the manifest's type is unknown
    err = _error(lambda: load_evidence(folder("ev2", OUTAGE_MANIFEST, {"outages.csv": data})))
    assert "unknown fact type 'line_fault'" in err.message


def test_a_pack_adds_a_field_to_a_builtin_type(tmp_path: Path, folder: Callable[..., Path]) -> None:
    pack = _pack(tmp_path, PACK_FACTS)
    types = registry(pack)
    assert registry(pack) is types  # cached per file
    assert FACT_TYPES["staff"].decl.fields.keys() < types["staff"].decl.fields.keys()
    assert "badge_no" not in FACT_TYPES["staff"].model_fields  # built-ins untouched
    assert issubclass(types["staff"], StaffMember)
    headers, rows = [*ROSTER_HEADERS, "工牌"], [[*r, f"B{i}"] for i, r in enumerate(ROSTER_ROWS)]
    manifest = ROSTER_MANIFEST.format(path="roster.csv", extra="") + "    defaults: {}\n"
    manifest = manifest.replace("      工号: id\n", "      工号: id\n      工牌: badge_no\n")
    root = folder("ev", manifest, {"roster.csv": csv_bytes(headers, rows, "utf-8")})
    ev = load_evidence(root, types=types)
    assert [f.badge_no for f in ev.facts["staff"]] == ["B0", "B1", "B2"]
    err = _error(lambda: load_evidence(root))  # the built-in staff has no badge_no
    assert "'badge_no' is not a field of staff" in err.message


def test_facts_inspect_and_schema_take_the_pack(
    tmp_path: Path, folder: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _pack(tmp_path, PACK_FACTS)
    root = folder("ev", OUTAGE_MANIFEST, {"outages.csv": csv_bytes(OUTAGE_HEADERS, OUTAGE_ROWS, "utf-8")})
    assert main(["facts", "inspect", str(root), "--pack", str(pack), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"][0]["title_zh"] == "故障记录" and out["facts_by_type"] == {"line_fault": 2}
    assert main(["rules", "schema", "--facts", "--pack", str(pack)]) == 0
    listed = {t["type"]: t for t in json.loads(capsys.readouterr().out)}
    assert set(FACT_TYPES) < set(listed) and listed["line_fault"]["title_zh"] == "故障记录"
    level = next(f for f in listed["line_fault"]["fields"] if f["name"] == "level")
    assert level == {"name": "level", "type": "enum", "label": "等级", "required": True, "values": ["P1", "P2", "P3"]}  # fmt: skip
    assert main(["rules", "schema", "--facts", "--format", "md"]) == 0
    assert "### `maintenance` 检修/割接/升级计划" in capsys.readouterr().out


# --- bad declarations ------------------------------------------------------------------

BAD_DECLARATIONS = [
    (  # a built-in type declared again
        "types:\n  staff:\n    title_zh: 人员\n    description: again\n    fields:\n      x: {type: text, label: x}\n",  # fmt: skip
        2,
        "fact type 'staff' is already declared (facts/types/people.yaml:",
    ),
    (
        "extend:\n  maintenance:\n    fields:\n      notified_on: {type: date, label: 通知}\n",
        4,
        "field 'notified_on' is already declared in maintenance (facts/types/operations.yaml:",
    ),
    (
        "types:\n  line_fault:\n    title_zh: 故障\n    description: d\n    fields:\n      at: {type: dattime, label: 时间}\n",  # fmt: skip
        6,
        "unknown field type 'dattime' (did you mean `datetime`?)",
    ),
    (
        "types:\n  line_fault:\n    title_zh: 故障\n    description: d\n    fields:\n      level: {type: enum, label: 等级}\n",  # fmt: skip
        6,
        "an enum needs values",
    ),
    (
        "types:\n  line_fault:\n    title_zh: 故障\n    description: d\n    fields:\n      n:\n        type: int\n        label: 次数\n        default: many\n",  # fmt: skip
        9,
        "default 'many' is not a int",
    ),
    (
        "extend:\n  staf:\n    fields:\n      x: {type: text, label: x}\n",
        2,
        "extend: unknown fact type 'staf' (did you mean `staff`?)",
    ),
    (
        "extend:\n  onsite_day:\n    fields:\n      door: {type: text, label: 门}\n",
        4,
        "an added field needs optional: true or a default",
    ),
    (
        "types:\n  line_fault:\n    title_zh: 故障\n    description: d\n    fields:\n      x: {type: text, lable: x}\n",  # fmt: skip
        6,
        "unknown option 'lable' (did you mean `label`?)",
    ),
]


@pytest.mark.parametrize("text, line, words", BAD_DECLARATIONS)
def test_bad_declarations_name_file_line_and_the_fix(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    pack = _pack(tmp_path, text)
    err = _error(lambda: registry(pack))
    assert err.file is not None and err.file.endswith("facts.yaml")
    assert err.line == line and words in err.message
    assert str(err).startswith(f"{err.file}:{line}: ")


def test_a_type_declared_twice_in_the_builtin_files_is_refused(tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text(PACK_FACTS.split("extend:")[0], encoding="utf-8")
    two = tmp_path / "two.yaml"
    two.write_text(PACK_FACTS.split("extend:")[0], encoding="utf-8")
    err = _error(lambda: typedecl.load_types([one, two]))
    assert (err.file, err.line) == (str(two), 2)
    assert f"already declared ({one}:2)" in err.message


# --- manifest field checks -------------------------------------------------------------

MAINT_MANIFEST = """\
files:
  - path: m.csv
    type: maintenance
    id: "{kind}-{start}"
    columns:
      编号: id
      类型: kind
      事项: title
      开始: start
      通知: notified_on
"""
MAINT = csv_bytes(["编号", "类型", "事项", "开始", "通知"], [["M1", "检修", "核心交换机", "2026-09-10", "2026-09-01"]], "utf-8")  # fmt: skip


@pytest.mark.parametrize(
    "old, new, line, field",
    [
        ("      通知: notified_on\n", "      通知: notifed_on\n", 10, "columns"),
        ("    columns:\n", "    defaults:\n      notifed_on: 2026-09-01\n    columns:\n", 6, "defaults"),
        ("    columns:\n", "    fixed: {notifed_on: 2026-09-01}\n    columns:\n", 5, "fixed"),
        ("    columns:\n", "    values:\n      notifed_on: {a: b}\n    columns:\n", 6, "values"),
        ('id: "{kind}-{start}"', 'id: "{kind}-{notifed_on}"', 4, "id"),
    ],
)
def test_a_misspelled_manifest_field_names_the_line_and_the_nearest_field(
    folder: Callable[..., Path], old: str, new: str, line: int, field: str
) -> None:
    manifest = MAINT_MANIFEST.replace(old, new)
    assert manifest != MAINT_MANIFEST
    err = _error(lambda: load_evidence(folder("m", manifest, {"m.csv": MAINT})))
    assert (err.file, err.line, err.field) == ("evidence.yaml", line, field)
    assert "'notifed_on' is not a field of maintenance" in err.message
    assert err.message.endswith("(did you mean `notified_on`?)")


def test_the_manifest_checks_pass_for_good_names_and_use_the_id_template(
    folder: Callable[..., Path],
) -> None:
    ev = load_evidence(folder("m", MAINT_MANIFEST, {"m.csv": MAINT}))
    (fact,) = ev.facts["maintenance"]
    assert fact.id == "检修-2026-09-10" and fact.notified_on == dt.date(2026, 9, 1)


def test_an_enum_value_in_values_must_be_declared(tmp_path: Path, folder: Callable[..., Path]) -> None:
    types = registry(_pack(tmp_path, PACK_FACTS))
    manifest = OUTAGE_MANIFEST.replace("三级: P3", "三级: p3")
    data = csv_bytes(OUTAGE_HEADERS, OUTAGE_ROWS, "utf-8")
    err = _error(lambda: load_evidence(folder("ev", manifest, {"outages.csv": data}), types=types))
    assert (err.file, err.line, err.field) == ("evidence.yaml", 7, "values.level")
    assert "'p3' is not a value of line_fault.level (one of: P1, P2, P3)" in err.message
    manifest = OUTAGE_MANIFEST.replace("三级: P3", "三级: P33")
    err = _error(lambda: load_evidence(folder("ev2", manifest, {"outages.csv": data}), types=types))
    assert err.message.endswith("(did you mean `P3`?)")


def test_a_malformed_id_template_is_an_input_error(folder: Callable[..., Path]) -> None:
    manifest = MAINT_MANIFEST.replace('"{kind}-{start}"', '"{kind-{start}"')
    err = _error(lambda: load_evidence(folder("m", manifest, {"m.csv": MAINT})))
    assert (err.line, err.field) == (4, "id") and "not a valid id template" in err.message


# --- docs and schema -------------------------------------------------------------------


def test_docs_evidence_md_lists_exactly_the_declared_types() -> None:
    doc = (REPO / "docs" / "evidence.md").read_text(encoding="utf-8")
    assert typedecl.replace_section(doc, typedecl.markdown()) == doc, (
        "docs/evidence.md is out of date: run python -m lvyue.facts.typedecl --write docs/evidence.md"
    )
    for name, cls in FACT_TYPES.items():
        assert f"### `{name}` {cls.title_zh}" in doc


def test_markdown_shows_types_defaults_units_and_personal_data() -> None:
    md = typedecl.markdown()
    assert "| `categories` | 专业方向 | list of text | default `[]` |  | e.g. cloud" in md
    assert "| `amount` | 金额 | money | required | CNY |  |" in md
    assert "| `id_number` | 身份证号 | text | optional |  | personal data, masked in reports |" in md


def test_the_declaration_schema_accepts_the_builtin_files_and_rejects_a_bad_type(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "schema", "--part", "facts"]) == 0
    schema = json.loads(capsys.readouterr().out)
    for path in sorted((REPO / "facts" / "types").glob("*.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    bad = yaml.safe_load(PACK_FACTS)
    bad["types"]["line_fault"]["fields"]["day"]["type"] = "dates"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_field_decl_python_types_cover_every_field_type() -> None:
    made = {
        t: FieldDecl(type=t, label="x", values=("a",) if t == "enum" else None).python_type()
        for t in FIELD_TYPES
    }
    assert made["money"] == Decimal and made["datetime"] is dt.datetime
    assert made["duration"] is int and made["list"] == list[str]
    assert typing.get_args(made["enum"]) == ("a",)
