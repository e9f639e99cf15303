"""Views that survive a refresh and can be shared: the page's main choice mirrored in its address.

Streamlit keeps widget values per browser session, so a refresh (or a link sent to a colleague) used to
open every page on its defaults: the question gone, another passage picked. Each page now writes its
main choice to the address (``/?q=...&mode=lexical&k=4`` on Ask, the default page, where ``/ask?q=...``
leads too; ``/passages?passage=...``,
``/themes?theme=...``) and reads it back when the session has no choice of its own yet. A link to a passage
or theme that is not there any more says so on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def restore(key: str, parameter: str, parse: Callable[[str], T] = str) -> T | None:
    """Set widget ``key`` from the address's ``parameter`` when this session has no value for it yet
    (a refresh or an opened link); the value, or None. A value ``parse`` refuses is ignored."""
    if key in st.session_state or parameter not in st.query_params:
        return None
    try:
        value = parse(st.query_params[parameter])
    except ValueError:
        return None
    st.session_state[key] = value
    return value


def remember(parameter: str, value: object | None) -> None:
    """Show ``value`` in the address as ``parameter`` (None or empty removes it); unchanged values are not
    written again, so the browser's history is not filled with copies."""
    text = "" if value is None else str(value)
    if not text:
        if parameter in st.query_params:
            del st.query_params[parameter]
        return
    if st.query_params.get(parameter) != text:
        st.query_params[parameter] = text
