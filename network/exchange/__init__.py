"""Intervision (kollegiale Fallberatung): cases of the members, consulted on in phases.

models: network/models/exchange.py; who may do what: rules.py; writes: services.py;
links to the topic apps' objects and what a conclusion may become: links.py (hooks
`case_link_sources` and `case_outcomes` in network/plugins.py).
"""
