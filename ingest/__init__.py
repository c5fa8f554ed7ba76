"""The loader: validate and load monthly submissions, capital plans and targets.

Used by the Data page and by ``python -m ingest`` (see ``ingest/__main__.py``). Reading a
file (:mod:`ingest.read`), its layouts (:mod:`ingest.layouts`), the rules
(:mod:`ingest.validate`), the messages (:mod:`ingest.problems`) and the operations on a
warehouse (:mod:`ingest.service`). No Streamlit here.
"""
