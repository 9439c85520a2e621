"""The ``congan`` command line and web interface: thin layers over archive/ and scrapers/."""
