"""normandie: the Normandy tech ecosystem from the command line."""

__version__ = "0.1.0"
