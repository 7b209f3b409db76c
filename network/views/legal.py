"""Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit: public pages, read
without logging in, linked in the footer of every page (the login page too).

The legally binding texts are German; in English the page says so and keeps the German
text (marked lang="de", so a screen reader pronounces it as German).
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from network.legal import legal_facts


def _page(request, template, **extra):
    return render(request, template, {"legal": legal_facts(), **extra})


@require_safe
def impressum(request):
    return _page(request, "network/legal/impressum.html")


@require_safe
def privacy(request):
    return _page(
        request,
        "network/legal/privacy.html",
        session_minutes=settings.SESSION_COOKIE_AGE // 60,
        failure_limit=settings.AXES_FAILURE_LIMIT,
        lockout_minutes=round(settings.AXES_COOLOFF_TIME * 60),
        language_cookie=settings.LANGUAGE_COOKIE_NAME,
        session_cookie=settings.SESSION_COOKIE_NAME,
        csrf_cookie=settings.CSRF_COOKIE_NAME,
    )


@require_safe
def accessibility(request):
    return _page(request, "network/legal/accessibility.html", base_url=settings.PORTAL_BASE_URL)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for where no page names its icon (a PDF, a feed)."""
    return redirect(static("favicon.svg"))
