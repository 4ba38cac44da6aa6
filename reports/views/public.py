"""Public transparency pages: no sign-in, read only, every figure from a published snapshot.

The language comes from `?lang=en|es` (remembered in Django's language cookie), else the
cookie, else the browser's Accept-Language. The PDF of a version is rendered once per language
and cached: it is a pure function of the sealed snapshot.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reports import selectors
from reports.models import Report
from reports.rendering import render_html, render_report_pdf, render_zip

LANGUAGES = ("en", "es")


def with_language(view):
    """Run the view in the reader's language; `?lang=` also sets the language cookie."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        chosen = request.GET.get("lang")
        language = chosen if chosen in LANGUAGES else None
        if language is None:
            language = translation.get_language_from_request(request)[:2]
            language = language if language in LANGUAGES else "en"
        with translation.override(language):
            response = view(request, *args, **kwargs)
        if chosen in LANGUAGES:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def _report(slug: str, version: int | None) -> Report:
    period = slug.upper()
    report = selectors.published_version(period=period, version=version)
    if report is None:
        raise Http404(_("No published report for %(period)s") % {"period": period})
    return report


def _seal(report: Report) -> dict:
    return {"snapshot_sha256": report.snapshot_sha256, "seal": report.seal}


def _downloads(report: Report, latest: bool) -> dict:
    if latest:
        return {
            kind: reverse(f"transparency-{kind}", args=[report.slug])
            for kind in ("pdf", "json", "zip")
        }
    return {
        kind: reverse(f"transparency-version-{kind}", args=[report.slug, report.version])
        for kind in ("pdf", "json", "zip")
    }


@require_GET
@with_language
def index(request):
    return render(
        request,
        "reports/transparency/index.html",
        {"reports": selectors.current_versions(), "given": selectors.given_since_opening()},
    )


@require_GET
@with_language
def report_page(request, slug: str, version: int | None = None):
    report = _report(slug, version)
    latest = selectors.published_version(period=report.period)
    links = []
    if latest.version != report.version:
        links.append(
            _('This version was replaced by <a href="%(url)s">version %(v)s</a>.')
            % {"url": reverse("transparency-report", args=[report.slug]), "v": latest.version}
        )
    for earlier in range(1, report.version):
        url = reverse("transparency-version", args=[report.slug, earlier])
        links.append(
            _('Earlier: <a href="%(url)s">version %(v)s</a>.') % {"url": url, "v": earlier}
        )
    html = render_html(
        snapshot_text=report.snapshot,
        seal=_seal(report),
        version_links=links,
        downloads=_downloads(report, latest.version == report.version),
    )
    return HttpResponse(html)


@require_GET
def report_json(request, slug: str, version: int | None = None):
    report = _report(slug, version)
    response = HttpResponse(report.snapshot.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{report.slug}-v{report.version}.json"'
    return response


@require_GET
@with_language
def report_pdf(request, slug: str, version: int | None = None):
    report = _report(slug, version)
    language = translation.get_language()
    key = f"reports:pdf:{report.seal}:{language}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_report_pdf(
            snapshot_text=report.snapshot, seal=_seal(report), language=language
        )
        cache.set(key, pdf, timeout=None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.slug}-v{report.version}.pdf"'
    return response


@require_GET
def report_zip(request, slug: str, version: int | None = None):
    report = _report(slug, version)
    response = HttpResponse(
        render_zip(snapshot_text=report.snapshot), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{report.slug}-v{report.version}.zip"'
    return response


@require_GET
def seals(request):
    return JsonResponse({"seals": selectors.seals()}, json_dumps_params={"indent": 1})
