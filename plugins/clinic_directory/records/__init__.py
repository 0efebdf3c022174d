"""Reading, checking and modelling clinic records. Never imports Pelican."""
