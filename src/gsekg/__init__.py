"""gsekg: a knowledge graph of the Global Smart Education Conference series and GSENet."""

__version__ = "0.1.0"
