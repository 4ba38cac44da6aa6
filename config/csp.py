"""The Content-Security-Policy production sends (django-csp 4, config.settings.production).

Scripts come only from this site ('self'): tillshare.js and htmx, served by whitenoise; no
page has an inline script or an inline event handler, and nothing is evaluated from a string
(htmx's trigger filters would be: the games board pauses its refresh in tillshare.js instead).
Styles are 'self' plus 'unsafe-inline': the transparency report inlines its one stylesheet
(the same text goes into the PDF), its pygal charts are inline SVG with their own <style>, and
a few layouts use style attributes; an injected style cannot run code, so the strict line is
drawn at scripts. Images are 'self' and data: URIs (inline SVG needs no source). Nothing may
frame the site, forms post only to it, plugins are off.

The API docs page (/api/docs/) is no exception: Swagger UI comes from this site's static files
(drf-spectacular-sidecar), its start script too.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
