"""An asset role's asset is indexed once: the field's own index repeated Meta's `assetrole_asset`, and every role
the classification phase writes (one per asset of an import) paid for both."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_import_raw_cells_as_arrays_no_db_constraints"),
        ("inventory", "0009_import_no_insert_cost_for_deleted_and_editor_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assetrole",
            name="asset",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="inventory.asset",
            ),
        ),
    ]
