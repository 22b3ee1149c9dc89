"""Data access: settings, the one engine, named SQL queries, schema, store, import. No streamlit."""
