"""The inventory's vocabulary columns and the import engine's vocabularies are written in two places
(model choices with labels, normaliser rules): they must name the same canonical values."""

from __future__ import annotations

from django.db import models

from imports.engine.vocabularies import VOCABULARIES
from inventory.models import Application, Asset


def test_every_vocabulary_column_offers_exactly_the_engines_values() -> None:
    checked = []
    for model in (Asset, Application):
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField) and field.choices and field.name in VOCABULARIES:
                offered = [value for value, _ in field.choices]
                assert offered == list(VOCABULARIES[field.name].values), (model.__name__, field.name)
                checked.append(field.name)
    assert {"environment", "criticality", "status", "asset_type", "os_family"} <= set(checked)
