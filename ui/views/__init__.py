"""The Streamlit pages (run by path through ``st.navigation``, see :mod:`ui.nav`); a package
so that the import contracts of pyproject.toml check them too. Not named ``pages``: Streamlit
serves a ``pages/`` directory next to the main script as its automatic multipage app (raw file
names in a sidebar) to a freshly started server's first request."""
