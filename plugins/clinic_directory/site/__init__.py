"""The Pelican plugin: signals, the generator and everything it writes."""
