"""The one exception type the engine raises for anything a user got wrong."""


class GdsimError(ValueError):
    """A user-facing error (bad name, value or file); its message is shown as it is."""
