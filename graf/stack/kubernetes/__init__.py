"""The Kubernetes target: Helm values for the official charts, rendered from the same graf.yaml.

    charts.py     the pinned charts (repository, version, image tag) and the release names
    sizing.py     memory requests/limits per component, with the sources of each figure
    storage.py    the S3-compatible object store the values point at (credentials only as ${VAR})
    values.py     one values file per chart; Loki and Tempo configs come from graf/stack/loki.py and tempo.py
    render.py     render_kubernetes: {relative path: text}, plus install.sh
    capacity.py   which target fits the expected volumes (`graf stack plan-capacity`)
"""
