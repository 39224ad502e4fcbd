"""The only code that talks to Grafana: client (over transport: http.client, or niquests through a proxy),
kinds (one file per kind), record, rule groups, plan, apply, export. It takes data (desired resources, a
scope, an interval) and never renders: `graf.target.Target` gathers those."""
