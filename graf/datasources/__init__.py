"""graf's datasources: Prometheus, Loki and Tempo with the links between them."""
