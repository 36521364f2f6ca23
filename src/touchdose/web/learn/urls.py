"""Learn pages: public, read-only, no login."""

from __future__ import annotations

from django.urls import path

from touchdose.web.learn import views

app_name = "learn"

urlpatterns = [
    path("", views.model, name="model"),
    path("evidence/", views.evidence, name="evidence"),
]
