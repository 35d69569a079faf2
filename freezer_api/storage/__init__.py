"""Storage: tables, migrations, engine setup and document repositories."""
