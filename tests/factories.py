"""People for tests: an owner and a teammate of every lower role in one client, an outsider in another."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from tenants.models import Client, Membership
from tenants.roles import Role

PASSWORD = "correct-horse-battery-9"


@dataclass
class Team:
    client: Client
    other: Client
    owner: User
    manager: User
    analyst: User
    viewer: User
    outsider: User

    @property
    def host(self) -> str:
        return f"{self.client.schema_name}.localhost"

    @property
    def other_host(self) -> str:
        return f"{self.other.schema_name}.localhost"

    def by_role(self, role: str) -> User:
        return {
            Role.CLIENT_ADMIN: self.owner,
            Role.ENGAGEMENT_MANAGER: self.manager,
            Role.ANALYST: self.analyst,
            Role.VIEWER: self.viewer,
        }[Role(role)]


def make_user(email: str, full_name: str = "") -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name)


def make_team(slug: str, other_slug: str, email_tag: str = "") -> Team:
    client = Client.objects.get(schema_name=slug)
    other = Client.objects.get(schema_name=other_slug)
    tag = f"-{email_tag}" if email_tag else ""
    people = {}
    for role in Role:
        user = make_user(f"{role.value.replace('_', '-')}{tag}@{slug}.test", f"{client.name} {role.label}")
        Membership.objects.create(user=user, client=client, role=role)
        people[role] = user
    outsider = make_user(f"outsider{tag}@{other_slug}.test", f"{other.name} outsider")
    Membership.objects.create(user=outsider, client=other, role=Role.CLIENT_ADMIN)
    return Team(
        client=client,
        other=other,
        owner=people[Role.CLIENT_ADMIN],
        manager=people[Role.ENGAGEMENT_MANAGER],
        analyst=people[Role.ANALYST],
        viewer=people[Role.VIEWER],
        outsider=outsider,
    )
