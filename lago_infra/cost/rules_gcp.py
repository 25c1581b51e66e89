"""Price rules for Google Cloud resource types."""
