"""lvyue engine: rule model, calendar and legal periods, evaluation, findings, CLI."""

from lvyue import __version__  # noqa: F401  (one version: the distribution's)
