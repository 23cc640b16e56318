"""HTML from Jinja2 templates (``kg/server/templates/``, auto-escaping on) and the site's
static files (``kg/server/static/``): the one way the server makes HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

__all__ = ["CSP", "STATIC", "TEMPLATES", "render", "static_route"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
# what an HTML page may load: nothing from elsewhere
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; font-src 'self'; form-action 'self'; "
    "base-uri 'none'"
)
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
TEMPLATES.env.globals["csp"] = CSP
# a coordinate of a drawing, to one decimal
TEMPLATES.env.filters["px"] = lambda value: f"{value:.1f}"
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True


def render(template: str, /, **context: Any) -> str:
    """The template ``template`` rendered with ``context`` (every value escaped unless it is
    :class:`markupsafe.Markup`)."""
    return TEMPLATES.get_template(template).render(**context)


def static_route() -> Mount:
    """``/static/...``: the style sheet and the other files the pages load."""
    return Mount("/static", StaticFiles(directory=STATIC), name="static")
