"""The demo warehouse: seeded, deterministic data calibrated to the city's published figures.

``python -m demo`` builds it; ``demo.build.build_demo_warehouse`` does the same from code;
``demo.generator`` makes the numbers without touching a database. Everything it generates
is demo data ("dữ liệu minh họa") and is loaded in batches marked ``is_demo``.
"""
