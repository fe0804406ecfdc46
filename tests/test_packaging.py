"""One import namespace and reproducible installs (issue 16).

lvyue installs as one top-level package, `lvyue` (lvyue.engine, lvyue.facts, lvyue.reports,
and the packs as lvyue/rules), so another distribution's `engine` or `reports` cannot shadow it;
constraints.txt pins the tested set (the holidays data decides deadlines).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import lvyue
from lvyue.engine.pack import BUNDLED

ROOT = Path(__file__).resolve().parents[1]
TOPS = ("engine", "facts", "reports")
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _listed_packages() -> set[str]:
    block = re.search(r"^packages = \[(.*?)\]", PYPROJECT, re.S | re.M)
    assert block, "pyproject.toml: [tool.setuptools] packages = [...] not found"
    return set(re.findall(r'"([\w.]+)"', block.group(1)))


def _dependencies() -> list[str]:
    block = re.search(r"^dependencies = \[(.*?)\]", PYPROJECT, re.S | re.M)
    assert block
    return re.findall(r'"([^"]+)"', block.group(1))


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, ver = line.partition("==")
            assert ver, f"constraints.txt: {line!r} is not pinned with =="
            pins[_norm(name)] = ver.strip()
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_folder_is_installed_under_lvyue() -> None:
    folders = {"lvyue." + ".".join(p.parent.relative_to(ROOT).parts)
               for top in TOPS for p in (ROOT / top).rglob("__init__.py")}
    assert _listed_packages() == folders | {"lvyue", "lvyue.rules"}
    assert re.search(r'^lvyue = "lvyue\.engine\.cli\.main:run"$', PYPROJECT, re.M)


def test_no_module_imports_a_top_level_engine_facts_or_reports() -> None:
    bad = re.compile(rf"^\s*(from|import) ({'|'.join(TOPS)})(\.|\s)", re.M)
    offenders = [
        f"{p.relative_to(ROOT)}:{s[: m.start()].count(chr(10)) + 1}"
        for top in (*TOPS, "tests", "bench", "examples", "lvyue")
        for p in sorted((ROOT / top).rglob("*.py"))
        for s in [p.read_text(encoding="utf-8")]
        for m in bad.finditer(s)
    ]
    assert offenders == []


def test_the_packs_and_the_version_come_from_the_installed_package() -> None:
    assert {"hebi-shuguang-2026", "jiangzhou-waiwang-2026"} <= {p.parent.name for p in BUNDLED.glob("*/contract.yaml")}
    assert lvyue.__version__ == version("lvyue")


def test_every_dependency_has_an_upper_bound_and_a_pin() -> None:
    pins = _constraints()
    for dep in _dependencies():
        spec = dep.split(";")[0]
        name = _norm(re.split(r"[<>=!~\s\[]", spec, maxsplit=1)[0])
        assert "<" in spec or "==" in spec, f"{dep}: no upper bound"
        assert name in pins, f"{name} is not pinned in constraints.txt"


def test_the_running_environment_is_the_locked_set() -> None:
    """CI installs with -c constraints.txt: what the tests ran on is what the lock says."""
    drift = {}
    for name, pinned in _constraints().items():
        try:
            have = version(name)
        except PackageNotFoundError:
            continue  # e.g. durable-rules on Python 3.13, reportlab without [dev]
        if have != pinned:
            drift[name] = (have, pinned)
    assert drift == {}, "installed != constraints.txt (regenerate it: see README, 'Reproducible installs')"


@pytest.mark.skipif(os.environ.get("LVYUE_SKIP_WHEEL") == "1", reason="LVYUE_SKIP_WHEEL=1")
def test_the_wheel_installs_into_a_fresh_venv_and_checks_the_example(tmp_path: Path) -> None:
    """Build the wheel, install it (with the lock) into a new venv, run check from outside the repo."""
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("lvyue-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"lvyue", f"lvyue-{version('lvyue')}.dist-info"}
    assert "lvyue/rules/hebi-shuguang-2026/contract.yaml" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "--disable-pip-version-check", "-q", "install",
                    "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    probe = subprocess.run(
        [str(py), "-c", "import importlib.util as u, lvyue.engine as e; print(e.__file__); print(u.find_spec('engine'))"],
        cwd=outside, env=env, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert probe[0].startswith(str(env_dir)) and probe[1] == "None"  # no top-level `engine` installed
    out = outside / "result.json"
    run = subprocess.run(
        [str(env_dir / "bin" / "lvyue"), "check", str(ROOT / "examples" / "hebi-2026h2"), "--pack", "hebi-shuguang-2026",
         "--half", "2026H2", "--format", "json", "-o", str(out)],
        cwd=outside, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 1, run.stderr  # the example has breaches
    installed = json.loads(out.read_text(encoding="utf-8"))
    here = tmp_path / "here.json"
    subprocess.run(
        [sys.executable, "-m", "lvyue.engine.cli.main", "check", str(ROOT / "examples" / "hebi-2026h2"), "--pack",
         str(ROOT / "rules" / "hebi-shuguang-2026"), "--half", "2026H2", "--format", "json", "-o", str(here)],
        cwd=ROOT, capture_output=True, text=True,
    )
    mine = json.loads(here.read_text(encoding="utf-8"))
    key = lambda r: [(f["rule"], f["subject"], f["status"], (f.get("deadline") or {}).get("date")) for f in r["findings"]]  # noqa: E731
    assert key(installed) == key(mine) and len(key(mine)) > 50
    assert installed["lvyue_version"] == version("lvyue")
    assert installed["contract"]["pack_sha256"] == mine["contract"]["pack_sha256"]
