"""Moved to :mod:`lago_infra.app_secrets` (Lago's application secrets, generated once), apart from
the cloud's secret stores and the secret config values. This path works for one release."""

from ._moved import moved

moved(__name__, "lago_infra.app_secrets")
