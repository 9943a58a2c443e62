"""Admin pages: users, the handoff settings staff may change, the audit log."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import as_utc, utc_now
from bot.console.auth import current_user, require_role
from bot.console.db import in_transaction, read_knowledge
from bot.console.keys import SETTINGS, StaffUser
from bot.console.middlewares import SESSION_HASH
from bot.console.passwords import WeakPassword
from bot.console.render import render
from bot.console.sessions import end_user_sessions
from bot.console.users import (
    UserError,
    create_user,
    get_user,
    list_users,
    role_set,
    set_display_name,
    set_password,
    set_roles,
    unlock,
)
from bot.handoff.settings import HandoffConfigError, HandoffSettings, stored_overrides
from bot.kb.models import Service
from bot.staff.audit import ACTIONS, audit_entries, record_audit
from bot.staff.models import ROLES, ConsoleSetting

routes = web.RouteTableDef()

ROLE_LABELS = {"agent": "Mitarbeiter/in (Warteschlange, Rückrufe)", "reviewer": "Prüfer/in (Verläufe, Statistik)",
               "admin": "Administration"}
USER_ACTIONS = ("disable", "enable", "unlock", "password", "roles", "display_name")
NOTICES = {
    "created": "Der Benutzer wurde angelegt.",
    "changed": "Die Änderung wurde gespeichert.",
    "saved": "Die Einstellungen wurden gespeichert.",
}


def _admin(request: web.Request) -> StaffUser:
    user = current_user(request)
    assert user is not None
    return user


def _users_view(session: Session) -> list[dict[str, Any]]:
    now = utc_now()
    rows = []
    for user in list_users(session):
        locked_until = user.locked_until and as_utc(user.locked_until)
        rows.append({
            "username": user.username, "display_name": user.display_name, "roles": sorted(role_set(user)),
            "active": user.active, "locked": locked_until is not None and locked_until > now,
            "created_at": user.created_at,
        })
    return rows


async def _users_page(request: web.Request, message: str | None = None, error: str | None = None,
                      status: int = 200) -> web.Response:
    users = await in_transaction(request.app, _users_view)
    return render(request, "admin_users.html", status=status, users=users, roles=ROLES, role_labels=ROLE_LABELS,
                  message=message, error=error)


@routes.get("/admin/users")
@require_role("admin")
async def users_page(request: web.Request) -> web.StreamResponse:
    """All users with their roles and state; the form to add one."""
    return await _users_page(request, message=NOTICES.get(request.query.get("msg", "")))


@routes.post("/admin/users")
@require_role("admin")
async def add_user(request: web.Request) -> web.StreamResponse:
    """Create a user with roles and an initial password (audited ``user_created``)."""
    admin = _admin(request)
    form = await request.post()
    username = str(form.get("username") or "")[:64]
    roles = [str(value) for value in form.getall("roles", [])]

    def work(session: Session) -> None:
        user = create_user(session, username, str(form.get("password") or ""), roles,
                           str(form.get("display_name") or "")[:200])
        record_audit(session, admin.username, "user_created", f"user:{user.username}", f"roles:{user.roles}")

    try:
        await in_transaction(request.app, work)
    except (UserError, WeakPassword) as error:
        return await _users_page(request, error=str(error), status=400)
    raise web.HTTPFound("/admin/users?msg=created")


@routes.post("/admin/users/{username}")
@require_role("admin")
async def change_user(request: web.Request) -> web.StreamResponse:
    """Disable, enable, unlock, reset the password, change roles or display name (audited ``user_changed``)."""
    admin = _admin(request)
    form = await request.post()
    action = str(form.get("action") or "")
    if action not in USER_ACTIONS:
        raise web.HTTPBadRequest()
    username = request.match_info["username"][:64]

    def work(session: Session) -> None:
        user = get_user(session, username)
        own = user.id == admin.id
        detail = action
        if action == "disable":
            if own:
                raise UserError("Sie können Ihr eigenes Konto nicht sperren.")
            user.active = False
            end_user_sessions(session, user.id)
        elif action == "enable":
            user.active = True
        elif action == "unlock":
            unlock(user)
        elif action == "password":
            set_password(user, str(form.get("password") or ""))
            # Every other session of the user ends; an admin changing their own keeps this one.
            end_user_sessions(session, user.id, keep=request[SESSION_HASH] if own else None)
        elif action == "roles":
            roles = [str(value) for value in form.getall("roles", [])]
            if own and "admin" not in roles:
                raise UserError("Sie können sich die Administrationsrolle nicht selbst entziehen.")
            set_roles(user, roles)
            detail = f"roles:{user.roles}"
            if not own:
                end_user_sessions(session, user.id)
        else:
            set_display_name(user, str(form.get("display_name") or "")[:200])
        record_audit(session, admin.username, "user_changed", f"user:{user.username}", detail)

    try:
        await in_transaction(request.app, work)
    except (UserError, WeakPassword) as error:
        return await _users_page(request, error=str(error), status=400)
    raise web.HTTPFound("/admin/users?msg=changed")


# -- settings -------------------------------------------------------------------------

def service_catalogue(knowledge_db_url: str) -> dict[str, str]:
    """Service keys and names of the knowledge base (empty if it cannot be read)."""
    return read_knowledge(knowledge_db_url, lambda session: dict(
        session.execute(select(Service.key, Service.name).order_by(Service.key)).all()), {})


def parse_settings_form(queue_limit: str, services: str, catalogue: dict[str, str]) -> dict[str, Any]:
    """Validated overrides from the form.

    Raises:
        ValueError: with a German message for staff.
    """
    try:
        limit = int(queue_limit.strip())
    except ValueError as error:
        raise ValueError("Die Warteschlangengrenze muss eine ganze Zahl sein.") from error
    if not 0 <= limit <= 1000:
        raise ValueError("Die Warteschlangengrenze muss zwischen 0 und 1000 liegen.")
    keys = []
    for part in services.replace(",", "\n").splitlines():
        key = part.strip()
        if key and key not in keys:
            keys.append(key)
    if keys and not catalogue:
        raise ValueError("Die Wissensdatenbank ist nicht erreichbar; Leistungen können nicht geprüft werden.")
    unknown = [key for key in keys if key not in catalogue]
    if unknown:
        raise ValueError(f"Unbekannte Leistung: {', '.join(unknown)[:300]}.")
    overrides = {"queue_limit": limit, "always_human_services": keys}
    try:
        HandoffSettings(teams=()).with_overrides(overrides)
    except HandoffConfigError as error:
        raise ValueError("Ungültige Einstellung.") from error
    return overrides


async def _settings_page(request: web.Request, message: str | None = None, error: str | None = None,
                         form: dict[str, str] | None = None, status: int = 200) -> web.Response:
    settings = request.app[SETTINGS]
    catalogue = await asyncio.to_thread(service_catalogue, settings.knowledge_db_url)
    try:
        base = await asyncio.to_thread(HandoffSettings.load)
    except HandoffConfigError:
        base = HandoffSettings(teams=())
    stored = await in_transaction(request.app, stored_overrides)
    effective = base
    with contextlib.suppress(HandoffConfigError):
        effective = base.with_overrides(stored)
    values = form or {
        "queue_limit": str(effective.queue_limit),
        "always_human_services": "\n".join(effective.always_human_services),
    }
    return render(request, "admin_settings.html", status=status, values=values, catalogue=catalogue,
                  base=base, stored=stored, message=message, error=error)


@routes.get("/admin/settings")
@require_role("admin")
async def settings_page(request: web.Request) -> web.StreamResponse:
    """Queue limit and the services that always go to a person."""
    return await _settings_page(request, message=NOTICES.get(request.query.get("msg", "")))


@routes.post("/admin/settings")
@require_role("admin")
async def save_settings(request: web.Request) -> web.StreamResponse:
    """Validate (service keys against the knowledge base) and store the overrides (audited)."""
    admin = _admin(request)
    form = await request.post()
    raw = {"queue_limit": str(form.get("queue_limit") or "")[:20],
           "always_human_services": str(form.get("always_human_services") or "")[:5000]}
    catalogue = await asyncio.to_thread(service_catalogue, request.app[SETTINGS].knowledge_db_url)
    try:
        overrides = parse_settings_form(raw["queue_limit"], raw["always_human_services"], catalogue)
    except ValueError as error:
        return await _settings_page(request, error=str(error), form=raw, status=400)

    def work(session: Session) -> None:
        now = utc_now()
        for key, value in overrides.items():
            row = session.get(ConsoleSetting, key)
            if row is None:
                session.add(ConsoleSetting(key=key, value=value, updated_at=now, updated_by=admin.username))
            else:
                row.value, row.updated_at, row.updated_by = value, now, admin.username
        record_audit(session, admin.username, "settings_changed", "settings:handoff",
                     json.dumps(overrides, ensure_ascii=False))

    await in_transaction(request.app, work)
    raise web.HTTPFound("/admin/settings?msg=saved")


# -- audit log ---------------------------------------------------------------------------

@routes.get("/admin/audit")
@require_role("admin")
async def audit_page(request: web.Request) -> web.StreamResponse:
    """The audit log, newest first, filtered by action and actor."""
    action = request.query.get("action", "")
    action = action if action in ACTIONS else ""
    actor = request.query.get("actor", "").strip()[:64]

    def work(session: Session) -> list[dict[str, Any]]:
        return [
            {"at": entry.at, "actor": entry.actor, "action": entry.action, "target": entry.target,
             "detail": entry.detail}
            for entry in audit_entries(session, limit=300, action=action or None, actor=actor or None)
        ]

    entries = await in_transaction(request.app, work)
    return render(request, "admin_audit.html", entries=entries, actions=sorted(ACTIONS), action=action, actor=actor)
