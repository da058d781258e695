"""The router: the list of pages and the navigation. Nothing else lives here."""

import streamlit as st

overview = st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview")
upload = st.Page("pages/upload.py", title="Upload surveys", icon=":material/upload_file:", url_path="upload")
reputation = st.Page("pages/reputation.py", title="Reputation plan", icon=":material/flag:", url_path="reputation")


def _home() -> None:
    """The bare address opens the Overview under its own URL, so links to it look the same."""
    st.switch_page(overview)


pages = [
    st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden"),
    overview,
    upload,
    reputation,
]

st.set_page_config(page_title="Touchpoint dashboard", page_icon=":material/hub:", layout="wide")
st.navigation(pages).run()
