"""Fakes for pulumi-gcp (filled in with the GCP target)."""
