"""Grafana-managed alert rules, contact point and notification policy per environment."""
