"""`lvyue rules schema`: the pack's own files validate against it, and it catches mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from lvyue.engine.cli.main import main
from lvyue.engine.pack import PACK_DATA_FILES

PACK = Path(__file__).parents[1] / "rules" / "hebi-shuguang-2026"


class _Strings(yaml.SafeLoader):
    """YAML as an editor sees it: dates are strings."""


_Strings.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema(part: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["rules", "schema", "--part", part]) == 0
    return json.loads(capsys.readouterr().out)


def load(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Strings)


def test_the_hebi_pack_validates(capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema.validate(load(PACK / "contract.yaml"), schema("contract", capsys))
    rules = schema("rules", capsys)
    files = [p for p in PACK.glob("*.yaml") if p.name not in ("contract.yaml", *PACK_DATA_FILES)]  # settlement.yaml is data
    assert len(files) >= 5
    for p in files:
        jsonschema.validate(load(p), rules)
    scenarios = schema("scenarios", capsys)
    for p in (PACK / "tests").glob("*.yaml"):
        jsonschema.validate(load(p), scenarios)


def test_the_schema_rejects_an_unknown_kind_and_a_misspelt_field(capsys: pytest.CaptureFixture[str]) -> None:
    rules = schema("rules", capsys)
    good = load(PACK / "operations.yaml")[0]
    bad_kind = {**good, "check": {**good["check"], "kind": "maintian"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([bad_kind], rules)
    bad_field = {**good, "check": {**good["check"], "working_day": 7}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([bad_field], rules)
    # A $parameter is accepted where a number is expected, a bare word is not.
    assert good["check"]["working_days"].startswith("$")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**good, "check": {**good["check"], "working_days": "seven"}}], rules)
