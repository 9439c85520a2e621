"""The ``congan`` command: one module per noun (``congan/cli/<noun>.py``)."""
