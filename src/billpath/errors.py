"""Errors a user can act on. The CLI prints their message on one line and exits 1."""


class BillpathError(Exception):
    """Base of every error billpath reports to a user instead of a traceback."""


class UnknownModel(BillpathError):
    def __init__(self, message: str, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)  # the closest known ids, for a page to offer


class UnknownChannel(BillpathError):
    pass


class CatalogError(BillpathError):
    pass


class UsageError(BillpathError):
    """Bad usage numbers (negative, non-numeric, inconsistent)."""
