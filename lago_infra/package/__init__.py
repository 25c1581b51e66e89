"""Lago's components for every Pulumi language: a component package (``provider/`` at the
repository's root hosts it) whose typed args are generated from the settings models, and the
configuration and API reference generated from the same models."""
