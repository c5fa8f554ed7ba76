"""Pure indicator logic: the registry, status rules, projections. No Streamlit, no I/O."""
