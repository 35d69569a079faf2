"""Domain errors. The HTTP edge maps each class to one status code."""


class FreezerError(Exception):
    """Base class: a request the domain refuses, with a title and a reason."""

    title = "Error"

    def __init__(self, description: str, title: str | None = None):
        super().__init__(description)
        self.description = description
        if title is not None:
            self.title = title


class BadRequest(FreezerError):
    title = "Bad request format"


class Forbidden(FreezerError):
    title = "Access Forbidden"


class NotFound(FreezerError):
    title = "Not Found"


def not_found(noun: str, doc_id: str, project_id: str) -> NotFound:
    """The NotFound of a lookup by id: `noun` is "backup", "job", ...; a long id is cut short."""
    return NotFound(f"No {noun} with id {doc_id[:300]!r} in project {project_id!r}.")


class Conflict(FreezerError):
    # The original API's title for a duplicate id, which clients may match on.
    title = "Document already existing"


class ConcurrentChange(Conflict):
    """Other requests kept changing the document this one needed; retrying may succeed."""

    title = "Conflicting change"

    def __init__(self, description: str = "The document was changed by another request; try again."):
        super().__init__(description)


class Unprocessable(FreezerError):
    title = "Unprocessable Entity"


class UnknownAction(FreezerError):
    """An action name a resource does not know (405 'Bad Method', as the original answered)."""

    title = "Bad Method"


class Unavailable(FreezerError):
    """The database cannot be reached; the caller should retry later."""

    title = "Service Unavailable"
