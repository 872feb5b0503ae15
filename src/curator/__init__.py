"""curator: a maintenance bot for curated resource lists."""

# The single source of the version: pyproject.toml reads it from here (importlib.metadata at start-up
# cost 12 ms on every command).
__version__ = "0.1.0"

PROJECT_URL = "https://github.com/curator-bot/LLM-PowerHouse"

__all__ = ["PROJECT_URL", "__version__"]
