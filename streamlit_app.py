"""Streamlit entry point: ``streamlit run streamlit_app.py``. The app itself lives in explorer/app."""

from explorer.app.main import main

main()
