"""The pinned Helm charts of the Kubernetes target, their image tags and the Services graf points at.

Chart versions and naming rules: `../shared/reference/helm/README.md`. Loki, Grafana and
tempo-distributed come from grafana-community (they moved there in 2026; the grafana/loki chart 7.x
is for Grafana Enterprise Logs only); Alloy from Grafana's repository. The metrics store is
Prometheus from prometheus-community (README "When one box is not enough" says why not Mimir).
A chart's `fullname` is the release name when the release name contains the chart name, so the
release names below give Services named `loki-gateway`, `tempo-query-frontend` and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAFANA_COMMUNITY = ("grafana-community", "https://grafana-community.github.io/helm-charts")
GRAFANA = ("grafana", "https://grafana.github.io/helm-charts")
PROMETHEUS_COMMUNITY = ("prometheus-community", "https://prometheus-community.github.io/helm-charts")


@dataclass(frozen=True)
class Chart:
    release: str
    repo: tuple[str, str]  # (helm repo name, URL)
    chart: str
    version: str
    image_tag: str
    reference: str | None  # folder under ../shared/reference/helm with its values.yaml; None: not available here

    @property
    def ref(self) -> str:
        return f"{self.repo[0]}/{self.chart}"

    @property
    def values_file(self) -> str:
        return f"{self.release}.yaml"


# Install order: the metrics store first (Tempo's generator writes to it), Grafana after the stores.
PROMETHEUS = Chart("prometheus", PROMETHEUS_COMMUNITY, "prometheus", "27.19.0", "v3.13.2", None)
LOKI = Chart("loki", GRAFANA_COMMUNITY, "loki", "18.11.0", "3.7.6", "loki-community")
TEMPO = Chart("tempo", GRAFANA_COMMUNITY, "tempo-distributed", "3.3.0", "3.0.3", "tempo-distributed")
GRAFANA_CHART = Chart("grafana", GRAFANA_COMMUNITY, "grafana", "12.11.1", "13.2.0", "grafana")
ALLOY = Chart("alloy", GRAFANA, "alloy", "1.11.1", "v1.18.1", "alloy")
CHARTS = (PROMETHEUS, LOKI, TEMPO, GRAFANA_CHART, ALLOY)


def service(namespace: str, name: str, port: int | None = None, path: str = "") -> str:
    """The in-cluster URL of a Service (port 80 left out)."""
    at = "" if port in (None, 80) else f":{port}"
    return f"http://{name}.{namespace}.svc.cluster.local{at}{path}"


def endpoints(namespace: str) -> dict[str, str]:
    """What Grafana queries and what agents push to, from the charts' naming rules (helm README)."""
    return {
        "prometheus": service(namespace, f"{PROMETHEUS.release}-server"),
        "prometheus_write": service(namespace, f"{PROMETHEUS.release}-server", path="/api/v1/write"),
        "loki": service(namespace, f"{LOKI.release}-gateway"),
        "loki_push": service(namespace, f"{LOKI.release}-gateway", path="/loki/api/v1/push"),
        "tempo": service(namespace, f"{TEMPO.release}-query-frontend", 3200),
        "otlp_grpc": f"{TEMPO.release}-distributor.{namespace}.svc.cluster.local:4317",
        "otlp_http": service(namespace, f"{TEMPO.release}-distributor", 4318),
    }
