"""Errors a user can act on. The CLI prints their message on one line and exits 1."""


class BillpathError(Exception):
    """Base of every error billpath reports to a user instead of a traceback."""


class UnknownModel(BillpathError):
    pass


class UnknownChannel(BillpathError):
    pass


class CatalogError(BillpathError):
    pass


class UsageError(BillpathError):
    """Bad usage numbers (negative, non-numeric, inconsistent)."""
