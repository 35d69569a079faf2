"""Test support: databases, a real server process, HTTP callers, document factories."""
