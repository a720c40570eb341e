"""Monitor Inburgering Utrecht: from the open data package to tables, charts, sentences and site sources."""

__version__ = "1.0.0"
