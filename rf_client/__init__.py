"""rf-client."""
