from __future__ import annotations

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "migration_platform.settings")
django_asgi_app = get_asgi_application()
if settings.SERVE_STATIC:
    # One process serves its own static files; a deployment may put a CDN or proxy in front instead.
    django_asgi_app = ASGIStaticFilesHandler(django_asgi_app)  # type: ignore[assignment]

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from migration_platform.routing import websocket_urlpatterns  # noqa: E402
from tenants.asgi import TenantASGIMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            TenantASGIMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
