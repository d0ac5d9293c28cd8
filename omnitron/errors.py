"""
Errors of the service layer.

A `ServiceError` means the request was well formed but the service refuses it given the data it
holds: moving a POS to another channel, deleting a bank that cards still use, a BIN that already
belongs to another card. Each carries a stable `code` a client can switch on
(`<resource>_<group>_<n>`) and a message for people. The API's exception handler answers it as
`406 {"non_field_errors": "<message>", "error_code": "<code>"}`.
"""


class ServiceError(Exception):
    """A refusal by the service layer, with a machine-readable code."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return f"{self.code}: {self.message}"


class ChannelChangeError(ServiceError):
    """An update tried to move an object to another sales channel."""


class CrossChannelError(ServiceError):
    """An object refers to something that belongs to another sales channel."""


class ProtectedDeleteError(ServiceError):
    """A delete refused because other objects still refer to the object."""


class ConflictError(ServiceError):
    """A value already taken by another object (such as a BIN on another card)."""


class InvalidConfigError(ServiceError):
    """A gateway configuration that does not satisfy the gateway's schema."""


class FileError(ServiceError):
    """An uploaded file refused as a whole: missing, not CSV text, or too large."""


class FileTooLargeError(FileError):
    """An upload larger than the limit of `max_bytes` (`file_100_3`); the message gives it."""

    def __init__(self, max_bytes):
        limit = f"{max_bytes:,} bytes"
        if max_bytes >= 1024 * 1024:
            limit += f" ({max_bytes / (1024 * 1024):g} MB)"
        super().__init__(f"The file is larger than the upload limit of {limit}.", "file_100_3")
