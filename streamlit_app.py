"""The router: the list of pages and the navigation (and a count of runs for /metrics). Nothing else lives here."""

import streamlit as st

from dashboard.ui import access, navigation

overview = st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview")
upload = st.Page("pages/upload.py", title="Upload surveys", icon=":material/upload_file:", url_path="upload")
reputation = st.Page("pages/reputation.py", title="Reputation plan", icon=":material/flag:", url_path="reputation")
cycle_map = st.Page("pages/map.py", title="Service cycle map", icon=":material/route:", url_path="map")
settings = st.Page("pages/settings.py", title="Settings", icon=":material/settings:", url_path="settings")
impressions = st.Page("pages/impressions.py", title="Impressions", icon=":material/grid_on:", url_path="impressions")
customer_flow = st.Page("pages/flow.py", title="Customer flow", icon=":material/filter_alt:", url_path="flow")
workshop = st.Page("pages/workshop.py", title="Workshop", icon=":material/groups:", url_path="workshop")
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

navigation.count_run()
access.principal()  # who this run is for; the store's write checks ask the same resolver
st.set_page_config(page_title="Touchpoint dashboard", page_icon=navigation.FAVICON, layout="wide")
# The projector sees its page alone, without the navigation. Phones use the light page at /w/CODE
# (dashboard/web/participant_page.py), served beside these pages.
st.navigation(pages, position=navigation.navigation_position()).run()
