"""The Streamlit shell: bootstrap, shared frame, cached data access and rendering helpers.

Only this package and `views/` (the page scripts) import streamlit; `valuemodel` stays
pure or data-only.
"""
