"""Pure detectors: fetched HTML (or stored page facts) in, facts and findings out.

No network, no database, no clock: the crawl and browser stages call these, tests call them on
small HTML. Keywords and thresholds live in config/keywords.yaml.
"""
