"""The Streamlit shell: bootstrap, shared frame, cached data access and rendering helpers.

Only this package and `pages/` import streamlit; `valuemodel` stays pure or data-only.
"""
