"""The service layer: one rule in one place, for the JSON API, the web pages, the CLI
and the report."""
