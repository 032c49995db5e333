"""Streamlit pages: thin views over ``Project``; no business logic here."""
