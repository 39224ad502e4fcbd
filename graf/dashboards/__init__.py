"""graf's built-in dashboards, one module each: `dashboard(ctx)` returns a grafanalib Dashboard."""
