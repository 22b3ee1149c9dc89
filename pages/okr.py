"""OKR ladder-up (being built)."""

import streamlit as st

st.title("OKR ladder-up")
st.info("This page is being built.")
