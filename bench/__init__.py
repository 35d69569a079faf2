"""Load benchmarks of freezer-api, side by side with the original (see bench/README.md)."""
