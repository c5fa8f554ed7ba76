"""Figures: pure ``make_<chart>_figure(frame, …) -> go.Figure`` functions (plotly), and the
map (pydeck). No Streamlit here; the pages draw what these return, and tests read
``figure.to_dict()``."""
