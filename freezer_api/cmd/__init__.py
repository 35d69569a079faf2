"""Command-line entry points: freezer-api and freezer-manage."""
