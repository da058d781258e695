"""The server's Prometheus metrics, in one registry of their own.

Kept apart from ``dashboard.web`` (Starlette) so the Streamlit edge can count script runs
without importing the HTTP layer. A registry of our own, not the library's global one, so a
test can read exactly these series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "dashboard_http_requests",
    "HTTP requests answered, by method, route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "dashboard_http_request_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SCRIPT_RUNS = Counter("dashboard_script_runs", "Page script runs (each rerun of a page counts).", registry=REGISTRY)


class WorkspaceTotals(Collector):
    """Imports committed and impressions held, read from the workspace at scrape time.

    Counted from the database rather than at each write, so writes by the pages, the API and
    the command line all count, and the figures survive a restart.
    """

    def __init__(self, read: Callable[[], tuple[int, dict[str, int]]]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        imports, by_source = self.read()
        imported = CounterMetricFamily("dashboard_imports", "Survey imports committed (undone ones too).")
        imported.add_metric([], imports)
        # A gauge: undoing an import takes its impressions away again.
        written = GaugeMetricFamily(
            "dashboard_impressions", "Impressions in the workspace, by source.", labels=["source"]
        )
        for source, count in sorted(by_source.items()):
            written.add_metric([source], count)
        yield imported
        yield written


_WATCHED: list[WorkspaceTotals] = []


def watch_workspace(read: Callable[[], tuple[int, dict[str, int]]]) -> None:
    """Reports the workspace's totals at every scrape (registered once per process; a later
    call, from a server restarted in the same process, replaces what is read)."""
    if _WATCHED:
        _WATCHED[0].read = read
        return
    _WATCHED.append(WorkspaceTotals(read))
    REGISTRY.register(_WATCHED[0])
