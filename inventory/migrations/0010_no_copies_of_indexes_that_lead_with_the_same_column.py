"""Foreign keys without an index of their own where another index already leads with their column: the
applications' engagement, the application dependencies' and asset connections' source and target (Meta's target
indexes and the unique constraints lead with them). Every connection an import writes maintained two copies."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0001_initial"),
        ("inventory", "0009_import_no_insert_cost_for_deleted_and_editor_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="engagement",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="applications",
                to="engagements.engagement",
            ),
        ),
        migrations.AlterField(
            model_name="applicationdependency",
            name="source",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dependencies_out",
                to="inventory.application",
            ),
        ),
        migrations.AlterField(
            model_name="applicationdependency",
            name="target",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dependencies_in",
                to="inventory.application",
            ),
        ),
        migrations.AlterField(
            model_name="assetconnection",
            name="source",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections_out",
                to="inventory.asset",
            ),
        ),
        migrations.AlterField(
            model_name="assetconnection",
            name="target",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections_in",
                to="inventory.asset",
            ),
        ),
    ]
