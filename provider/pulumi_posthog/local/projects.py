"""Projects and their default team (environment): creation and id allocation."""

from __future__ import annotations

import secrets

from django.db.models import Max

from pulumi_posthog.local.models import Organization, Project, Team


def next_id() -> int:
    """Projects and teams share one id space, so a project's default team can carry the project's id."""
    top_project = Project.objects.aggregate(m=Max("id"))["m"] or 0
    top_team = Team.objects.aggregate(m=Max("id"))["m"] or 0
    return max(top_project, top_team) + 1


def create_project_with_team(org: Organization, name: str = "Default project") -> Team:
    project = Project.objects.create(id=next_id(), organization=org, name=name)
    return Team.objects.create(
        id=project.id,
        organization=org,
        project=project,
        name=name,
        api_token="phc_" + secrets.token_urlsafe(24),
    )


def create_environment(project: Project, name: str) -> Team:
    return Team.objects.create(
        id=next_id(),
        organization=project.organization,
        project=project,
        name=name,
        api_token="phc_" + secrets.token_urlsafe(24),
    )
