"""Settings split by environment: base, local, test and production.

``manage.py`` defaults to ``local``; the WSGI entry point and the start script use ``production``.
"""
