"""The monitoring server's compose stack and the app servers' agents, rendered from graf.yaml.

Every renderer is pure and returns text; `render_server` and `render_agent` return
{relative path: text}, and only `graf/commands/stack.py` writes files.

    server.py        render_server: docker-compose.yml, prometheus/, loki/, tempo/, .env.example
      compose.py       services, limits, health checks, published ports, secrets
      prometheus.py    scrape jobs per environment, server and target
      loki.py          single binary, filesystem, compactor retention, bounded caches
      tempo.py         OTLP receivers, local blocks, metrics generator
      sizing.py        size profiles (memory) and retention (time and size)
      images.py        the pinned image set and checks on overrides
    agent.py         render_agent: one app server's files
      alloy.py / promtail.py   log shipper (labels and multiline in logs.py)
      node_exporter.py         systemd unit and web config
      spring.py                the Spring Boot application.yml settings
      endpoints.py             where agents push
    up.py            docker compose and Grafana's health (I/O, for `graf stack up`)
"""
