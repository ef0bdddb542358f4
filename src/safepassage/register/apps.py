from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "safepassage.register"
    label = "register"
    verbose_name = "Captured-person register"

    def ready(self) -> None:
        """Open a captured person's record when his case reaches ``surrendered``."""
        from safepassage.cases.events import CaseMoved
        from safepassage.events import subscribe
        from safepassage.register.domain.records import on_case_moved

        subscribe(CaseMoved, on_case_moved)
