"""Fakes for pulumi-aws (filled in with the AWS target)."""
