"""Raw rows keep their cells as a JSON array in the order of the import's headers (the header names, two thirds
of a keyed row, are stored once on the import); rows stored keyed by header are converted. The bulk-written
child tables lose their database constraints (deletes cascade through Django)."""

import django.db.models.deletion
from django.db import migrations, models


TO_ARRAYS = """
UPDATE imports_rawrecord r
SET values = (
    SELECT COALESCE(jsonb_agg(COALESCE(r.values -> h.header, '""'::jsonb) ORDER BY h.position), '[]'::jsonb)
    FROM jsonb_array_elements_text(d.headers) WITH ORDINALITY AS h(header, position)
)
FROM imports_dataimport d
WHERE d.id = r.data_import_id AND jsonb_typeof(r.values) = 'object'
"""

TO_OBJECTS = """
UPDATE imports_rawrecord r
SET values = (
    SELECT COALESCE(jsonb_object_agg(h.header, r.values -> (h.position::int - 1)), '{}'::jsonb)
    FROM jsonb_array_elements_text(d.headers) WITH ORDINALITY AS h(header, position)
    WHERE h.position <= jsonb_array_length(r.values)
)
FROM imports_dataimport d
WHERE d.id = r.data_import_id AND jsonb_typeof(r.values) = 'array'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_rawrecord_no_single_import_index"),
        ("inventory", "0007_import_links_without_db_constraints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assetrole",
            name="asset",
            field=models.ForeignKey(
                db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="inventory.asset"
            ),
        ),
        migrations.AlterField(
            model_name="assetrole",
            name="data_import",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="roles",
                to="imports.dataimport",
            ),
        ),
        migrations.AlterField(
            model_name="rawrecord",
            name="data_import",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="records",
                to="imports.dataimport",
            ),
        ),
        migrations.AlterField(
            model_name="rawrecord",
            name="values",
            field=models.JSONField(default=list, help_text="the row's cells, in the order of the import's headers"),
        ),
        migrations.RunSQL(TO_ARRAYS, TO_OBJECTS),
    ]
