"""The local Docker target. The component is in ``component``; settings in ``settings``."""
