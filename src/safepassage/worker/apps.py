from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "safepassage.worker"
    label = "worker"
    verbose_name = "Worker"
