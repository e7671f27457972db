"""The baseline a user could write without gsekg: parse RDF files with rdflib, run one query.

    python bench/rdflib_query.py QUERY_FILE RDF_FILE...

Prints the SELECT results as CSV. The prefixes gsekg predeclares are passed as ``initNs``.
"""

import sys
import warnings
from pathlib import Path

import rdflib

from gsekg.namespaces import PREFIXES

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


def main() -> None:
    """Parse the files into one dataset (SPARQL sees the union of its graphs) and query it."""
    warnings.simplefilter("ignore", DeprecationWarning)
    query = Path(sys.argv[1]).read_text(encoding="utf-8")
    dataset = rdflib.Dataset(default_union=True)
    for name in sys.argv[2:]:
        dataset.parse(name, format=FORMATS[Path(name).suffix])
    result = dataset.query(query, initNs=PREFIXES)
    sys.stdout.write(result.serialize(format="csv").decode("utf-8"))


if __name__ == "__main__":
    main()
