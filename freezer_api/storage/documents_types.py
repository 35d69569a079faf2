"""The value types the repositories hand to and take from the domain, which declares them."""

from freezer_api.domain.ports import Prepared, Scope, StoredDocument

__all__ = ["Prepared", "Scope", "StoredDocument"]
