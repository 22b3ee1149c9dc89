"""AppTest runs share the process's Streamlit caches: start every test with empty ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    yield
    st.cache_data.clear()
