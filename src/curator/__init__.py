"""curator: a maintenance bot for curated resource lists."""

# The single source of the version: pyproject.toml reads it from here (importlib.metadata at start-up
# cost 12 ms on every command). Code that asks the installed metadata must use DISTRIBUTION, not "curator":
# that name on the package index is an unrelated project.
__version__ = "0.1.0"

DISTRIBUTION = "curator-lists"

PROJECT_URL = "https://github.com/curator-bot/LLM-PowerHouse"

__all__ = ["DISTRIBUTION", "PROJECT_URL", "__version__"]
