"""A stand-in for oliver006/redis_exporter's /metrics: the metric names and labels it exposes for one
Redis 7 instance (redis_up, redis_connected_clients, redis_memory_used_bytes, the keyspace and command
counters, redis_db_keys per database), counters growing with every scrape."""

from __future__ import annotations


def scrape(n: int) -> str:
    """The exposition text at the n-th scrape (n >= 1)."""
    gauges = {
        "redis_up": ("Information about the Redis instance", 1),
        "redis_connected_clients": ("connected_clients metric", 12 + n % 3),
        "redis_blocked_clients": ("blocked_clients metric", 0),
        "redis_memory_used_bytes": ("memory_used_bytes metric", 48_000_000 + 1_000 * n),
        "redis_memory_max_bytes": ("memory_max_bytes metric", 268_435_456),
        "redis_uptime_in_seconds": ("uptime_in_seconds metric", 86_400 + n),
    }
    counters = {
        "redis_commands_processed_total": ("commands_processed_total metric", 1_000_000 + 500 * n),
        "redis_keyspace_hits_total": ("keyspace_hits_total metric", 800_000 + 450 * n),
        "redis_keyspace_misses_total": ("keyspace_misses_total metric", 20_000 + 10 * n),
        "redis_evicted_keys_total": ("evicted_keys_total metric", 0),
        "redis_expired_keys_total": ("expired_keys_total metric", 3_000 + n),
        "redis_net_input_bytes_total": ("net_input_bytes_total metric", 90_000_000 + 40_000 * n),
        "redis_net_output_bytes_total": ("net_output_bytes_total metric", 400_000_000 + 160_000 * n),
    }
    lines: list[str] = []
    for name, (text, value) in gauges.items():
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge", f"{name} {value}"]
    for name, (text, value) in counters.items():
        lines += [f"# HELP {name} {text}", f"# TYPE {name} counter", f"{name} {value}"]
    lines += ["# HELP redis_db_keys Total number of keys by DB", "# TYPE redis_db_keys gauge",
              f'redis_db_keys{{db="db0"}} {5_000 + n}', 'redis_db_keys{db="db1"} 42',
              "# HELP redis_commands_total Total number of calls per command", "# TYPE redis_commands_total counter",
              f'redis_commands_total{{cmd="get"}} {700_000 + 300 * n}',
              f'redis_commands_total{{cmd="set"}} {200_000 + 150 * n}',
              "# HELP redis_instance_info Information about the Redis instance", "# TYPE redis_instance_info gauge",
              'redis_instance_info{executable="/usr/local/bin/redis-server",os="Linux 6.1.0 x86_64",'
              'redis_build_id="0",redis_mode="standalone",redis_version="7.2.4",role="master",'
              'run_id="4f0e6c1b2a",tcp_port="6379"} 1']
    return "\n".join(lines) + "\n"
