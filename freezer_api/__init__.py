"""freezer-api: the catalog and control plane of the Freezer backup platform."""
