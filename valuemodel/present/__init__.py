"""Presentation: number formats, sentences, tables and Altair charts.

No streamlit, no sqlalchemy."""
