"""Value (being built)."""

import streamlit as st

st.title("Value")
st.info("This page is being built.")
