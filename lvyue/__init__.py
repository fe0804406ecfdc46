"""lvyue (履约): one import namespace for the repository's engine/, facts/ and reports/.

The repository keeps its top-level layout (rules/ engine/ facts/ reports/); installed, they are
lvyue.engine, lvyue.facts, lvyue.reports and the bundled packs lvyue.rules (pyproject's package-dir),
so a distribution with its own top-level `engine` or `reports` cannot shadow them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lvyue")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0+unknown"
