"""lvyue engine: rule model, calendar and legal periods, evaluation, findings, CLI."""

__version__ = "0.1.0"
