"""The back office has no tables of its own. This module is here because Django sends
``post_migrate`` (which sets up the staff roles, see ``apps.py``) only to apps with models."""
