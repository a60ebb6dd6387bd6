"""SIGAP in the browser: log in, then the pages the user's role may open.

Run with ``sigap run`` (or ``streamlit run ui/app.py``). Each page is a thin
script over :mod:`desk`, :mod:`kb` and :mod:`suggest`; this file only logs
people in and builds the navigation their role allows.
"""

from __future__ import annotations

import streamlit as st

from desk import AuthenticationFailed, can
from ui.common import current_user, desk_services, log_in, log_out

st.set_page_config(page_title="SIGAP", page_icon=":material/support_agent:", layout="wide")

# (script, title, icon, permission, url path)
PAGES = (
    ("views/console.py", "Konsol agen", ":material/call:", "console", "konsol"),
    ("views/team_leader.py", "Team leader", ":material/supervisor_account:", "escalations", "tl"),
    ("views/curation.py", "Kurasi KB", ":material/menu_book:", "curation", "kurasi"),
    ("views/eval_qa.py", "Evaluasi & QA", ":material/monitoring:", "evaluation", "evaluasi"),
)


def login() -> None:
    st.title("SIGAP")
    st.caption("Saran jawaban untuk agen Kring Pajak dan Samsat")
    with st.form("login", clear_on_submit=False):
        username = st.text_input("Nama pengguna", key="login_username")
        password = st.text_input("Kata sandi", type="password", key="login_password")
        submitted = st.form_submit_button("Masuk", type="primary")
    if submitted:
        try:
            user = desk_services().users.authenticate(username, password)
        except AuthenticationFailed as exc:
            st.error(str(exc))
        else:
            log_in(user)
            st.rerun()


user = current_user()
if user is None:
    page = st.navigation([st.Page(login, title="Masuk", icon=":material/login:")])
else:
    allowed = [
        st.Page(script, title=title, icon=icon, url_path=path)
        for script, title, icon, permission, path in PAGES
        if can(user.role, permission)
    ]
    with st.sidebar:
        st.markdown(f"**{user.display_name}**  \n{user.role_label}")
        st.button("Keluar", key="logout", on_click=log_out)
    page = st.navigation(allowed)
page.run()
