"""The Streamlit edge: the one part of the package that imports Streamlit.

One module per concept, each used by the pages directly:

- ``cached``: the shared store (one per server process) and cached reads of the workspace, the
  map and the plan, keyed by the store's data version so that every write refreshes them;
- ``questions``: the leadership questions, answered from the roll-ups and cached the same way;
- ``filters``: the shared filter bar, its state kept in the URL;
- ``url_state``: page selections in the URL, checked in one place and remembered across pages;
- ``chart_focus``: what a chart click narrowed a page to, and the charts that set it;
- ``wide``: charts with a minimum width, scrolled sideways on a narrower screen (a phone);
- ``downloads``: PNG, CSV and XLSX downloads made only when clicked;
- ``navigation``: page routing, links between pages, the bare pages (phone and projector);
- ``feedback``: running a write and confirming it on the next run;
- ``confirm``: destructive actions ask first (a plain button, then a question with Cancel);
- ``importing``: survey import through the edge (previews kept per session, commit with progress);
- ``import_editor``: the widgets that correct what was detected in a survey tool's export;
- ``touchpoint_form`` and ``ideas_panel``: the map page's form for a touchpoint and its ideas.

Pages call these functions and render; they never see SQL.
"""
