"""The building blocks the migrations write their operations with (Django's loader skips ``_`` modules)."""

import django.db.models.deletion
import pulumi_posthog.local.models
from django.db import migrations, models


def optional(field_class, **kwargs):
    """A column that may be null and left blank."""
    return field_class(blank=True, null=True, **kwargs)


def uuidt_pk():
    return models.UUIDField(default=pulumi_posthog.local.models.uuidt, editable=False, primary_key=True, serialize=False)


def auto_pk():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')


def created_at():
    return models.DateTimeField(auto_now_add=True)


def updated_at():
    return models.DateTimeField(auto_now=True)


def owned_by(model, related_name):
    """A foreign key whose row goes when the row it points to goes (CASCADE)."""
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name=related_name, to=f'posthog.{model}')


def refers_to(model, related_name):
    """An optional foreign key, set to null when the row it points to goes (SET_NULL)."""
    return optional(
        models.ForeignKey, on_delete=django.db.models.deletion.SET_NULL, related_name=related_name, to=f'posthog.{model}'
    )


def create_model(name, fields, **kwargs):
    return migrations.CreateModel(name=name, fields=fields, **kwargs)


def add_field(model_name, name, field):
    return migrations.AddField(model_name=model_name, name=name, field=field)


def add_fields(rows):
    """One AddField per ``(model_name, name, field)`` row, in the rows' order."""
    return [add_field(model_name, name, field) for model_name, name, field in rows]
