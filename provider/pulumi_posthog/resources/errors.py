"""The one base of resource-level failures: what the provider refuses or cannot do, worded for `pulumi up`."""

from __future__ import annotations


class ResourceError(Exception):
    """A step of one resource that failed or was refused; its message names the object and what to do."""
