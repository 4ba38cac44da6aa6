"""Production: everything secret or site-specific comes from the environment; debug is off.

Behind a TLS-terminating proxy (which must set X-Forwarded-Proto and strip any such header
coming from clients), the site trusts that header to know a request was HTTPS. Environment:

- DJANGO_SECRET_KEY (required), DJANGO_ALLOWED_HOSTS (required, comma-separated),
  DJANGO_CSRF_TRUSTED_ORIGINS (comma-separated https://... origins, when behind a proxy on
  another name or port), DATABASE_URL (postgres://...).
- DJANGO_SECURE_SSL_REDIRECT: "1" (default) sends plain HTTP to HTTPS; "0" when the proxy
  already does (Django would otherwise see every request as HTTP if the proxy sets no header).
- DJANGO_HSTS_SECONDS: the Strict-Transport-Security max-age, one year by default; it covers
  subdomains and allows preloading (submitting the domain to the preload list is a separate,
  deliberate step). Start lower (e.g. 3600) on a new domain until HTTPS is known to work.

`python manage.py check --deploy` reports no issue with these settings
(tests/security/test_deployment.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.csp import CONTENT_SECURITY_POLICY  # noqa: F401 (a setting)

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY for production.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma-separated) for production.")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy header (config/csp.py), right after the security middleware.
MIDDLEWARE = [*MIDDLEWARE[:1], "csp.middleware.CSPMiddleware", *MIDDLEWARE[1:]]
