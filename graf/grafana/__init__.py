"""The only code that talks to Grafana: client, plan, apply, export."""
