"""Redis: a team dashboard for the redis_exporter (oliver006/redis_exporter) on the app servers.

Add it to graf.yaml with the scrape target that feeds it (examples/redis/graf.yaml): graf's Prometheus
scrapes the exporter as job `redis` with the environment and host labels, so every query below filters
on `$environment` like the built-in dashboards do.
"""

from __future__ import annotations

from grafanalib.core import Dashboard, Template

from graf.context import RenderContext
from graf.dashboards.common import environment_variable, frame, legend
from graf.dashboards.panels import GREEN, ORANGE, RED, prom, row, stat, timeseries

JOB = "redis"  # servers[].scrape[].job in graf.yaml


def dashboard(ctx: RenderContext) -> Dashboard:
    lb = ctx.labels
    sel = f'{{{lb.environment}="$environment", job="{JOB}", {lb.instance}=~"$instance"}}'
    instance = Template(name="instance", label="Instance", dataSource="prometheus", includeAll=True, multi=True,
                        query=f'label_values(redis_up{{{lb.environment}="$environment", job="{JOB}"}}, {lb.instance})',
                        allValue=".*", default="$__all", refresh=2, sort=1)
    by_instance = legend(ctx, "{{instance}}")
    panels = [
        row("At a glance"),
        stat("Up", "Redis instances the exporter reaches (redis_up) out of those scraped.",
             [prom(f"sum(redis_up{sel})", instant=True)], unit="none",
             thresholds=((RED, None), (GREEN, 1))),
        stat("Clients", "Connected clients over all instances.",
             [prom(f"sum(redis_connected_clients{sel})", instant=True)], unit="none"),
        stat("Memory used", "Memory Redis has allocated, over all instances.",
             [prom(f"sum(redis_memory_used_bytes{sel})", instant=True)], unit="bytes"),
        stat("Hit ratio", "Share of key lookups that found the key, over the last 5 minutes.",
             [prom(f"sum(rate(redis_keyspace_hits_total{sel}[5m])) / (sum(rate(redis_keyspace_hits_total{sel}[5m])) "
                   f"+ sum(rate(redis_keyspace_misses_total{sel}[5m])))", instant=True)],
             unit="percentunit", thresholds=((RED, None), (ORANGE, 0.8), (GREEN, 0.95)), min=0, max=1),
        stat("Keys", "Keys in all databases.", [prom(f"sum(redis_db_keys{sel})", instant=True)], unit="none"),
        stat("Uptime", "Time since the oldest instance started.",
             [prom(f"max(redis_uptime_in_seconds{sel})", instant=True)], unit="s", graph=False),
        row("Load"),
        timeseries("Commands per second", "Commands processed by each instance.",
                   [prom(f"sum by ({lb.instance}) (rate(redis_commands_processed_total{sel}[$__rate_interval]))",
                         by_instance)], unit="ops"),
        timeseries("Hits and misses", "Key lookups that found the key and that did not.",
                   [prom(f"sum(rate(redis_keyspace_hits_total{sel}[$__rate_interval]))", "hits"),
                    prom(f"sum(rate(redis_keyspace_misses_total{sel}[$__rate_interval]))", "misses")], unit="ops"),
        timeseries("Memory", "Memory used by each instance and its maxmemory (0: no limit).",
                   [prom(f"redis_memory_used_bytes{sel}", legend(ctx, "used {{instance}}")),
                    prom(f"redis_memory_max_bytes{sel} > 0", legend(ctx, "max {{instance}}"))], unit="bytes"),
        timeseries("Clients", "Connected and blocked clients per instance.",
                   [prom(f"redis_connected_clients{sel}", legend(ctx, "connected {{instance}}")),
                    prom(f"redis_blocked_clients{sel}", legend(ctx, "blocked {{instance}}"))], unit="none"),
        timeseries("Evicted and expired keys", "Keys dropped for maxmemory, and keys that expired.",
                   [prom(f"sum(rate(redis_evicted_keys_total{sel}[$__rate_interval]))", "evicted"),
                    prom(f"sum(rate(redis_expired_keys_total{sel}[$__rate_interval]))", "expired")], unit="ops"),
        timeseries("Network", "Bytes received and sent by each instance.",
                   [prom(f"rate(redis_net_input_bytes_total{sel}[$__rate_interval])", legend(ctx, "in {{instance}}")),
                    prom(f"rate(redis_net_output_bytes_total{sel}[$__rate_interval])",
                         legend(ctx, "out {{instance}}"))], unit="Bps"),
    ]
    return frame(ctx, "redis", title="Redis", description="Redis instances of the environment, from redis_exporter.",
                 panels=panels, variables=[environment_variable(ctx), instance], with_application=False)
