"""Portals and their network (SPEC 5 "Scope"): the registry, URL canonicalisation, scope, page
requisites, the network map, public suffixes. No Scrapy."""
