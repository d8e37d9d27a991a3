"""The name sort index includes `name`, so that a deep page's ids come from an index-only scan (selectors.page_rows).

PostgreSQL considers an index-only scan of an expression index (`lower(name)`) only when the columns the
expression reads are in the index too.
"""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_drop_indexes_other_indexes_cover")]

    operations = [
        migrations.RemoveIndex(model_name="asset", name="asset_list_name"),
        migrations.AddIndex(
            model_name="asset",
            index=models.Index(
                models.F("engagement"),
                django.db.models.functions.text.Lower("name"),
                models.F("id"),
                condition=models.Q(("deleted_at__isnull", True)),
                include=("name",),
                name="asset_list_name",
            ),
        ),
    ]
