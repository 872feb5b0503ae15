"""curator: a maintenance bot for curated resource lists."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("curator")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

PROJECT_URL = "https://github.com/curator-bot/LLM-PowerHouse"

__all__ = ["PROJECT_URL", "__version__"]
