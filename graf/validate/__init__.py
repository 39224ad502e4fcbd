"""Schema and lint checks for rendered (and hand-made) resources."""
