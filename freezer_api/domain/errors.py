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


class Conflict(FreezerError):
    title = "Document already existing"


class Unprocessable(FreezerError):
    title = "Unprocessable Entity"


class UnknownAction(FreezerError):
    """An action name a resource does not know (405 'Bad Method', as the original answered)."""

    title = "Bad Method"


class Unavailable(FreezerError):
    """The database cannot be reached; the caller should retry later."""

    title = "Service Unavailable"
