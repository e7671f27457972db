"""gsekg: a knowledge graph of the Global Smart Education Conference series and GSENet."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gsekg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
