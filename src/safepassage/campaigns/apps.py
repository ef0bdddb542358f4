from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "safepassage.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        """Follow merges: a kept case inherits the duplicate's campaign, and gives it back
        when the merge is undone."""
        from safepassage.campaigns.domain.merging import on_cases_merging, on_merge_undoing
        from safepassage.cases.events import CasesMerging, MergeUndoing
        from safepassage.events import subscribe

        subscribe(CasesMerging, on_cases_merging)
        subscribe(MergeUndoing, on_merge_undoing)
