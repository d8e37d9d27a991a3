"""Application dependencies and asset connections without database constraints, as the other bulk-written tables:
their three deferred checks a row cost more at the commit than the insert (6.2 s against 4.5 s for 290,000
dependencies derived from connections). Deletes cascade through Django."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0001_initial"),
        ("inventory", "0010_no_copies_of_indexes_that_lead_with_the_same_column"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicationdependency",
            name="engagement",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="application_dependencies",
                to="engagements.engagement",
            ),
        ),
        migrations.AlterField(
            model_name="applicationdependency",
            name="source",
            field=models.ForeignKey(
                db_constraint=False,
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
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="dependencies_in",
                to="inventory.application",
            ),
        ),
        migrations.AlterField(
            model_name="assetconnection",
            name="engagement",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="asset_connections",
                to="engagements.engagement",
            ),
        ),
        migrations.AlterField(
            model_name="assetconnection",
            name="source",
            field=models.ForeignKey(
                db_constraint=False,
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
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="connections_in",
                to="inventory.asset",
            ),
        ),
    ]
