"""Every route of the project, with concrete paths, and two clients filled with marked objects of every model.

Nothing here lists routes or models by hand: routes come from the URL resolvers of the public site and of a
client host, models from the app registry, so a new app (its pages, its API routes, its models) is covered
as soon as it is wired in.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from uuid import uuid4

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django_tenants.utils import get_tenant_domain_model, get_tenant_model, schema_context

from accounts.models import User
from tenants.models import Client

PUBLIC_URLCONF = settings.PUBLIC_SCHEMA_URLCONF
TENANT_URLCONF = settings.ROOT_URLCONF

# Routes anyone may open without signing in (a new route is private unless named here).
ANONYMOUS_ROUTES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "handover",  # its signed token is the credential
    "invitation_accept",  # its unguessable token is the credential
    "health",
    "api-docs",  # the Swagger UI shell; the schema it loads needs a member
}
# A signed-in person's own pages, the same on every host (tokens and password belong to the person, not a client).
PERSONAL_ROUTES = {"api_tokens", "api_token_revoke", "password_change", "password_change_done"}
# Actions whose credential is a token in the URL, not a role: whoever holds it may act.
TOKEN_BEARER_ROUTES = {"invitation_accept", "handover"}
# Public-schema tables a person changes for themselves whatever their role (sign-in, their own API tokens).
PERSONAL_TABLES = {"django_session", "accounts_apitoken", "accounts_handovertoken", "django_admin_log"}

METHODS = ("get", "post", "put", "patch", "delete")
WRITE_METHODS = METHODS[1:]


@dataclass(frozen=True)
class Route:
    urlconf: str
    pattern: str  # as written, e.g. "engagements/<int:engagement_pk>/inventory/assets/<int:pk>/"
    name: str  # "inventory:asset"
    url_name: str  # "asset"
    callback: Callable[..., Any]
    params: tuple[tuple[str, str], ...]  # (name, converter name or regex)
    levels: tuple[Any, ...] = field(compare=False, hash=False, repr=False, default=())

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def methods(self) -> tuple[str, ...]:
        """API routes take every method; pages and the admin take GET and POST (a function view treats any other
        method like GET, and class-based ones answer 405)."""
        return METHODS if self.is_api else ("get", "post")

    @property
    def write_methods(self) -> tuple[str, ...]:
        return tuple(method for method in self.methods if method != "get")

    @property
    def has_ids(self) -> bool:
        return any(name != "format" for name, _ in self.params)

    def __str__(self) -> str:
        return f"{self.name or '(unnamed)'} {self.pattern}"


def _converter_name(converter: object) -> str:
    for name, registered in _converters().items():
        if type(converter) is type(registered):
            return name
    return type(converter).__name__


def _converters() -> dict[str, object]:
    from django.urls.converters import get_converters

    return dict(get_converters())


def _named_groups(regex: str) -> Iterator[tuple[str, str, int, int]]:
    """(name, inner regex, start, end) of each (?P<name>...) group, nested parentheses included."""
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, i = 1, match.end()
        while depth and i < len(regex):
            if regex[i] == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[i], 0)
            i += 1
        yield match.group(1), regex[match.end() : i - 1], match.start(), i


def _walk(
    patterns: list[URLPattern | URLResolver], urlconf: str, levels: tuple[Any, ...], namespace: str
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, urlconf, (*levels, entry.pattern), inner)
            continue
        chain = (*levels, entry.pattern)
        params: list[tuple[str, str]] = []
        for level in chain:
            if isinstance(level, RoutePattern):
                params += [(name, _converter_name(conv)) for name, conv in level.converters.items()]
            elif isinstance(level, RegexPattern):
                params += [(name, inner) for name, inner, _, _ in _named_groups(str(level))]
        yield Route(
            urlconf=urlconf,
            pattern="".join(str(level) for level in chain),
            name=f"{namespace}{entry.name}" if entry.name else "",
            url_name=entry.name or "",
            callback=entry.callback,
            params=tuple(params),
            levels=chain,
        )


def all_routes(urlconf: str) -> list[Route]:
    """Every route of a URL conf; a pattern written again later (each DRF router adds an api-root) is unreachable,
    so only its first occurrence counts."""
    seen: set[str] = set()
    found = []
    for route in _walk(get_resolver(urlconf).url_patterns, urlconf, (), ""):
        if route.pattern not in seen:
            seen.add(route.pattern)
            found.append(route)
    return found


# --- concrete paths ---------------------------------------------------------------------------------------------


def _candidates(name: str, kind: str, values: dict[str, str]) -> list[str]:
    """Values to try for one path parameter, most meaningful first."""
    if name in values:
        return [values[name]]
    if kind == "drf_format_suffix" or name == "format":
        return [".json", "json"]
    alternatives = re.fullmatch(r"[\w|]+", kind)
    if alternatives and "|" in kind:  # e.g. the admin's app_label: (?P<app_label>accounts|tenants)
        return [kind.split("|")[0]]
    return [values["id"], f"{values['id']}/", "x"]


def _fill(level: Any, chosen: dict[str, str]) -> str:
    text = str(level)
    if isinstance(level, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: chosen[m.group(1)], text)
    out, last = [], 0
    for name, _, start, end in _named_groups(text):
        out += [text[last:start], chosen[name]]
        last = end
    out.append(text[last:])
    text = "".join(out)
    text = text.removeprefix("^").removesuffix("$").replace("/?", "/").replace("\\.", ".").replace("\\Z", "")
    return text


def route_path(route: Route, values: dict[str, str]) -> str | None:
    """A path that resolves to this route's view with the given ids, or None if none could be made."""
    levels = route.levels
    choices = [_candidates(name, kind, values) for name, kind in route.params]
    for combination in itertools.product(*choices):
        chosen = dict(zip([name for name, _ in route.params], combination, strict=True))
        path = "/" + "".join(_fill(level, chosen) for level in levels)
        try:
            match = resolve(path, urlconf=route.urlconf)
        except Exception:  # noqa: BLE001 - a candidate that does not resolve: try the next
            continue
        if match.func == route.callback and (match.url_name or "") == route.url_name:
            return path
    return None


# --- two clients full of marked objects -------------------------------------------------------------------------


def tenant_models() -> list[type[models.Model]]:
    shared = set(settings.SHARED_APPS)
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_config.name in settings.TENANT_APPS
        and model._meta.app_config.name not in shared
        and model._meta.managed
        and not model._meta.proxy
    ]
    return _in_dependency_order(chosen)


def client_owned_public_models() -> list[type[models.Model]]:
    """Public-schema models of our apps that belong to a client or a person (memberships, invitations, tokens)."""
    ours = {"accounts", "tenants"}
    skip = {get_tenant_model(), get_tenant_domain_model(), User}
    chosen = []
    for model in apps.get_models():
        if model._meta.app_config.name not in ours or model in skip:
            continue
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        if targets & {Client, User}:
            chosen.append(model)
    return _in_dependency_order(chosen)


def _in_dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    ordered: list[type[models.Model]] = []
    pending = list(chosen)
    while pending:
        for model in pending:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and not f.null and f.related_model in chosen and f.related_model is not model
            }
            if needs <= set(ordered):
                ordered.append(model)
                pending.remove(model)
                break
        else:
            raise AssertionError(f"models with circular required references: {pending}")
    return ordered


@dataclass
class Side:
    """One client filled with two objects of every model, their ids from `base`, their text carrying `marker`."""

    client: Client
    base: int
    marker: str
    objects: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    unbuildable: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.client.schema_name}.localhost"

    def values(self) -> dict[str, str]:
        """Path parameter values: every id is `base`, tokens and slugs are this side's."""
        values = {"id": str(self.base), "slug": self.client.schema_name, "uidb64": "MQ", "name": "name"}
        for instances in self.objects.values():
            for fld in instances[0]._meta.concrete_fields:
                if isinstance(fld, models.CharField) and fld.name in {"token"}:
                    values[fld.name] = str(getattr(instances[0], fld.name))
        return values


def _text(marker: str, fld: models.Field[Any, Any], i: int) -> str:
    text = f"{marker}-{fld.name}-{i}"
    if isinstance(fld, models.EmailField):
        text = f"{marker.lower()}-{fld.name}-{i}@example.test"
    if isinstance(fld, models.URLField):
        text = f"https://example.test/{marker}-{i}"
    limit = fld.max_length or len(text)
    return text[:limit] if len(text) > limit else text


def _value(fld: models.Field[Any, Any], i: int, side: Side, fk_index: dict[Any, int]) -> Any:
    """A valid value for one field of the i-th object, or `_SKIP` to leave the field's default."""
    if fld.is_relation:
        target = fld.related_model
        if target is Client:
            return side.client
        if target is User:
            return _person(side, f"{fld.model._meta.model_name}-{fld.name}-{i}")
        built = side.objects.get(target)  # type: ignore[arg-type]
        if not built:
            return _SKIP if fld.null else _MISSING
        k = fk_index[target]
        fk_index[target] += 1
        return built[(i + k) % len(built)]  # two references to one model point at two different objects
    if fld.choices:
        values = [value for value, _ in fld.flatchoices]
        return values[i % len(values)] if fld.unique else values[0]
    internal = fld.get_internal_type()
    if internal in {"CharField", "TextField", "EmailField", "URLField", "SlugField"} or isinstance(
        fld, models.CharField | models.TextField
    ):
        return _text(side.marker, fld, i)
    if fld.has_default() or fld.null:
        return _SKIP
    return {
        "BooleanField": False,
        "DateTimeField": timezone.now() + timedelta(days=1),
        "DateField": timezone.now().date(),
        "DurationField": timedelta(seconds=1),
        "DecimalField": Decimal(1),
        "FloatField": 1.0,
        "UUIDField": uuid4(),
        "JSONField": {"note": f"{side.marker}-{fld.name}-{i}"},
        "GenericIPAddressField": f"10.0.0.{i + 1}",
        "BinaryField": side.marker.encode(),
    }.get(internal, i + 1 if "Integer" in internal else _MISSING)


_SKIP = object()
_MISSING = object()


def _person(side: Side, tag: str) -> User:
    return User.objects.create_user(
        email=f"{side.marker.lower()}-{tag}@example.test", password=None, full_name=f"{side.marker} {tag}"
    )


def _build(model: type[models.Model], side: Side, i: int) -> models.Model:
    instance = model(pk=side.base + i)
    fk_index: dict[Any, int] = {}
    for fld in model._meta.concrete_fields:
        if fld.primary_key or getattr(fld, "generated", False) or fld.auto_created:
            continue
        if getattr(fld, "auto_now", False) or getattr(fld, "auto_now_add", False):
            continue
        if fld.is_relation:
            fk_index.setdefault(fld.related_model, 0)
        value = _value(fld, i, side, fk_index)
        if value is _MISSING:
            raise ValueError(f"no value for {model._meta.label}.{fld.name} ({fld.get_internal_type()})")
        if value is not _SKIP:
            setattr(instance, fld.attname if not fld.is_relation else fld.name, value)
    instance.save(force_insert=True)
    return instance


def fill(side: Side) -> Side:
    """Two objects of every client model (in the client's schema) and of every client-owned public model."""
    from django.db import transaction

    for schema, chosen in (
        (side.client.schema_name, tenant_models()),
        ("public", client_owned_public_models()),
    ):
        with schema_context(schema):
            for model in chosen:
                try:
                    with transaction.atomic():
                        side.objects[model] = [_build(model, side, i) for i in range(2)]
                except Exception as error:  # noqa: BLE001 - reported by the test as a model it could not cover
                    side.unbuildable[model._meta.label] = f"{type(error).__name__}: {error}"
            _move_sequences_past(chosen, side.base + 1000)
    return side


def _move_sequences_past(chosen: list[type[models.Model]], value: int) -> None:
    """Ids were given explicitly: later inserts (a view creating a row) must not collide with them."""
    with connection.cursor() as cursor:
        for model in chosen:
            table, pk = model._meta.db_table, model._meta.pk.column  # type: ignore[union-attr]
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, "
                "(SELECT last_value FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = "
                "split_part(pg_get_serial_sequence(%s, %s), '.', 2))))",
                [table, pk, value, table, pk],
            )


def new_marker(name: str) -> str:
    return f"{name.upper()}-SECRET-{secrets.token_hex(3).upper()}"


# --- what a response shows, and whether data changed ------------------------------------------------------------


def body_text(response: HttpResponseBase) -> str:
    """The response's text; downloads that are zip containers (xlsx) are opened and their members read."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content  # type: ignore[attr-defined]
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"".join(archive.read(member) for member in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", errors="replace")


def snapshot(client: Client) -> dict[str, str]:
    """A digest of every row of the client's tables, and of its rows in the public schema (memberships...)."""
    queries = [
        (f"{client.schema_name}.{m._meta.db_table}", f'"{client.schema_name}"."{m._meta.db_table}"', "TRUE")
        for m in tenant_models()
    ]
    domain = get_tenant_domain_model()
    for model in [Client, domain, *client_owned_public_models()]:
        if model._meta.db_table in PERSONAL_TABLES:
            continue
        column = next(
            (f.column for f in model._meta.concrete_fields if f.is_relation and f.related_model is Client), ""
        )
        if model is Client:
            column = model._meta.pk.column  # type: ignore[union-attr]
        if column:
            queries.append(
                (f"public.{model._meta.db_table}", f'public."{model._meta.db_table}"', f'"{column}" = {client.pk}')
            )
    row = "(to_jsonb(r) - 'last_login')::text"
    parts = [
        f"SELECT '{label}', md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) FROM {table} r WHERE {where}"
        for label, table, where in queries
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


class _FormReader(HTMLParser):
    """The fields of the first POST form of a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = {}
            self.forms.append(self._current)
        if self._current is None or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file", "image", "reset"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self._current.setdefault(a["name"], a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self._current:
                self._current[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._current[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and self._textarea:
            self._current[self._textarea] += data


def replay_data(route: Route, owner_response: HttpResponseBase) -> dict[str, Any]:
    """What a user allowed to act would send: the JSON the API answered, or the page's form as filled in."""
    text = body_text(owner_response) if owner_response.status_code == 200 else ""
    if route.is_api:
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"][0] if data["results"] else {}
        if not isinstance(data, dict):
            return {}
        # Change the free text the test wrote (it carries a marker), so an accepted write shows in the digest.
        return {
            key: f"{value}-changed" if isinstance(value, str) and "-SECRET-" in value else value
            for key, value in data.items()
        }
    reader = _FormReader()
    reader.feed(text)
    form = reader.forms[0] if reader.forms else {}
    return {key: value or "1" for key, value in form.items() if key != "csrfmiddlewaretoken"}
