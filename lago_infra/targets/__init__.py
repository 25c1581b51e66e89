"""The targets: each runs Lago's roles on one kind of infrastructure.

Each target is a folder (``aws/``, ``gcp/``, ``local/``). Within it, ``limits`` holds the cloud's
facts, ``settings`` the target's ``lago:<target>`` keys (written in ``config``'s vocabulary, read
into ``config.model``), and everything else deploys.
"""
