"""The recruiter's dashboard: one page at `/` (its scripts and styles under
/static/dashboard/), plain ES modules with no build step; it signs in and reads the API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import SettingsDep
from api.routes.candidate import web_dir

pages = APIRouter(tags=["dashboard"], include_in_schema=False)


@pages.get("/", response_class=FileResponse)
async def dashboard(settings: SettingsDep) -> FileResponse:
    """The page itself holds no data: everything comes from the API with the recruiter's token."""
    return FileResponse(web_dir(settings) / "dashboard" / "index.html", headers={"Cache-Control": "no-cache"})
