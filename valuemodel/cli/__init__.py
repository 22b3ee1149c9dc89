"""The command line (`python -m valuemodel ...`): parses arguments, calls data and core, prints."""
