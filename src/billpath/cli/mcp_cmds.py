"""mcp: serve billpath's functions as MCP tools over stdio (for coding agents)."""

from __future__ import annotations

from billpath.cli.app import app


@app.command("mcp")
def mcp_cmd() -> None:
    """Serve compare, recommend, price-log, models, channels, lag, explain, scenarios as MCP tools (stdio).

    Each tool returns the same JSON as the command's --format json. Register `billpath mcp` with an agent.
    """
    from billpath.cli.mcp_server import serve_stdio

    serve_stdio()
