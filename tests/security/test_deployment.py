"""Production settings (config/settings/production.py): `check --deploy` is clean, the
security headers are sent, plain HTTP is redirected, and the settings refuse to start without
a secret key or allowed hosts.

Each check runs in a subprocess, because the test process runs the test settings.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

HOST = "till.example.org"
HEADERS = """
import json, django
django.setup()
from django.test import Client
client = Client()
secure = client.get("/healthz", secure=True, headers={"host": "%(host)s"})
plain = client.get("/healthz", headers={"host": "%(host)s"})
from django.conf import settings as s
print(json.dumps({"headers": dict(secure.headers),
                  "plain": [plain.status_code, plain.get("Location")],
                  "cookies": [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG]}))
""" % {"host": HOST}  # noqa: UP031


def production(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "TILLSHARE_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_check_deploy_reports_no_issues(tmp_path):
    result = production(tmp_path, "manage.py", "check", "--deploy")
    print(result.stdout, result.stderr)
    assert result.returncode == 0
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr


def test_production_sends_the_security_headers_and_redirects_plain_http(tmp_path):
    result = production(tmp_path, "-c", HEADERS)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Directives by name: django-csp writes them in an order that varies between processes.
    directives = {}
    for directive in headers["Content-Security-Policy"].split(";"):
        if directive.strip():
            name, *sources = directive.split()
            directives[name] = sources
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no inline scripts, no eval
    assert directives["frame-ancestors"] == ["'none'"]
    assert answer["plain"] == [301, f"https://{HOST}/healthz"]
    assert answer["cookies"] == [True, True, False]  # secure session and CSRF cookies, no debug


def test_behind_a_proxy_that_redirects_itself_the_redirect_can_be_turned_off(tmp_path):
    result = production(tmp_path, "-c", HEADERS, DJANGO_SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["plain"] == [200, None]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    result = production(tmp_path, "manage.py", "check", **{missing: ""})
    assert result.returncode != 0
    assert f"Set {missing}" in result.stderr
