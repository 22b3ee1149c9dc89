"""The pure core: domain rules and arithmetic. Imports no streamlit, sqlalchemy or altair."""
