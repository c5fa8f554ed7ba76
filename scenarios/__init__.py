"""The scenario workspace's engine: levers as data, a scenario validated as a whole,
simulated on the projection engine's calibrated paths; goal seek, the tornado sweep and a
written summary. Runs without Streamlit (a notebook, the command line, the benchmark).
"""
