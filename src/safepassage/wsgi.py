"""WSGI entry point for every tier (the tier is chosen by SAFEPASSAGE_ROLE)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
application = get_wsgi_application()
