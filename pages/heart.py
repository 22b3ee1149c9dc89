"""HEART (being built)."""

import streamlit as st

st.title("HEART")
st.info("This page is being built.")
