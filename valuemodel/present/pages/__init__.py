"""One page model per page: the tiles, sentences, tables and charts a page shows, pure.

A page script in `views/` reads its widgets, calls its page model and renders what it
returns; the rules and wording live here, where unit tests reach them.
"""
