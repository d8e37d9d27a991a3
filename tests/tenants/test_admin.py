from __future__ import annotations

from django_tenants.utils import schema_exists

from accounts.models import User
from tenants.models import Client, Membership
from tests.conftest import http


def test_a_platform_admin_creates_a_client_in_the_django_admin(db: None) -> None:
    admin = User.objects.create_superuser(email="root@platform.test", password="x-long-password-1")
    response = http("localhost", admin).post(
        "/admin/tenants/client/add/", {"name": "Hooli", "slug": "hooli", "admin_email": "gavin@hooli.test"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client = Client.objects.get(schema_name="hooli")
    assert schema_exists("hooli")
    assert Membership.objects.get(client=client).user.email == "gavin@hooli.test"


def test_the_admin_refuses_a_taken_slug_on_its_field(db: None) -> None:
    admin = User.objects.create_superuser(email="root@platform.test", password="x-long-password-1")
    response = http("localhost", admin).post(
        "/admin/tenants/client/add/", {"name": "Acme 2", "slug": "acme", "admin_email": "x@acme.test"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_staff_who_are_not_superusers_cannot_open_the_admin_of_a_client(db: None) -> None:
    staff = User.objects.create_user(email="staff@platform.test", password="x-long-password-1", is_staff=True)
    assert http("acme.localhost", staff).get("/admin/tenants/client/").status_code in {302, 403}
