from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("network", "0015_number_decisions_release_minutes")]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="number",
            field=models.PositiveIntegerField(editable=False, verbose_name="Nummer"),
        ),
        migrations.AlterField(
            model_name="historicaldecision",
            name="number",
            field=models.PositiveIntegerField(editable=False, verbose_name="Nummer"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(
                fields=("meeting", "number"), name="decision_number_unique"
            ),
        ),
    ]
