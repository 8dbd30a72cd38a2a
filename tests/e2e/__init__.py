"""End-to-end tests against the real inference server."""
