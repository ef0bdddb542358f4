from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "safepassage.register"
    label = "register"
    verbose_name = "Captured-person register"

    def ready(self) -> None:
        """Give the analytics dashboard its source of wishes at repatriation: counted on
        demand from the sealed register, never stored as counters (``analytics.wishes``)."""
        from safepassage.analytics.wishes import register_wish_source
        from safepassage.register.domain.wishes import current_wish_counts
        from safepassage.register.states import Wish

        register_wish_source(current_wish_counts, labels=dict(Wish.choices))
