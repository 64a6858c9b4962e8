"""The HTTP API and calculator page (`billpath serve`). FastAPI is imported only here, never at CLI start-up."""
