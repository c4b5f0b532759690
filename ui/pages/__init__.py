"""The Streamlit pages (run by path through ``st.navigation``, see :mod:`ui.nav`); a package
so that the import contracts of pyproject.toml check them too."""
