"""The Checks panel: what the map still lacks, in plain words, each one click from its node."""

from .panel import ChecksPanel, install

__all__ = ["ChecksPanel", "install"]
