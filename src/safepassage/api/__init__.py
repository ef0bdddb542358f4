"""The partner API (issue 18): ``/api/v1/`` on the console tier, built with django-ninja."""
