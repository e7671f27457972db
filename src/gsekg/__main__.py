"""``python -m gsekg``."""

from gsekg.cli import main

main()
