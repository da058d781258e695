"""The router: the list of pages and the navigation (and a count of runs for /metrics). Nothing else lives here."""

import streamlit as st

from dashboard.ui import gate, navigation

navigation.count_run()
who = gate.who()  # who this run is for; the store's write checks ask the same resolver
st.set_page_config(page_title="Touchpoint dashboard", page_icon=navigation.FAVICON, layout="wide")


def _page(path: str, title: str, icon: str, url_path: str) -> st.Page:
    """A page, listed in the menu only when this person may open it."""
    return st.Page(path, title=title, icon=icon, url_path=url_path, visibility=gate.shown(who, url_path))


overview = _page("pages/overview.py", "Overview", ":material/dashboard:", "overview")
upload = _page("pages/upload.py", "Upload surveys", ":material/upload_file:", "upload")
reputation = _page("pages/reputation.py", "Reputation plan", ":material/flag:", "reputation")
cycle_map = _page("pages/map.py", "Service cycle map", ":material/route:", "map")
settings = _page("pages/settings.py", "Settings", ":material/settings:", "settings")
impressions = _page("pages/impressions.py", "Impressions", ":material/grid_on:", "impressions")
customer_flow = _page("pages/flow.py", "Customer flow", ":material/filter_alt:", "flow")
workshop = _page("pages/workshop.py", "Workshop", ":material/groups:", "workshop")
present = st.Page("pages/present.py", title="Presenter view", url_path="present", visibility="hidden")


def _home() -> None:
    """The bare address opens the Overview under its own URL, so links to it look the same."""
    st.switch_page(overview)


pages = [
    st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden"),
    overview,
    impressions,
    customer_flow,
    cycle_map,
    upload,
    reputation,
    workshop,
    settings,
    present,
]

# The projector sees its page alone, without the navigation. Phones use the light page at /w/CODE
# (dashboard/web/participant_page.py), served beside these pages. Before signing in, every
# address shows the sign-in screen; a page this person may not open shows why instead.
gate.run(st.navigation(pages, position=gate.position(who)), who)
