"""import_applications FILE --tenant SLUG --engagement NAME [...]: import_inventory for application files."""

from __future__ import annotations

from .import_inventory import Command as ImportInventory


class Command(ImportInventory):
    help = "Import an application inventory file (Konveyor CSV and the like) into an engagement."
    default_kind = "applications"
