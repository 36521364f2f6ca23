"""Your data: import a client file (every problem shown, nothing saved unless all is well), download
it (CSV, JSON, FHIR), download the clinician report (HTML, PDF), and personal API tokens."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from touchdose.io import FileRejected, RowProblem, export_text, load_text
from touchdose.io.problems import problems_from
from touchdose.records import RecordError
from touchdose.reports.clinician_html import render_html
from touchdose.reports.clinician_pdf import render_pdf
from touchdose.web import access, convert, selectors, services
from touchdose.web.api.schemas import MAX_ID
from touchdose.web.models import Client

#: Largest file the import takes: 1.5 MB holds decades of daily check-ins (about 100 bytes a day), and
#: the file, base64-encoded for the preview's save button (x 4/3), stays under Django's 2.5 MB form limit.
IMPORT_MAX_BYTES = 1_500_000
IMPORT_KINDS = ("csv", "json")


class ImportForm(forms.Form):
    file = forms.FileField(label="Client file (CSV, JSON or FHIR Bundle, as touchdose writes them)")
    timezone = forms.CharField(
        label="Time zone for times written without a UTC offset", max_length=64,
        help_text="An IANA name such as Europe/Stockholm. Times with an offset keep it.",
    )  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    """An uploaded file, read: either the client file or every problem found in it."""

    kind: str
    text: str
    client_file: Any = None
    naive_times: int = 0
    problems: tuple[RowProblem, ...] = ()


def _kind_of(name: str, text: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in IMPORT_KINDS:
        return suffix
    return "json" if text.lstrip("\ufeff \t\r\n").startswith("{") else "csv"


def _problem(field: str, value: Any, allowed: str) -> tuple[RowProblem, ...]:
    return (RowProblem("file", "file", field, value, allowed),)


def parse_upload(client: Client, kind: str, text: str, zone_name: str) -> Parsed:
    """Read the text as the client's file (CSV, JSON or a FHIR Bundle) with the one reader the
    command line uses; all problems are collected, nothing is saved here."""
    try:
        loaded = load_text(
            text, kind=kind, source="upload", timezone=zone_name, profile=convert.profile_of_row(client)
        )
    except FileRejected as rejected:
        return Parsed(kind, text, problems=tuple(rejected.problems))
    return Parsed(kind, text, client_file=loaded.client_file, naive_times=loaded.naive_times)


def _read_upload(upload: Any) -> tuple[str | None, tuple[RowProblem, ...]]:
    if upload.size > IMPORT_MAX_BYTES:
        return None, _problem("size", f"{upload.size} bytes", f"at most {IMPORT_MAX_BYTES} bytes")
    try:
        return upload.read().decode("utf-8"), ()
    except UnicodeDecodeError:
        return None, _problem("encoding", upload.name, "UTF-8 text")


def encode_carried(text: str) -> str:
    """The file as the preview page carries it to the save step: base64, so that no browser
    rewrites its line endings on the way (form submission turns every newline into CRLF)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_carried(data: str) -> str | None:
    try:
        return base64.b64decode(data.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return None


def _preview(client: Client, parsed: Parsed) -> dict[str, Any]:
    cf = parsed.client_file
    starts = set(client.sessions.values_list("start", flat=True))
    times = set(client.checkins.values_list("time", flat=True))
    first = min([s.start for s in cf.sessions] + [c.time for c in cf.checkins], default=None)
    last = max([s.start for s in cf.sessions] + [c.time for c in cf.checkins], default=None)
    return {
        "sessions": len(cf.sessions),
        "checkins": len(cf.checkins),
        "sessions_new": sum(s.start not in starts for s in cf.sessions),
        "checkins_new": sum(c.time not in times for c in cf.checkins),
        "first": first,
        "last": last,
        "naive_times": parsed.naive_times,
    }


def _import_page(
    request: HttpRequest, client: Client, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, "data/import.html", {"client": client, **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, client_id: int) -> HttpResponse:
    """Step 1: upload; the page then shows every problem, or a preview with a button to save all."""
    client = access.require_client_rw(request.user, client_id)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"timezone": client.timezone})
    if request.method == "GET" or not form.is_valid():
        return _import_page(request, client, {"form": form}, 200 if request.method == "GET" else 400)
    upload = form.cleaned_data["file"]
    text, problems = _read_upload(upload)
    if text is None:
        return _import_page(request, client, {"form": form, "problems": problems}, 400)
    parsed = parse_upload(client, _kind_of(upload.name, text), text, form.cleaned_data["timezone"])
    if parsed.problems:
        return _import_page(request, client, {"form": form, "problems": parsed.problems}, 400)
    context = {
        "form": form,
        "parsed": parsed,
        "preview": _preview(client, parsed),
        "data": encode_carried(text),
    }
    context["zone"] = form.cleaned_data["timezone"]
    return _import_page(request, client, context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, client_id: int) -> HttpResponse:
    """Step 2: the text comes back from the preview page and is read again (never trusted); the
    whole file is saved in one transaction, or nothing is."""
    client = access.require_client_rw(request.user, client_id)
    kind, text = request.POST.get("kind", ""), decode_carried(request.POST.get("data", ""))
    if kind not in IMPORT_KINDS or text is None or len(text.encode()) > IMPORT_MAX_BYTES:
        problems = _problem("upload", kind, "a file from the upload step")
        form = ImportForm(initial={"timezone": client.timezone})
        return _import_page(request, client, {"form": form, "problems": problems}, 400)
    parsed = parse_upload(client, kind, text, request.POST.get("timezone", client.timezone))
    problems = parsed.problems
    if not problems:
        try:
            result = services.client_file_import(actor=request.user, client=client, cf=parsed.client_file)
        except RecordError as error:  # a rule the file reader does not know: still all-or-nothing
            problems = tuple(problems_from(error, "file"))  # as `touchdose import` lists them
        else:
            messages.success(
                request,
                f"Imported {result.sessions_added} sessions and {result.checkins_added} check-ins"
                + (f" ({result.sessions_skipped + result.checkins_skipped} already stored, skipped)."
                   if result.sessions_skipped + result.checkins_skipped else "."),
            )  # fmt: skip
            return redirect("dashboard", client_id=client.pk)
    form = ImportForm(initial={"timezone": client.timezone})
    return _import_page(request, client, {"form": form, "problems": problems}, 400)


@login_required
@require_GET
def your_data(request: HttpRequest, client_id: int) -> HttpResponse:
    """One page with the import, the downloads, the report and the API tokens."""
    client = access.require_client_rw(request.user, client_id)
    return render(request, "data/your_data.html", {"client": client})


# --- downloads -----------------------------------------------------------------------------------

DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "fhir": ("application/fhir+json", "fhir.json"),
}


def _attachment(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def download(request: HttpRequest, client_id: int, fmt: str) -> HttpResponse:
    """ "Download my data": the client's own records as a touchdose CSV or JSON file, or FHIR R4B."""
    if fmt not in DOWNLOADS:
        raise Http404
    client = access.require_client_rw(request.user, client_id)
    body = export_text(selectors.client_file_download(actor=request.user, client=client), fmt)
    content_type, suffix = DOWNLOADS[fmt]
    return _attachment(body, content_type, f"touchdose-{client.pk}.{suffix}")


#: The Content-Security-Policy of the HTML report: a document with inline CSS and SVG and nothing else.
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                 "form-action 'none'; frame-ancestors 'none'")  # fmt: skip


@login_required
@require_GET
def report(request: HttpRequest, client_id: int, fmt: str) -> HttpResponse:
    """The clinician report, for the client and for a therapist they share with."""
    if fmt not in ("html", "pdf"):
        raise Http404
    client, _ = access.get_client_for_user(request.user, client_id)
    built = selectors.clinician_report(actor=request.user, client=client)
    if fmt == "pdf":
        return _attachment(render_pdf(built), "application/pdf", f"touchdose-report-{client.pk}.pdf")
    # The web page opens in the browser (issue 10: it used to download). It is the same
    # self-contained document as the download, with its own inline style and inline SVG, so it
    # gets its own policy: no script at all, no request anywhere, styles only from the page.
    response = HttpResponse(render_html(built), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = REPORT_POLICY
    return response


# --- personal API tokens -------------------------------------------------------------------------

#: The lifetimes the token page offers, in days (the API takes any from 1 to API_TOKEN_DAYS_MAX).
TOKEN_LIFETIMES = (7, 30, services.API_TOKEN_DAYS, 180, services.API_TOKEN_DAYS_MAX)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List, make and revoke personal API tokens. A new token is shown once, on this response only."""
    created = None
    error = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token_id = request.POST["revoke"]
            if not token_id.isdigit() or not 1 <= int(token_id) <= MAX_ID:
                raise Http404
            if not services.api_token_revoke(actor=request.user, token_id=int(token_id)):
                raise Http404  # not one of your active tokens: nothing revoked, nothing claimed
            messages.success(request, "Token revoked. It no longer works.")
            return redirect("api_tokens")
        days = request.POST.get("days") or str(services.API_TOKEN_DAYS)
        try:
            _, created = services.api_token_create(
                actor=request.user, name=request.POST.get("name", ""),
                days=int(days) if days.isdigit() and len(days) < 6 else -1,  # -1: refused, with the rule
            )  # fmt: skip
        except ValueError as exc:
            error = str(exc)
    context = {
        "tokens": selectors.api_tokens_of(user=request.user), "created": created, "error": error,
        "lifetimes": TOKEN_LIFETIMES, "default_days": services.API_TOKEN_DAYS, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "data/tokens.html", context, status=400 if error else 200)
