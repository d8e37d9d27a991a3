from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "flows"

    def ready(self) -> None:
        from engagements.live import CATCH_UP
        from migration_platform.health import EXTRA_CHECKS

        from .builtin_phases import register_placeholders
        from .health import flow_checks
        from .live import catch_up

        register_placeholders()
        if flow_checks not in EXTRA_CHECKS:
            EXTRA_CHECKS.append(flow_checks)
        if catch_up not in CATCH_UP:
            CATCH_UP.append(catch_up)
