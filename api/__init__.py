"""The composition root: settings, the FastAPI app, routes, the CLI."""
