"""Every route of the project, found by walking the URL resolvers, tried by anonymous, a viewer, and users of the
other client; nothing here names a route, so new pages and API routes are covered once they are wired in.

Two clients are filled with two objects of every model (tests/security/routes.py): Acme's ids start at 7,000,000,
Globex's at 9,000,000 (so an id of one does not exist in the other), and every text field carries the client's
marker (ACME-SECRET-…, GLOBEX-SECRET-…). Every int path parameter gets the first id of the side being tried, so
each route finds its object whatever model it names. A test fails when a page on one client's host shows the other's
marker, when a write by someone who may not write changes a row (a digest of every row before and after), when
anonymous gets anything but sign-in or a refusal on a private route, or when anything answers 500.

The Django admin is included: on a client host it is for platform admins (staff) only, so everyone here must be sent
to the admin's sign-in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client as HttpClient

from tests.factories import Team

from .routes import (
    ANONYMOUS_ROUTES,
    PERSONAL_ROUTES,
    PUBLIC_URLCONF,
    TENANT_URLCONF,
    TOKEN_BEARER_ROUTES,
    Route,
    Side,
    all_routes,
    body_text,
    changed_tables,
    fill,
    new_marker,
    replay_data,
    route_path,
    snapshot,
)

SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")
REFUSALS = {401, 403, 404, 405}


class World:
    def __init__(self, team: Team) -> None:
        self.team = team
        self.ours = fill(Side(client=team.client, base=7_000_000, marker=new_marker("acme")))
        self.theirs = fill(Side(client=team.other, base=9_000_000, marker=new_marker("globex")))
        self.problems: list[str] = []
        self.requests = 0

    def client(self, host: str, user: Any = None) -> HttpClient:
        client = HttpClient(HTTP_HOST=host)
        if user is not None:
            client.force_login(user)
        return client

    def call(
        self, client: HttpClient, route: Route, method: str, path: str, data: dict[str, Any], user: Any = None
    ) -> HttpResponseBase | None:
        """One request; a 500 or an exception is recorded as a problem and gives None."""
        if user is not None and "_auth_user_id" not in client.session:  # a sign-out route ended the session
            client.force_login(user)
        self.requests += 1
        try:
            if method == "get" or method == "delete":
                response = getattr(client, method)(path)
            elif route.is_api:
                if method == "patch":  # one free-text field (the name if any): a partial update that validates
                    text = [k for k, v in data.items() if isinstance(v, str) and v.endswith("-changed")]
                    key = "name" if "name" in text else text[0] if text else None
                    data = {key: data[key]} if key else data
                response = getattr(client, method)(path, json.dumps(data), content_type="application/json")
            elif method == "post":
                response = client.post(path, data)
            else:
                response = getattr(client, method)(path, data, content_type="application/x-www-form-urlencoded")
        except Exception as error:  # noqa: BLE001 - the test reports every route that fails, not only the first
            self.problems.append(f"{method.upper()} {path} [{route}] raised {type(error).__name__}: {error}")
            return None
        if response.status_code >= 500:
            self.problems.append(f"{method.upper()} {path} [{route}] answered {response.status_code}")
            return None
        return response

    def check_no_marker(self, response: HttpResponseBase, marker: str, what: str) -> None:
        if marker.lower() in body_text(response).lower():
            self.problems.append(f"{what} shows {marker.split('-')[0]}'s data")

    def report(self) -> None:
        assert self.requests > 0
        print(f"{self.requests} requests")
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems[:80])


@pytest.fixture
def world(team: Team) -> World:
    return World(team)


def routes(urlconf: str) -> list[Route]:
    return all_routes(urlconf)


def paths(world: World, urlconf: str, side: Side) -> Iterator[tuple[Route, str]]:
    values = side.values()
    for route in routes(urlconf):
        path = route_path(route, values)
        assert path is not None, f"no path could be made for {route}: teach routes._candidates its parameters"
        yield route, path


def is_sign_in_redirect(response: HttpResponseBase) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(SIGN_IN_PAGES)


def test_every_route_and_model_is_covered(world: World) -> None:
    tenant = routes(TENANT_URLCONF)
    names = {route.name for route in tenant}
    assert {"engagements:detail", "inventory:asset", "asset-detail", "flow-approve", "api-schema"} <= names
    assert len(tenant) > 100 and len(routes(PUBLIC_URLCONF)) > 10
    for urlconf in (PUBLIC_URLCONF, TENANT_URLCONF):
        for side in (world.ours, world.theirs):
            assert len(list(paths(world, urlconf, side))) == len(routes(urlconf))
    for side in (world.ours, world.theirs):
        assert not side.unbuildable, f"models the test could not fill: {side.unbuildable}"
        assert len(side.objects) >= 15, sorted(model._meta.label for model in side.objects)


def test_anonymous_gets_sign_in_or_a_refusal_on_every_private_route(world: World) -> None:
    for host, urlconf in ((world.ours.host, TENANT_URLCONF), ("localhost", PUBLIC_URLCONF)):
        for route, path in paths(world, urlconf, world.ours):
            for method in route.methods:
                response = world.call(world.client(host), route, method, path, {})
                if response is None:
                    continue
                if route.url_name in TOKEN_BEARER_ROUTES:
                    continue  # whoever holds an invitation's token may read it
                world.check_no_marker(response, world.ours.marker, f"{method.upper()} {path} as anonymous")
                if route.url_name in ANONYMOUS_ROUTES:
                    continue
                if response.status_code not in REFUSALS and not is_sign_in_redirect(response):
                    world.problems.append(
                        f"{method.upper()} {host}{path} [{route}] as anonymous: {response.status_code}"
                    )
    world.report()


def test_a_viewer_changes_nothing_and_sees_nothing_of_the_other_client(world: World) -> None:
    team, ours = world.team, world.ours
    owner = world.client(ours.host, team.owner)
    viewer = world.client(ours.host, team.viewer)
    for route, path in paths(world, TENANT_URLCONF, ours):
        response = world.call(viewer, route, "get", path, {}, team.viewer)
        if response is not None:
            world.check_no_marker(response, world.theirs.marker, f"GET {path} as our viewer")
        example = world.call(owner, route, "get", path, {}, team.owner)
        data = replay_data(route, example) if example is not None else {}
        for method in route.write_methods:
            before = snapshot(ours.client)
            response = world.call(viewer, route, method, path, data, team.viewer)
            if response is not None:
                world.check_no_marker(response, world.theirs.marker, f"{method.upper()} {path} as our viewer")
            changed = changed_tables(before, snapshot(ours.client))
            if changed and route.url_name not in TOKEN_BEARER_ROUTES:
                world.problems.append(f"{method.upper()} {path} [{route}] as a viewer changed {changed}")
    world.report()


def test_a_user_of_another_client_gets_404_on_our_host(world: World) -> None:
    """Globex's admin on Acme's host, with Globex's ids (which do not exist here) and with Acme's."""
    team, ours = world.team, world.ours
    outsider = world.client(ours.host, team.outsider)
    for side in (world.theirs, ours):
        for route, path in paths(world, TENANT_URLCONF, side):
            for method in route.methods:
                before = snapshot(ours.client) if method != "get" else None
                response = world.call(outsider, route, method, path, {"role": "client_admin"}, team.outsider)
                if before is not None:
                    changed = changed_tables(before, snapshot(ours.client))
                    if changed and route.url_name not in TOKEN_BEARER_ROUTES:
                        world.problems.append(f"{method.upper()} {path} [{route}] by an outsider changed {changed}")
                if response is None:
                    continue
                what = f"{method.upper()} {ours.host}{path} as {team.other.name}'s admin"
                if side is ours and route.url_name in TOKEN_BEARER_ROUTES:
                    continue  # whoever holds our invitation's token may read it
                world.check_no_marker(response, world.theirs.marker, what)
                world.check_no_marker(response, ours.marker, what)
                if route.url_name in ANONYMOUS_ROUTES | PERSONAL_ROUTES:
                    continue
                if response.status_code not in {404, 405} and not is_sign_in_redirect(response):
                    world.problems.append(f"{what} [{route}]: {response.status_code}, not 404")
    world.report()


def test_our_members_reach_nothing_of_the_other_client_by_id(world: World) -> None:
    """Acme's admin (every right in Acme) on Acme's host with Globex's ids, after Globex filled its caches."""
    team, ours, theirs = world.team, world.ours, world.theirs
    outsider_at_home = world.client(theirs.host, team.outsider)
    for route, path in paths(world, TENANT_URLCONF, theirs):
        world.call(outsider_at_home, route, "get", path, {}, team.outsider)  # warm every cache on their side
    world.problems.clear()  # what their own host answers is the next test's matter
    owner = world.client(ours.host, team.owner)
    for route, path in paths(world, TENANT_URLCONF, theirs):
        for method in route.methods:
            before = snapshot(theirs.client) if method != "get" else None
            response = world.call(owner, route, method, path, {"name": "moved"}, team.owner)
            if before is not None:
                changed = changed_tables(before, snapshot(theirs.client))
                if changed:
                    world.problems.append(f"{method.upper()} {path} [{route}] on our host changed theirs: {changed}")
            if response is None:
                continue
            world.check_no_marker(response, theirs.marker, f"{method.upper()} {ours.host}{path} with their ids")
            if route.has_ids and route.url_name not in ANONYMOUS_ROUTES and response.status_code < 300:
                world.problems.append(f"{method.upper()} {path} [{route}] with their ids: {response.status_code}")
    world.report()


def test_a_user_of_another_client_on_their_own_host_sees_nothing_of_ours(world: World) -> None:
    team, ours, theirs = world.team, world.ours, world.theirs
    outsider = world.client(theirs.host, team.outsider)
    for route, path in paths(world, TENANT_URLCONF, theirs):
        example = world.call(outsider, route, "get", path, {}, team.outsider)
        if example is not None:
            world.check_no_marker(example, ours.marker, f"GET {theirs.host}{path}")
        for method in route.write_methods:
            before = snapshot(ours.client)
            response = world.call(outsider, route, method, path, {}, team.outsider)
            if response is not None:
                world.check_no_marker(response, ours.marker, f"{method.upper()} {theirs.host}{path}")
            changed = changed_tables(before, snapshot(ours.client))
            if changed:
                world.problems.append(f"{method.upper()} {theirs.host}{path} [{route}] changed ours: {changed}")
    # The public site: the client list shows only their clients, and opening ours is refused.
    public = world.client("localhost", team.outsider)
    for route, path in paths(world, PUBLIC_URLCONF, ours):
        response = world.call(public, route, "get", path, {}, team.outsider)
        if response is None:
            continue
        world.check_no_marker(response, ours.marker, f"GET localhost{path} as {team.other.name}'s admin")
        if route.url_name == "client_open" and response.status_code != 404:
            world.problems.append(f"GET localhost{path}: opening {team.client.name} answered {response.status_code}")
    world.report()
