"""SMART API: routes and schedules are wired here; everything they do lives in chalicelib."""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.api import routes_core
from chalicelib.api.http import install_fallbacks

app = Chalice(app_name="smart")
app.register_blueprint(routes_core.bp)
install_fallbacks(app)
