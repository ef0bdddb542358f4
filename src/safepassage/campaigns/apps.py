from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "safepassage.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
